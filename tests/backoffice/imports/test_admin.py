import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from backoffice.customers.models import Customer
from backoffice.imports.models import ImportRun

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:imports_importrun_add")
CSV = b"name,phone,area\nAnu,98765 43210,Kochi\nBad,12,Kochi\n=cmd(),9876543211,Kochi\n"


def _upload(client, content=CSV, name="leads.csv", **extra):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content), **extra})


def _preview_url(run):
    return reverse("admin:imports_importrun_preview", args=[run.pk])


def _confirm(client, run, **data):
    return client.post(_preview_url(run), {"confirm": "1", "policy": "skip",
                                            "assignment": "none", "default_status": "new",
                                            **data})


def test_upload_leads_to_a_preview_of_the_whole_file(manager_client):
    response = _upload(manager_client)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == _preview_url(run)
    page = manager_client.get(_preview_url(run))
    counts = page.context["preview"]
    assert (counts.rows, counts.new, counts.invalid) == (3, 2, 1)
    assert b"+919876543210" in page.content
    assert not Customer.objects.exists()


def test_a_bad_upload_shows_why_and_stores_nothing(manager_client):
    response = _upload(manager_client, b"\x89PNG\r\n\x1a\n\0\0", name="photo.csv")
    assert response.status_code == 200
    assert "not a spreadsheet" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_same_file_again_is_flagged_before_it_runs(manager_client, django_capture_on_commit_callbacks):
    _upload(manager_client)
    first = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(manager_client, first)
    _upload(manager_client)
    second = ImportRun.objects.exclude(pk=first.pk).get()
    page = manager_client.get(_preview_url(second))
    assert b"same-file-warning" in page.content


def test_changing_the_mapping_changes_the_preview(manager_client):
    _upload(manager_client, b"Name,Mobile,Other Mobile\nAnu,12,9876543210\n")
    run = ImportRun.objects.get()
    assert manager_client.get(_preview_url(run)).context["preview"].invalid == 1
    response = manager_client.post(_preview_url(run), {"remap": "1", "col_0": "name",
                                                       "col_1": "__keep__", "col_2": "phone"},
                                   follow=True)
    assert response.context["preview"].new == 1


def test_confirming_runs_the_import_and_shows_the_result(manager_client,
                                                         django_capture_on_commit_callbacks):
    _upload(manager_client)
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm(manager_client, run)
    assert response["Location"] == reverse("admin:imports_importrun_progress", args=[run.pk])
    page = manager_client.get(response["Location"])
    run.refresh_from_db()
    assert run.state == "completed" and (run.created, run.invalid) == (2, 1)
    assert b"created-customers" in page.content and b"errors-xlsx" in page.content


def test_confirming_twice_queues_the_run_once(manager_client, django_capture_on_commit_callbacks):
    _upload(manager_client)
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _confirm(manager_client, run)
        _confirm(manager_client, run)
    assert len(callbacks) == 1


