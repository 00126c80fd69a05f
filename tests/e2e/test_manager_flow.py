"""A manager finds a lead by phone, however it is typed, and hands it to a counsellor."""

import pytest
from playwright.sync_api import expect

from backoffice.customers.models import Customer
from tests.e2e.conftest import login, success_message
from tests.factories import CustomerFactory

pytestmark = pytest.mark.e2e


def test_manager_searches_by_phone_and_assigns_to_alice(page, live_server, manager, alice):
    target = CustomerFactory(name="Priya Pillai", phone="+919876543210")
    CustomerFactory(name="Rahul Raj", phone="+919876543211")  # one digit away
    CustomerFactory(name="Sneha Suresh", phone="+919812345678")

    login(page, live_server, "maya")

    # The phone as a person would type it: trunk 0, a space, no country code.
    search = page.locator("#changelist-search input[name=q]")
    search.fill("098765 43210")
    with page.expect_navigation():
        search.press("Enter")

    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("th.field-name")).to_have_text("Priya Pillai")
    expect(rows.first.locator("td.field-phone_link")).to_contain_text("+91 98765 43210")

    rows.first.locator("input.action-select").check()
    page.locator("#changelist-actions select[name=action]").select_option("assign_to_counsellor")
    with page.expect_navigation():
        page.locator("#changelist-actions button[type=submit]", has_text="Run").click()

    # The intermediate page: which counsellor.
    expect(page.get_by_role("heading", name="Assign customers to a counsellor")).to_be_visible()
    expect(page.get_by_text("1 customer selected.")).to_be_visible()
    page.locator("select[name=counsellor]").select_option(label="Alice Abraham")
    with page.expect_navigation():
        page.get_by_role("button", name="Assign", exact=True).click()

    expect(success_message(page)).to_have_text("1 customer assigned to Alice Abraham.")
    assert page.url.startswith(f"{live_server.url}/customers/customer/")

    target = Customer.objects.get(pk=target.pk)
    assert target.assigned_to_id == alice.pk
    assert Customer.objects.filter(assigned_to=alice).count() == 1
