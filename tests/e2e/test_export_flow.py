"""A manager exports a customer list too big for one request: the export page
leads to the export's progress page, and the file downloads from there."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from backoffice.exports.models import ExportJob
from tests.backoffice.imports.test_worker import run_rq_worker
from tests.e2e.conftest import login, shot
from tests.factories import CustomerFactory

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private")}},
    }


def test_manager_exports_a_big_list_in_the_background_and_downloads_it(
    page, live_server, manager, alice, settings, tmp_path
):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    CustomerFactory.create_batch(3, area="Kochi", assigned_to=alice)
    CustomerFactory(name="=1+1", area="Kochi")
    login(page, live_server, "maya", next_url="/customers/customer/export/?area__icontains=kochi")
    page.locator("select[name=format]").select_option(label="xlsx")
    with page.expect_navigation():
        page.get_by_role("button", name="Export", exact=True).click()
    job = ExportJob.objects.get()
    assert page.url.endswith(f"/exports/exportjob/{job.pk}/progress/")
    if not settings.JOBS_RUN_IN_PROCESS:
        # With Redis (the service leg) a real rq worker writes the file while
        # the page polls.
        result = run_rq_worker(tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
    expect(page.locator("#export-progress")).to_have_attribute("data-state", "completed",
                                                               timeout=15000)
    expect(page.locator("#progress-text")).to_contain_text("4 of 4 rows")
    shot(page, "60-export-ready")
    with page.expect_download() as download:
        page.locator("#export-download").click()
    data = open(download.value.path(), "rb").read()
    rows = list(load_workbook(io.BytesIO(data)).active.values)
    assert len(rows) == 5 and "'=1+1" in [row[1] for row in rows]
