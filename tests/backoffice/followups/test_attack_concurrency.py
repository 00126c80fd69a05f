"""Two of the same at once, on PostgreSQL (threads, committed data): the SLA
sweep and a shared recycle's Apply."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from backoffice.customers.models import Customer
from backoffice.followups.sla import sla_sweep
from backoffice.notifications.models import Kind, Notification
from tests.factories import CounsellorFactory, CustomerFactory, ManagerFactory
from tests.threads import twice_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]


def test_two_sla_sweeps_at_once_tell_the_managers_once():
    ManagerFactory(username="maya")
    alice = CounsellorFactory(username="alice")
    now = timezone.now()
    CustomerFactory.create_batch(
        30, assigned_to=alice, assigned_at=now - datetime.timedelta(hours=5),
        sla_due_at=now - datetime.timedelta(hours=1), sla_warn_at=now - datetime.timedelta(hours=2))
    twice_at_once(lambda: sla_sweep(now))
    assert Notification.objects.filter(kind=Kind.SLA_BREACH).count() == 1
    assert Customer.objects.filter(sla_stage=2).count() == 30


def test_a_shared_recycle_applied_twice_at_once_moves_each_customer_once():
    from backoffice.followups.recycle import customers_recycle

    manager = ManagerFactory(username="maya")
    alice = CounsellorFactory(username="alice")
    bob = CounsellorFactory(username="bob")
    carol = CounsellorFactory(username="carol")
    customers = CustomerFactory.create_batch(4, assigned_to=alice)
    since = timezone.now()

    def apply():
        customers_recycle(customers=[c.pk for c in customers], counsellors=[bob, carol],
                          reason="Aged", by=manager, assigned_before=since)

    twice_at_once(apply)
    for customer in customers:
        assert customer.history.filter(history_change_reason__startswith="Recycled").count() == 1
