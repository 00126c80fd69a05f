"""A manager reviews the change history and the activity log in the browser."""

import re

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


def test_a_reviewer_finds_who_changed_a_status_and_exports_it(page, live_server, manager,
                                                             alice, reviewer):
    import datetime

    from django.utils import timezone

    anu = services.customer_create(name="Anu Nair", phone="9876543210", by=manager)
    services.customer_assign(customers=[anu], counsellor=alice, by=manager)
    anu.refresh_from_db()
    services.customer_change_status(
        customer=anu, status="call_later", remark="After exams", by=alice,
        next_follow_up=timezone.localdate() + datetime.timedelta(days=2))
    services.customer_create(name="Bina Babu", phone="9876543211", by=manager)

    login(page, live_server, "cyril", next_url="/")
    page.get_by_role("link", name="Change history").click()
    # find the customer by phone, written as people write it
    page.locator("input[name=q]").fill("098765 43210")
    page.locator("input[name=q]").press("Enter")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    # only the changes of the status
    page.goto(page.url + "&field=status")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Alice Abraham")
    expect(rows.first).to_contain_text("New → Call later")
    shot(page, "22-compliance-review")
    # export what is listed
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("export_csv")
    select_all = page.locator(".question a, a.question, button.question")
    if select_all.count():
        select_all.first.click()
    with page.expect_download() as download:
        page.locator("button[name=index], button[type=submit][title], .actions button").first.click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert "Call later" in text and "Alice Abraham" in text


def test_a_reviewer_opens_the_filters_with_the_keyboard(page, live_server, manager, reviewer):
    services.customer_create(name="Anu Nair", phone="9876543210", by=manager)
    login(page, live_server, "cyril", next_url="/customers/historicalcustomer/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "filters-open":
            break
    else:
        raise AssertionError("the Filters control is never reached with Tab")
    page.keyboard.press("Enter")
    expect(page.locator("select[name=field]")).to_be_visible()


def test_a_customers_history_reads_in_words_for_the_counsellor_and_the_manager(
        page, live_server, manager, alice):
    import datetime

    from django.utils import timezone

    anu = services.customer_create(name="Anu Nair", phone="9876543210", by=manager)
    services.customer_assign(customers=[anu], counsellor=alice, by=manager)
    anu.refresh_from_db()
    follow_up = timezone.localdate() + datetime.timedelta(days=2)
    services.customer_change_status(customer=anu, status="call_not_attended", remark="",
                                    next_follow_up=follow_up, by=alice)
    anu.refresh_from_db()
    services.customer_change_status(customer=anu, status="call_later",
                                    remark="<script>alert(1)</script> after exams",
                                    next_follow_up=follow_up, by=alice)
    history = f"/customers/customer/{anu.pk}/history/"
    login(page, live_server, "alice", next_url=history)
    table = page.locator("#change-history")
    expect(table).to_contain_text("Call not attended")
    expect(table).to_contain_text("<script>alert(1)</script> after exams")
    expect(table).not_to_contain_text("call_not_attended")
    expect(table).to_contain_text(timezone.localtime().strftime("%b %Y, "))
    shot(page, "customer-history-counsellor")
    page.goto(f"/customers/customer/{anu.pk}/change/")
    page.get_by_role("link", name="Timeline", exact=True).click()
    expect(page).to_have_url(re.compile(r"/change/"))
    # each row says what happened once (no title row repeating it)
    expect(page.get_by_text("Call not attended → Call later", exact=True)).to_have_count(1)
    shot(page, "customer-timeline-counsellor", desktop_full_page=False)
    page.context.clear_cookies()
    login(page, live_server, "maya", next_url=history)
    expect(page.locator("#change-history")).to_contain_text("Alice Abraham")
    shot(page, "customer-history-manager")
