"""A counsellor works her own list: she sees only her customers and records a call
through the row action "Update status"."""

import pytest
from playwright.sync_api import expect

from backoffice.customers.models import Customer, StatusChange
from backoffice.customers.statuses import Status
from tests.e2e.conftest import login, success_message
from tests.factories import CustomerFactory

pytestmark = pytest.mark.e2e


def _open_update_status(page, customer_name):
    """Open the row's "more" menu and the "Update status" dialog; return the dialog."""
    name_cell = page.locator("th.field-name", has_text=customer_name)
    row = page.locator("#result_list tbody tr", has=name_cell)
    row.locator("td.field-actions_holder span.material-symbols-outlined").click()
    # The menu is teleported to <body>; only this row's menu is visible.
    page.get_by_role("link", name="Update status").click()
    dialog = page.locator("#modal-content #dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="Update status")).to_be_visible()
    return dialog


def test_alice_sees_only_her_customers_and_updates_a_status(page, live_server, alice, bob):
    mine = CustomerFactory(name="Anjali Alias", assigned_to=alice)
    CustomerFactory(name="Arun Antony", assigned_to=alice)
    CustomerFactory(name="Bobby Basheer", assigned_to=bob)
    CustomerFactory(name="Nobody Nair")  # unassigned

    login(page, live_server, "alice")

    names = page.locator("#result_list tbody th.field-name")
    expect(names).to_have_count(2)
    assert sorted(names.all_inner_texts()) == ["Anjali Alias", "Arun Antony"]
    expect(page.locator("#result_list")).not_to_contain_text("Bobby Basheer")
    expect(page.locator("#result_list")).not_to_contain_text("Nobody Nair")
    # Counsellors don't get the manager-only column or bulk actions.
    expect(page.locator("#result_list thead")).not_to_contain_text("Assigned to")
    action_values = page.locator("#changelist-actions select[name=action] option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert "assign_to_counsellor" not in action_values

    dialog = _open_update_status(page, "Anjali Alias")
    dialog.locator("select[name=status]").select_option(label="Valid")
    dialog.locator("textarea[name=remark]").fill("Interested in the B.Sc. nursing batch")
    with page.expect_navigation():  # HX-Redirect back to the list
        dialog.get_by_role("button", name="Save update").click()

    expect(success_message(page)).to_have_text("Anjali Alias is now “Valid”.")
    row = page.locator("#result_list tbody tr", has_text="Anjali Alias")
    expect(row.locator("td.field-status_badge")).to_have_text("Valid", ignore_case=True)

    mine = Customer.objects.get(pk=mine.pk)
    assert mine.status == Status.VALID
    assert mine.remarks == "Interested in the B.Sc. nursing batch"
    change = StatusChange.objects.get(customer=mine)
    assert (change.from_status, change.to_status) == (Status.NEW, Status.VALID)
    assert change.remark == "Interested in the B.Sc. nursing batch"
    assert change.changed_by_id == alice.pk


def test_dialog_keeps_the_form_open_on_a_validation_error(page, live_server, alice):
    customer = CustomerFactory(name="Anjali Alias", assigned_to=alice)
    login(page, live_server, "alice")

    dialog = _open_update_status(page, "Anjali Alias")
    dialog.locator("select[name=status]").select_option(label="Call later")
    dialog.get_by_role("button", name="Save update").click()

    # htmx swaps the form in place: same page, the error under the date field.
    expect(dialog).to_contain_text("“Call later” needs a follow-up date.")
    assert page.url == f"{live_server.url}/customers/customer/"
    customer.refresh_from_db()
    assert customer.status == Status.NEW
    assert not StatusChange.objects.filter(customer=customer).exists()


def test_alice_gets_404_for_bobs_customer(page, live_server, alice, bob):
    theirs = CustomerFactory(name="Bobby Basheer", assigned_to=bob)
    login(page, live_server, "alice")

    for url in (
        f"/customers/customer/{theirs.pk}/change/",
        f"/customers/customer/{theirs.pk}/update-status/",
        f"/customers/customer/{theirs.pk}/history/",
    ):
        response = page.goto(live_server.url + url)
        assert response.status == 404, url
        expect(page.locator("body")).not_to_contain_text("Bobby Basheer")
