"""Fair distribution: leave days, daily caps, open leads at most, and the
plan every way of handing out leads goes by."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backoffice.customers import services
from backoffice.customers.models import Customer
from backoffice.customers.statuses import Status
from backoffice.followups.models import LeaveDay
from backoffice.followups.selectors import counsellor_capacity
from backoffice.followups.services import distribution_plan
from tests.factories import CounsellorFactory, CustomerFactory, ManagerFactory

CHANGELIST = reverse("admin:customers_customer_changelist")
pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


@pytest.fixture
def four():
    """Four counsellors with a daily cap of 30; the third is on leave today."""
    team = [CounsellorFactory(username=f"c{i}", first_name=f"Coun{i}", daily_new_cap=30)
            for i in range(4)]
    LeaveDay.objects.create(user=team[2], date=_today(), note="Wedding")
    return team


def test_the_capacity_of_any_number_of_counsellors_takes_two_queries(four):
    more = [CounsellorFactory(daily_new_cap=5, max_open_leads=10) for _ in range(20)]
    CustomerFactory.create_batch(3, assigned_to=more[0], assigned_at=timezone.now())
    with CaptureQueriesContext(connection) as small:
        counsellor_capacity(four, day=_today())
    with CaptureQueriesContext(connection) as large:
        capacity = counsellor_capacity(four + more, day=_today())
    assert len(small) == len(large) <= 3
    assert capacity[more[0].pk].remaining == 2
    assert capacity[four[2].pk].reason == "on leave" and not capacity[four[2].pk].can_take
    assert capacity[four[0].pk].remaining == 30


def test_100_leads_4_counsellors_capped_at_30_one_on_leave(four):
    plan = distribution_plan(count=100, counsellors=four, day=_today())
    assert plan.shares[four[2]] == 0 and plan.skipped[four[2]] == "on leave"
    assert sorted(plan.shares.values()) == [0, 30, 30, 30]
    assert plan.unassigned == 10


def test_the_daily_cap_counts_the_leads_assigned_today(four):
    CustomerFactory.create_batch(25, assigned_to=four[0], assigned_at=timezone.now())
    # assigned yesterday: does not count against today's cap
    CustomerFactory.create_batch(
        10, assigned_to=four[1], assigned_at=timezone.now() - datetime.timedelta(days=1))
    plan = distribution_plan(count=100, counsellors=four, day=_today())
    assert plan.shares[four[0]] == 5
    assert plan.shares[four[1]] == 30
    assert plan.unassigned == 100 - 5 - 30 - 30


def test_a_full_daily_cap_is_reported():
    full = CounsellorFactory(daily_new_cap=2)
    CustomerFactory.create_batch(2, assigned_to=full, assigned_at=timezone.now())
    plan = distribution_plan(count=3, counsellors=[full])
    assert plan.skipped[full] == "daily cap reached (2)" and plan.unassigned == 3


def test_open_leads_at_most():
    busy = CounsellorFactory(max_open_leads=4)
    free = CounsellorFactory()
    CustomerFactory.create_batch(3, assigned_to=busy)
    # closed ones do not count
    CustomerFactory.create_batch(5, assigned_to=busy, status=Status.JOINED)
    plan = distribution_plan(count=10, counsellors=[busy, free])
    assert plan.shares[busy] == 1 and plan.shares[free] == 9 and plan.unassigned == 0
    CustomerFactory(assigned_to=busy)
    plan = distribution_plan(count=10, counsellors=[busy, free])
    assert plan.skipped[busy] == "open leads at most (4)" and plan.shares[free] == 10


def test_inactive_and_non_counsellors_are_skipped():
    gone = CounsellorFactory(is_active=False)
    manager = ManagerFactory()
    here = CounsellorFactory()
    plan = distribution_plan(count=4, counsellors=[gone, manager, here])
    assert plan.skipped[gone] == "inactive"
    assert plan.skipped[manager] == "not a Student Counsellor"
    assert plan.shares[here] == 4


def test_the_extra_ones_go_to_the_least_loaded():
    loaded, light = CounsellorFactory(), CounsellorFactory()
    CustomerFactory.create_batch(5, assigned_to=loaded)
    plan = distribution_plan(customer_ids=[1, 2, 3], counsellors=[loaded, light])
    assert plan.shares == {loaded: 1, light: 2}
    assert plan.batches == {light: [1, 2], loaded: [3]}


def test_distribute_hands_out_each_customer_once(manager, four):
    CustomerFactory.create_batch(100)
    first = services.customers_distribute(customers=Customer.objects.all(), counsellors=four,
                                          by=manager)
    assert first.unassigned == 10
    again = services.customers_distribute(customers=Customer.objects.all(), counsellors=four,
                                          by=manager)
    assert again.total == 10 and again.assigned == 0  # everyone is at their cap now
    assert Customer.objects.filter(assigned_to__isnull=True).count() == 10
    assert Customer.objects.filter(assigned_to=four[2]).count() == 0


def test_the_issue_case_through_the_admin_action(manager_client, four):
    ids = [c.pk for c in CustomerFactory.create_batch(100)]
    posted = {"action": "distribute_evenly", "_selected_action": ids, "apply": "1",
              "counsellors": [c.pk for c in four]}
    page = manager_client.post(CHANGELIST, posted)
    text = page.content.decode()
    assert 'data-count="total">100<' in text
    assert 'data-count="assigned">90<' in text
    assert 'data-count="unassigned">10<' in text
    assert "10 stay unassigned: everyone available reached their cap." in text
    assert "Skipped: on leave" in text
    assert not Customer.objects.filter(assigned_to__isnull=False).exists()  # only a preview

    done = manager_client.post(CHANGELIST, {**posted, "confirm": "1"}, follow=True)
    message = [str(m) for m in done.context["messages"]][0]
    assert "10 stay unassigned: everyone available reached their cap." in message
    for counsellor in four:
        assert Customer.objects.filter(assigned_to=counsellor).count() == (
            0 if counsellor == four[2] else 30)
    # a double click: the second Apply finds nothing left within the caps
    manager_client.post(CHANGELIST, {**posted, "confirm": "1"})
    assert Customer.objects.filter(assigned_to__isnull=False).count() == 90
    assert Customer.history.filter(history_type="~").count() == 90


def test_assign_refuses_a_counsellor_on_leave_or_above_a_cap(manager, manager_client, four):
    customers = CustomerFactory.create_batch(31)
    with pytest.raises(ValidationError, match="on leave"):
        services.customer_assign(customers=customers[:1], counsellor=four[2], by=manager)
    with pytest.raises(ValidationError, match="may take 30 more"):
        services.customer_assign(customers=customers, counsellor=four[0], by=manager)
    assert not Customer.objects.filter(assigned_to__isnull=False).exists()
    page = manager_client.post(CHANGELIST, {
        "action": "assign_to_counsellor", "_selected_action": [c.pk for c in customers],
        "apply": "1", "counsellor": four[0].pk})
    assert "may take 30 more new leads today" in page.content.decode()
    assert not Customer.objects.filter(assigned_to__isnull=False).exists()
    services.customer_assign(customers=customers[:30], counsellor=four[0], by=manager)
    assert Customer.objects.filter(assigned_to=four[0]).count() == 30


def test_the_customer_page_refuses_a_counsellor_on_leave(manager_client, four):
    customer = CustomerFactory()
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    data = {
        "name": customer.name, "phone": customer.phone, "area": customer.area,
        "date_added": customer.date_added.strftime("%d/%m/%Y"), "remarks": "",
        "next_follow_up": "", "assigned_to": four[2].pk,
        "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0",
    }
    response = manager_client.post(url, data)
    assert response.status_code == 200 and "on leave today" in response.content.decode()
    customer.refresh_from_db()
    assert customer.assigned_to is None
    data["assigned_to"] = four[0].pk
    assert manager_client.post(url, data).status_code == 302
    customer.refresh_from_db()
    assert customer.assigned_to == four[0]


def test_when_nobody_chosen_can_take_leads_the_message_says_so(manager_client, manager):
    from tests.factories import LeaveDayFactory

    away = LeaveDayFactory().user
    ids = [c.pk for c in CustomerFactory.create_batch(2)]
    posted = {"action": "distribute_evenly", "_selected_action": ids, "apply": "1",
              "counsellors": [away.pk]}
    page = manager_client.post(CHANGELIST, posted).content.decode()
    assert "none of the chosen counsellors can take new leads today" in page
    assert "disabled" in page.split('id="apply-plan"')[1].split(">")[0]
    done = manager_client.post(CHANGELIST, {**posted, "confirm": "1"}, follow=True)
    message = [str(m) for m in done.context["messages"]][0]
    assert message == ("No customers distributed. 2 stay unassigned: none of the chosen "
                       "counsellors can take new leads today.")
