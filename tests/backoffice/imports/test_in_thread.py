"""The embedded setup (no Redis): an import and a revert run on a thread of
their own, the request that starts them returns at once, and the progress
page polls. These tests run the thread for real (the rest of the suite runs
jobs inside the request, for determinism: tests/conftest.py)."""

import contextlib
import datetime
import statistics
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from backoffice.audit.models import ActivityLog
from backoffice.core import jobs
from backoffice.customers.models import Customer
from backoffice.customers.services import customer_change_status
from backoffice.imports import jobs as import_jobs
from backoffice.imports import services
from backoffice.imports.models import ImportRun
from tests.backoffice.imports.conftest import csv_file
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True)

CONFIRM = {"confirm": "1", "policy": "skip", "assignment": "none", "default_status": "new"}


@pytest.fixture(autouse=True)
def _threads(settings):
    settings.JOBS_RUN_IN_PROCESS = True
    settings.JOBS_IN_PROCESS_THREADS = True
    yield
    assert jobs.wait_for_threads(60), "a job thread outlived its test"


@contextlib.contextmanager
def held(target: str):
    """Hold the job ``target`` of backoffice.imports.jobs until released,
    counting its calls and keeping the connection its thread used."""
    gate = threading.Event()
    seen = {"calls": 0, "connections": [], "threads": []}
    original = getattr(import_jobs, target)

    def wrapper(*args, **kwargs):
        seen["calls"] += 1
        seen["threads"].append(threading.current_thread())
        gate.wait(30)
        seen["connections"].append(connections["default"])
        return original(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(import_jobs, target, wrapper)
        yield gate, seen


def _uploaded(client, rows):
    client.post(reverse("admin:imports_importrun_add"),
                {"file": csv_file(rows)})
    return ImportRun.objects.get()


def _rows(n, start=0):
    return [f"Lead {i},98{i:08d},Kochi,," for i in range(start, start + n)]


def test_a_confirmed_import_returns_at_once_and_completes_on_its_own_thread(manager_client):
    run = _uploaded(manager_client, _rows(30))
    with held("import_run_job") as (gate, seen):
        started = time.monotonic()
        response = manager_client.post(reverse("admin:imports_importrun_preview", args=[run.pk]),
                                       CONFIRM)
        took = time.monotonic() - started
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:imports_importrun_progress", args=[run.pk])
        run.refresh_from_db()
        # the request is over, the import not yet: the page polls
        assert run.state == ImportRun.State.QUEUED and took < 5
        page = manager_client.get(response["Location"])
        assert b'hx-trigger="every 1s"' in page.content
        gate.set()
        assert jobs.wait_for_threads(60)
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED, run.message
    assert (run.rows, run.created) == (30, 30)
    assert seen["threads"][0] is not threading.main_thread()
    # the thread had its own connection, and closed it
    used = seen["connections"][0]
    assert used is not connections["default"]
    assert used.connection is None


def test_an_import_that_fails_on_its_thread_is_recorded_and_runs_again(manager_client,
                                                                         monkeypatch):
    run = _uploaded(manager_client, _rows(5))

    def broken(self, batch, errors):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services._Writer, "write", broken)
    manager_client.post(reverse("admin:imports_importrun_preview", args=[run.pk]), CONFIRM)
    assert jobs.wait_for_threads(60)
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED
    assert "disk full" in run.message and "Run it again" in run.message
    page = manager_client.get(reverse("admin:imports_importrun_progress", args=[run.pk]))
    assert b'id="run-again"' in page.content

    monkeypatch.undo()
    manager_client.post(reverse("admin:imports_importrun_run_again", args=[run.pk]))
    assert jobs.wait_for_threads(60)
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED and run.created == 5


def test_an_import_whose_server_restarted_goes_silent_and_can_run_again(manager_client):
    """A restart ends the thread mid-import: the run stays "running" with a
    heartbeat that stops; the progress page then marks it failed."""
    run = _uploaded(manager_client, _rows(4))
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.RUNNING, settings={**run.settings, "policy": "skip"},
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=10))
    page = manager_client.get(reverse("admin:imports_importrun_progress", args=[run.pk]))
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED and b'id="run-again"' in page.content
    manager_client.post(reverse("admin:imports_importrun_run_again", args=[run.pk]))
    assert jobs.wait_for_threads(60)
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED and run.created == 4


def test_the_database_waits_for_a_lock_instead_of_failing_at_once(settings):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's busy timeout")
    assert settings.DATABASES["default"]["OPTIONS"]["timeout"] >= 10
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert services.SQLITE_BATCH_SIZE <= 1000 and services.SQLITE_PAUSE_SECONDS > 0


