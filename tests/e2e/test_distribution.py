"""Distributing leads as a Sales Manager in the browser: choose the
counsellors, read the plan (who gets how many, who is skipped and why, how
many stay unassigned) at 1366 and 375 px, then Apply."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backoffice.customers.models import Customer
from backoffice.followups.models import LeaveDay
from tests.e2e.conftest import DESKTOP, MOBILE, horizontal_overflow, login
from tests.factories import CounsellorFactory, CustomerFactory

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp")


def test_the_plan_then_apply(page, live_server, manager):
    team = [CounsellorFactory(username=f"c{i}", first_name=name, last_name="Nair",
                              daily_new_cap=10)
            for i, name in enumerate(["Anitha", "Basil", "Chithra", "Deepak"])]
    LeaveDay.objects.create(user=team[2], date=timezone.localdate(), note="Wedding")
    CustomerFactory.create_batch(40)  # one page of the list
    login(page, live_server, "maya", next_url="/customers/customer/?counsellor=none")
    page.locator("#action-toggle").check()
    page.locator("#changelist-actions select[name=action]").select_option("distribute_evenly")
    with page.expect_navigation():
        page.locator("#changelist-actions button[type=submit]", has_text="Run").click()
    for who in team:
        page.get_by_label(str(who)).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show the plan").click()

    plan = page.locator("#distribution-plan")
    expect(plan.locator("[data-count=unassigned]")).to_have_text("10")
    expect(plan.locator("#plan-unassigned")).to_contain_text("10 stay unassigned")
    expect(plan.locator(f"tr[data-counsellor='{team[2].pk}']")).to_contain_text("on leave")
    for label, size in (("1366", DESKTOP), ("375", MOBILE)):
        page.set_viewport_size(size)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
        assert horizontal_overflow(page) == 0, label
        # the plan's table fits without scrolling sideways, on a phone too
        assert page.evaluate("() => { const t = document.querySelector('#plan-rows');"
                             " return t.scrollWidth - t.parentElement.clientWidth; }") <= 0
        page.screenshot(path=str(SHOTS / f"dist-plan-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    assert not Customer.objects.filter(assigned_to__isnull=False).exists()

    with page.expect_navigation():
        page.locator("#apply-plan").click()
    message = page.locator("#main").get_by_text("stay unassigned: everyone available")
    expect(message.first).to_be_visible()
    assert "already had a counsellor" not in page.locator("#main").inner_text()
    page.screenshot(path=str(SHOTS / "dist-done-1366.png"), full_page=False)
    assert Customer.objects.filter(assigned_to__isnull=False).count() == 30
    assert Customer.objects.filter(assigned_to=team[2]).count() == 0


def test_the_import_preview_shows_who_can_take_the_new_customers(page, live_server, manager,
                                                                  tmp_path):
    team = [CounsellorFactory(username=f"i{i}", first_name=name, last_name="Varghese",
                              daily_new_cap=cap)
            for i, (name, cap) in enumerate([("Anitha", 2), ("Basil", None), ("Chithra", 5)])]
    LeaveDay.objects.create(user=team[2], date=timezone.localdate())
    leads = tmp_path / "leads.csv"
    leads.write_text("name,phone,area\n" + "\n".join(
        f"Lead {i},98768{i:05d},Kochi" for i in range(9)) + "\n")
    login(page, live_server, "maya", next_url="/imports/importrun/add/")
    page.locator("input[name=file]").set_input_files(str(leads))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and preview").click()
    plan = page.locator("#assignment-plan")
    expect(plan).to_contain_text("on leave")
    expect(plan.locator(f"[data-counsellor='{team[0].pk}'] [data-gets]")).to_have_text("2")
    expect(plan.locator(f"[data-counsellor='{team[1].pk}'] [data-gets]")).to_have_text("7")
    for label, size in (("1366", DESKTOP), ("375", MOBILE)):
        page.set_viewport_size(size)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
        assert horizontal_overflow(page) == 0, label
        plan.scroll_into_view_if_needed()
        plan.screenshot(path=str(SHOTS / f"dist-import-plan-{label}.png"))


def test_a_counsellor_records_their_own_leave(page, live_server, alice, bob):
    LeaveDay.objects.create(user=bob, date=timezone.localdate(), note="Bob away")
    login(page, live_server, "alice", next_url="/followups/leaveday/add/")
    expect(page.locator("select[name=user]")).to_have_count(0)  # it is them
    day = timezone.localdate() + timezone.timedelta(days=3)
    page.locator("input[name=date]").fill(day.strftime("%d/%m/%Y"))
    page.locator("input[name=note]").fill("Sister's wedding")
    for label, size in (("1366", DESKTOP), ("375", MOBILE)):
        page.set_viewport_size(size)
        assert horizontal_overflow(page) == 0, label
        page.screenshot(path=str(SHOTS / f"dist-leave-add-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    with page.expect_navigation():
        page.locator("button[name=_save]").click()
    assert LeaveDay.objects.filter(user=alice, date=day).exists()
    expect(page.locator("#result_list")).to_contain_text("Sister's wedding")
    expect(page.locator("#result_list")).not_to_contain_text("Bob away")
    page.set_viewport_size(MOBILE)
    assert horizontal_overflow(page) == 0
    page.screenshot(path=str(SHOTS / "dist-leave-list-375.png"), full_page=True)


def test_a_manager_sets_counsellors_caps_from_the_user_list(page, live_server, manager, alice,
                                                            bob):
    login(page, live_server, "maya", next_url="/accounts/user/?groups__id__exact="
          + str(alice.groups.get().pk))
    page.locator("#action-toggle").check()
    page.locator("#changelist-actions select[name=action]").select_option("set_caps")
    with page.expect_navigation():
        page.locator("#changelist-actions button[type=submit]", has_text="Run").click()
    page.locator("input[name=daily_new_cap]").fill("30")
    page.locator("input[name=max_open_leads]").fill("200")
    page.screenshot(path=str(SHOTS / "dist-caps-form-1366.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Set", exact=True).click()
    alice.refresh_from_db()
    assert (alice.daily_new_cap, alice.max_open_leads) == (30, 200)
    expect(page.locator("#result_list")).to_contain_text("30 a day · 200 open")
    page.screenshot(path=str(SHOTS / "dist-caps-list-1366.png"), full_page=False)
