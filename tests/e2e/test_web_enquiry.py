"""A customer of hers sends the website form again: the counsellor is told (the bell),
and the notification opens the customer's page at "Calls, messages and web enquiries",
on a phone, with the keyboard; the long or hostile text wraps and is text, and the
section can be read in dark mode too (axe-core's contrast check); a long enquiry
starts folded."""

import pytest
from playwright.sync_api import expect

from backoffice.imports.models import DataSource
from tests.e2e.conftest import (
    MOBILE, assert_no_csp_violations, axe_check, horizontal_overflow, login,
)
from tests.factories import CustomerFactory

pytestmark = pytest.mark.e2e

KEY = "k" * 43
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_a_counsellor_is_told_and_lands_on_the_enquiries_on_a_phone(page, live_server, alice):
    page.on("dialog", lambda dialog: pytest.fail(f"a script ran: {dialog.message}"))
    DataSource.objects.create(name="Website", slug="website", importer="standard",
                              capture_key=KEY)
    customer = CustomerFactory(phone="+919876543210", name="Asha Menon", assigned_to=alice)
    # the long message last: the newest is first on the page
    for message in ("Fees for the nursing course?", XSS, "word " * 399 + "x" * 5):
        answer = page.request.post(f"{live_server.url}/capture/{KEY}/", data={
            "name": "Asha", "phone": "98765 43210", "message": message})
        assert answer.status == 200, answer.text()

    page.set_viewport_size(MOBILE)
    login(page, live_server, "alice", next_url="/notifications/")
    expect(page.locator("#notifications-bell")).to_have_attribute(
        "aria-label", "Notifications, 1 unread")
    note = page.locator("button.alims-note-open", has_text="Asha Menon")
    note.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/customers/customer/{customer.pk}/change/#customer-timeline")
    section = page.locator("#customer-timeline")
    expect(section).to_be_in_viewport()
    enquiries = section.locator("li[data-kind=enquiry]")
    expect(enquiries).to_have_count(3)
    expect(enquiries.nth(1)).to_contain_text(XSS)  # as text
    assert horizontal_overflow(page) == 0
    # the long one starts folded: its beginning, and a button (Tab, Enter) for the rest
    long = enquiries.nth(0)
    expect(long.locator(".alims-enquiry-preview")).to_be_visible()
    expect(long.locator(".alims-enquiry-long .alims-enquiry-text")).to_be_hidden()
    expect(long.locator("summary")).to_have_text("Read the whole enquiry", use_inner_text=True)
    long.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(long.locator(".alims-enquiry-long .alims-enquiry-text")).to_contain_text("x" * 5)
    expect(long.locator(".alims-enquiry-preview")).to_be_hidden()
    expect(long.locator("summary")).to_have_text("Show less", use_inner_text=True)
    assert horizontal_overflow(page) == 0

    page.emulate_media(color_scheme="dark")
    page.evaluate("() => document.documentElement.classList.add('dark')")
    axe_check(page, "customer-enquiries-dark-375", include="#customer-timeline")
    assert_no_csp_violations(page)
