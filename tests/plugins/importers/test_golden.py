"""Golden files: each sample file under golden/<plugin>/ is read with that
plugin, and the mapping, the canonical values and the normalised result (or
the reason a row is refused) must equal <file>.expected.json beside it. Each
sample read with no plugin named must choose the plugin of its folder (the
plugin that recognises most columns).

To add a sample: put the file in golden/<plugin>/, run
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/plugins/importers/test_golden.py`,
read the JSON it wrote line by line, and commit both."""

import dataclasses
import datetime
import json
import os
from pathlib import Path

import pytest

from backoffice.imports.pipeline import iter_records, plan_file
from backoffice.imports.plugins import importer_get
from backoffice.imports.readers import FileProblem

GOLDEN = Path(__file__).parent / "golden"
SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods"}
SAMPLES = sorted(p for p in GOLDEN.glob("*/*") if p.suffix in SUFFIXES)
# Samples in a format this branch's readers refuse; their expected results are
# those of a twin with the same rows (see golden/README.md).
NOT_READ_YET: dict[str, str] = {}  # sample -> why it cannot be read yet (xfail)


def _name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _samples():
    params = []
    for path in SAMPLES:
        reason = NOT_READ_YET.get(_name(path))
        marks = [pytest.mark.xfail(reason=reason, raises=FileProblem, strict=True)] if reason else []
        params.append(pytest.param(path, marks=marks, id=_name(path)))
    return params


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def read_sample(path: Path) -> dict:
    importer = importer_get(path.parent.name)
    plan = plan_file(path, importer=importer, filename=path.name)
    return {
        "importer": importer.identifier,
        "header_row": plan.header_row,
        "mapping": dict(plan.describe()),
        "records": [
            {
                "row": record.row_number,
                "values": _jsonable(record.values),
                "clean": _jsonable(record.clean) if record.clean else None,
                "problem": record.problem,
            }
            for record in iter_records(path, plan)
        ],
    }


@pytest.mark.parametrize("sample", _samples())
def test_golden_sample_reads_as_expected(sample):
    expected_path = sample.with_name(sample.name + ".expected.json")
    result = read_sample(sample)
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    assert result == json.loads(expected_path.read_text())


@pytest.mark.parametrize("sample", _samples())
def test_golden_sample_is_recognised_by_its_plugin_when_none_is_named(sample):
    plan = plan_file(sample, filename=sample.name)
    assert plan.importer.identifier == sample.parent.name
    assert plan.header_row == json.loads(
        sample.with_name(sample.name + ".expected.json").read_text())["header_row"]


def test_every_plugin_has_a_golden_sample():
    from backoffice.imports.plugins import importers

    covered = {p.parent.name for p in SAMPLES}
    assert set(importers()) <= covered
