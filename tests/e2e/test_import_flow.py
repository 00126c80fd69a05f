"""A manager imports a lead list: upload -> preview -> progress -> result -> error report."""

import io
import threading

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from backoffice.customers.models import Customer
from backoffice.imports import jobs as import_jobs
from backoffice.imports.models import ImportRun
from tests.backoffice.imports.test_worker import run_rq_worker
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e

LEADS = (
    "Student Name,Mobile No.,Location,Enquiry Date,Notes\n"
    "Anu Nair,98765 43210,Kochi,24-11-2026,BSc Nursing\n"
    "Rahul,+91-9876543211,Thrissur,24/11/2026,\n"
    "No number,,Kollam,,\n"
    "Anu again,09876543210,Kochi,,\n"
)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.JOBS_IN_PROCESS_THREADS = True  # the embedded setup's own way
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private")}},
    }


def test_manager_imports_a_lead_list_and_downloads_the_problem_rows(
    page, live_server, manager, alice, tmp_path, settings, monkeypatch
):
    leads = tmp_path / "website-leads.csv"
    leads.write_text(LEADS)
    login(page, live_server, "maya", next_url="/imports/importrun/add/")

    page.locator("input[name=file]").set_input_files(str(leads))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and preview").click()

    counts = page.locator("#preview-counts")
    expect(counts.locator("[data-count=rows]")).to_have_text("4")
    expect(counts.locator("[data-count=new]")).to_have_text("2")
    expect(counts.locator("[data-count=duplicates]")).to_have_text("1")
    expect(counts.locator("[data-count=invalid]")).to_have_text("1")
    expect(page.locator("#preview-rows")).to_contain_text("+919876543210")
    expect(page.locator("#preview-rows")).to_contain_text("Phone number is missing.")
    assert not Customer.objects.exists()
    shot(page, "30-import-preview")

    page.locator("select[name=assignment]").select_option("round_robin")
    page.get_by_label("Alice Abraham").check()
    gate = threading.Event()
    if settings.JOBS_RUN_IN_PROCESS:
        # the embedded setup: the import runs on a thread of the server, held
        # here until the progress page has been seen polling
        original = import_jobs.import_run_job
        monkeypatch.setattr(import_jobs, "import_run_job",
                            lambda *args: (gate.wait(20), original(*args))[1])
    with page.expect_navigation():
        page.locator("#start-import").click()
    if settings.JOBS_RUN_IN_PROCESS:
        expect(page.locator("#import-progress")).to_have_attribute("data-state", "queued")
        expect(page.locator("#progress-text")).to_contain_text("you can leave this page")
        shot(page, "30b-import-progress")
        gate.set()
    if not settings.JOBS_RUN_IN_PROCESS:
        # With Redis (the service leg) a real rq worker runs the import while
        # the page polls for progress.
        expect(page.locator("#import-progress")).to_have_attribute("data-state", "queued")
        result = run_rq_worker(tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]

    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("data-state", "completed", timeout=15000)
    expect(page.locator("#result-counts [data-count=created]")).to_have_text("2")
    expect(page.locator("#result-counts [data-count=invalid]")).to_have_text("1")
    shot(page, "31-import-result")

    with page.expect_download() as download_info:
        page.locator("#errors-xlsx").click()
    problems = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read())).active
    rows = list(problems.values)
    assert [r[0] for r in rows[1:]] == [4, 5]
    assert rows[2][1:3] == ("Duplicate", "Same number as row 2.")

    with page.expect_navigation():
        page.locator("#created-customers").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)

    run = ImportRun.objects.get()
    assert run.rows == run.created + run.updated + run.unchanged + run.duplicates + run.invalid
    assert Customer.objects.filter(assigned_to=alice).count() == 2

    # the revert is a job with progress too; its end is on the same page
    page.goto(f"{live_server.url}/imports/importrun/{run.pk}/progress/")
    with page.expect_navigation():
        page.locator("#revert-import").click()
    with page.expect_navigation():
        page.locator("#revert-confirm").click()
    if not settings.JOBS_RUN_IN_PROCESS:
        result = run_rq_worker(tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
    expect(progress).to_have_attribute("data-state", "reverted", timeout=15000)
    expect(page.locator("#run-message")).to_have_text("Reverted: 2 customers deleted, 0 kept.")
    shot(page, "32-import-reverted")
    assert not Customer.objects.exists()


def test_an_upload_never_started_is_continued_or_discarded_from_the_history(
    page, live_server, manager, tmp_path
):
    leads = tmp_path / "fair-leads.csv"
    leads.write_text(LEADS)
    login(page, live_server, "maya", next_url="/imports/importrun/add/")
    page.locator("input[name=file]").set_input_files(str(leads))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and preview").click()
    # the summary beside the start button counts what will be written, not every row
    expect(page.locator("#start-summary")).to_contain_text(
        "2 new customers and 0 already customers")
    expect(page.locator("#preview-rows [data-row='5'] [data-field=problems]")).to_contain_text(
        "Duplicate in the file")
    page.goto(f"{live_server.url}/imports/importrun/")
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.UPLOADED
    shot(page, "33-import-history-not-started")
    with page.expect_navigation():
        page.get_by_role("link", name="Continue").click()
    expect(page.locator("#start-import")).to_be_visible()
    page.goto(f"{live_server.url}/imports/importrun/")
    with page.expect_navigation():
        page.get_by_role("link", name="Discard…").click()
    shot(page, "34-import-discard")
    with page.expect_navigation():
        page.locator("#discard-confirm").click()
    expect(page.locator("body")).to_contain_text("was discarded")
    assert not ImportRun.objects.exists()


def test_an_unreadable_upload_explains_itself(page, live_server, manager, tmp_path):
    bad = tmp_path / "photo.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    login(page, live_server, "maya", next_url="/imports/importrun/add/")
    page.locator("input[name=file]").set_input_files(str(bad))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#upload-form")).to_contain_text("not a spreadsheet")
    assert not ImportRun.objects.exists()
