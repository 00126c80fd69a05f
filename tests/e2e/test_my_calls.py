"""A counsellor's day on a phone: she signs in, lands on "My calls", logs a
call in at most three taps and goes on to the next lead."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.customers.models import Customer, StatusChange, Touch
from backoffice.customers.statuses import Status
from tests.e2e.conftest import MOBILE, shot, success_message
from tests.factories import PASSWORD, CustomerFactory

pytestmark = pytest.mark.e2e


def _queue(alice, bob):
    now = timezone.now()
    today = timezone.localdate()
    CustomerFactory(name="Deepa Das", phone="+919876500010", assigned_to=alice,
                    status=Status.CALL_LATER, next_follow_up=today, assigned_at=now)
    CustomerFactory(name="Overdue Oommen", phone="+919876500011", assigned_to=alice,
                    status=Status.CALL_NOT_ATTENDED,
                    next_follow_up=today - datetime.timedelta(days=4), assigned_at=now)
    first = CustomerFactory(name="Anu Thomas", phone="+919876500012", assigned_to=alice,
                            assigned_at=now - datetime.timedelta(days=3))
    CustomerFactory(name="Biju Mathew", phone="+919876500013", assigned_to=alice,
                    assigned_at=now - datetime.timedelta(days=1))
    CustomerFactory(name="Bobs Lead", assigned_to=bob, assigned_at=now)
    return first


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    form = page.locator("#login-form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_counsellor_logs_a_call_in_three_taps_and_goes_on_to_the_next(page, live_server,
                                                                      alice, bob):
    _queue(alice, bob)
    page.set_viewport_size(MOBILE)
    _sign_in(page, live_server, "alice")
    page.wait_for_url("**/customers/customer/my-calls/")

    groups = page.locator(".alims-calls-group h2")
    titles = [t.split("\n")[0].strip() for t in groups.all_inner_texts()]
    assert [t.rstrip("0123456789 ") for t in titles] == [
        "Due today", "Overdue", "New leads, not called yet"]
    names = page.locator(".alims-call-name").all_inner_texts()
    assert names == ["Deepa Das", "Overdue Oommen", "Anu Thomas", "Biju Mathew"]
    expect(page.locator("#my-calls")).not_to_contain_text("Bobs Lead")
    expect(page.locator(".alims-call-overdue")).to_contain_text("Overdue by 4 days")
    shot(page, "20-my-calls")

    # every button and link of a lead is a tap target of 44 px at least
    for target in page.locator(".alims-tap:visible").all():
        box = target.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (target.inner_text(), box)

    anu = page.locator(".alims-call", has_text="Anu Thomas")
    taps = 0
    anu.locator("summary").click()                                   # 1: the lead's update
    taps += 1
    anu.locator("label.alims-chip", has_text="Call not attended").click()  # 2: a status
    taps += 1
    anu.locator("textarea[name=remark]").fill("Rang twice, no answer")  # typed, not a tap
    shot(page, "21-my-calls-update")
    with page.expect_navigation():
        anu.get_by_role("button", name="Tomorrow").click()          # 3: a preset, saved
    taps += 1
    assert taps <= 3

    expect(success_message(page)).to_contain_text("Anu Thomas is now “Call not attended”.")
    customer = Customer.objects.get(name="Anu Thomas")
    assert customer.status == Status.CALL_NOT_ATTENDED
    assert customer.next_follow_up == timezone.localdate() + datetime.timedelta(days=1)
    assert StatusChange.objects.get(customer=customer, to_status=Status.CALL_NOT_ATTENDED
                                    ).remark == "Rang twice, no answer"
    # she left the queue; the next lead is open, ready for the next call
    expect(page.locator(".alims-call", has_text="Anu Thomas")).to_have_count(0)
    opened = page.locator(".alims-call:has(details[open])")
    expect(opened).to_have_count(1)
    expect(opened.locator(".alims-call-name")).to_have_text("Deepa Das")
    shot(page, "22-my-calls-next")


def test_a_tap_on_call_is_on_the_timeline(page, live_server, alice, bob):
    first = _queue(alice, bob)
    page.set_viewport_size(MOBILE)
    _sign_in(page, live_server, "alice")
    page.wait_for_url("**/customers/customer/my-calls/")
    lead = page.locator(".alims-call", has_text="Anu Thomas")
    call = lead.locator("a.alims-tap-call")
    expect(call).to_have_attribute("href", "tel:+919876500012")
    whatsapp = lead.locator("a.alims-tap-whatsapp")
    href = whatsapp.get_attribute("href")
    assert href.startswith("https://wa.me/919876500012?text=Hello%20Anu%20Thomas")
    # the dialer is not there in a headless browser: keep the page, send the beacon
    page.route("tel:*", lambda route: route.abort())
    page.evaluate("() => document.querySelectorAll('a.alims-tap-call').forEach("
                  "a => a.addEventListener('click', e => e.preventDefault()))")
    call.click()
    for _ in range(50):
        if Touch.objects.filter(customer=first).exists():
            break
        page.wait_for_timeout(100)
    touch = Touch.objects.get(customer=first)
    assert (touch.kind, touch.by_id) == (Touch.Kind.CALL, alice.pk)

    page.goto(f"{live_server.url}/customers/customer/{first.pk}/change/")
    expect(page.locator("#customer-timeline")).to_contain_text("Call · Alice Abraham")
    expect(page.locator("#contact-actions a.alims-tap-call")).to_be_visible()
    expect(page.locator("#contact-actions")).to_contain_text("+91 98765 00012")
    # the main actions without the "…" menu, and the whole name in the title
    for action in ("#contact-update-status", "#contact-history"):
        box = page.locator(action).bounding_box()
        assert box and box["height"] >= 44, action
    title = page.locator("#header-inner h1 > a, #header-inner h1 > span").last
    height, needed = title.evaluate("t => [t.clientHeight, t.scrollHeight]")
    assert height >= needed, (height, needed)
    shot(page, "23-customer-page-counsellor", desktop_full_page=False)
    page.locator("#contact-update-status").click()
    dialog = page.locator("#modal-content #dialog")
    expect(dialog).to_be_visible()
    shot(page, "25-customer-page-update-status", full_page=False)


def test_manager_signs_in_to_the_dashboard_not_the_queue(page, live_server, manager):
    _sign_in(page, live_server, "maya")
    assert page.url.rstrip("/") == live_server.url


def test_the_customer_list_fits_six_cards_on_a_phone(page, live_server, alice, bob):
    _queue(alice, bob)
    for n in range(6):
        CustomerFactory(name=f"Lead Number {n}", assigned_to=alice, area="Thiruvananthapuram",
                        next_follow_up=timezone.localdate(), status=Status.CALL_LATER)
    page.set_viewport_size(MOBILE)
    _sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/customers/customer/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(10)
    heights = [row.bounding_box()["height"] for row in rows.all()]
    assert max(heights) <= 812 / 6 - 8, heights
    for link in page.locator("#result_list a[href^='tel:']").all():
        assert link.bounding_box()["height"] >= 44
    shot(page, "24-customer-list-counsellor")