def test_progress_polls_while_running_and_stops_when_done(manager_client):
    _upload(manager_client)
    run = ImportRun.objects.get()
    run.state, run.rows_total, run.rows_done = "running", 100, 40
    run.save()
    url = reverse("admin:imports_importrun_progress", args=[run.pk])
    partial = manager_client.get(url, headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in partial.content and b'aria-valuenow="40"' in partial.content
    run.state = "completed"
    run.save()
    assert b"hx-trigger" not in manager_client.get(url, headers={"HX-Request": "true"}).content


def test_the_error_report_downloads_as_excel_with_formulas_defused(
    manager_client, django_capture_on_commit_callbacks
):
    _upload(manager_client, b"name,phone\n=HYPERLINK(1),12\n")
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(manager_client, run)
    response = manager_client.get(reverse("admin:imports_importrun_errors", args=[run.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("Row", "Outcome", "Problem")
    assert rows[1][0] == 2 and rows[1][3] == "'=HYPERLINK(1)"


def test_the_created_customers_link_lists_exactly_them(manager_client,
                                                      django_capture_on_commit_callbacks):
    from tests.factories import CustomerFactory

    CustomerFactory(name="Older")
    _upload(manager_client)
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(manager_client, run)
    response = manager_client.get(reverse("admin:customers_customer_changelist"),
                                  {"import_run": run.pk})
    assert sorted(c.name for c in response.context["cl"].result_list) == ["=cmd()", "Anu"]


def test_revert_from_the_result_page(manager_client, django_capture_on_commit_callbacks):
    _upload(manager_client)
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(manager_client, run)
    url = reverse("admin:imports_importrun_revert", args=[run.pk])
    assert manager_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url)
    assert response["Location"] == reverse("admin:imports_importrun_progress", args=[run.pk])
    run.refresh_from_db()
    assert run.state == "reverted" and not Customer.objects.exists()


@pytest.mark.parametrize("name", ["add", "changelist"])
def test_counsellors_cannot_reach_imports(alice_client, name):
    assert alice_client.get(reverse(f"admin:imports_importrun_{name}")).status_code == 403


def test_a_runs_pages_are_not_found_for_counsellors(alice_client, manager_client):
    _upload(manager_client)
    run = ImportRun.objects.get()
    for name in ("preview", "progress"):
        url = reverse(f"admin:imports_importrun_{name}", args=[run.pk])
        assert alice_client.get(url).status_code == 404
    url = reverse("admin:imports_importrun_errors", args=[run.pk, "csv"])
    assert alice_client.get(url).status_code == 404


def _run_again_url(run):
    return reverse("admin:imports_importrun_run_again", args=[run.pk])


def _failed_run(manager_client):
    _upload(manager_client)
    run = ImportRun.objects.get()
    run.state = ImportRun.State.FAILED
    run.message = "The worker running this import stopped. Run it again to finish it."
    run.settings = {**run.settings, "policy": "skip", "assignment": "none",
                    "default_status": "new"}
    run.save()
    return run


def test_run_again_finishes_a_failed_run(manager_client, django_capture_on_commit_callbacks):
    run = _failed_run(manager_client)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(_run_again_url(run))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:imports_importrun_progress", args=[run.pk])
    run.refresh_from_db()
    assert run.state == "completed" and run.created == 2
    page = manager_client.get(response["Location"])
    assert b"queued again" in page.content


def test_run_again_by_get_changes_nothing(manager_client):
    run = _failed_run(manager_client)
    response = manager_client.get(_run_again_url(run))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:imports_importrun_progress", args=[run.pk])
    run.refresh_from_db()
    assert run.state == "failed" and not Customer.objects.exists()


def test_run_again_on_a_completed_run_says_why_not(manager_client,
                                                   django_capture_on_commit_callbacks):
    _upload(manager_client)
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(manager_client, run)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(_run_again_url(run), follow=True)
    assert response.status_code == 200
    assert "Only a failed import can be run again" in response.content.decode()
    run.refresh_from_db()
    assert run.state == "completed" and Customer.objects.count() == 2


def test_run_again_is_not_found_for_a_counsellor(alice_client, manager_client):
    run = _failed_run(manager_client)
    assert alice_client.get(_run_again_url(run)).status_code == 404
    assert alice_client.post(_run_again_url(run)).status_code == 404
    run.refresh_from_db()
    assert run.state == "failed"


def test_the_size_error_states_the_limit_as_configured(manager_client, settings):
    settings.IMPORT_MAX_FILE_BYTES = 20 * 1024 * 1024  # IMPORT_MAX_FILE_MB=20
    content = b"name,phone\n" + b"x" * (20 * 1024 * 1024 + 300 * 1024)
    response = _upload(manager_client, content)
    text = response.content.decode()
    assert "The file is 20.3 MB; the limit is 20 MB." in text
    assert not ImportRun.objects.exists()


def test_confirming_reuses_the_preview_instead_of_reading_the_file_again(
    manager_client, django_capture_on_commit_callbacks, monkeypatch
):
    _upload(manager_client)
    run = ImportRun.objects.get()
    first = manager_client.get(_preview_url(run)).context["preview"]
    from backoffice.imports import services

    monkeypatch.setattr(services, "import_preview",
                        lambda **kw: pytest.fail("the whole file was read again"))
    again = manager_client.get(_preview_url(run))
    assert (again.context["preview"].rows, again.context["preview"].new) == (first.rows, first.new)
    assert b"+919876543210" in again.content
    invalid = _confirm(manager_client, run, assignment="round_robin")  # no counsellors chosen
    assert invalid.status_code == 200 and b"Choose who the new customers go to" in invalid.content
    assert invalid.context["preview"].new == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm(manager_client, run)
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.state == "completed" and run.created == 2


def test_a_big_files_preview_is_counted_by_a_job_with_progress(
    manager_client, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_PREVIEW_JOB_ABOVE_BYTES = 10
    _upload(manager_client)
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks() as jobs:
        page = manager_client.get(_preview_url(run))
    assert len(jobs) == 1 and b"preview-counting" in page.content
    assert "preview" not in page.context  # nothing counted in the request
    poll = {"HX-Request": "true", "X-Poll": "1"}
    ImportRun.objects.filter(pk=run.pk).update(rows_done=2)
    progress = manager_client.get(_preview_url(run), headers=poll)
    assert b"2 rows counted" in progress.content and b"hx-trigger" in progress.content
    with django_capture_on_commit_callbacks() as more:
        manager_client.get(_preview_url(run))  # a reload while counting queues nothing more
    assert not more
    jobs[0]()  # the worker counts the file
    assert manager_client.get(_preview_url(run), headers=poll)["HX-Refresh"] == "true"
    preview = manager_client.get(_preview_url(run)).context["preview"]
    assert (preview.rows, preview.new, preview.invalid) == (3, 2, 1)


def test_a_big_file_that_cannot_be_read_says_why_after_counting(
    manager_client, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_PREVIEW_JOB_ABOVE_BYTES = 10
    _upload(manager_client)
    run = ImportRun.objects.get()
    settings.IMPORT_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.get(_preview_url(run))
    response = manager_client.get(_preview_url(run), follow=True)
    assert "more than 2 rows" in response.content.decode()


def test_a_preview_whose_worker_died_is_counted_again(manager_client, settings,
                                                      django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    settings.IMPORT_PREVIEW_JOB_ABOVE_BYTES = 10
    _upload(manager_client)
    run = ImportRun.objects.get()
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STALE_AFTER_SECONDS + 1)
    run.settings = {**run.settings, "preview_pending": {"queued_at": long_ago.isoformat()}}
    run.save()
    with django_capture_on_commit_callbacks() as jobs:
        manager_client.get(_preview_url(run))
    assert len(jobs) == 1


# --- rows kept with a warning ------------------------------------------------------

WARNED_CSV = [
    "Anu,98765 43210,Kochi,01/01/2026,",
    "Banu,98765 43211,Kochi,31/02/2026,",  # no such date: kept, with a warning
    "Bad,12,Kochi,01/01/2026,",
]


@pytest.fixture
def warned_run(manager):
    from tests.backoffice.imports.conftest import run_import

    run = run_import(WARNED_CSV, by=manager)
    assert (run.created, run.invalid, run.warnings) == (2, 1, 1)
    return run


@pytest.mark.parametrize("client_name", ["manager_client", "reviewer_client"])
def test_the_import_list_counts_rows_kept_with_a_warning(request, client_name, warned_run):
    client = request.getfixturevalue(client_name)
    response = client.get(reverse("admin:imports_importrun_changelist"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Kept with a warning" in content
    assert '<td class="field-warnings' in content


@pytest.mark.parametrize("client_name", ["manager_client", "reviewer_client"])
def test_the_result_page_counts_warnings_and_links_to_their_rows(request, client_name,
                                                                 warned_run):
    client = request.getfixturevalue(client_name)
    page = client.get(reverse("admin:imports_importrun_progress", args=[warned_run.pk]))
    content = page.content.decode()
    assert 'data-count="warnings">1</dd>' in content
    link = reverse("admin:imports_importrun_errors", args=[warned_run.pk, "xlsx"])
    assert f'href="{link}" id="warnings-rows"' in content
    sheet = load_workbook(io.BytesIO(b"".join(client.get(link).streaming_content))).active
    outcomes = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "Kept with a warning" in outcomes.values() and "Refused" in outcomes.values()


def test_a_result_without_warnings_says_nothing_of_them(manager_client, manager):
    from tests.backoffice.imports.conftest import run_import

    run = run_import(["Anu,98765 43210,Kochi,01/01/2026,"], by=manager)
    content = manager_client.get(
        reverse("admin:imports_importrun_progress", args=[run.pk])).content.decode()
    assert 'data-count="warnings">0</dd>' in content
    assert 'id="warnings-note"' not in content


def test_the_import_runs_export_has_the_warnings_column(reviewer_client, warned_run):
    import csv

    response = reviewer_client.post(reverse("admin:imports_importrun_changelist"), {
        "action": "export_csv", "select_across": "1", "index": "0",
        "_selected_action": str(warned_run.pk)})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content)
                                       .decode("utf-8-sig"))))
    column = rows[0].index("Kept with a warning")
    assert rows[0][column - 1] == "Refused"
    assert rows[1][column] == "1"
