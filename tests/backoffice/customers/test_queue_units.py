"""The pieces of "My calls" on their own: grouping and order, presets, the
WhatsApp message, touches and the reporting fields they feed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from backoffice.customers import queue, selectors, services
from backoffice.customers.models import Touch
from backoffice.customers.statuses import Status
from backoffice.customers.whatsapp import message_render, whatsapp_url
from tests.factories import CustomerFactory


def _at(hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(),
                                                         datetime.time(hour, minute)))


# --- the message -------------------------------------------------------------

def test_placeholders_are_replaced_as_text():
    assert message_render("Hi {name}, {counsellor} here", name="Anu", counsellor="Alice") \
        == "Hi Anu, Alice here"


def test_a_name_holding_a_placeholder_stays_as_written():
    assert message_render("{name} / {counsellor}", name="{counsellor}", counsellor="Alice") \
        == "{counsellor} / Alice"


def test_a_template_cannot_read_attributes():
    text = "{name.__class__} {counsellor!r} {0} {}"
    assert message_render(text, name="Anu", counsellor="Alice") == text


def test_whatsapp_url_has_the_digits_and_an_encoded_text():
    url = whatsapp_url("+919876543210", 'Hi "><img src=x> & more')
    assert url == ("https://wa.me/919876543210?text=Hi%20%22%3E%3Cimg%20src%3Dx%3E%20%26%20more")


def test_the_message_is_bounded():
    assert len(message_render("{name}", name="x" * 5000, counsellor="")) == 1000


# --- presets -----------------------------------------------------------------

@pytest.mark.django_db
def test_presets_in_the_morning():
    presets = {p.key: p for p in queue.follow_up_presets(_at(9, 5))}
    today = timezone.localdate()
    assert presets["later"].date == today and presets["later"].time == datetime.time(12, 15)
    assert presets["tomorrow"].date == today + datetime.timedelta(days=1)
    assert presets["3days"].date == today + datetime.timedelta(days=3)
    assert presets["week"].date == today + datetime.timedelta(days=7)


@pytest.mark.django_db
def test_later_today_is_not_offered_after_the_working_day():
    assert "later" not in [p.key for p in queue.follow_up_presets(_at(19, 30))]


@pytest.mark.django_db
def test_later_today_ends_with_the_working_rules_day():
    from backoffice.followups.models import WorkRules

    # the default day ends at 18:00: 15:30 + 3 h is after it
    assert "later" not in [p.key for p in queue.follow_up_presets(_at(15, 30))]
    WorkRules.objects.create(day_ends=datetime.time(21, 0))
    assert "later" in [p.key for p in queue.follow_up_presets(_at(15, 30))]


# --- grouping and order ------------------------------------------------------

@pytest.mark.django_db
def test_groups_order_and_counts(alice, bob, manager):
    today = timezone.localdate()
    now = timezone.now()
    untimed = CustomerFactory(assigned_to=alice, next_follow_up=today, status=Status.CALL_LATER)
    at_three = CustomerFactory(assigned_to=alice, next_follow_up=today, status=Status.CALL_LATER,
                               next_follow_up_time=datetime.time(15))
    at_ten = CustomerFactory(assigned_to=alice, next_follow_up=today, status=Status.CALL_LATER,
                             next_follow_up_time=datetime.time(10))
    old = CustomerFactory(assigned_to=alice, next_follow_up=today - datetime.timedelta(days=9),
                          status=Status.CALL_LATER)
    recent = CustomerFactory(assigned_to=alice, next_follow_up=today - datetime.timedelta(days=1),
                             status=Status.CALL_LATER)
    newer = CustomerFactory(assigned_to=alice, assigned_at=now)
    older = CustomerFactory(assigned_to=alice, assigned_at=now - datetime.timedelta(days=3))
    CustomerFactory(assigned_to=alice, status=Status.VALID)  # nothing due: not in the queue
    CustomerFactory(assigned_to=alice, next_follow_up=today + datetime.timedelta(days=2),
                    status=Status.CALL_LATER)  # later: not in the queue
    CustomerFactory(assigned_to=bob, next_follow_up=today, status=Status.CALL_LATER)
    shared = CustomerFactory(assigned_to=bob, assigned_at=now - datetime.timedelta(days=5))
    services.customer_share(customer=shared, user=alice, by=manager)

    groups = {g.key: g for g in selectors.calls_queue(alice, today=today)}
    assert [c.pk for c in groups["today"].entries] == [untimed.pk, at_ten.pk, at_three.pk]
    assert [c.pk for c in groups["overdue"].entries] == [old.pk, recent.pk]
    assert [c.pk for c in groups["new"].entries] == [shared.pk, older.pk, newer.pk]
    assert (groups["today"].count, groups["overdue"].count, groups["new"].count) == (3, 2, 3)


@pytest.mark.django_db
def test_new_leads_with_a_first_call_target_come_first(alice):
    """A fresh lead with its first-call clock running is not left behind a
    page of old leads that have none (nor behind one already called)."""
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    old = [CustomerFactory(assigned_to=alice, assigned_at=now - datetime.timedelta(days=90 + i))
           for i in range(12)]
    late = CustomerFactory(assigned_to=alice, assigned_at=now - 20 * hour,
                           sla_due_at=now - 3 * hour)
    due_soon = CustomerFactory(assigned_to=alice, assigned_at=now - hour,
                               sla_due_at=now + 2 * hour)
    reached = CustomerFactory(assigned_to=alice, assigned_at=now - 2 * hour,
                              sla_due_at=now - 4 * hour, sla_reached_at=now - 5 * hour)
    group = {g.key: g for g in selectors.calls_queue(alice)}["new"]
    assert [c.pk for c in group.entries[:2]] == [late.pk, due_soon.pk]
    # then the oldest assignment first, as before
    assert [c.pk for c in group.entries[2:]] == [c.pk for c in reversed(old)][:8]
    assert reached.pk not in [c.pk for c in group.entries]
    assert group.count == 15


@pytest.mark.django_db
def test_a_group_is_cut_at_its_limit_and_counted_whole(alice):
    for _ in range(15):
        CustomerFactory(assigned_to=alice)
    group = {g.key: g for g in selectors.calls_queue(alice)}["new"]
    assert (len(group.entries), group.count, group.more) == (10, 15, 5)


@pytest.mark.django_db
def test_compliance_has_an_empty_queue(reviewer, alice):
    CustomerFactory(assigned_to=alice)
    assert all(not g.entries for g in selectors.calls_queue(reviewer))


# --- touches -----------------------------------------------------------------

@pytest.mark.django_db
def test_touch_of_an_unknown_kind_is_refused(alice):
    with pytest.raises(ValidationError):
        services.customer_touch_record(customer=CustomerFactory(assigned_to=alice), kind="fax",
                                       by=alice)


@pytest.mark.django_db
def test_touch_on_someone_elses_customer_is_refused(alice, bob):
    with pytest.raises(PermissionDenied):
        services.customer_touch_record(customer=CustomerFactory(assigned_to=bob),
                                       kind=Touch.Kind.CALL, by=alice)
    assert not Touch.objects.exists()


@pytest.mark.django_db
def test_touch_is_in_the_history_with_who(alice):
    customer = CustomerFactory(assigned_to=alice)
    services.customer_touch_record(customer=customer, kind=Touch.Kind.WHATSAPP, by=alice)
    record = customer.history.latest()
    assert record.history_user == alice
    assert record.history_change_reason == "WhatsApp message"


@pytest.mark.django_db
def test_reporting_refresh_counts_a_touch_as_the_first_contact(alice):
    customer = CustomerFactory(assigned_to=alice)
    touch = services.customer_touch_record(customer=customer, kind=Touch.Kind.CALL, by=alice)
    services.customer_change_status(customer=customer, status=Status.VALID, remark="", by=alice)
    customer.__class__.objects.filter(pk=customer.pk).update(first_contacted=None)
    services.customers_reporting_fields_refresh()
    customer.refresh_from_db()
    assert customer.first_contacted == touch.at


@pytest.mark.django_db
def test_a_follow_up_time_needs_a_date(alice):
    with pytest.raises(ValidationError):
        services.customer_change_status(customer=CustomerFactory(assigned_to=alice),
                                        status=Status.VALID, remark="x", by=alice,
                                        next_follow_up_time=datetime.time(12))


@pytest.mark.django_db
def test_a_new_date_from_the_customer_form_drops_the_old_time(alice):
    today = timezone.localdate()
    customer = CustomerFactory(assigned_to=alice, next_follow_up=today, status=Status.CALL_LATER,
                               next_follow_up_time=datetime.time(15))
    services.customer_update(customer=customer, by=alice,
                             next_follow_up=today + datetime.timedelta(days=1))
    customer.refresh_from_db()
    assert customer.next_follow_up_time is None


@pytest.mark.django_db
def test_sidebar_offers_my_calls_to_counsellors_only(alice_client, manager_client):
    assert 'href="/customers/customer/my-calls/"' in alice_client.get("/").content.decode()
    assert 'href="/customers/customer/my-calls/"' not in \
        manager_client.get("/customers/customer/").content.decode()
