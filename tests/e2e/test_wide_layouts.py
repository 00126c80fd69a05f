"""At 1366 px (a common laptop) no page loses columns: every table fits its container
(nothing scrolls sideways or is clipped), as a manager with realistic data (long names,
long file names, every column)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.customers import services
from backoffice.customers.statuses import Status
from backoffice.imports.models import ImportRun
from tests.e2e.conftest import DESKTOP, horizontal_overflow, login, shot
from tests.factories import CounsellorFactory, CustomerFactory

pytestmark = pytest.mark.e2e

# For each table on the page, every box around it, up to <main>, that scrolls or clips
# (overflow-x other than "visible") and is narrower than what it holds (scrollWidth >
# clientWidth): a column scrolled or clipped away. A box that lets its content show
# past it does not hide anything, and a wider page is caught by horizontal_overflow.
_OVERFLOWING = """() => {
    const found = [];
    for (const table of document.querySelectorAll("main table")) {
        if (!table.getClientRects().length) continue;
        for (let el = table.parentElement; el; el = el.parentElement) {
            if (el.tagName === "MAIN") break;
            if (getComputedStyle(el).overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1) {
                found.push(`${table.id || table.className} in <${el.tagName.toLowerCase()} ` +
                           `class="${el.className}">: ${el.scrollWidth} > ${el.clientWidth}`);
            }
        }
    }
    return found;
}"""


def _overflowing_tables(page) -> list[str]:
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
    found = page.evaluate(_OVERFLOWING)
    if horizontal_overflow(page) > 0:
        found.append(f"the page: {horizontal_overflow(page)}px wider than the window")
    return found


def _right_edge(locator) -> float:
    box = locator.bounding_box()
    return box["x"] + box["width"]


@pytest.fixture
def busy_team(manager, alice):
    """A team's realistic data: long names, every column filled."""
    team = [alice] + [
        CounsellorFactory(username=f"c{i}", first_name="Gopalakrishnan",
                          last_name=f"Venkataraghavan-Ramachandran {i}")
        for i in range(3)
    ]
    today = timezone.localdate()
    for i in range(12):
        CustomerFactory(
            name=f"Aiswarya Lakshmi Parvathy Unnikrishnan Pillai {i}",
            assigned_to=team[i % len(team)], status=Status.CALL_LATER,
            area="Thiruvananthapuram Kazhakkoottam Technopark Phase III",
            remarks="Asked to call back after the entrance results; wants B.Sc. Nursing "
                    "or B.Pharm in Bengaluru, hostel needed, father decides.",
            next_follow_up=today + datetime.timedelta(days=i - 3),
        )
    for i in range(3):
        ImportRun.objects.create(
            importer="standard", file="imports/x.csv",
            original_name=f"kerala-education-expo-2026-walk-in-registrations-final-v{i}.xlsx",
            sha256="0" * 64, size=10, state=ImportRun.State.COMPLETED, created_by=manager,
            started_at=timezone.now(), finished_at=timezone.now(), rows_total=12345,
            rows_done=12345, rows=12345, created=10234, updated=1234, unchanged=456,
            duplicates=321, invalid=100, warnings=77,
        )
    services.customer_create(name="Walk-in " + "Kunjikrishnan " * 6, phone="9876500000",
                             by=manager)
    # the widest badge and a long one-word area in the same list
    CustomerFactory(name="Athira Joseph", assigned_to=alice, status=Status.WAITING_FOR_DOCUMENTS,
                    area="Thiruvananthapuram")
    return team


def test_the_managers_customer_list_keeps_its_row_actions_at_1366(page, live_server, busy_team):
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "maya", next_url="/customers/customer/")
    assert _overflowing_tables(page) == []
    actions = page.locator("#result_list tbody tr").first.locator("td.field-actions_holder")
    expect(actions.get_by_role("button", name="More actions")).to_be_visible()
    assert _right_edge(actions) <= DESKTOP["width"]
    shot(page, "80-wide-customer-list")


def test_counsellor_performance_keeps_its_target_columns_at_1366(page, live_server, busy_team):
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "maya", next_url="/reports/counsellor_performance/")
    table = page.locator("main table").first
    for column in ("Monthly target", "Target progress"):
        header = table.locator("thead th", has_text=column)
        expect(header).to_be_visible()
        assert _right_edge(header) <= DESKTOP["width"], column
    assert _overflowing_tables(page) == []
    shot(page, "81-wide-counsellor-performance")


def test_import_history_keeps_invalid_and_imported_by_at_1366(page, live_server, busy_team):
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "maya", next_url="/imports/importrun/")
    for column in ("Refused", "Imported by"):  # "Refused" was "Invalid" before
        header = page.locator("#result_list thead th", has_text=column)
        expect(header).to_be_visible()
        assert _right_edge(header) <= DESKTOP["width"], column
    assert _overflowing_tables(page) == []
    shot(page, "82-wide-import-history")
    # The two counts of least use wait behind a toggle (and are on each import's page).
    expect(page.locator("#result_list thead th", has_text="Unchanged")).to_be_hidden()
    toggle = page.get_by_role("button", name="Show unchanged and duplicates")
    toggle.click()
    expect(page.locator("#result_list thead th", has_text="Unchanged")).to_be_visible()
    expect(page.locator("#result_list thead th", has_text="Duplicates")).to_be_visible()
    expect(page.locator("#columns-toggle")).to_have_attribute("aria-pressed", "true")


def test_the_users_list_keeps_last_sign_in_at_1366_with_a_locked_sign_in(page, live_server,
                                                                        busy_team):
    from tests.backoffice.accounts.test_lockout import _lock_out

    _lock_out(busy_team[1].username)
    busy_team[2].email = "gopalakrishnan.venkataraghavan-ramachandran@admissions.example.invalid"
    busy_team[2].save(update_fields=["email"])
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "maya", next_url="/accounts/user/")
    expect(page.locator(".alims-locked")).to_be_visible()
    header = page.locator("#result_list thead th", has_text="Last login")
    expect(header).to_be_visible()
    assert _right_edge(header) <= DESKTOP["width"]
    assert _overflowing_tables(page) == []
    shot(page, "83-wide-users")
