"""The "Needs attention" page, its recycle button and the list filter, as
each role opens them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.audit.models import ActivityLog
from backoffice.customers.models import Customer
from backoffice.customers.statuses import Status
from backoffice.followups.models import StatusAgeing, WorkRules
from backoffice.followups.models import LeaveDay
from tests.factories import CounsellorFactory, CustomerFactory

PAGE = reverse("followups:attention")
RECYCLE = reverse("followups:recycle")
CHANGELIST = reverse("admin:customers_customer_changelist")
XSS = '"><img src=x onerror=alert(1)>'


def _ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


@pytest.fixture
def pools(alice, bob):
    late = CustomerFactory(name="Late " + XSS, assigned_to=alice, sla_due_at=_ago(hours=3),
                           sla_warn_at=_ago(hours=4))
    unreachable = CustomerFactory(name="Silent", assigned_to=alice,
                                  status=Status.CALL_NOT_ATTENDED, attempts=5,
                                  attempts_unanswered=5, last_activity_at=_ago(hours=1))
    aged = CustomerFactory(name="Forgotten", assigned_to=bob, status=Status.WAITING_FOR_FEES,
                           last_activity_at=_ago(days=8))
    fresh = CustomerFactory(name="Fresh", assigned_to=bob, status=Status.WAITING_FOR_FEES,
                            last_activity_at=_ago(days=6))
    return {"late": late, "unreachable": unreachable, "aged": aged, "fresh": fresh}


def _names(response):
    return [row["customer"].name for row in response.context["rows"]]


def test_the_manager_sees_each_pool_with_its_count(manager_client, pools):
    response = manager_client.get(PAGE)
    assert response.status_code == 200
    counts = {p["key"]: p["count"] for p in response.context["pools"]}
    assert counts == {"first_call_late": 1, "not_reachable": 1, "aged": 1}
    assert _names(response) == [pools["late"].name]
    assert _names(manager_client.get(PAGE, {"pool": "not_reachable"})) == ["Silent"]
    assert _names(manager_client.get(PAGE, {"pool": "aged"})) == ["Forgotten"]


def test_the_ageing_limit_managers_set_is_used(manager_client, pools):
    StatusAgeing.objects.filter(status=Status.WAITING_FOR_FEES).update(max_idle_days=5)
    assert set(_names(manager_client.get(PAGE, {"pool": "aged"}))) == {"Forgotten", "Fresh"}


def test_the_not_reachable_limit_managers_set_is_used(manager_client, pools):
    WorkRules.objects.create(max_attempts=6)
    assert _names(manager_client.get(PAGE, {"pool": "not_reachable"})) == []


def test_names_from_files_are_escaped(manager_client, pools):
    page = manager_client.get(PAGE).content.decode()
    assert XSS not in page and "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize("who", ["alice_client", "reviewer_client"])
def test_counsellors_and_compliance_get_404(request, who, pools, alice):
    client = request.getfixturevalue(who)
    assert client.get(PAGE).status_code == 404
    assert client.post(RECYCLE, {"to": alice.pk, "reason": "x", "one": pools["aged"].pk,
                                 "confirm": "1"}).status_code == 404
    pools["aged"].refresh_from_db()
    assert pools["aged"].assigned_to.username == "bob"


def _recycle(client, *, confirm=True, pool="", **data):
    url = RECYCLE + (f"?pool={pool}" if pool else "")
    return client.post(url, {**data, **({"confirm": "1"} if confirm else {})})


def test_recycling_shows_the_plan_first_and_moves_nothing(manager_client, pools, alice):
    response = _recycle(manager_client, confirm=False, to=alice.pk, reason="Idle too long",
                        one=pools["aged"].pk)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.total == 1 and plan.shares == {alice: 1} and plan.unassigned == 0
    assert "Apply: recycle 1 customer" in response.content.decode()
    pools["aged"].refresh_from_db()
    assert pools["aged"].assigned_to != alice


def test_one_click_recycles_one_row_with_its_reason(manager_client, manager, pools, alice):
    response = _recycle(manager_client, pool="aged", to=alice.pk, reason="Idle too long",
                        one=pools["aged"].pk, ids=[pools["fresh"].pk])
    assert response.status_code == 302 and response.url.endswith("?pool=aged")
    pools["aged"].refresh_from_db()
    pools["fresh"].refresh_from_db()
    assert pools["aged"].assigned_to == alice and pools["fresh"].assigned_to != alice
    assert pools["aged"].sla_due_at is not None and pools["aged"].attempts_unanswered == 0
    last = pools["aged"].history.first()
    assert last.history_change_reason == f"Recycled to {alice}: Idle too long"
    assert last.history_user == manager
    log = ActivityLog.objects.get(action=ActivityLog.Action.ASSIGN)
    assert "Idle too long" in log.target


def test_the_chosen_rows_are_recycled_together(manager_client, pools, bob):
    _recycle(manager_client, to=bob.pk, reason="Not reachable",
             ids=[pools["unreachable"].pk, pools["late"].pk])
    assert set(Customer.objects.filter(assigned_to=bob).values_list("name", flat=True)) == {
        "Silent", pools["late"].name, "Forgotten", "Fresh"}


def test_sharing_skips_the_counsellor_on_leave_and_the_current_owner(manager_client, pools,
                                                                   alice, bob):
    carol = CounsellorFactory(username="carol")
    LeaveDay.objects.create(user=carol, date=timezone.localdate())
    CounsellorFactory(username="dave")
    response = _recycle(manager_client, confirm=False, to="share", reason="Aged",
                        ids=[pools["aged"].pk, pools["fresh"].pk])  # both Bob's
    plan = response.context["plan"]
    assert {u.username: n for u, n in plan.shares.items()} == {"alice": 1, "bob": 0,
                                                               "carol": 0, "dave": 1}
    assert "on leave" in plan.skipped[carol]
    _recycle(manager_client, to="share", reason="Aged", ids=[pools["aged"].pk,
                                                             pools["fresh"].pk])
    assert set(Customer.objects.filter(pk__in=[pools["aged"].pk, pools["fresh"].pk])
               .values_list("assigned_to__username", flat=True)) == {"alice", "dave"}


def test_sharing_never_gives_a_customer_back_to_its_own_counsellor(manager_client, pools,
                                                                   alice, bob):
    """Alice's and Bob's customers shared at once among everyone: Alice's goes
    to someone else, Bob's too; nobody is left out of the plan for holding
    some of them."""
    CounsellorFactory(username="carol", first_name="Carol", last_name="Das")
    late, aged = pools["late"], pools["aged"]  # Alice's, Bob's
    response = _recycle(manager_client, confirm=False, to="share", reason="x",
                        ids=[late.pk, aged.pk])
    plan = response.context["plan"]
    assert plan.assigned == 2 and plan.unassigned == 0
    assert {u.username for u in plan.shares} == {"alice", "bob", "carol"}
    _recycle(manager_client, to="share", reason="x", ids=[late.pk, aged.pk])
    late.refresh_from_db()
    aged.refresh_from_db()
    assert late.assigned_to.username != "alice" and aged.assigned_to.username != "bob"


def test_what_only_its_own_counsellor_could_take_stays_and_is_counted(manager_client, pools,
                                                                      alice, bob):
    """Two of Bob's customers shared while Alice may take one more today: one
    goes to Alice, the other stays with Bob (not "recycled" to him)."""
    alice.daily_new_cap = 1
    alice.save()
    response = _recycle(manager_client, to="share", reason="x",
                        ids=[pools["aged"].pk, pools["fresh"].pk])
    owners = sorted(Customer.objects.filter(pk__in=[pools["aged"].pk, pools["fresh"].pk])
                    .values_list("assigned_to__username", flat=True))
    assert owners == ["alice", "bob"]
    page = manager_client.get(response.url).content.decode()
    assert "1 customer recycled. 1 stays with its counsellor" in page
    assert pools["fresh"].history.filter(
        history_change_reason__startswith="Recycled").count() + pools["aged"].history.filter(
        history_change_reason__startswith="Recycled").count() == 1


def test_the_whole_page_is_recycled_without_ticking_each_row(manager_client, pools, bob):
    page = manager_client.get(PAGE, {"pool": "first_call_late"}).content.decode()
    assert 'id="recycle-page"' in page
    assert f'name="page_ids" value="{pools["late"].pk}"' in page
    response = _recycle(manager_client, confirm=False, to=bob.pk, reason="Late",
                        whole_page="1", page_ids=[pools["late"].pk, pools["unreachable"].pk],
                        ids=[])
    assert response.context["selected"] == sorted([pools["late"].pk, pools["unreachable"].pk])
    # without the whole-page button only the ticked rows count
    response = _recycle(manager_client, confirm=False, to=bob.pk, reason="Late",
                        page_ids=[pools["late"].pk, pools["unreachable"].pk],
                        ids=[pools["late"].pk])
    assert response.context["selected"] == [pools["late"].pk]


def test_a_cap_keeps_the_rest_with_their_counsellor_and_says_so(manager_client, pools, alice):
    alice.daily_new_cap = 1
    alice.save()
    response = _recycle(manager_client, to=alice.pk, reason="Aged",
                        ids=[pools["aged"].pk, pools["fresh"].pk])
    assert response.status_code == 302
    moved = Customer.objects.filter(pk__in=[pools["aged"].pk, pools["fresh"].pk],
                                    assigned_to=alice).count()
    assert moved == 1
    page = manager_client.get(response.url).content.decode()
    assert "1 customer recycled. 1 stays with its counsellor" in page


def test_recycling_to_the_counsellor_on_leave_moves_nobody(manager_client, pools, alice):
    LeaveDay.objects.create(user=alice, date=timezone.localdate())
    _recycle(manager_client, to=alice.pk, reason="x", one=pools["aged"].pk)
    pools["aged"].refresh_from_db()
    assert pools["aged"].assigned_to != alice


def test_recycling_needs_a_reason_and_says_so(manager_client, pools, bob):
    response = manager_client.post(RECYCLE, {"to": bob.pk, "reason": "  ",
                                             "one": pools["late"].pk, "confirm": "1"},
                                   follow=True)
    assert "Because" in response.content.decode()
    pools["late"].refresh_from_db()
    assert pools["late"].assigned_to != bob


def test_recycling_to_an_inactive_counsellor_is_refused(manager_client, pools, bob):
    bob.is_active = False
    bob.save()
    _recycle(manager_client, to=bob.pk, reason="x", one=pools["late"].pk)
    pools["late"].refresh_from_db()
    assert pools["late"].assigned_to != bob


def test_a_get_on_recycle_changes_nothing(manager_client, pools, bob):
    assert manager_client.get(RECYCLE, {"to": bob.pk, "reason": "x", "one": pools["late"].pk,
                                        "confirm": "1"}).status_code == 405


def test_a_double_click_on_apply_recycles_once(manager_client, pools, alice):
    for _ in range(2):
        _recycle(manager_client, to=alice.pk, reason="Aged", one=pools["aged"].pk)
    assert pools["aged"].history.filter(
        history_change_reason__startswith="Recycled").count() == 1


def test_a_manager_cannot_recycle_customers_posted_by_id_that_do_not_exist(manager_client,
                                                                           pools, alice):
    response = _recycle(manager_client, to=alice.pk, reason="x", ids=[999999])
    assert response.status_code == 302
    assert not Customer.objects.filter(assigned_to=alice).exclude(
        pk=pools["late"].pk).exclude(pk=pools["unreachable"].pk).exists()


@pytest.mark.parametrize("value", ["abc", "²", "9" * 40, ""])
def test_odd_ids_are_answered_without_error(manager_client, pools, bob, value):
    response = manager_client.post(RECYCLE, {"to": bob.pk, "reason": "x", "one": value,
                                             "ids": [value]})
    assert response.status_code == 302


def test_an_odd_page_number_shows_the_first_or_last_page(manager_client, pools):
    assert manager_client.get(PAGE, {"page": "x"}).status_code == 200
    assert manager_client.get(PAGE, {"pool": "<script>"}).status_code == 200


def test_the_page_takes_a_bounded_number_of_queries(manager_client, pools,
                                                    django_assert_max_num_queries):
    CustomerFactory.create_batch(20, assigned_to=pools["late"].assigned_to,
                                 sla_due_at=_ago(hours=5))
    with django_assert_max_num_queries(25):
        manager_client.get(PAGE)


@pytest.mark.parametrize(("value", "names"), [
    ("first_call_late", {"late"}), ("not_reachable", {"unreachable"}), ("aged", {"aged"})])
def test_the_customer_list_filters_by_attention(manager_client, pools, value, names):
    response = manager_client.get(CHANGELIST, {"attention": value})
    assert {c.pk for c in response.context["cl"].result_list} == {pools[n].pk for n in names}


def test_the_filter_is_named_in_plain_words(manager_client, pools):
    html = manager_client.get(CHANGELIST).content.decode()
    assert "By attention needed" in html and "By needs attention" not in html


def test_a_counsellor_filters_only_their_own(alice_client, pools):
    response = alice_client.get(CHANGELIST, {"attention": "aged"})
    assert list(response.context["cl"].result_list) == []  # Forgotten is Bob's
    response = alice_client.get(CHANGELIST, {"attention": "not_reachable"})
    assert [c.name for c in response.context["cl"].result_list] == ["Silent"]


def test_the_aged_pool_lists_the_longest_idle_first_across_statuses_page_by_page(
        manager_client, bob, settings):
    from backoffice.followups import views

    statuses = [Status.NEW, Status.WAITING_FOR_FEES, Status.CALL_LATER]
    for days in range(60, 0, -1):  # 60 aged customers, idle 60..? days, statuses mixed
        CustomerFactory(name=f"Idle {days + 20}", assigned_to=bob,
                        status=statuses[days % 3], last_activity_at=_ago(days=days + 20))
    first = manager_client.get(PAGE, {"pool": "aged"})
    second = manager_client.get(PAGE, {"pool": "aged", "page": "2"})
    names = _names(first) + _names(second)
    assert len(_names(first)) == views.PAGE_SIZE and len(names) == 60
    assert names == [f"Idle {days}" for days in range(80, 20, -1)]
