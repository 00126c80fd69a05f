"""A counsellor logs a call with the keyboard alone: no click anywhere, from the sign-in
form to the saved status; and the dialog keeps focus while it is open and gives it back
when it closes."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.customers.models import Customer, StatusChange
from backoffice.customers.statuses import Status
from tests.e2e.conftest import axe_check, shot, success_message
from tests.factories import PASSWORD, CustomerFactory

pytestmark = pytest.mark.e2e

MAX_TABS = 60  # a bound, so a control Tab never reaches fails instead of looping


def _focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        // what a screen reader says: the label, or the text less what is aria-hidden
        const copy = el.cloneNode(true);
        copy.querySelectorAll("[aria-hidden=true]").forEach(hidden => hidden.remove());
        return {id: el.id, tag: el.tagName.toLowerCase(), name: el.getAttribute("name"),
                text: (el.getAttribute("aria-label") || copy.textContent || "").trim(),
                inDialog: !!el.closest("#modal-content")};
    }""")


def _tab_to(page, predicate, *, what: str, limit: int = MAX_TABS) -> int:
    """Press Tab until ``predicate(focused)``; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if predicate(_focused(page)):
            return presses
    raise AssertionError(f"{what} not reached with {limit} Tabs")


def _sign_in_with_the_keyboard(page, live_server, username):
    page.goto(f"{live_server.url}/login/?next=/customers/customer/")
    # the skip link comes first; the username box has focus from the start (autofocus)
    first = page.evaluate("""() => document.querySelector(
        "a[href], button, input:not([type=hidden]), select, textarea").textContent.trim()""")
    assert first == "Skip to main content"
    if _focused(page)["name"] != "username":
        _tab_to(page, lambda f: f["name"] == "username", what="the username box")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert _focused(page)["name"] == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/customers/customer/"), page.url


def _open_update_status_with_the_keyboard(page, customer):
    # Skip the sidebar: the skip link, then into the page's own content.
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"
    trigger = f"row-actions-{customer.pk}"
    tabs = _tab_to(page, lambda f: f["id"] == trigger, what="the row's “More actions” button")
    page.keyboard.press("Enter")  # opens the row menu, focus on its first action
    expect(page.locator(f"#{trigger}")).to_have_attribute("aria-expanded", "true")
    assert _focused(page)["text"] == "Update status"
    page.keyboard.press("Enter")  # opens the dialog
    dialog = page.get_by_role("dialog", name="Update status")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("aria-modal", "true")
    page.wait_for_function("() => document.activeElement.name === 'status'")
    return dialog, tabs


def _a_day_whose_day_is_its_month() -> datetime.date:
    """The date field's order of day and month follows the browser's language; a date
    like 12/12 reads the same either way."""
    day = timezone.localdate() + datetime.timedelta(days=1)
    while day.day != day.month:
        day += datetime.timedelta(days=1)
    return day


def test_a_counsellor_logs_a_call_with_the_keyboard_alone(page, live_server, alice):
    CustomerFactory(name="Arun Antony", assigned_to=alice)
    anjali = CustomerFactory(name="Anjali Alias", assigned_to=alice)
    follow_up = _a_day_whose_day_is_its_month()

    _sign_in_with_the_keyboard(page, live_server, "alice")
    dialog, tabs = _open_update_status_with_the_keyboard(page, anjali)
    assert tabs <= 25, f"{tabs} Tabs from the skip link to the row's actions"
    shot(page, "85-keyboard-update-status")

    # status: type ahead in the focused list; then remark, then the date (dd/mm/yyyy)
    page.keyboard.type("Call l")
    expect(dialog.locator("select[name=status]")).to_have_value(Status.CALL_LATER)
    page.keyboard.press("Tab")
    assert _focused(page)["name"] == "remark"
    page.keyboard.type("Exams till Friday; call on Monday evening")
    page.keyboard.press("Tab")
    assert _focused(page)["name"] == "next_follow_up"
    page.keyboard.type(follow_up.strftime("%d/%m/%Y"))  # a day-first text box
    expect(dialog.locator("input[name=next_follow_up]")).to_have_value(
        follow_up.strftime("%d/%m/%Y"))

    save = _tab_to(page, lambda f: f["text"] == "Save update", what="“Save update”")
    assert save <= 3
    with page.expect_navigation():  # saved: the list again
        page.keyboard.press("Enter")

    expect(success_message(page)).to_have_text(
        f"Anjali Alias is now “Call later”. Call again on {follow_up:%a} {follow_up.day} "
        f"{follow_up:%b}.")
    # focus comes back to the control the dialog was opened from
    page.wait_for_function(f"() => document.activeElement.id === 'row-actions-{anjali.pk}'")
    anjali = Customer.objects.get(pk=anjali.pk)
    assert anjali.status == Status.CALL_LATER
    assert anjali.next_follow_up == follow_up
    change = StatusChange.objects.get(customer=anjali)
    assert change.remark == "Exams till Friday; call on Monday evening"
    assert change.changed_by_id == alice.pk


def test_the_dialog_keeps_focus_inside_and_gives_it_back_on_escape(page, live_server, alice):
    anjali = CustomerFactory(name="Anjali Alias", assigned_to=alice)
    _sign_in_with_the_keyboard(page, live_server, "alice")
    _open_update_status_with_the_keyboard(page, anjali)

    # Tab and Shift+Tab go round inside the dialog
    for _ in range(12):
        page.keyboard.press("Tab")
        assert _focused(page)["inDialog"], _focused(page)
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        assert _focused(page)["inDialog"], _focused(page)

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.wait_for_function(f"() => document.activeElement.id === 'row-actions-{anjali.pk}'")
    assert Customer.objects.get(pk=anjali.pk).status == Status.NEW


def test_the_row_menu_closes_on_escape_and_focus_stays_on_its_button(page, live_server, alice):
    anjali = CustomerFactory(name="Anjali Alias", assigned_to=alice)
    _sign_in_with_the_keyboard(page, live_server, "alice")
    trigger = page.locator(f"#row-actions-{anjali.pk}")
    trigger.focus()
    page.keyboard.press("Enter")
    menu = page.locator(f"#row-actions-menu-{anjali.pk}")
    expect(menu).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(trigger).to_be_focused()
    expect(trigger).to_have_attribute("aria-expanded", "false")


def test_a_counsellor_opens_update_status_from_the_customer_page_with_the_keyboard(
        page, live_server, alice):
    anjali = CustomerFactory(name="Anjali Alias", assigned_to=alice)
    _sign_in_with_the_keyboard(page, live_server, "alice")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    _tab_to(page, lambda f: f["text"] == "Anjali Alias", what="the customer's name")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/customers/customer/{anjali.pk}/change/"), page.url

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    tabs = _tab_to(page, lambda f: f["text"] == "Update status", what="“Update status”")
    assert tabs <= 10, f"{tabs} Tabs from the skip link to “Update status”"
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Update status")
    expect(dialog).to_be_visible()
    page.wait_for_function("() => document.activeElement.name === 'status'")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.wait_for_function("() => document.activeElement.textContent.includes('Update status')")


def test_the_person_menu_opens_with_the_keyboard_and_leads_to_api_tokens(
        page, live_server, alice):
    """The person menu (API tokens, two-factor, notification settings, log out) is a
    button Tab reaches: Enter opens it, Escape closes it and gives focus back."""
    page.set_viewport_size({"width": 1366, "height": 900})
    _sign_in_with_the_keyboard(page, live_server, "alice")
    _tab_to(page, lambda f: f["id"] == "user-links-button", what="the person menu's button")
    button = page.locator("#user-links-button")
    expect(button).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#user-links")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#user-links")).to_be_hidden()
    assert _focused(page)["id"] == "user-links-button"
    page.keyboard.press("Enter")
    # the next Tab goes into the menu (drawn above its button, after it in the page),
    # not on through the page: its theme buttons first, then the account's links
    expect(page.locator("#user-links")).to_be_visible()
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Light"
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Dark"
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_class("dark")
    expect(page.get_by_role("button", name="Dark")).to_have_attribute("aria-pressed", "true")
    axe_check(page, "person-menu-dark", include="#user-links")
    _tab_to(page, lambda f: f["text"] == "API tokens", what="the API tokens link", limit=6)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/account/api-tokens/"), page.url


def test_a_collapsed_sidebar_group_opens_with_the_keyboard(page, live_server, manager):
    page.set_viewport_size({"width": 1366, "height": 900})
    _sign_in_with_the_keyboard(page, live_server, "maya")
    group = page.get_by_role("button", name="Administration")
    expect(group).to_have_attribute("aria-expanded", "false")
    _tab_to(page, lambda f: f["tag"] == "button" and f["text"].startswith("Administration"),
            what="the Administration group")
    page.keyboard.press("Enter")
    expect(group).to_have_attribute("aria-expanded", "true")
    _tab_to(page, lambda f: f["text"] == "Data sources", what="the Data sources link")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/imports/datasource/" in page.url, page.url


def test_on_a_phone_the_menu_button_opens_the_sidebar_with_the_keyboard(page, live_server, alice):
    page.set_viewport_size({"width": 375, "height": 812})
    _sign_in_with_the_keyboard(page, live_server, "alice")
    menu = page.locator("#menu-button")
    expect(menu).to_have_attribute("aria-expanded", "false")
    _tab_to(page, lambda f: f["id"] == "menu-button", what="the menu button")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    # the focus goes into the open menu (it covers the button), on its close button
    page.wait_for_function("() => document.activeElement.id === 'menu-close'")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    assert _focused(page)["id"] == "menu-button"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'menu-close'")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "false")
    page.wait_for_function("() => document.activeElement.id === 'menu-button'")
    page.keyboard.press("Enter")
    # down the menu's links to the person menu, not through the page behind it
    _tab_to(page, lambda f: f["id"] == "user-links-button", what="the person menu", limit=15)
    page.keyboard.press("Enter")
    expect(page.locator("#user-links")).to_be_visible()
    _tab_to(page, lambda f: f["text"] == "API tokens", what="the API tokens link", limit=7)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/account/api-tokens/"), page.url
