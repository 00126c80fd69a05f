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


def _file(tmp_path, text, name="leads.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_map_reads_a_field_from_the_named_column(tmp_path, capsys, manager):
    path = _file(tmp_path, "Student,Phone,Parent Contact\nAnu,9876543210,9123456780\n")
    _import(capsys, path, "--user", "maya", "--map", "alternate_phone=parent contact")
    assert Customer.objects.get().alternate_phone == "+919123456780"


def test_map_of_a_header_the_file_lacks_is_refused_with_its_headers(tmp_path, manager):
    path = _file(tmp_path, "Student,Phone\nAnu,9876543210\n")
    with pytest.raises(CommandError, match="no column “Parent”; its headers: Student, Phone"):
        call_command("import_customers", path, "--user", "maya", "--map", "alternate_phone=Parent")
    assert not Customer.objects.exists()


@pytest.mark.parametrize("pair", ["phone", "=Mobile", "phone="])
def test_a_map_that_is_not_field_equals_header_is_refused(tmp_path, manager, pair):
    path = _file(tmp_path, "Name,Phone\nAnu,9876543210\n")
    with pytest.raises(CommandError, match="FIELD=HEADER"):
        call_command("import_customers", path, "--user", "maya", "--map", pair)


def test_ignore_leaves_a_column_out_of_the_source_details(tmp_path, capsys, manager):
    path = _file(tmp_path, "Name,Phone,Campaign,Internal Notes\nAnu,9876543210,Diwali,secret\n")
    _import(capsys, path, "--user", "maya", "--ignore", "internal notes")
    assert Customer.objects.get().source_details == {"Campaign": "Diwali"}


def test_country_reads_national_numbers_in_that_country(tmp_path, capsys, manager):
    path = _file(tmp_path, "Name,Phone\nJo,(807) 271-2192\n")
    _import(capsys, path, "--user", "maya", "--country", "us")
    assert Customer.objects.get().phone == "+18072712192"


def test_an_unknown_country_is_refused_in_one_line(tmp_path, manager):
    path = _file(tmp_path, "Name,Phone\nJo,9876543210\n")
    with pytest.raises(CommandError, match="“XX” is not a two-letter country code"):
        call_command("import_customers", path, "--user", "maya", "--country", "XX")


def test_date_order_reads_month_first_dates(tmp_path, capsys, manager):
    path = _file(tmp_path, "Name,Phone,Date\nAnu,9876543210,7/5/2022\n")
    _import(capsys, path, "--user", "maya", "--date-order", "mdy")
    assert str(Customer.objects.get().date_added) == "2022-07-05"


def test_header_row_takes_the_headers_from_that_row(tmp_path, capsys, manager):
    # row 1 maps more columns, so it is the header when nobody says otherwise
    path = _file(tmp_path, "Name,Phone,Area\nStudent,Mobile,\nAnu,9876543210,\n")
    summary = _import(capsys, path, "--user", "maya", "--header-row", "2")
    assert summary["rows"] == 1 and Customer.objects.get().name == "Anu"


def test_a_header_row_below_one_is_refused(tmp_path, manager):
    path = _file(tmp_path, "Name,Phone\nAnu,9876543210\n")
    with pytest.raises(CommandError, match="counts from 1"):
        call_command("import_customers", path, "--user", "maya", "--header-row", "0")


def test_numbers_written_like_another_countrys_are_refused_until_the_country_is_named(
    tmp_path, manager, monkeypatch, private_storage
):
    from backoffice.imports import pipeline
    from backoffice.imports.analysis import FileFacts

    monkeypatch.setattr(pipeline, "file_facts", lambda rows, options: FileFacts(
        likely_country="US", likely_reason="written 660-485-0224"))
    path = _file(tmp_path, "Name,Phone\nJo,660-485-0224\n")
    with pytest.raises(CommandError) as refused:
        call_command("import_customers", path, "--user", "maya")
    message = str(refused.value)
    assert "written as they are in the United States (written 660-485-0224)" in message
    assert "--country US" in message
    assert "\n" not in message
    assert not Customer.objects.exists()
    assert not [p for p in private_storage.rglob("*") if p.is_file()]


def test_a_named_country_answers_the_question(tmp_path, capsys, manager, monkeypatch):
    from backoffice.imports import pipeline
    from backoffice.imports.analysis import FileFacts

    monkeypatch.setattr(pipeline, "file_facts", lambda rows, options: FileFacts(
        likely_country="US", likely_reason="written 660-485-0224"))
    path = _file(tmp_path, "Name,Phone\nJo,660-485-0224\n")
    summary = _import(capsys, path, "--user", "maya", "--country", "US")
    assert summary["created"] == 1 and Customer.objects.get().phone == "+16604850224"


def test_dates_that_prove_month_first_are_read_month_first(tmp_path, capsys, manager):
    # 11/24/2026 cannot be day first: the file's dates are month first, 7/5 too
    path = _file(tmp_path, "Name,Phone,Date\nAnu,9876543210,7/5/2022\nBina,9876543211,11/24/2026\n")
    summary = _import(capsys, path, "--user", "maya")
    assert summary["warnings"] == 0
    assert str(Customer.objects.get(name="Anu").date_added) == "2022-07-05"


def test_a_date_order_given_on_the_command_line_outranks_the_files_dates(
    tmp_path, capsys, manager
):
    path = _file(tmp_path, "Name,Phone,Date\nAnu,9876543210,7/5/2022\nBina,9876543211,11/24/2026\n")
    summary = _import(capsys, path, "--user", "maya", "--date-order", "dmy")
    assert summary["warnings"] == 1
    assert str(Customer.objects.get(name="Anu").date_added) == "2022-05-07"


def test_a_file_without_a_recognised_phone_column_is_refused_naming_map(tmp_path, manager):
    path = _file(tmp_path, "Student,Parent's No\nAnu,9876543210\n")
    with pytest.raises(CommandError, match="No column for the phone number.*--map phone=HEADER"):
        call_command("import_customers", path, "--user", "maya")
    assert not Customer.objects.exists()


def test_map_names_the_phone_column_the_plugins_do_not_know(tmp_path, capsys, manager):
    path = _file(tmp_path, "Student,Parent's No\nAnu,9876543210\n")
    summary = _import(capsys, path, "--user", "maya", "--map", "phone=Parent's No",
                      "--map", "name=Student")
    assert summary["created"] == 1 and Customer.objects.get().name == "Anu"
