"""A manager reviews the change history and the activity log in the browser."""

import pytest
from playwright.sync_api import expect

from backoffice.customers import services
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.e2e


def test_the_change_history_and_the_activity_log(page, live_server, manager, alice):
    anu = services.customer_create(name="Anu Nair", phone="9876543210", by=manager)
    services.customer_assign(customers=[anu], counsellor=alice, by=manager)
    login(page, live_server, "maya", next_url="/customers/historicalcustomer/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Assigned to Alice Abraham")
    shot(page, "20-change-history")
    page.get_by_role("link", name="Activity log").click()
    expect(page.locator("#result_list")).to_contain_text("1 customers: Assigned to Alice Abraham")
    shot(page, "21-activity-log")
