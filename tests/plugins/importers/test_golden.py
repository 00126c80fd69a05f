"""Golden files: each sample file under golden/<plugin>/ is read with that
plugin, and the mapping, the canonical values and the normalised result (or
the reason a row is refused) must equal <file>.expected.json beside it.

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

GOLDEN = Path(__file__).parent / "golden"
SAMPLES = sorted(
    p for p in GOLDEN.glob("*/*") if p.suffix in {".csv", ".xlsx"}
)


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


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_sample_reads_as_expected(sample):
    expected_path = sample.with_name(sample.name + ".expected.json")
    result = read_sample(sample)
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    assert result == json.loads(expected_path.read_text())


def test_every_plugin_has_a_golden_sample():
    from backoffice.imports.plugins import importers

    covered = {p.parent.name for p in SAMPLES}
    assert set(importers()) <= covered
