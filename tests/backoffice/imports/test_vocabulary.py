"""One vocabulary for an import's counts (backoffice/imports/words.py) on the
preview, the progress and result page, the import history, its export and the
command line; nameless rows kept with a warning; the preview's remarks apart
from its problems; who may revert."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from backoffice.customers.models import Customer
from backoffice.imports import services
from backoffice.imports.models import DataSource, ImportRun
from backoffice.imports.words import COUNT_FIELDS, COUNT_WORDS, PREVIEW_COUNT_FIELDS
from tests.backoffice.imports.conftest import csv_file, run_import

pytestmark = pytest.mark.django_db

ROWS = ["Anu,9876543210,Kochi,,first call", ",9876543211,Kochi,,no name given",
        "Again,9876543210,Kochi,,", "No number,,Kochi,,"]
XSS = '"><img src=x onerror=alert(1)>'


def _uploaded(client, rows=ROWS, name="leads.csv"):
    text = "\n".join(["name,phone,area,date,remarks", *rows]) + "\n"
    client.post(reverse("admin:imports_importrun_add"),
                {"file": SimpleUploadedFile(name, text.encode())})
    return ImportRun.objects.latest("pk")


def _dt_texts(html: str, container_id: str) -> list[str]:
    section = html.split(f'id="{container_id}"', 1)[1].split("</dl>", 1)[0]
    return [part.split("</dt>", 1)[0] for part in section.split('<dt class="text-sm">')[1:]]


def test_a_row_without_a_name_is_kept_with_a_warning(manager):
    run = run_import(ROWS, by=manager)
    nameless = Customer.objects.get(phone="+919876543211")
    assert nameless.name == ""
    assert (run.created, run.warnings, run.duplicates, run.invalid) == (2, 1, 1, 1)
    report = run.error_report.open("rb").read().decode()
    row = next(line for line in report.splitlines() if line.startswith("3,"))
    assert "Kept with a warning" in row and "No name in the file" in row


def test_the_preview_counts_a_nameless_row_as_kept_with_a_warning(manager_client):
    run = _uploaded(manager_client)
    page = manager_client.get(reverse("admin:imports_importrun_preview", args=[run.pk]))
    assert page.context["preview"].warnings == 1
    problems = page.content.decode().split('id="preview-problems"', 1)[1]
    assert "No name in the file" in problems


def test_the_preview_shows_the_files_remarks_apart_from_problems(manager_client):
    run = _uploaded(manager_client, ["Anu,9876543210,Kochi,,'><img src=x onerror=alert(1)>", ",9876543211,Kochi,,",
                                     "Again,9876543210,Kochi,,called"])
    html = manager_client.get(reverse("admin:imports_importrun_preview", args=[run.pk])
                              ).content.decode()
    table = html.split('id="preview-rows"', 1)[1].split("</table>", 1)[0]
    rows = {part.split('"', 1)[0]: part for part in table.split('data-row="')[1:]}
    remarks = rows["2"].split('data-field="remarks">', 1)[1].split("</td>", 1)[0]
    assert remarks == "&#x27;&gt;&lt;img src=x onerror=alert(1)&gt;"
    assert rows["2"].split('data-field="problems">', 1)[1].split("</td>", 1)[0].strip() == "—"
    problems = rows["3"].split('data-field="problems">', 1)[1]
    assert "No name in the file" in problems
    duplicate = rows["4"]
    assert "called" in duplicate.split('data-field="remarks">', 1)[1].split("</td>", 1)[0]
    assert "Duplicate in the file" in duplicate.split('data-field="problems">', 1)[1]
    assert "<img src=x" not in html


def test_the_preview_and_the_result_use_the_same_words(manager_client,
                                                       django_capture_on_commit_callbacks):
    run = _uploaded(manager_client)
    preview = manager_client.get(reverse("admin:imports_importrun_preview", args=[run.pk]))
    assert _dt_texts(preview.content.decode(), "preview-counts") == [
        str(COUNT_WORDS[name]) for name in PREVIEW_COUNT_FIELDS]
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("admin:imports_importrun_preview", args=[run.pk]), {
            "confirm": "1", "policy": "skip", "assignment": "none", "default_status": "new"})
    result = manager_client.get(reverse("admin:imports_importrun_progress", args=[run.pk]))
    assert _dt_texts(result.content.decode(), "result-counts") == [
        str(COUNT_WORDS[name]) for name in COUNT_FIELDS]


def test_the_history_and_its_export_use_the_same_words(manager_client, manager):
    run_import(ROWS, by=manager)
    page = manager_client.get(reverse("admin:imports_importrun_changelist")).content.decode()
    for name in COUNT_FIELDS:
        assert f">{str(COUNT_WORDS[name]).capitalize()}<" in page or \
            str(COUNT_WORDS[name]).capitalize() in page, name
    response = manager_client.post(reverse("admin:imports_importrun_changelist"), {
        "action": "export_csv", "select_across": "1", "index": "0",
        "_selected_action": str(ImportRun.objects.get().pk)})
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content)
                                         .decode("utf-8-sig"))))
    assert [str(COUNT_WORDS[name]) for name in COUNT_FIELDS] == header[10:17]


def test_the_command_line_says_the_counts_in_the_same_words(tmp_path, capsys, manager):
    path = tmp_path / "leads.csv"
    path.write_text("\n".join(["name,phone,area,date,remarks", *ROWS]) + "\n")
    call_command("import_customers", str(path), "--user", "maya")
    out, err = capsys.readouterr()
    assert json.loads(out)["warnings"] == 1
    assert err.strip() == ("Rows in the file 4 · New 2 · Updated 0 · Unchanged 0 · "
                           "Duplicates in the file 1 · Refused 1 · Kept with a warning 1")
    path.write_text("name,phone\nAnu,9876543210\nBina,9876543219\n")
    call_command("import_customers", str(path), "--user", "maya", "--dry-run")
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert (summary["created"], summary["existing"]) == (1, 1) and "unchanged" not in summary
    assert err.strip().startswith("Rows in the file 2 · New 1 · Already customers 1")


def test_the_history_names_the_plugin_for_people_and_says_nothing_for_the_standard_one(
        manager_client, manager):
    run_import(ROWS, by=manager)
    google = "First Name,Last Name,Phone 1 - Value\nAnu,Nair,9876543299\n"
    services.import_run_create(upload=SimpleUploadedFile("contacts.csv", google.encode()),
                               by=manager)
    page = manager_client.get(reverse("admin:imports_importrun_changelist")).content.decode()
    assert "(detected" not in page
    assert "Google Contacts (CSV export)" in page


def test_a_data_source_is_named_in_the_history(manager_client, manager):
    source = DataSource.objects.create(name=f"Fair {XSS}", slug="fair", importer="standard")
    services.import_run_create(upload=csv_file(ROWS), by=manager, data_source=source)
    page = manager_client.get(reverse("admin:imports_importrun_changelist")).content.decode()
    assert "Fair &quot;&gt;&lt;img" in page and "<img src=x" not in page


@pytest.fixture
def finished(manager):
    return run_import(ROWS, by=manager)


def test_a_counsellor_cannot_find_a_revert(alice_client, finished):
    url = reverse("admin:imports_importrun_revert", args=[finished.pk])
    assert alice_client.post(url).status_code == 404
    assert Customer.objects.filter(import_run=finished).count() == 2


def test_compliance_cannot_revert(reviewer_client, finished):
    url = reverse("admin:imports_importrun_revert", args=[finished.pk])
    assert reviewer_client.post(url).status_code == 403
    page = reviewer_client.get(reverse("admin:imports_importrun_progress", args=[finished.pk]))
    assert page.status_code == 200 and b'id="revert-import"' not in page.content
    finished.refresh_from_db()
    assert finished.state == ImportRun.State.COMPLETED


def test_a_superuser_reverts_through_the_job(superuser_client, finished,
                                            django_capture_on_commit_callbacks):
    url = reverse("admin:imports_importrun_revert", args=[finished.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert superuser_client.post(url).status_code == 302
    finished.refresh_from_db()
    assert finished.state == ImportRun.State.REVERTED
    page = superuser_client.get(reverse("admin:imports_importrun_progress", args=[finished.pk]))
    assert b"Reverted: 2 customers deleted, 0 kept." in page.content


def test_the_revert_result_names_the_customers_it_kept(manager_client, manager, alice,
                                                      finished,
                                                      django_capture_on_commit_callbacks):
    from backoffice.customers.services import customer_assign

    kept = Customer.objects.get(phone="+919876543210")
    customer_assign(customers=[kept], counsellor=alice, by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("admin:imports_importrun_revert", args=[finished.pk]))
    page = manager_client.get(reverse("admin:imports_importrun_progress", args=[finished.pk]))
    kept_list = page.content.decode().split('id="revert-kept"', 1)[1].split("</ul>", 1)[0]
    assert "1 customer kept because it was edited or reassigned after the import" in kept_list
    assert reverse("admin:customers_customer_change", args=[kept.pk]) in kept_list


def test_the_result_says_why_rows_were_refused(manager_client, manager):
    run = run_import(ROWS, by=manager)
    html = manager_client.get(reverse("admin:imports_importrun_progress", args=[run.pk])
                              ).content.decode()
    note = html.split('id="refused-note"', 1)[1].split("</p>", 1)[0]
    assert "1 row was refused: it has no phone number that can be read" in note
    assert 'id="refused-rows"' in note


def test_a_result_with_nothing_refused_or_kept_has_no_coloured_zeros(manager_client, manager):
    run = run_import(["Anu,9876543210,Kochi,,"], by=manager)
    html = manager_client.get(reverse("admin:imports_importrun_progress", args=[run.pk])
                              ).content.decode()
    assert 'id="refused-note"' not in html
    assert 'text-red-700" data-count="invalid"' not in html
    assert 'text-orange-700" data-count="warnings"' not in html


def test_the_history_names_the_standard_lead_list(manager_client, manager):
    run_import(ROWS, by=manager)
    page = manager_client.get(reverse("admin:imports_importrun_changelist")).content.decode()
    cell = page.split('class="field-source', 1)[1].split("</td>", 1)[0]
    assert "Standard lead list" in cell
