"""An attacker's review of the follow-up rules, recycling and the working
rules (issue 12): each test failed before its fix."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from backoffice.customers.models import Customer
from backoffice.customers.statuses import Status
from backoffice.followups.models import WorkRules, parse_cadence
from tests.factories import CustomerFactory

RECYCLE = reverse("followups:recycle")
RULES = reverse("admin:followups_workrules_change", args=[1])


def _rules_form(**changes):
    return {"working_days": ["0", "1", "2", "3", "4"], "day_starts": "09:00",
            "day_ends": "18:00", "sla_minutes": "120", "cadence": "4h, 1d, 2d",
            "max_attempts": "3", "digest_time": "09:00", "escalate_after_days": "2",
            **changes}


@pytest.mark.parametrize("text", ["²h", "①d", "٣h", "4h, ¹d"])
def test_a_cadence_of_non_ascii_digits_is_refused_not_a_crash(text):
    with pytest.raises(ValidationError):
        parse_cadence(text)


def test_the_rules_page_answers_a_superscript_cadence_with_a_form_error(manager_client):
    WorkRules.objects.get_or_create(pk=1)
    response = manager_client.post(RULES, _rules_form(cadence="²h"))
    assert response.status_code == 200
    assert "is not a wait" in response.content.decode()


def test_a_first_call_target_the_working_time_never_reaches_is_refused(manager_client, alice,
                                                                       manager):
    WorkRules.objects.get_or_create(pk=1)
    # one working minute on Mondays: 43,200 working minutes are ~830 years away
    response = manager_client.post(RULES, _rules_form(working_days=["0"], day_starts="09:00",
                                                      day_ends="09:01", sla_minutes="43200"))
    assert response.status_code == 200
    assert "never reach this first-call target" in response.content.decode()
    assert WorkRules.objects.get(pk=1).sla_minutes != 43200
    # and assigning still works
    from backoffice.customers.services import customer_assign

    customer = CustomerFactory()
    assert customer_assign(customers=[customer], counsellor=alice, by=manager) == 1


def test_a_reachable_long_target_is_kept(manager_client):
    WorkRules.objects.get_or_create(pk=1)
    response = manager_client.post(RULES, _rules_form(sla_minutes="43200"))
    assert response.status_code == 302
    assert WorkRules.objects.get(pk=1).sla_minutes == 43200


def test_applying_a_shared_recycle_twice_moves_each_customer_once(manager_client, alice, bob):
    customer = CustomerFactory(assigned_to=alice, status=Status.WAITING_FOR_FEES,
                               last_activity_at=timezone.now() - datetime.timedelta(days=30))
    preview = manager_client.post(RECYCLE, {"to": "share", "reason": "Aged",
                                            "ids": [customer.pk]})
    assert preview.status_code == 200
    since = preview.context["since"]
    assert f'name="since" value="{since}"' in preview.content.decode()
    for _ in range(2):  # a double click, a reload of the POST
        manager_client.post(RECYCLE, {"to": "share", "reason": "Aged", "ids": [customer.pk],
                                      "since": since, "confirm": "1"})
    customer.refresh_from_db()
    assert customer.assigned_to == bob  # not back to Alice
    assert customer.history.filter(history_change_reason__startswith="Recycled").count() == 1


def test_a_customer_moved_by_someone_else_after_the_plan_stays_where_it_is(
        manager_client, manager, alice, bob):
    from backoffice.customers.services import customer_assign
    from tests.factories import CounsellorFactory

    carol = CounsellorFactory(username="carol")
    customer = CustomerFactory(assigned_to=alice)
    preview = manager_client.post(RECYCLE, {"to": "share", "reason": "x", "ids": [customer.pk]})
    customer_assign(customers=[customer], counsellor=carol, by=manager)
    manager_client.post(RECYCLE, {"to": "share", "reason": "x", "ids": [customer.pk],
                                  "since": preview.context["since"], "confirm": "1"})
    assert Customer.objects.get(pk=customer.pk).assigned_to == carol


@pytest.mark.parametrize("since", ["", "yesterday", "2026-12-02T10:00:00", "9" * 40])
def test_an_odd_since_is_ignored(manager_client, alice, bob, since):
    customer = CustomerFactory(assigned_to=alice)
    response = manager_client.post(RECYCLE, {"to": bob.pk, "reason": "x", "ids": [customer.pk],
                                             "since": since, "confirm": "1"})
    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).assigned_to == bob


@pytest.mark.parametrize("query", ["date__year=9999", "date__year=9999&date__month=12",
                                   "date__year=9999&date__month=12&date__day=31",
                                   "date__year=0", "date__year=2026&date__month=13"])
@pytest.mark.parametrize("who", ["manager_client", "alice_client", "reviewer_client"])
def test_the_leave_days_date_drill_down_answers_dates_out_of_range(request, who, query, alice):
    from backoffice.followups.models import LeaveDay

    LeaveDay.objects.create(user=alice, date=timezone.localdate())
    client = request.getfixturevalue(who)
    response = client.get(reverse("admin:followups_leaveday_changelist") + "?" + query)
    assert response.status_code in (200, 302)


def test_an_imports_assignment_tells_each_counsellor_once(jobs_in_process, private_storage,
                                                         manager, alice, bob):
    from backoffice.notifications.models import Kind, Notification
    from tests.backoffice.imports.conftest import run_import

    rows = [f"Lead {i},98765{i:05d},Kochi,," for i in range(5)]
    run = run_import(rows, by=manager, assignment="round_robin", counsellors=[alice.pk, bob.pk])
    assigned = Customer.objects.filter(import_run=run)
    assert assigned.filter(sla_due_at__isnull=False).count() == 5  # the clocks started
    told = {n.recipient.username: n.title
            for n in Notification.objects.filter(kind=Kind.ASSIGNED)}
    assert told == {
        "alice": f"{assigned.filter(assigned_to=alice).count()} customers assigned to you",
        "bob": f"{assigned.filter(assigned_to=bob).count()} customers assigned to you"}
    assert not Notification.objects.filter(kind=Kind.ASSIGNED, recipient=manager).exists()
    from backoffice.imports.services import _first_call_clocks_start

    _first_call_clocks_start(run)  # the end of a run again: nobody is told twice
    assert Notification.objects.filter(kind=Kind.ASSIGNED).count() == 2


def test_a_manager_adding_a_customer_for_a_counsellor_tells_them(manager_client, alice):
    from backoffice.notifications.models import Kind, Notification

    response = manager_client.post(reverse("admin:customers_customer_add"), {
        "name": "Walk-in", "phone": "098765 00001", "area": "Kochi", "status": "new",
        "date_added": timezone.localdate().strftime("%d/%m/%Y"), "assigned_to": alice.pk,
        "remarks": "", "next_follow_up": "", "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    customer = Customer.objects.get(name="Walk-in")
    assert customer.assigned_to == alice and customer.sla_due_at is not None
    (note,) = Notification.objects.filter(recipient=alice, kind=Kind.ASSIGNED)
    assert note.title == "1 customer assigned to you"


def test_a_counsellors_own_walk_in_tells_nobody(alice):
    from backoffice.customers.services import customer_create
    from backoffice.notifications.models import Notification

    customer_create(name="Mine", phone="+919876500002", by=alice, assigned_to=alice)
    assert not Notification.objects.exists()


def test_a_remark_on_a_lead_left_new_does_not_stop_its_first_call_clock(manager, alice):
    from backoffice.customers.services import customer_assign, customer_change_status
    from backoffice.followups.attention import FIRST_CALL_LATE, attention_q

    lead = CustomerFactory()
    customer_assign(customers=[lead], counsellor=alice, by=manager)
    customer_change_status(customer=lead, status=Status.NEW, remark="will call", by=alice)
    lead.refresh_from_db()
    assert lead.sla_reached_at is None and lead.attempts == 0
    later = lead.sla_due_at + datetime.timedelta(minutes=1)
    assert Customer.objects.filter(attention_q(FIRST_CALL_LATE, later), pk=lead.pk).exists()
    customer_change_status(customer=lead, status=Status.CALL_NOT_ATTENDED, remark="", by=alice)
    lead.refresh_from_db()
    assert lead.sla_reached_at is not None


def test_a_lead_given_back_to_its_counsellor_warns_them_again(manager, alice, bob):
    from unittest import mock
    from zoneinfo import ZoneInfo

    from backoffice.customers.services import customer_assign
    from backoffice.followups.sla import sla_sweep
    from backoffice.notifications.models import Kind, Notification

    WorkRules.objects.create(working_days="01234")
    monday = datetime.date(2026, 12, 7)

    def at(hour, minute=0):
        return datetime.datetime.combine(monday, datetime.time(hour, minute),
                                         ZoneInfo("Asia/Kolkata"))

    lead = CustomerFactory()
    with mock.patch("django.utils.timezone.now", return_value=at(9)):
        customer_assign(customers=[lead.pk], counsellor=alice, by=manager)
    assert sla_sweep(at(10, 31)) == 1  # 75 % of 2 working hours from 09:00
    for who, when in ((bob, at(10, 40)), (alice, at(10, 50))):
        with mock.patch("django.utils.timezone.now", return_value=when):
            customer_assign(customers=[lead.pk], counsellor=who, by=manager)
    # a new clock from 10:50: warned again at 12:20
    assert sla_sweep(at(12, 21)) == 1
    assert Notification.objects.filter(recipient=alice, kind=Kind.SLA_WARNING).count() == 2


@pytest.mark.parametrize("value", ["²", "٣", "9" * 25])
def test_the_counsellor_filter_answers_odd_digits_with_an_empty_list(manager_client, alice,
                                                                    value):
    CustomerFactory(assigned_to=alice)
    response = manager_client.get(reverse("admin:customers_customer_changelist"),
                                  {"counsellor": value})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


@pytest.mark.parametrize("suffix", ["change/", "history/", "delete/"])
@pytest.mark.parametrize("value", ["%C2%B2", "9" * 25])
def test_an_export_url_with_odd_digits_answers_404(manager_client, suffix, value):
    assert manager_client.get(f"/exports/exportjob/{value}/{suffix}").status_code == 404


def test_picked_export_rows_with_odd_digits_are_left_out(rf, manager, alice):
    from django.contrib import admin

    customer = CustomerFactory(assigned_to=alice)
    request = rf.post("/customers/customer/export/",
                      {"export_items": ["²", "٣", str(customer.pk)]})
    request.user = manager
    model_admin = admin.site._registry[Customer]
    assert model_admin.get_valid_export_item_pks(request) == [customer.pk]


@pytest.mark.parametrize("url", [
    "/accounts/user/%C2%B2/history/", "/customers/customer/%C2%B2/history/",
    "/followups/holiday/%C2%B2/history/", "/followups/statusageing/%C2%B2/history/",
    "/followups/workrules/%C2%B2/history/", "/imports/datasource/%C2%B2/history/",
    "/imports/importrun/%C2%B2/change/", "/imports/importrun/%C2%B2/revert/",
    "/imports/importrun/%C2%B2/run_again/", "/followups/leaveday/%C2%B2/change/",
])
def test_object_urls_with_an_id_that_cannot_be_one_answer_404(manager_client, url):
    assert manager_client.get(url).status_code == 404
    assert manager_client.post(url, {}).status_code == 404


@pytest.mark.parametrize("param", ["page", "pool", "counsellors", "date__year"])
def test_the_customer_export_page_answers_a_filter_it_does_not_know_with_400(manager_client,
                                                                           param):
    response = manager_client.get("/customers/customer/export/", {param: "²"})
    assert response.status_code == 400


def test_the_export_page_with_the_lists_own_filters_still_opens(manager_client, alice):
    response = manager_client.get("/customers/customer/export/",
                                  {"counsellor": alice.pk, "q": "x", "o": "1"})
    assert response.status_code == 200


def test_the_command_search_answers_a_page_number_of_5000_digits(manager_client):
    response = manager_client.get("/search/", {"s": "Anu", "page": "1" * 5000})
    assert response.status_code == 200


@pytest.mark.parametrize("action", ["set_caps", "set_monthly_target", "unlock_sign_in"])
@pytest.mark.parametrize("value", ["²", "1" * 5000])
def test_a_user_action_with_an_odd_row_value_acts_on_the_others(manager_client, alice, action,
                                                                value):
    response = manager_client.post("/accounts/user/", {
        "action": action, "_selected_action": [alice.pk, value], "apply": "1",
        "daily_new_cap": "4", "monthly_target": "4"})
    assert response.status_code in (200, 302)
    if action == "set_caps":
        alice.refresh_from_db()
        assert alice.daily_new_cap == 4


def test_leads_an_import_gave_today_count_against_the_daily_cap(jobs_in_process,
                                                                private_storage, manager,
                                                                alice, bob):
    from backoffice.customers.services import customers_distribute
    from tests.backoffice.imports.conftest import run_import

    alice.daily_new_cap = 2
    alice.save()
    rows = [f"Lead {i},98767{i:05d},Kochi,," for i in range(2)]
    run_import(rows, by=manager, assignment="round_robin", counsellors=[alice.pk])
    free = CustomerFactory.create_batch(3)
    plan = customers_distribute(customers=[c.pk for c in free], counsellors=[alice, bob],
                                by=manager)
    assert plan.shares == {alice: 0, bob: 3}
    assert "daily cap reached" in plan.skipped[alice]
