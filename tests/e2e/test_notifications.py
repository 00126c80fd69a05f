"""The notification centre in a browser: a counsellor sees the bell with a
count, opens the list, marks all read and the count goes away; on a phone
the bell is visible and a full tap target."""

import pytest
from playwright.sync_api import expect

from backoffice.notifications.models import Kind
from backoffice.notifications.services import notify
from tests.e2e.conftest import DESKTOP, MOBILE, assert_no_csp_violations, login

pytestmark = pytest.mark.e2e

XSS = '"><img src=x onerror=alert(1)>'


def _tell(alice):
    notify(recipients=[alice], kind=Kind.ASSIGNED, title="12 customers assigned to you",
           body="Assigned by Maya Menon.", url="/customers/customer/my-calls/", key="e2e:1")
    notify(recipients=[alice], kind=Kind.CUSTOMER_UPDATED, title=f"{XSS} was updated",
           body="Maya Menon set the status to “Valid”.", url="/customers/customer/",
           key="e2e:2")
    notify(recipients=[alice], kind=Kind.DIGEST, title="3 follow-ups due today",
           body="Anu Thomas, Biju Mathew, Deepa Das", url="/customers/customer/my-calls/",
           key="e2e:3")


def test_counsellor_reads_notifications_and_the_count_goes_away(page, live_server, alice):
    _tell(alice)
    page.on("dialog", lambda dialog: pytest.fail(f"a script ran: {dialog.message}"))
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "alice", next_url="/customers/customer/")
    bell = page.locator("#notifications-bell")
    expect(bell).to_be_visible()
    expect(bell).to_have_attribute("aria-label", "Notifications, 3 unread")
    expect(bell.locator(".alims-bell-count")).to_have_text("3")

    with page.expect_navigation():
        bell.click()
    assert page.url.removeprefix(live_server.url) == "/notifications/"
    expect(page.locator(".alims-note")).to_have_count(3)
    expect(page.locator(".alims-note-unread")).to_have_count(3)
    expect(page.locator(".alims-note-title").nth(1)).to_have_text(f"Unread: {XSS} was updated")
    page.screenshot(path="/tmp/notif-list-1366.png", full_page=True)
    page.set_viewport_size(MOBILE)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
    page.screenshot(path="/tmp/notif-list-375.png", full_page=True)
    box = page.locator("#notifications-bell").bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44, box
    expect(page.locator("#notifications-bell")).to_be_in_viewport()
    for target in page.locator(".alims-note-open, #mark-all-read, .alims-notes-link").all():
        tap = target.bounding_box()
        assert tap["height"] >= 44, (target.inner_text(), tap)
    page.set_viewport_size(DESKTOP)

    with page.expect_navigation():
        page.locator("#mark-all-read").click()
    expect(page.locator(".alims-note-unread")).to_have_count(0)
    expect(page.locator("#notifications-bell .alims-bell-count")).to_have_count(0)
    expect(page.locator("#notifications-bell")).to_have_attribute(
        "aria-label", "Notifications, none unread")

    # opening one goes where it points
    with page.expect_navigation():
        page.locator(".alims-note-open", has_text="3 follow-ups due today").click()
    assert page.url.removeprefix(live_server.url).startswith("/customers/customer/my-calls/")
    assert_no_csp_violations(page)


def test_settings_page_on_a_phone(page, live_server, alice):
    _tell(alice)
    page.set_viewport_size(MOBILE)
    login(page, live_server, "alice", next_url="/notifications/settings/")
    expect(page.locator("#notification-settings")).to_be_visible()
    page.screenshot(path="/tmp/notif-settings-375.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path="/tmp/notif-settings-1366.png", full_page=True)
    digest_email = page.locator("input[name='digest-email']")
    expect(digest_email).to_be_checked()
    digest_email.uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.locator("input[name='digest-email']")).not_to_be_checked()


def test_the_notification_pages_pass_axe(page, live_server, alice, axe):
    _tell(alice)
    login(page, live_server, "alice", next_url="/notifications/")
    axe("notifications-list")
    page.goto(f"{live_server.url}/notifications/settings/")
    axe("notification-settings")


def test_a_manager_sees_the_bell_on_the_dashboard_on_a_phone(page, live_server, manager):
    notify(recipients=[manager], kind=Kind.ESCALATION,
           title="4 follow-ups overdue by more than 2 days", body="Alice Abraham: 4",
           url="/customers/customer/?follow_up=due", key="e2e:esc")
    page.set_viewport_size(MOBILE)
    login(page, live_server, "maya", next_url="/")
    bell = page.locator("#notifications-bell")
    expect(bell).to_be_in_viewport()
    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread")
    box = bell.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box
    page.screenshot(path="/tmp/notif-dashboard-375.png")
    page.set_viewport_size(DESKTOP)
    page.screenshot(path="/tmp/notif-dashboard-1366.png")
    with page.expect_navigation():
        bell.click()
    with page.expect_navigation():
        page.locator(".alims-note-open").first.click()
    assert page.url.removeprefix(live_server.url) == "/customers/customer/?follow_up=due"
