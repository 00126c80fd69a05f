"""A manager saves a filtered customer list as a view shared with the team;
a counsellor opens it from the sidebar."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, shot, success_message
from tests.factories import CustomerFactory

pytestmark = pytest.mark.e2e


def test_manager_shares_a_view_and_a_counsellor_opens_it(page, live_server, manager, alice):
    CustomerFactory(name="Kochi lead", area="Kochi", assigned_to=alice)
    CustomerFactory(name="Kollam lead", area="Kollam", assigned_to=alice)

    login(page, live_server, "maya")
    page.goto(f"{live_server.url}/customers/customer/?area=Kochi")
    # the control is a disclosure the keyboard reaches
    summary = page.locator("details.saved-view > summary")
    summary.focus()
    page.keyboard.press("Enter")
    page.get_by_label("Name of this view").fill("Kochi leads")
    page.get_by_label("Share with the team").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save view").click()
    expect(success_message(page)).to_contain_text("Saved the view “Kochi leads”")
    expect(page.locator("#nav-sidebar, nav").get_by_role("link", name="Kochi leads")).to_be_visible()
    shot(page, "saved-view-manager")

    page.context.clear_cookies()
    login(page, live_server, "alice")
    link = page.get_by_role("link", name="Kochi leads (from Maya Menon)")
    with page.expect_navigation():
        link.click()
    expect(page.locator("#result_list")).to_contain_text("Kochi lead")
    expect(page.locator("#result_list")).not_to_contain_text("Kollam lead")
    shot(page, "saved-view-counsellor")
