import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backoffice.customers import services
from backoffice.customers.models import Customer, StatusChange
from backoffice.customers.statuses import Status
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def test_create_normalises_the_phone_and_keeps_it_as_written(manager):
    customer = services.customer_create(name="  Anu   Nair ", phone="098765 43210", by=manager)
    assert customer.phone == "+919876543210"
    assert customer.phone_raw == "098765 43210"
    assert customer.name == "Anu Nair"


def test_create_records_history_and_the_first_status(manager):
    customer = services.customer_create(name="Anu", phone="9876543210", by=manager)
    assert customer.history.get().history_user == manager
    change = StatusChange.objects.get(customer=customer)
    assert (change.from_status, change.to_status, change.changed_by) == ("", "new", manager)


def test_create_refuses_a_number_written_differently_that_already_exists(manager):
    services.customer_create(name="Anu", phone="+91 98765 43210", by=manager)
    with pytest.raises(ValidationError):
        services.customer_create(name="Anu again", phone="09876543210", by=manager)
    assert Customer.objects.count() == 1


def test_change_status_writes_the_timeline_and_the_history_together(alice):
    customer = CustomerFactory(assigned_to=alice)
    change = services.customer_change_status(
        customer=customer, status=Status.VALID, remark="Wants BSc details", by=alice
    )
    customer.refresh_from_db()
    assert customer.status == "valid"
    assert customer.remarks == "Wants BSc details"
    assert customer.last_contacted == change.changed_at
    assert (change.from_status, change.to_status, change.changed_by) == ("new", "valid", alice)
    latest = customer.history.latest()
    assert latest.history_user == alice and latest.status == "valid"


def test_change_status_is_refused_on_someone_elses_customer(alice, bob):
    customer = CustomerFactory(assigned_to=bob)
    with pytest.raises(PermissionDenied):
        services.customer_change_status(customer=customer, status="valid", remark="", by=alice)
    assert not StatusChange.objects.filter(customer=customer).exists()


def test_call_later_needs_a_follow_up_date(alice):
    customer = CustomerFactory(assigned_to=alice)
    with pytest.raises(ValidationError):
        services.customer_change_status(
            customer=customer, status=Status.CALL_LATER, remark="", by=alice
        )
    services.customer_change_status(
        customer=customer, status=Status.CALL_LATER, remark="", next_follow_up=TOMORROW, by=alice
    )
    customer.refresh_from_db()
    assert customer.next_follow_up == TOMORROW


def test_a_follow_up_in_the_past_is_refused(alice):
    customer = CustomerFactory(assigned_to=alice)
    with pytest.raises(ValidationError):
        services.customer_change_status(
            customer=customer, status="valid", remark="",
            next_follow_up=timezone.localdate() - datetime.timedelta(days=1), by=alice,
        )


def test_an_update_that_changes_nothing_is_refused(alice):
    customer = CustomerFactory(assigned_to=alice, status=Status.VALID)
    with pytest.raises(ValidationError):
        services.customer_change_status(customer=customer, status="valid", remark=" ", by=alice)


def test_a_remark_without_a_status_change_is_recorded(alice):
    customer = CustomerFactory(assigned_to=alice, status=Status.VALID)
    change = services.customer_change_status(
        customer=customer, status="valid", remark="Called again", by=alice
    )
    assert (change.from_status, change.to_status) == ("valid", "valid")


def test_an_unknown_status_is_refused(alice):
    customer = CustomerFactory(assigned_to=alice)
    with pytest.raises(ValidationError):
        services.customer_change_status(customer=customer, status="maybe", remark="", by=alice)


def test_assign_moves_customers_and_records_who_did_it(manager, alice):
    customers = CustomerFactory.create_batch(3)
    assert services.customer_assign(customers=customers, counsellor=alice, by=manager) == 3
    assert Customer.objects.filter(assigned_to=alice).count() == 3
    record = Customer.history.filter(id=customers[0].pk).latest()
    assert record.assigned_to_id == alice.pk
    assert record.history_user == manager
    assert record.history_type == "~"


def test_assign_none_unassigns(manager, alice):
    customer = CustomerFactory(assigned_to=alice)
    services.customer_assign(customers=[customer], counsellor=None, by=manager)
    customer.refresh_from_db()
    assert customer.assigned_to is None and customer.assigned_at is None


def test_assign_skips_customers_already_with_that_counsellor(manager, alice):
    CustomerFactory.create_batch(2, assigned_to=alice)
    assert services.customer_assign(
        customers=Customer.objects.all(), counsellor=alice, by=manager
    ) == 0


def test_assign_to_someone_who_is_not_a_counsellor_is_refused(manager):
    outsider = UserFactory()
    with pytest.raises(ValidationError):
        services.customer_assign(customers=CustomerFactory.create_batch(1),
                                 counsellor=outsider, by=manager)


def test_a_counsellor_may_not_assign(alice, bob):
    with pytest.raises(PermissionDenied):
        services.customer_assign(customers=CustomerFactory.create_batch(1),
                                 counsellor=bob, by=alice)


