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
def late(alice):
    return CustomerFactory(name="Late lead", assigned_to=alice,
                           sla_due_at=timezone.now() - datetime.timedelta(hours=3))


def test_a_manager_recycles_a_late_lead_with_the_keyboard(page, live_server, manager, alice,
                                                          bob, late):
    login(page, live_server, "maya", next_url="/attention/")
    expect(page.locator("#attention-rows")).to_contain_text("Late lead")
    expect(page.locator("#attention-rows")).to_contain_text("3 h 0 min late")
    page.locator("select[name=counsellor]").focus()
    page.keyboard.press("ArrowDown")  # the first counsellor in the list
    chosen = page.locator("select[name=counsellor]").input_value()
    page.keyboard.press("Tab")  # the reason, filled in for the pool
    expect(page.locator("input[name=reason]")).to_be_focused()
    for _ in range(3):  # Recycle the chosen, the row's checkbox, the row's Recycle
        page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Recycle Late lead")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(success_message(page)).to_contain_text("1 recycled to")
    late.refresh_from_db()
    assert str(late.assigned_to_id) == chosen
    assert Customer.objects.get(pk=late.pk).sla_due_at > timezone.now()
    expect(page.locator("#attention-empty")).to_be_visible()


def test_the_page_fits_a_phone(page, live_server, manager, late):
    login(page, live_server, "maya", next_url="/attention/")
    page.set_viewport_size({"width": 375, "height": 812})
    assert horizontal_overflow(page) == 0
    button = page.get_by_role("button", name="Recycle Late lead").bounding_box()
    assert button["height"] >= 44 and button["width"] >= 44
    shot(page, "needs-attention")
