"""A manager reads an odd file the way it is meant: the header row under a
title, a "Parent Contact" column that is the alternate phone, a column left
out; saves that as a data source; and the next file from the same place is
read the same way without touching anything."""

import pytest
from playwright.sync_api import expect

from backoffice.customers.models import Customer
from backoffice.imports.models import DataSource, ImportRun
from tests.backoffice.imports.test_worker import run_rq_worker
from tests.e2e.conftest import login, shot, success_message

pytestmark = pytest.mark.e2e

HEADER = "Student Name,Mobile,Parent Contact,Internal Code,Programme Interest\n"
FIRST = (
    "Website enquiries — November\n"
    "Exported 30-11-2026\n" + HEADER +
    "Anu Nair,98765 43210,98470 11111,X-1,BSc Nursing\n"
    "Rahul,98765 43211,98470 22222,X-2,BCom\n"
)
SECOND = (
    "Website enquiries — December\n"
    "Exported 31-12-2026\n" + HEADER +
    "Meera,99999 00001,98480 33333,X-3,MBA\n"
)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private")}},
    }


def _upload(page, path, source=None):
    page.goto("/imports/importrun/add/")
    if source:
        page.locator("select[name=data_source]").select_option(label=source)
    page.locator("input[name=file]").set_input_files(str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#import-preview")).to_be_visible()


def _column(page, number):
    return page.locator(f"#mapping-form [data-column='{number}'] select")


def _start(page, settings, tmp_path):
    with page.expect_navigation():
        page.locator("#start-import").click()
    if not settings.JOBS_RUN_IN_PROCESS:
        result = run_rq_worker(tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
    expect(page.locator("#import-progress")).to_have_attribute("data-state", "completed",
                                                               timeout=15000)


def test_a_manager_maps_an_odd_file_saves_it_as_a_source_and_the_next_file_follows(
    page, live_server, manager, tmp_path, settings
):
    first, second = tmp_path / "november.csv", tmp_path / "december.csv"
    first.write_text(FIRST)
    second.write_text(SECOND)
    login(page, live_server, "maya", next_url="/imports/importrun/add/")

    _upload(page, first)
    header = page.locator("#header-form select[name=header_row]")
    expect(header.locator("option")).to_have_count(5)
    expect(header.locator("option").first).to_contain_text("Row 1: Website enquiries")
    header.select_option("3")
    with page.expect_navigation():
        page.get_by_role("button", name="Read the headers from this row").click()
    expect(header).to_have_value("3")
    expect(page.locator("#mapping-form [data-column='3']")).to_contain_text("Parent Contact")
    expect(page.locator("#mapping-form [data-column='3']")).to_contain_text("98470 11111")
    expect(_column(page, 3)).to_have_value("__keep__")

    _column(page, 3).select_option("alternate_phone")
    _column(page, 4).select_option("__ignore__")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply these columns").click()
    expect(_column(page, 3)).to_have_value("alternate_phone")
    expect(_column(page, 4)).to_have_value("__ignore__")
    first_row = page.locator("#preview-rows tbody tr").first
    expect(first_row.locator("[data-field=alternate_phone]")).to_have_text("+919847011111")
    first_row.locator("[data-field=details] summary").click()
    expect(first_row.locator("[data-field=details]")).to_contain_text("BSc Nursing")
    expect(first_row.locator("[data-field=details]")).not_to_contain_text("X-1")

    page.locator("#save-source-form input[name=name]").fill("Website enquiries")
    with page.expect_navigation():
        page.locator("#save-source").click()
    expect(success_message(page)).to_contain_text("Saved as the data source")
    shot(page, "32-import-mapping")
    _start(page, settings, tmp_path)

    _upload(page, second, source="Website enquiries")
    expect(_column(page, 1)).to_have_value("name")
    expect(_column(page, 2)).to_have_value("phone")
    expect(_column(page, 3)).to_have_value("alternate_phone")
    expect(_column(page, 4)).to_have_value("__ignore__")
    expect(_column(page, 5)).to_have_value("__keep__")
    expect(page.locator("#preview-counts [data-count=new]")).to_have_text("1")
    shot(page, "33-import-mapping-next-file")
    _start(page, settings, tmp_path)

    source = DataSource.objects.get()
    meera = Customer.objects.get(phone="+919999900001")
    assert (meera.alternate_phone, meera.source_details) == (
        "+919848033333", {"Programme Interest": "MBA"})
    assert meera.data_source == source
    assert Customer.objects.get(phone="+919876543210").alternate_phone == "+919847011111"
    assert ImportRun.objects.filter(data_source=source).count() == 2

    # what the file said, on the customer's page
    page.goto(f"/customers/customer/{meera.pk}/change/")
    details = page.get_by_text("From the source file")
    expect(details).to_be_visible()
    expect(page.locator("body")).to_contain_text("Programme Interest")
    expect(page.locator("body")).to_contain_text("MBA")
    shot(page, "34-customer-source-details")


def test_a_column_change_not_applied_is_not_lost_without_a_word(
    page, live_server, manager, tmp_path
):
    first = tmp_path / "november.csv"
    first.write_text(FIRST)
    login(page, live_server, "maya", next_url="/imports/importrun/add/")
    _upload(page, first)
    header = page.locator("#header-form select[name=header_row]")
    header.select_option("3")
    with page.expect_navigation():
        page.get_by_role("button", name="Read the headers from this row").click()
    _column(page, 3).select_option("alternate_phone")  # changed, not applied
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Read the file this way").click()
    assert asked and "changed but not applied" in asked[0]
    expect(_column(page, 3)).to_have_value("alternate_phone")  # still on the page, kept
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Read the file this way").click()
    expect(_column(page, 3)).to_have_value("__keep__")
