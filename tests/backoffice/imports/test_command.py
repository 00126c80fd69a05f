import json

import pytest
from django.core.management import CommandError, call_command

from backoffice.customers.models import Customer
from backoffice.imports.models import DataSource

pytestmark = pytest.mark.django_db


def _import(capsys, *args):
    call_command("import_customers", *args)
    return json.loads(capsys.readouterr().out)


def test_the_command_prints_a_json_summary(tmp_path, capsys, manager):
    path = tmp_path / "leads.csv"
    path.write_text("name,phone_number,area,date,remark\nAnu,9876543210,Kochi,,\nX,12,,,\n")
    summary = _import(capsys, str(path), "--user", "maya")
    assert {k: summary[k] for k in ("rows", "created", "updated", "unchanged", "duplicates",
                                    "invalid")} == {"rows": 2, "created": 1, "updated": 0,
                                                    "unchanged": 0, "duplicates": 0, "invalid": 1}
    assert isinstance(summary["run"], int)


def test_dry_run_writes_nothing(tmp_path, capsys, manager):
    path = tmp_path / "leads.csv"
    path.write_text("name,phone\nAnu,9876543210\n")
    summary = _import(capsys, str(path), "--user", "maya", "--dry-run")
    assert summary["created"] == 1 and summary["dry_run"] is True
    assert not Customer.objects.exists()


def test_dry_run_keeps_no_copy_of_the_file(tmp_path, capsys, manager, private_storage):
    path = tmp_path / "leads.csv"
    path.write_text("name,phone\nAnu,9876543210\n")
    _import(capsys, str(path), "--user", "maya", "--dry-run")
    assert not [p for p in private_storage.rglob("*") if p.is_file()]


def test_source_and_policy(tmp_path, capsys, manager):
    DataSource.objects.create(name="Web", slug="web", importer="standard",
                              extra_aliases={"phone": ["Parent Mobile"]})
    path = tmp_path / "leads.csv"
    path.write_text("Name,Parent Mobile\nAnu,9876543210\n")
    _import(capsys, str(path), "--user", "maya", "--source", "web")
    path.write_text("Name,Parent Mobile,City\nAnu,9876543210,Kochi\n")
    summary = _import(capsys, str(path), "--user", "maya", "--source", "web", "--policy", "fill")
    assert summary["updated"] == 1
    assert Customer.objects.get().data_source.slug == "web"


def test_an_unreadable_file_fails_with_a_one_line_reason(tmp_path, manager):
    path = tmp_path / "leads.xlsx"
    path.write_bytes(b"PK\x03\x04broken")
    with pytest.raises(CommandError) as exc:
        call_command("import_customers", str(path), "--user", "maya")
    assert "\n" not in str(exc.value) and "damaged" in str(exc.value)
