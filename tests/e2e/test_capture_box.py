"""A data source's web form box on a phone: the address and the snippet stay inside
the page, and the snippet is reachable with Tab."""

import pytest
from playwright.sync_api import expect

from backoffice.imports.models import DataSource
from tests.e2e.conftest import MOBILE, assert_no_csp_violations, horizontal_overflow, login

pytestmark = pytest.mark.e2e


def test_the_capture_box_fits_a_phone(page, live_server, manager):
    source = DataSource.objects.create(name='<img src=x onerror=alert(1)> form', slug="web",
                                       importer="standard", capture_key="k" * 43)
    page.on("dialog", lambda dialog: pytest.fail(f"a script ran: {dialog.message}"))
    page.set_viewport_size(MOBILE)
    login(page, live_server, "maya", next_url=f"/imports/datasource/{source.pk}/change/")
    expect(page.locator("#capture-snippet")).to_be_visible()
    assert horizontal_overflow(page) == 0
    page.locator("#capture-snippet").focus()
    expect(page.locator("#capture-snippet")).to_be_focused()
    assert_no_csp_violations(page)
