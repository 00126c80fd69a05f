"""Big exports run as background jobs: the customer list's export and the
report exports, through the admin URLs, as the roles that use them."""

import csv
import datetime
import io
import os

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from backoffice.audit.models import ActivityLog
from backoffice.exports import services
from backoffice.exports.models import ExportJob
from tests.factories import CustomerFactory, ManagerFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:customers_customer_export")
FIELDS = ("id", "name", "phone", "area", "status", "assigned_to")
HEADERS = ["Customer number", "Name", "Phone", "Area", "Status", "Counsellor"]


def _form(fmt="csv", fields=FIELDS):
    return {"format": {"csv": "0", "xlsx": "1"}[fmt], "resource": "0",
            **{f"customerresource_{f}": "on" for f in fields}}


def _export(client, capture, query="", fmt="csv", **extra):
    with capture(execute=True):
        return client.post(EXPORT + (f"?{query}" if query else ""), {**_form(fmt), **extra})


def _download(client, job) -> bytes:
    response = client.get(reverse("admin:exports_exportjob_download", args=[job.pk]))
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _grant_export(user):
    user.user_permissions.add(Permission.objects.get(codename="export_customer"))
    return type(user).objects.get(pk=user.pk)  # a fresh permission cache


# --- the customer list ------------------------------------------------------------

