"""Call attempts, the call-back cadence and the "Not reachable" pool, through
the services and the pages a counsellor uses."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from backoffice.customers import services
from backoffice.customers.models import StatusChange
from backoffice.customers.statuses import Status
from backoffice.followups.models import WorkRules
from tests.factories import CustomerFactory

KOLKATA = ZoneInfo("Asia/Kolkata")
MONDAY = datetime.date(2026, 12, 7)


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), KOLKATA)


def _not_attended(customer, by, *, now=None, **kwargs):
    with mock.patch("django.utils.timezone.now", return_value=now or at(MONDAY, 10)):
        return services.customer_change_status(customer=customer, status=Status.CALL_NOT_ATTENDED,
                                               remark=kwargs.pop("remark", ""), by=by, **kwargs)


@pytest.fixture
def lead(alice):
    return CustomerFactory(assigned_to=alice)


def test_call_not_attended_without_a_date_gets_the_cadence(alice, lead):
    _not_attended(lead, alice, now=at(MONDAY, 10))
    lead.refresh_from_db()
    assert (lead.next_follow_up, lead.next_follow_up_time) == (MONDAY, datetime.time(14))
    _not_attended(lead, alice, now=at(MONDAY, 14, 5))
    lead.refresh_from_db()
    assert (lead.next_follow_up, lead.next_follow_up_time) == (
        MONDAY + datetime.timedelta(days=1), None)
    _not_attended(lead, alice, now=at(MONDAY + datetime.timedelta(days=1), 11))
    lead.refresh_from_db()
    assert lead.next_follow_up == MONDAY + datetime.timedelta(days=3)
    assert (lead.attempts, lead.attempts_unanswered) == (3, 3)
    assert lead.last_attempt_at == at(MONDAY + datetime.timedelta(days=1), 11)


def test_a_date_the_counsellor_gives_wins_over_the_cadence(alice, lead):
    _not_attended(lead, alice, next_follow_up=MONDAY + datetime.timedelta(days=5))
    lead.refresh_from_db()
    assert lead.next_follow_up == MONDAY + datetime.timedelta(days=5)
    assert lead.attempts_unanswered == 1


def test_the_cadence_managers_set_is_used(alice, lead):
    WorkRules.objects.create(cadence="1h, 3d")
    _not_attended(lead, alice, now=at(MONDAY, 10))
    lead.refresh_from_db()
    assert lead.next_follow_up_time == datetime.time(11)


def test_a_double_submit_of_call_not_attended_is_one_attempt(alice, lead):
    _not_attended(lead, alice, now=at(MONDAY, 10))
    _not_attended(lead, alice, now=at(MONDAY, 10, 0))
    lead.refresh_from_db()
    assert (lead.attempts, lead.attempts_unanswered) == (1, 1)
    assert StatusChange.objects.filter(customer=lead, to_status=Status.CALL_NOT_ATTENDED
                                       ).count() == 1


def test_a_tap_on_call_then_not_attended_is_one_attempt(alice, lead):
    services.customer_touch_record(customer=lead, kind="call", by=alice)
    services.customer_change_status(customer=lead, status=Status.CALL_NOT_ATTENDED, remark="",
                                    by=alice)
    lead.refresh_from_db()
    assert (lead.attempts, lead.attempts_unanswered) == (1, 1)


def test_taps_without_an_update_each_count(alice, lead):
    services.customer_touch_record(customer=lead, kind="call", by=alice)
    services.customer_touch_record(customer=lead, kind="whatsapp", by=alice)
    lead.refresh_from_db()
    assert lead.attempts == 2 and lead.attempts_unanswered == 0


def test_reaching_the_customer_ends_the_run_and_records_attempts_to_reach(alice, lead):
    for hour in (10, 14):
        _not_attended(lead, alice, now=at(MONDAY, hour))
    with mock.patch("django.utils.timezone.now", return_value=at(MONDAY, 16)):
        services.customer_change_status(customer=lead, status=Status.VALID, remark="Spoke",
                                        by=alice)
    lead.refresh_from_db()
    assert lead.attempts == 3 and lead.attempts_unanswered == 0
    assert lead.connected_at == at(MONDAY, 16) and lead.attempts_to_connect == 3


def test_later_updates_of_a_reached_customer_are_no_new_attempts(alice, lead):
    services.customer_change_status(customer=lead, status=Status.VALID, remark="", by=alice)
    services.customer_change_status(customer=lead, status=Status.WAITING_FOR_FEES,
                                    remark="Fees next week", by=alice)
    lead.refresh_from_db()
    assert lead.attempts == 1 and lead.attempts_to_connect == 1


def test_invalid_is_no_call_attempt(alice, lead):
    services.customer_change_status(customer=lead, status=Status.INVALID, remark="Wrong number",
                                    by=alice)
    lead.refresh_from_db()
    assert lead.attempts == 0 and lead.connected_at is None


def test_call_not_attended_from_the_dialog_needs_no_date(alice_client, alice, lead):
    url = reverse("admin:customers_customer_update_status", args=[lead.pk])
    response = alice_client.post(url, {"_form_submitted": "1", "status": "call_not_attended"})
    assert response.status_code == 200 and response.headers.get("HX-Redirect")
    lead.refresh_from_db()
    assert lead.status == Status.CALL_NOT_ATTENDED and lead.next_follow_up is not None
    assert lead.attempts_unanswered == 1


def test_call_not_attended_from_my_calls_needs_no_date(alice_client, alice, lead):
    url = reverse("admin:customers_customer_my_calls_update", args=[lead.pk])
    response = alice_client.post(url, {"status": Status.CALL_NOT_ATTENDED, "preset": ""})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.next_follow_up is not None and lead.attempts == 1


def test_a_new_owner_starts_a_new_run_of_calls(alice, bob, manager, lead):
    for hour in (10, 12, 14):
        _not_attended(lead, alice, now=at(MONDAY, hour))
    services.customer_assign(customers=[lead.pk], counsellor=bob, by=manager)
    lead.refresh_from_db()
    assert lead.attempts_unanswered == 0 and lead.attempts == 3


def test_the_customer_page_says_the_calls_in_words(alice_client, alice, lead):
    for hour in (10, 14):
        _not_attended(lead, alice, now=at(MONDAY, hour))
    page = alice_client.get(reverse("admin:customers_customer_change", args=[lead.pk])
                            ).content.decode()
    assert "2 call attempts · 2 not attended in a row" in page


def test_the_customer_page_says_not_reachable_at_the_limit(manager_client, alice):
    lead = CustomerFactory(assigned_to=alice, attempts=5, attempts_unanswered=5)
    page = manager_client.get(reverse("admin:customers_customer_change", args=[lead.pk])
                              ).content.decode()
    assert "5 not attended in a row · not reachable" in page


@pytest.mark.parametrize(("to_connect", "words"), [(1, "reached at the first attempt"),
                                                   (3, "reached after 3 attempts")])
def test_the_customer_page_says_how_many_attempts_reached_the_customer(manager_client, alice,
                                                                       to_connect, words):
    lead = CustomerFactory(assigned_to=alice, attempts=to_connect, attempts_to_connect=to_connect,
                           connected_at=datetime.datetime(2026, 12, 1, tzinfo=KOLKATA))
    page = manager_client.get(reverse("admin:customers_customer_change", args=[lead.pk])
                              ).content.decode()
    assert words in page
