"""The ALIMS theme reaches the browser (#1d3362 as primary-600, theme.css for the
hover colour), and screenshots of the main pages at desktop and 375px width for a
person to look at (screenshots/, git-ignored)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.customers import services
from backoffice.customers.statuses import Status
from tests.e2e.conftest import (
    DESKTOP,
    MOBILE,
    horizontal_overflow,
    login,
    shot,
    success_message,
)
from tests.factories import PASSWORD, CustomerFactory

pytestmark = pytest.mark.e2e

PRIMARY_600 = "rgb(29, 51, 98)"  # #1d3362
PRIMARY_700 = "rgb(21, 37, 72)"  # #152548, the hover colour from theme.css


def _bg(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).backgroundColor")


def _watch_failed_assets(page) -> list[str]:
    """Record static assets (CSS, JS, fonts) that fail to load."""
    failed: list[str] = []

    def on_response(response):
        if "/static/" in response.url and response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", on_response)

    def on_failed(request):
        # A navigation aborts the previous page's pending requests: not a failure.
        if "/static/" in request.url and "ERR_ABORTED" not in (request.failure or ""):
            failed.append(f"{request.failure} {request.url}")

    page.on("requestfailed", on_failed)
    return failed


def _some_work(alice, bob):
    """A list that looks like a working day: statuses in every stage, owners, a timeline."""
    today = timezone.localdate()
    rows = [
        ("Anjali Alias", "Kochi", alice, Status.VALID, "Wants the nursing batch", None),
        ("Arun Antony", "Thrissur", alice, Status.CALL_LATER, "Call after exams",
         today + datetime.timedelta(days=2)),
        ("Athira Varghese", "Kozhikode", alice, Status.WAITING_FOR_CONFIRMATION,
         "Parents deciding; a much longer remark to see how the timeline copes with text "
         "that wraps over several lines in the table", today + datetime.timedelta(days=5)),
        ("Bobby Basheer", "Kollam", bob, Status.ADMISSION, "Paid the deposit", None),
        ("Bindu Thomas", "Kochi", bob, Status.NOT_INTERESTED, "Joined elsewhere", None),
        ("Nobody Nair", "Aluva", None, None, "", None),
        ("Sreya Rajan", "Palakkad", None, None, "", None),
    ]
    customers = {}
    for name, area, owner, status, remark, follow_up in rows:
        customer = CustomerFactory(name=name, area=area, assigned_to=owner)
        if status:
            services.customer_change_status(
                customer=customer, status=status, remark=remark,
                next_follow_up=follow_up, by=owner,
            )
        customers[name] = customer
    return customers


def test_primary_colour_is_the_brand_navy(page, live_server, manager):
    CustomerFactory(name="Priya Pillai", phone="+919876543210")
    failed = _watch_failed_assets(page)

    page.goto(f"{live_server.url}/login/")
    login_button = page.locator("#login-form button[type=submit]")
    expect(login_button).to_have_css("background-color", PRIMARY_600)
    login_button.hover()
    expect(login_button).to_have_css("background-color", PRIMARY_700)  # theme.css

    login(page, live_server, "maya")
    css_var = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--color-primary-600')"
    )
    assert css_var.strip() in {"#1d3362", PRIMARY_600}, css_var

    primaries = page.locator(".bg-primary-600:visible")
    assert primaries.count() >= 2  # the site symbol and "Add customer"
    for i in range(primaries.count()):
        assert _bg(primaries.nth(i)) == PRIMARY_600
    expect(page.locator("a.addlink")).to_have_css("background-color", PRIMARY_600)
    expect(page.locator("a.alims-phone").first).to_have_css("color", PRIMARY_600)

    # The sidebar marks the page you are on in the primary colour.
    active = page.locator("a.active[href='/customers/customer/']")
    expect(active).to_have_count(1)
    expect(active).to_have_css("color", PRIMARY_600)

    assert failed == [], failed
    assert page.js_errors == [], page.js_errors


def test_screenshots_manager_pages(page, live_server, manager, alice, bob):
    customers = _some_work(alice, bob)
    failed = _watch_failed_assets(page)

    page.goto(f"{live_server.url}/login/")
    expect(page.locator("#login-form")).to_be_visible()
    shot(page, "01-login")

    login(page, live_server, "maya")
    expect(page.locator("#result_list tbody tr")).to_have_count(len(customers))
    shot(page, "02-customer-list-manager")

    # Filters panel open.
    page.locator("#filters-open").click()
    expect(page.get_by_role("button", name="Apply Filters")).to_be_visible()
    shot(page, "03-customer-list-filters", full_page=False)
    page.keyboard.press("Escape")

    page.goto(f"{live_server.url}/customers/customer/{customers['Athira Varghese'].pk}/change/")
    expect(page.locator("input[name=name], .field-name").first).to_be_visible()
    shot(page, "04-customer-change", desktop_full_page=False)

    # Bulk assign: intermediate page.
    page.goto(f"{live_server.url}/customers/customer/?counsellor=none")
    page.locator("#action-toggle").check()
    shot(page, "05-customer-list-selected", full_page=False)
    page.locator("#changelist-actions select[name=action]").select_option("assign_to_counsellor")
    with page.expect_navigation():
        page.locator("#changelist-actions button[type=submit]", has_text="Run").click()
    expect(page.locator("select[name=counsellor]")).to_be_visible()
    shot(page, "06-bulk-assign")
    page.locator("select[name=counsellor]").select_option(label="Alice Abraham")
    with page.expect_navigation():
        page.get_by_role("button", name="Assign", exact=True).click()
    expect(success_message(page)).to_be_visible()
    shot(page, "06b-assigned-message", full_page=False)

    page.goto(f"{live_server.url}/customers/statuschange/")
    expect(page.locator("#result_list tbody tr")).to_have_count(5)
    shot(page, "07-status-updates")

    page.goto(f"{live_server.url}/accounts/user/")
    shot(page, "08-users-list-manager")

    assert failed == [], failed
    assert page.js_errors == [], page.js_errors


def test_screenshots_counsellor_pages(page, live_server, manager, alice, bob):
    customers = _some_work(alice, bob)
    failed = _watch_failed_assets(page)

    login(page, live_server, "alice")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    shot(page, "10-customer-list-counsellor")

    row = page.locator("#result_list tbody tr", has_text="Anjali Alias")
    row.locator("td.field-actions_holder span.material-symbols-outlined").click()
    page.get_by_role("link", name="Update status").click()
    dialog = page.locator("#modal-content #dialog")
    expect(dialog).to_be_visible()
    shot(page, "11-update-status-dialog", full_page=False)

    dialog.locator("select[name=status]").select_option(label="Call later")
    dialog.get_by_role("button", name="Save update").click()
    expect(dialog).to_contain_text("needs a follow-up date")
    shot(page, "12-update-status-dialog-error", full_page=False)

    page.goto(f"{live_server.url}/customers/statuschange/")
    shot(page, "13-status-updates-counsellor")

    page.goto(f"{live_server.url}/customers/customer/{customers['Anjali Alias'].pk}/change/")
    shot(page, "15-customer-change-counsellor", desktop_full_page=False)

    # Bob's customer: not hers, so 404 (what does that page look like?).
    bobs = customers["Bobby Basheer"]
    response = page.goto(f"{live_server.url}/customers/customer/{bobs.pk}/change/")
    assert response.status == 404
    shot(page, "14-not-found", full_page=False)

    assert failed == [], failed
    assert page.js_errors == [], page.js_errors


def test_screenshots_superuser_users_list(page, live_server, superuser, manager, alice, bob):
    failed = _watch_failed_assets(page)
    login(page, live_server, "root", next_url="/accounts/user/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(4)
    expect(page.locator("#result_list")).to_contain_text("Student Counsellor")
    shot(page, "20-users-list-superuser")

    page.goto(f"{live_server.url}/accounts/user/{alice.pk}/change/")
    shot(page, "21-user-change", desktop_full_page=False)

    assert failed == [], failed
    assert page.js_errors == [], page.js_errors


def test_bare_login_lands_on_the_back_office(page, live_server, manager):
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill("maya")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#login-form button[type=submit]").click()
    assert page.url.rstrip("/") == live_server.url
    assert page.title() != "Not Found"


def test_user_change_page_fits_a_laptop_screen(page, live_server, superuser, alice):
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "root", next_url=f"/accounts/user/{alice.pk}/change/")
    assert horizontal_overflow(page) == 0


def test_mobile_header_names_the_page(page, live_server, manager):
    page.set_viewport_size(MOBILE)
    login(page, live_server, "maya")
    title = page.locator("#header-inner h1 > a").last
    expect(title).to_have_text("Customers")
    width, needed = title.evaluate("a => [a.clientWidth, a.scrollWidth]")
    assert width > 0 and width >= needed, (width, needed)


def test_change_form_shows_the_status_as_a_label(page, live_server, manager):
    customer = CustomerFactory(name="Priya Pillai", status=Status.VALID)
    login(page, live_server, "maya", next_url=f"/customers/customer/{customer.pk}/change/")
    status = page.locator(
        ".field-line", has=page.locator("label", has_text="Status")
    ).locator(".readonly")
    expect(status).to_contain_text("Valid")
    expect(status).not_to_contain_text("('valid'", timeout=500)