def test_a_small_customer_export_is_still_the_file_itself(manager_client, small_threshold,
                                                          django_capture_on_commit_callbacks):
    CustomerFactory.create_batch(2)
    response = _export(manager_client, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert not ExportJob.objects.exists()


def test_a_big_customer_export_runs_as_a_job_with_a_progress_page(
        manager_client, manager, small_threshold, django_capture_on_commit_callbacks):
    CustomerFactory.create_batch(3, area="Kochi")
    response = _export(manager_client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exports_exportjob_progress", args=[job.pk])
    assert (job.state, job.created_by, job.rows_total, job.format) == (
        "completed", manager, 3, "csv")
    page = manager_client.get(response["Location"])
    assert page.status_code == 200
    assert reverse("admin:exports_exportjob_download", args=[job.pk]).encode() in page.content
    rows = _csv_rows(_download(manager_client, job))
    assert rows[0] == HEADERS and len(rows) == 4


def test_the_job_keeps_the_lists_filters_and_neutralises_formulas(
        manager_client, small_threshold, django_capture_on_commit_callbacks):
    CustomerFactory(name='=HYPERLINK("http://x")', area="Kochi")
    CustomerFactory(name="@SUM(A1)", area="Kochi")
    CustomerFactory(name="+cmd", area="Kochi")
    CustomerFactory(name="Other", area="Thrissur")
    _export(manager_client, django_capture_on_commit_callbacks, query="area__icontains=kochi")
    rows = _csv_rows(_download(manager_client, ExportJob.objects.get()))
    names = sorted(row[1] for row in rows[1:])
    assert names == ["'+cmd", "'=HYPERLINK(\"http://x\")", "'@SUM(A1)"]


CONTACT_FIELDS = ("id", "name", "alternate_phone", "email", "source_details")


def test_the_job_writes_email_alternate_phone_and_source_details(
        manager_client, small_threshold, django_capture_on_commit_callbacks):
    CustomerFactory(name="Anu", email="anu@x.example", alternate_phone="+919812345678",
                    source_details={"Course": "MBA", "Address": "12 MG Road\nKochi"})
    CustomerFactory.create_batch(2, name="Other")
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(EXPORT, _form(fields=CONTACT_FIELDS))
    rows = _csv_rows(_download(manager_client, ExportJob.objects.get()))
    assert rows[0] == ["Customer number", "Name", "Alternate phone", "Email",
                       "What the source file said"]
    anu = next(row for row in rows if row[1] == "Anu")
    assert anu[2:] == ["+919812345678", "anu@x.example",
                       "Course: MBA\nAddress: 12 MG Road\nKochi"]


def test_the_xlsx_job_defuses_formulas_in_email_and_source_details(
        manager_client, small_threshold, django_capture_on_commit_callbacks):
    CustomerFactory(name="Anu", email="=cmd@x.example", source_details={"=HYPERLINK(1)": "x"})
    CustomerFactory(name="Banu", source_details={"Note": "-1+2"})
    CustomerFactory(name="Other")
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(EXPORT, _form("xlsx", fields=CONTACT_FIELDS))
    sheet = load_workbook(io.BytesIO(_download(manager_client, ExportJob.objects.get()))).active
    cells = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells["Anu"][3] == "'=cmd@x.example"
    assert cells["Anu"][4] == "'=HYPERLINK(1): x"
    assert cells["Banu"][4] == "Note: -1+2"


def test_the_xlsx_job_writes_text_cells_never_formulas(
        manager_client, small_threshold, django_capture_on_commit_callbacks):
    CustomerFactory.create_batch(2)
    CustomerFactory(name="=1+1")
    _export(manager_client, django_capture_on_commit_callbacks, fmt="xlsx")
    job = ExportJob.objects.get()
    assert job.file_name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(_download(manager_client, job))).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=1+1" in names and len(names) == 3


def test_a_counsellors_background_export_holds_only_her_customers(
        alice, bob, small_threshold, django_capture_on_commit_callbacks):
    alice = _grant_export(alice)
    CustomerFactory.create_batch(3, assigned_to=alice, area="Kochi")
    CustomerFactory.create_batch(4, assigned_to=bob, area="Kochi")
    client = Client()
    client.force_login(alice)
    _export(client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    rows = _csv_rows(_download(client, job))
    assert len(rows) == 4 and {row[5] for row in rows[1:]} == {str(alice)}


def test_the_scope_is_the_owners_at_job_time(alice, bob, small_threshold):
    """The rows are read when the job runs, as its owner: a customer moved
    away from her meanwhile is not in her file."""
    alice = _grant_export(alice)
    mine = CustomerFactory.create_batch(3, assigned_to=alice)
    job = ExportJob.objects.create(
        kind="customers", format="csv", title="Customers", fingerprint="x", created_by=alice,
        params={"query": "", "fields": list(FIELDS), "items": None})
    mine[0].assigned_to = bob
    mine[0].save()
    services.export_job_execute(job=job)
    with job.file.open("rb") as handle:
        rows = _csv_rows(handle.read())
    assert sorted(int(row[0]) for row in rows[1:]) == sorted(c.pk for c in mine[1:])


def test_the_export_action_on_picked_rows_uses_the_job_too(
        manager_client, small_threshold, django_capture_on_commit_callbacks):
    picked = CustomerFactory.create_batch(3)
    CustomerFactory.create_batch(2)
    _export(manager_client, django_capture_on_commit_callbacks,
            export_items=[c.pk for c in picked])
    job = ExportJob.objects.get()
    assert sorted(job.params["items"]) == sorted(c.pk for c in picked)
    rows = _csv_rows(_download(manager_client, job))
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(c.pk for c in picked)


def test_a_double_submit_queues_one_job(manager_client, small_threshold,
                                        django_capture_on_commit_callbacks):
    CustomerFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = manager_client.post(EXPORT, _form())
        second = manager_client.post(EXPORT, _form())
    assert ExportJob.objects.count() == 1 and len(callbacks) == 1
    assert first["Location"] == second["Location"]


def test_the_same_export_once_finished_can_be_asked_for_again(
        manager_client, small_threshold, django_capture_on_commit_callbacks):
    CustomerFactory.create_batch(3)
    _export(manager_client, django_capture_on_commit_callbacks)
    _export(manager_client, django_capture_on_commit_callbacks)
    assert list(ExportJob.objects.values_list("state", flat=True)) == ["completed"] * 2


def test_a_finished_job_is_recorded_in_the_activity_log(
        manager_client, manager, small_threshold, django_capture_on_commit_callbacks):
    CustomerFactory.create_batch(3, area="Kochi")
    _export(manager_client, django_capture_on_commit_callbacks, query="area__icontains=kochi",
            fmt="xlsx")
    job = ExportJob.objects.get()
    entry = ActivityLog.objects.get()
    assert (entry.user, entry.action, entry.rows, entry.target) == (
        manager, "export", 3, "Customers (XLSX)")
    assert entry.details["filters"] == "area__icontains=kochi"
    assert entry.details["export"] == str(job.uuid)


# --- who may see and download --------------------------------------------------------

def test_only_the_owner_and_superusers_may_download(
        manager_client, manager, alice_client, superuser_client, small_threshold,
        django_capture_on_commit_callbacks):
    CustomerFactory.create_batch(3)
    _export(manager_client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    other_manager = Client()
    other_manager.force_login(ManagerFactory(username="mira"))
    for name in ("download", "progress", "change", "history", "delete"):
        url = reverse(f"admin:exports_exportjob_{name}", args=[job.pk])
        assert alice_client.get(url).status_code == 404, name
        assert other_manager.get(url).status_code == 404, name
    assert alice_client.post(reverse("admin:exports_exportjob_again", args=[job.pk])
                             ).status_code == 404
    _download(superuser_client, job)
    _download(manager_client, job)


def test_the_exports_list_shows_only_ones_own(manager_client, manager, alice):
    ExportJob.objects.create(kind="customers", format="csv", title="Mine", fingerprint="a",
                             created_by=manager, state="completed")
    ExportJob.objects.create(kind="report", format="csv", title="Hers", fingerprint="b",
                             created_by=alice, state="completed")
    page = manager_client.get(reverse("admin:exports_exportjob_changelist"))
    assert page.status_code == 200
    assert b"Mine" in page.content and b"Hers" not in page.content


def test_anonymous_visitors_are_sent_to_the_login(client, manager):
    job = ExportJob.objects.create(kind="customers", format="csv", title="Mine",
                                   fingerprint="a", created_by=manager, state="completed")
    response = client.get(reverse("admin:exports_exportjob_download", args=[job.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- expiry and dead workers -------------------------------------------------------------

def test_a_file_is_kept_for_the_configured_time(manager_client, settings, small_threshold,
                                                django_capture_on_commit_callbacks):
    settings.EXPORT_KEEP_HOURS = 24
    CustomerFactory.create_batch(3)
    _export(manager_client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.expires_at - job.finished_at == datetime.timedelta(hours=24)


def test_an_expired_export_cannot_be_downloaded_even_before_the_cleanup(
        manager_client, small_threshold, django_capture_on_commit_callbacks):
    CustomerFactory.create_batch(3)
    _export(manager_client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    url = reverse("admin:exports_exportjob_download", args=[job.pk])
    assert manager_client.get(url).status_code == 404
    job.refresh_from_db()
    assert job.state == "expired" and not job.file


def test_the_cleanup_command_deletes_expired_files_only(
        manager_client, private_storage, small_threshold, django_capture_on_commit_callbacks):
    CustomerFactory.create_batch(3)
    _export(manager_client, django_capture_on_commit_callbacks)
    _export(manager_client, django_capture_on_commit_callbacks, fmt="xlsx")
    old, fresh = ExportJob.objects.order_by("pk")
    old_path, fresh_path = old.file.path, fresh.file.path
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    out = io.StringIO()
    call_command("exports_cleanup", stdout=out)
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert "1 expired" in out.getvalue()
    assert (old.state, bool(old.file)) == ("expired", False)
    assert fresh.state == "completed" and fresh.file
    assert not os.path.exists(old_path) and os.path.exists(fresh_path)
    page = manager_client.get(reverse("admin:exports_exportjob_progress", args=[old.pk]))
    assert b'id="export-expired"' in page.content


def test_a_dead_worker_leaves_the_export_failed_with_a_clear_message(
        manager_client, manager, settings):
    settings.EXPORT_STALE_AFTER_SECONDS = 300
    job = ExportJob.objects.create(
        kind="customers", format="csv", title="Customers", fingerprint="x", created_by=manager,
        state="running", heartbeat_at=timezone.now() - datetime.timedelta(seconds=301))
    page = manager_client.get(reverse("admin:exports_exportjob_progress", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == "failed"
    assert "worker writing this export stopped" in job.message
    assert b'id="export-again"' in page.content


def test_a_running_export_with_recent_progress_is_left_alone(manager, settings):
    job = ExportJob.objects.create(
        kind="customers", format="csv", title="Customers", fingerprint="x", created_by=manager,
        state="running", heartbeat_at=timezone.now() - datetime.timedelta(seconds=10))
    assert services.export_jobs_mark_stale() == 0
    job.refresh_from_db()
    assert job.state == "running"


def test_a_failed_export_is_started_again_by_its_owner(
        manager_client, manager, small_threshold, django_capture_on_commit_callbacks):
    CustomerFactory.create_batch(3)
    job = ExportJob.objects.create(
        kind="customers", format="csv", title="Customers", fingerprint="x", created_by=manager,
        state="failed", params={"query": "", "fields": list(FIELDS), "items": None})
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(reverse("admin:exports_exportjob_again", args=[job.pk]))
    new = ExportJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse("admin:exports_exportjob_progress", args=[new.pk])
    assert new.state == "completed" and new.rows_total == 3


def test_an_owner_who_lost_the_permission_gets_a_failed_export(alice, small_threshold):
    job = ExportJob.objects.create(
        kind="customers", format="csv", title="Customers", fingerprint="x", created_by=alice,
        params={"query": "", "fields": [], "items": None})
    services.export_job_execute(job=job)
    assert job.state == "failed" and "no longer export" in job.message
    assert not ActivityLog.objects.exists()


def test_a_failed_export_writes_nothing_to_the_log_and_says_so(manager, monkeypatch):
    job = ExportJob.objects.create(
        kind="customers", format="csv", title="Customers", fingerprint="x", created_by=manager,
        params={"query": "", "fields": [], "items": None})

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("backoffice.customers.exports.customer_export_table", broken)
    services.export_job_execute(job=job)
    assert job.state == "failed" and "disk full" in job.message
    assert not ActivityLog.objects.exists()


# --- report exports ------------------------------------------------------------------------

def test_a_big_report_export_asks_first_then_runs_as_a_job(
        manager_client, manager, team, small_threshold, django_capture_on_commit_callbacks):
    url = "/reports/area_distribution/export/csv/?preset=this_year"
    page = manager_client.get(url)
    assert page.status_code == 200 and b'id="export-start"' in page.content
    assert not ExportJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url)
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("admin:exports_exportjob_progress", args=[job.pk])
    rows = _csv_rows(_download(manager_client, job))
    assert rows[0][0] == "Area" and {"Kochi", "Kollam", "Thrissur"} <= {r[0] for r in rows}
    entry = ActivityLog.objects.get()
    assert (entry.user, entry.rows, entry.details["report"]) == (
        manager, job.rows_total, "area_distribution")


def test_a_counsellors_report_job_counts_only_her_customers(
        alice, team, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_INLINE_MAX_ROWS = 1  # her two areas go through the job
    client = Client()
    client.force_login(alice)
    url = "/reports/area_distribution/export/csv/?preset=this_year"
    inline = _csv_rows(_inline_report(alice, url))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    job = ExportJob.objects.get()
    assert job.created_by == alice
    assert _csv_rows(_download(client, job)) == inline
    assert "Kollam" not in {r[0] for r in inline}  # only bob's and nobody's customers there


def _inline_report(user, url) -> bytes:
    from django.test import override_settings

    client = Client()
    client.force_login(user)
    with override_settings(EXPORT_INLINE_MAX_ROWS=10_000):
        return b"".join(client.get(url).streaming_content)


def test_picked_rows_she_may_not_see_are_never_exported(
        alice, bob, small_threshold, django_capture_on_commit_callbacks):
    alice = _grant_export(alice)
    hers = CustomerFactory.create_batch(3, assigned_to=alice)
    his = CustomerFactory.create_batch(2, assigned_to=bob)
    client = Client()
    client.force_login(alice)
    response = _export(client, django_capture_on_commit_callbacks,
                       export_items=[c.pk for c in hers + his])
    # ids she may not see are not valid choices: the form is shown again
    assert response.status_code == 200 and not ExportJob.objects.exists()
    _export(client, django_capture_on_commit_callbacks, export_items=[c.pk for c in hers])
    rows = _csv_rows(_download(client, ExportJob.objects.get()))
    assert {int(r[0]) for r in rows[1:]} == {c.pk for c in hers}


def test_a_report_job_is_read_with_the_owners_rights_at_job_time(alice):
    """A job can be made for a report she may not see (a stored row, a
    changed role): it fails, it never writes the report."""
    job = ExportJob.objects.create(
        kind="report", format="csv", title="Data sources", fingerprint="x", created_by=alice,
        params={"report": "data_source_quality", "query": "preset=this_year"})
    services.export_job_execute(job=job)
    assert job.state == "failed" and "no longer see this report" in job.message
    assert not job.file and not ActivityLog.objects.exists()