def test_people_keep_saving_while_an_import_writes(manager, alice, monkeypatch):
    """An import's batches are short transactions with a pause between them:
    a counsellor saving a status update waits a moment, never the import."""
    monkeypatch.setattr(services, "SQLITE_BATCH_SIZE", 500)
    customer = CustomerFactory(assigned_to=alice, phone="+917000000001")
    run = services.import_run_create(upload=csv_file(_rows(4000)), by=manager)
    services.import_run_confirm(run=run, by=manager, policy="skip")
    waits = []
    deadline = time.monotonic() + 120
    while jobs.running_threads() and time.monotonic() < deadline:
        started = time.monotonic()
        with transaction.atomic():
            customer_change_status(customer=customer, status="call_later", remark="busy",
                                   by=alice, next_follow_up=timezone.localdate())
        waits.append(time.monotonic() - started)
        time.sleep(0.02)
    assert jobs.wait_for_threads(120)
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED, run.message
    assert run.created == 4000
    assert len(waits) >= 3, "the import ended before anyone could save"
    # a save waits for the batch being written, not for the import: most
    # waits are short, and none comes near the database's lock timeout
    assert statistics.median(waits) < 1, waits
    assert max(waits) < 15, waits


def test_a_revert_returns_at_once_runs_once_and_records_its_end(manager_client, manager):
    run = services.import_run_create(upload=csv_file(_rows(12)), by=manager)
    services.import_run_confirm(run=run, by=manager, policy="skip")
    assert jobs.wait_for_threads(60)
    url = reverse("admin:imports_importrun_revert", args=[run.pk])
    with held("import_revert_job") as (gate, seen):
        first = manager_client.post(url)
        second = manager_client.post(url)  # a double click
        assert first.status_code == second.status_code == 302
        run.refresh_from_db()
        assert run.state == ImportRun.State.REVERTING
        page = manager_client.get(reverse("admin:imports_importrun_progress", args=[run.pk]),
                                  HTTP_HX_REQUEST="true")
        assert b'data-state="reverting"' in page.content and b"Reverting" in page.content
        gate.set()
        assert jobs.wait_for_threads(60)
    assert seen["calls"] == 1
    run.refresh_from_db()
    assert run.state == ImportRun.State.REVERTED
    assert run.settings["revert"]["deleted"] == 12 and run.settings["revert"]["finished_at"]
    assert not Customer.objects.exists()
    entry = ActivityLog.objects.get(action=ActivityLog.Action.REVERT_IMPORT)
    assert entry.rows == 12 and entry.user == manager


def test_a_revert_that_fails_is_recorded_and_can_be_reverted_again(manager, monkeypatch):
    run = services.import_run_create(upload=csv_file(_rows(6)), by=manager)
    services.import_run_confirm(run=run, by=manager, policy="skip")
    assert jobs.wait_for_threads(60)
    monkeypatch.setattr(services, "REVERT_BATCH_SIZE", 2)
    original = services._revert_batch
    calls = []

    def fails_second_time(ids, by, deleted):
        calls.append(ids)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return original(ids, by, deleted)

    monkeypatch.setattr(services, "_revert_batch", fails_second_time)
    services.import_run_revert_start(run=run, by=manager)
    assert jobs.wait_for_threads(60)
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED
    assert "database went away" in run.message and "Revert it again" in run.message
    assert Customer.objects.count() == 4

    monkeypatch.setattr(services, "_revert_batch", original)
    services.import_run_revert_start(run=run, by=manager)
    assert jobs.wait_for_threads(60)
    run.refresh_from_db()
    assert run.state == ImportRun.State.REVERTED and not Customer.objects.exists()


def test_the_progress_page_answers_while_a_job_holds_a_write_on_its_run(manager_client,
                                                                        manager):
    """The page polls while a revert's batch is being written: it reads the
    last committed state and never fails for the writer's lock."""
    run = services.import_run_create(upload=csv_file(_rows(3)), by=manager)
    services.import_run_confirm(run=run, by=manager, policy="skip")
    assert jobs.wait_for_threads(60)
    writing, release = threading.Event(), threading.Event()

    def write_and_hold():
        with transaction.atomic():
            ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.REVERTING)
            Customer.objects.filter(import_run=run).delete()
            writing.set()
            release.wait(30)

    jobs.enqueue(write_and_hold, thread=True)
    assert writing.wait(30)
    try:
        page = manager_client.get(reverse("admin:imports_importrun_progress", args=[run.pk]),
                                  HTTP_HX_REQUEST="true")
        assert page.status_code == 200
        assert b'data-state="completed"' in page.content  # the last committed state
    finally:
        release.set()
    assert jobs.wait_for_threads(60)
    run.refresh_from_db()
    assert run.state == ImportRun.State.REVERTING
