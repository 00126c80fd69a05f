"""A manager recycles a lead past its first-call target from the Needs
attention page, with the keyboard alone, and the page fits a phone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.customers.models import Customer
from tests.e2e.conftest import horizontal_overflow, login, shot, success_message
from tests.factories import CustomerFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def late(bob):
    return CustomerFactory(name="Late lead", assigned_to=bob,
                           sla_due_at=timezone.now() - datetime.timedelta(hours=3))


def _tab_until(page, selector: str, *, most: int = 40) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement === document.querySelector(s)",
                         selector):
            return
    raise AssertionError(f"{selector} not reached with {most} Tabs")


def test_a_manager_recycles_a_late_lead_with_the_keyboard(page, live_server, manager, alice,
                                                          bob, late):
    login(page, live_server, "maya", next_url="/attention/")
    expect(page.locator("#attention-rows")).to_contain_text("Late lead")
    expect(page.locator("#attention-rows")).to_contain_text("3 h 0 min late")
    _tab_until(page, "select[name=to]")
    page.keyboard.press("ArrowDown")  # from "Share among…" to the first counsellor: Alice
    chosen = page.locator("select[name=to]").input_value()
    _tab_until(page, f"button[name=one][value='{late.pk}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # the plan first: who gets it; nothing moved yet
    expect(page.locator("#plan-counts [data-count=assigned]")).to_have_text("1")
    late.refresh_from_db()
    assert late.assigned_to == bob
    _tab_until(page, "#apply-plan")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(success_message(page)).to_contain_text("1 customer recycled")
    late.refresh_from_db()
    assert str(late.assigned_to_id) == chosen
    assert Customer.objects.get(pk=late.pk).sla_due_at > timezone.now()


def test_the_page_fits_a_phone(page, live_server, manager, alice, late):
    login(page, live_server, "maya", next_url="/attention/")
    page.set_viewport_size({"width": 375, "height": 812})
    assert horizontal_overflow(page) == 0
    button = page.get_by_role("button", name="Recycle Late lead").bounding_box()
    assert button["height"] >= 44 and button["width"] >= 44
    shot(page, "needs-attention")


def test_a_row_can_be_ticked_with_a_thumb(page, live_server, manager, alice, late):
    """The tick box's target is 44px (the box itself is 24px): a tap beside it
    still ticks it."""
    login(page, live_server, "maya", next_url="/attention/")
    page.set_viewport_size({"width": 375, "height": 812})
    pick = page.locator(f"label[for=pick-{late.pk}]").bounding_box()
    assert pick["height"] >= 44 and pick["width"] >= 44
    page.mouse.click(pick["x"] + 3, pick["y"] + 3)
    expect(page.locator(f"#pick-{late.pk}")).to_be_checked()


def test_the_rows_can_be_read_in_dark_mode(page, live_server, manager, alice, late):
    from tests.e2e.test_dark_list import CONTRAST

    page.emulate_media(color_scheme="dark")
    login(page, live_server, "maya", next_url="/attention/")
    page.evaluate("() => document.documentElement.classList.add('dark')")
    row = page.locator("#attention-rows li", has_text="Late lead")
    assert row.get_by_role("link", name="Late lead").evaluate(CONTRAST) >= 4.5
    assert row.get_by_role("button", name="Recycle Late lead").evaluate(CONTRAST) >= 4.5


def test_the_plan_can_be_read_in_dark_mode(page, live_server, manager, alice, late):
    from backoffice.followups.models import LeaveDay
    from tests.e2e.test_dark_list import CONTRAST

    LeaveDay.objects.create(user=alice, date=timezone.localdate())
    page.emulate_media(color_scheme="dark")
    login(page, live_server, "maya", next_url="/attention/")
    page.select_option("select[name=to]", str(alice.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Recycle Late lead").click()
    page.evaluate("() => document.documentElement.classList.add('dark')")
    for selector in ("[data-skipped]", "#plan-unassigned", "#plan-counts [data-count=assigned]"):
        assert page.locator(selector).evaluate(CONTRAST) >= 4.5, selector
