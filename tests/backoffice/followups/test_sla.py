"""The first-call SLA through assignment, contact and the sweep: warned at
75%, managers told at breach, each once; working time only."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from backoffice.customers import services
from backoffice.customers.models import Customer
from backoffice.followups.models import Holiday, WorkRules
from backoffice.followups.sla import sla_sweep
from backoffice.notifications.models import Kind, Notification
from tests.backoffice.imports.conftest import run_import
from tests.factories import CustomerFactory

KOLKATA = ZoneInfo("Asia/Kolkata")
FRIDAY = datetime.date(2026, 12, 4)
MONDAY = datetime.date(2026, 12, 7)
TUESDAY = MONDAY + datetime.timedelta(days=1)
SLA_KINDS = (Kind.SLA_WARNING, Kind.SLA_BREACH)


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), KOLKATA)


@pytest.fixture(autouse=True)
def weekdays_only(db):
    WorkRules.objects.create(working_days="01234")


def _assign(customers, counsellor, by, when):
    with mock.patch("django.utils.timezone.now", return_value=when):
        services.customer_assign(customers=[c.pk for c in customers], counsellor=counsellor,
                                 by=by)
    for customer in customers:
        customer.refresh_from_db()


def test_assigned_on_friday_evening_the_first_call_is_due_monday(manager, alice):
    lead = CustomerFactory()
    _assign([lead], alice, manager, at(FRIDAY, 17))
    assert lead.sla_due_at == at(MONDAY, 10)
    assert lead.sla_warn_at == at(MONDAY, 9, 30)


def test_a_holiday_on_monday_gives_until_tuesday(manager, alice):
    Holiday.objects.create(date=MONDAY, name="Festival")
    lead = CustomerFactory()
    _assign([lead], alice, manager, at(FRIDAY, 17))
    assert lead.sla_due_at == at(TUESDAY, 10)


def test_over_the_weekend_nobody_is_warned_or_told(manager, alice):
    lead = CustomerFactory()
    _assign([lead], alice, manager, at(FRIDAY, 17))
    assert sla_sweep(at(MONDAY - datetime.timedelta(days=1), 20)) == 0
    assert not Notification.objects.filter(kind__in=SLA_KINDS).exists()


def test_the_counsellor_is_warned_once_at_three_quarters(manager, alice):
    leads = CustomerFactory.create_batch(3)
    _assign(leads, alice, manager, at(FRIDAY, 17))
    assert sla_sweep(at(MONDAY, 9, 31)) == 1
    assert sla_sweep(at(MONDAY, 9, 45)) == 0
    warning = Notification.objects.get(kind__in=SLA_KINDS)
    assert warning.recipient == alice and warning.kind == Kind.SLA_WARNING
    assert "3 new leads" in warning.title


def test_the_managers_are_told_once_of_a_breach(manager, alice):
    lead = CustomerFactory()
    _assign([lead], alice, manager, at(FRIDAY, 17))
    sla_sweep(at(MONDAY, 9, 31))
    assert sla_sweep(at(MONDAY, 10, 5)) == 1
    assert sla_sweep(at(MONDAY, 11)) == 0
    breach = Notification.objects.get(kind=Kind.SLA_BREACH)
    assert breach.recipient == manager
    assert str(alice) in breach.body and "5 min late" in breach.body
    lead.refresh_from_db()
    assert lead.sla_stage == 2


def test_a_sweep_that_was_down_reports_the_breach_without_a_late_warning(manager, alice):
    lead = CustomerFactory()
    _assign([lead], alice, manager, at(FRIDAY, 17))
    sla_sweep(at(TUESDAY, 12))
    assert list(Notification.objects.filter(kind__in=SLA_KINDS).values_list("kind", flat=True)
                ) == [Kind.SLA_BREACH]


def test_a_call_before_the_deadline_meets_the_target(manager, alice):
    lead = CustomerFactory()
    _assign([lead], alice, manager, at(FRIDAY, 17))
    services.customer_touch_record(customer=lead, kind="call", by=alice)
    lead.refresh_from_db()
    assert lead.sla_reached_at is not None
    assert sla_sweep(at(TUESDAY, 12)) == 0


def test_a_status_update_meets_the_target(manager, alice):
    lead = CustomerFactory()
    _assign([lead], alice, manager, at(FRIDAY, 17))
    with mock.patch("django.utils.timezone.now", return_value=at(MONDAY, 9, 45)):
        services.customer_change_status(customer=lead, status="valid", remark="", by=alice)
    lead.refresh_from_db()
    assert lead.sla_reached_at == at(MONDAY, 9, 45) and lead.sla_reached_at <= lead.sla_due_at


def test_reassignment_starts_a_new_clock(manager, alice, bob):
    lead = CustomerFactory()
    _assign([lead], alice, manager, at(FRIDAY, 17))
    services.customer_touch_record(customer=lead, kind="call", by=alice)
    _assign([lead], bob, manager, at(MONDAY, 14))
    assert lead.sla_reached_at is None and lead.sla_due_at == at(MONDAY, 16)
    assert lead.sla_stage == 0


def test_unassigning_stops_the_clock(manager, alice):
    lead = CustomerFactory()
    _assign([lead], alice, manager, at(FRIDAY, 17))
    _assign([lead], None, manager, at(MONDAY, 8))
    assert lead.sla_due_at is None
    assert sla_sweep(at(TUESDAY, 12)) == 0


def test_an_inactive_manager_is_not_told(manager, alice):
    lead = CustomerFactory()
    _assign([lead], alice, manager, at(FRIDAY, 17))
    manager.is_active = False
    manager.save()
    sla_sweep(at(TUESDAY, 12))
    assert not Notification.objects.filter(kind=Kind.SLA_BREACH).exists()


def test_a_walk_in_a_counsellor_adds_starts_their_clock(alice):
    lead = services.customer_create(name="Walk-in", phone="+919812345678", by=alice,
                                    assigned_to=alice)
    assert lead.sla_due_at is not None and lead.sla_reached_at is None


def test_an_imports_assigned_customers_start_their_clock(manager, alice):
    rows = [f"Lead {i},98765{i:05d},Kochi,," for i in range(3)]
    run_import(rows, by=manager, assignment="round_robin", counsellors=[alice.pk])
    assert Customer.objects.filter(assigned_to=alice, sla_due_at__isnull=False).count() == 3
    assert not Customer.objects.filter(last_activity_at__isnull=True).exists()


def test_an_imports_unassigned_customers_have_no_clock(manager):
    run_import([f"Lead {i},98765{i:05d},Kochi,," for i in range(2)], by=manager)
    assert not Customer.objects.filter(sla_due_at__isnull=False).exists()


def test_my_calls_says_when_a_new_lead_must_be_called(alice_client, alice):
    soon = timezone.now() + datetime.timedelta(minutes=50)
    CustomerFactory(name="Soon", assigned_to=alice, sla_due_at=soon)
    CustomerFactory(name="Late", assigned_to=alice,
                    sla_due_at=timezone.now() - datetime.timedelta(minutes=95))
    page = alice_client.get(reverse("admin:customers_customer_my_calls")).content.decode()
    local = timezone.localtime(soon)
    expected = (local.strftime("%H:%M") if local.date() == timezone.localdate()
                else dateformat.format(local, "j M, H:i"))
    assert "New: first call 1 h 35 min late" in page
    assert f"New: call by {expected}" in page


def test_an_import_tells_each_counsellor_once_of_their_new_customers(manager, alice, bob):
    rows = [f"Lead {i},98765{i:05d},Kochi,," for i in range(5)]
    run_import(rows, by=manager, assignment="round_robin", counsellors=[alice.pk, bob.pk])
    told = {n.recipient.username: n.title for n in Notification.objects.filter(
        kind=Kind.ASSIGNED)}
    assert told == {"alice": "3 customers assigned to you", "bob": "2 customers assigned to you"}


def test_a_customer_added_for_a_counsellor_tells_them_but_a_walk_in_tells_nobody(manager,
                                                                                 alice):
    services.customer_create(name="Phoned in", phone="+919812345670", by=manager,
                             assigned_to=alice)
    services.customer_create(name="Walk-in", phone="+919812345671", by=alice, assigned_to=alice)
    assert list(Notification.objects.filter(kind=Kind.ASSIGNED).values_list(
        "recipient__username", "title")) == [("alice", "1 customer assigned to you")]