def test_assigning_thousands_takes_a_handful_of_queries(manager, alice):
    Customer.objects.bulk_create(
        [Customer(name=f"Lead {i}", phone=f"+9197{i:08d}") for i in range(2500)]
    )
    with CaptureQueriesContext(connection) as queries:
        changed = services.customer_assign(
            customers=Customer.objects.all(), counsellor=alice, by=manager
        )
    assert changed == 2500
    # the counsellor's one notification of the batch: a fixed few, whatever the count
    told = [q for q in queries.captured_queries if "notifications_" in q["sql"]]
    assert len(told) <= 4
    # no webhook endpoint: one look for subscribers, nothing written
    hooked = [q for q in queries.captured_queries if "webhooks_" in q["sql"]]
    assert len(hooked) == 1
    captured = [q for q in queries.captured_queries if q not in told and q not in hooked]
    inserts = [q for q in captured if q["sql"].startswith("INSERT")]
    updates = [q for q in captured if q["sql"].startswith("UPDATE")]
    logged = [q for q in inserts if "audit_activitylog" in q["sql"]]
    inserts = [q for q in inserts if q not in logged]
    assert len(logged) == 1  # the activity log's one entry
    # one SELECT, a few permission/role lookups, the working rules and the
    # holidays (the first-call clock), the counsellor's room for new leads
    # (leave, caps: two queries), and the notification's savepoint...
    assert len(captured) - len(inserts) - len(updates) - len(logged) <= 10 + 2
    # ...one UPDATE per chunk of ids (SQLite's variable limit)...
    assert len(updates) == -(-2500 // services.ID_CHUNK)
    # ...and history rows in as few INSERTs as the database allows per statement
    history_fields = Customer.history.model._meta.concrete_fields
    per_insert = min(
        services.HISTORY_BATCH,
        connection.ops.bulk_batch_size(history_fields, [None] * 2500),
    )
    assert len(inserts) <= -(-2500 // per_insert)
    assert Customer.history.filter(assigned_to_id=alice.pk).count() == 2500


def test_distribute_shares_customers_evenly(manager, alice, bob):
    CustomerFactory.create_batch(7)
    plan = services.customers_distribute(
        customers=Customer.objects.all(), counsellors=[alice, bob], by=manager
    )
    assert sorted(plan.shares.values()) == [3, 4] and plan.unassigned == 0
    assert Customer.objects.filter(assigned_to__isnull=True).count() == 0


def test_distribute_gives_the_extra_one_to_the_least_loaded(manager, alice, bob):
    CustomerFactory.create_batch(5, assigned_to=alice)
    CustomerFactory.create_batch(3)
    services.customers_distribute(
        customers=Customer.objects.filter(assigned_to__isnull=True),
        counsellors=[alice, bob], by=manager,
    )
    assert Customer.objects.filter(assigned_to=bob).count() == 2


def test_delete_is_for_managers_and_leaves_a_deletion_record(manager, alice):
    customer = CustomerFactory(assigned_to=alice)
    with pytest.raises(PermissionDenied):
        services.customer_delete(customers=[customer], by=alice)
    services.customer_delete(customers=[customer], by=manager)
    assert not Customer.objects.filter(pk=customer.pk).exists()
    record = Customer.history.filter(id=customer.pk).latest()
    assert record.history_type == "-" and record.history_user == manager


def test_a_counsellor_may_change_only_remarks_and_follow_up(alice):
    customer = CustomerFactory(assigned_to=alice)
    services.customer_update(customer=customer, by=alice, remarks="Prefers evening calls")
    with pytest.raises(PermissionDenied):
        services.customer_update(customer=customer, by=alice, phone="9876500000")


def test_a_manager_update_renormalises_the_phone(manager):
    customer = CustomerFactory()
    services.customer_update(customer=customer, by=manager, phone="098765 11111")
    customer.refresh_from_db()
    assert customer.phone == "+919876511111"
    assert customer.phone_raw == "098765 11111"


def test_sharing_lets_another_counsellor_see_and_change_one_customer(manager, alice, bob):
    customer = CustomerFactory(assigned_to=bob)
    services.customer_share(customer=customer, user=alice, by=manager)
    fresh = type(alice).objects.get(pk=alice.pk)  # permission caches start empty
    assert fresh.has_perm("customers.change_customer", customer)
    services.customer_unshare(customer=customer, user=alice, by=manager)
    fresh = type(alice).objects.get(pk=alice.pk)
    assert not fresh.has_perm("customers.view_customer", customer)


def test_update_keeps_the_email_with_its_domain_in_lower_case(manager):
    customer = CustomerFactory()
    services.customer_update(customer=customer, by=manager, email=" Anu@College.EXAMPLE ")
    customer.refresh_from_db()
    assert customer.email == "Anu@college.example"


def test_update_keeps_the_alternate_phone_in_international_form(manager):
    customer = CustomerFactory(phone="+919876543210")
    services.customer_update(customer=customer, by=manager, alternate_phone="098123-45678")
    customer.refresh_from_db()
    assert customer.alternate_phone == "+919812345678"


def test_the_alternate_phone_may_not_repeat_the_phone(manager):
    customer = CustomerFactory(phone="+919876543210")
    with pytest.raises(ValidationError) as raised:
        services.customer_update(customer=customer, by=manager, alternate_phone="9876543210")
    assert "alternate_phone" in raised.value.message_dict


def test_the_phone_may_not_become_the_alternate_phone(manager):
    customer = CustomerFactory(phone="+919876543210", alternate_phone="+919812345678")
    with pytest.raises(ValidationError):
        services.customer_update(customer=customer, by=manager, phone="9812345678")
    customer.refresh_from_db()
    assert customer.phone == "+919876543210"


def test_a_counsellor_may_not_change_the_email_or_alternate_phone(alice):
    customer = CustomerFactory(assigned_to=alice)
    for change in ({"email": "x@y.example"}, {"alternate_phone": "9812345678"}):
        with pytest.raises(PermissionDenied):
            services.customer_update(customer=customer, by=alice, **change)


def test_create_takes_an_email_and_an_alternate_phone(manager):
    customer = services.customer_create(name="Anu", phone="9876543210", by=manager,
                                        email="anu@X.example", alternate_phone="9812345678")
    assert (customer.email, customer.alternate_phone) == ("anu@x.example", "+919812345678")
