"""Critical actions on customers land in the activity log, with who and which."""

import pytest

from backoffice.audit.models import ActivityLog
from backoffice.customers import services
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _entry(action):
    return ActivityLog.objects.get(action=action)


def test_an_assignment_is_logged_with_its_customers(manager, alice):
    customers = CustomerFactory.create_batch(3)
    services.customer_assign(customers=customers, counsellor=alice, by=manager)
    entry = _entry("assign")
    assert (entry.user, entry.rows, entry.details["counsellor"]) == (manager, 3, alice.pk)
    assert sorted(entry.details["ids"]) == sorted(c.pk for c in customers)


def test_a_deletion_is_logged_with_the_ids(manager):
    customers = CustomerFactory.create_batch(2)
    ids = sorted(c.pk for c in customers)
    services.customer_delete(customers=customers, by=manager)
    entry = _entry("delete")
    assert entry.rows == 2 and sorted(entry.details["ids"]) == ids


def test_sharing_and_withdrawing_are_logged(manager, alice, bob):
    customer = CustomerFactory(assigned_to=bob)
    services.customer_share(customer=customer, user=alice, by=manager)
    services.customer_unshare(customer=customer, user=alice, by=manager)
    assert _entry("share").details == {"customer": customer.pk, "with": alice.pk}
    assert _entry("unshare").user == manager


def test_nothing_to_do_logs_nothing(manager, alice):
    customer = CustomerFactory(assigned_to=alice)
    services.customer_assign(customers=[customer], counsellor=alice, by=manager)
    assert not ActivityLog.objects.exists()


def test_a_long_list_of_ids_is_kept_bounded(manager, alice, monkeypatch):
    from backoffice.audit import services as audit

    monkeypatch.setattr(audit, "IDS_KEPT", 2)
    services.customer_assign(customers=CustomerFactory.create_batch(5), counsellor=alice,
                             by=manager)
    entry = _entry("assign")
    assert len(entry.details["ids"]) == 2 and entry.details["ids_total"] == 5
