"""'My calls', touches and the WhatsApp link attacked through the real URLs:
another counsellor's customers, odd input, methods and CSRF, every role."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backoffice.customers.models import StatusChange, Touch
from backoffice.customers.statuses import Status
from tests.conftest import _client_for
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/customers/customer/my-calls/"
XSS = '"><img src=x onerror=alert(1)>'


def _lead(owner, **fields):
    fields.setdefault("assigned_at", timezone.now())
    return CustomerFactory(assigned_to=owner, **fields)


def _touch(pk, kind="call"):
    return reverse("admin:customers_customer_touch", args=[pk, kind])


def _update(pk):
    return reverse("admin:customers_customer_my_calls_update", args=[pk])


def test_another_counsellors_customer_is_not_in_the_queue(alice_client, bob):
    _lead(bob, name="Bobs Lead", next_follow_up=timezone.localdate(), status=Status.CALL_LATER)
    html = alice_client.get(URL).content.decode()
    assert "Bobs Lead" not in html


def test_touch_on_another_counsellors_customer_is_404_and_records_nothing(alice_client, bob):
    theirs = _lead(bob)
    for kind in ("call", "whatsapp"):
        assert alice_client.post(_touch(theirs.pk, kind)).status_code == 404
        assert alice_client.get(_touch(theirs.pk, kind)).status_code == 404
    assert not Touch.objects.exists()
    theirs.refresh_from_db()
    assert theirs.last_contacted is None


def test_queue_update_of_another_counsellors_customer_is_404(alice_client, bob):
    theirs = _lead(bob)
    response = alice_client.post(_update(theirs.pk), {"status": Status.VALID, "remark": "x"})
    assert response.status_code == 404
    assert not StatusChange.objects.filter(customer=theirs).exists()


def test_missing_customer_and_bad_kind_are_404(alice_client, alice):
    mine = _lead(alice)
    assert alice_client.post(_touch(999999)).status_code == 404
    assert alice_client.post(f"/customers/customer/{mine.pk}/touch/sms/").status_code == 404
    assert alice_client.post(f"/customers/customer/{mine.pk}/touch/CALL/").status_code == 404
    # a non-numeric id is no URL of these views (the admin's catch-all answers)
    assert alice_client.post("/customers/customer/abc/touch/call/").status_code in (302, 404)
    assert not Touch.objects.exists()


@pytest.mark.parametrize("who", ["reviewer", "manager", "superuser"])
def test_get_on_the_writes_is_refused(request, who, alice):
    client = _client_for(request.getfixturevalue(who))
    mine = _lead(alice)
    for url in (_touch(mine.pk), _update(mine.pk)):
        assert client.get(url).status_code in (404, 405)
    assert not Touch.objects.exists()


def test_compliance_may_not_touch_or_update(reviewer_client, alice):
    mine = _lead(alice)
    assert reviewer_client.post(_touch(mine.pk)).status_code == 404
    assert reviewer_client.post(_update(mine.pk), {"status": Status.VALID}).status_code == 404
    assert reviewer_client.get(URL).status_code == 404
    assert not Touch.objects.exists() and not StatusChange.objects.exists()


def test_anonymous_is_sent_to_sign_in(alice):
    mine = _lead(alice)
    client = Client()
    for url in (URL, _touch(mine.pk), _update(mine.pk)):
        response = client.post(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Touch.objects.exists()


def test_writes_need_the_csrf_token(alice):
    mine = _lead(alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(_touch(mine.pk)).status_code == 403
    assert client.post(_update(mine.pk), {"status": Status.VALID, "remark": "x"}).status_code == 403
    assert not Touch.objects.exists() and not StatusChange.objects.exists()


@pytest.mark.parametrize("after", ["²", "9" * 5000, "-1", "1e9", "%00", "١٢"])
def test_odd_after_values_show_the_queue(alice_client, alice, after):
    _lead(alice)
    assert alice_client.get(URL, {"after": after}).status_code == 200


@pytest.mark.parametrize("value", ["-5", "1" * 5000, "abc", "1e9", "²", "99999999999999999999"])
def test_odd_group_lengths_are_bounded(alice_client, alice, value):
    for _ in range(3):
        _lead(alice)
    response = alice_client.get(URL, {"new": value, "today": value, "overdue": value, "p": value})
    assert response.status_code == 200


def test_hostile_name_and_template_are_escaped_in_the_queue(alice_client, alice, manager_client):
    from backoffice.customers.models import MessageTemplate

    MessageTemplate.objects.update_or_create(
        status=Status.NEW, defaults={"text": 'javascript:alert(1)" onmouseover="x {name}'})
    _lead(alice, name=XSS)
    html = alice_client.get(URL).content.decode()
    assert XSS not in html
    assert "<img src=x" not in html
    assert 'href="https://wa.me/' in html
    assert 'onmouseover="x' not in html


def test_queue_update_with_bad_values_answers_400_not_500(alice_client, alice):
    mine = _lead(alice)
    for data in (
        {"status": "nonsense", "remark": "x"},
        {"status": Status.CALL_LATER, "next_follow_up": "31/02/2026"},
        {"status": Status.CALL_LATER, "next_follow_up": "2026-02-31"},
        {"status": Status.VALID, "remark": "a\x00b"},
        {"status": Status.VALID, "remark": "x" * 100000},
        {"status": Status.CALL_LATER, "preset": "bogus"},
        {"status": Status.CALL_LATER, "next_follow_up": "01/01/1990"},
    ):
        response = alice_client.post(_update(mine.pk), data)
        assert response.status_code == 400, data
    assert not StatusChange.objects.filter(customer=mine).exists()


def test_a_double_submitted_queue_update_records_one_change(alice_client, alice):
    mine = _lead(alice)
    data = {"status": Status.VALID, "remark": "Spoke to her"}
    first = alice_client.post(_update(mine.pk), data)
    second = alice_client.post(_update(mine.pk), data)
    assert first.status_code == 302
    assert StatusChange.objects.filter(customer=mine).count() == 1
    assert second.status_code in (302, 400)


def test_queue_answers_in_bounded_queries(alice_client, alice, django_assert_max_num_queries):
    for n in range(30):
        _lead(alice, next_follow_up=timezone.localdate() - datetime.timedelta(days=1 + n % 3),
              status=Status.CALL_LATER)
    for _ in range(30):
        _lead(alice)
    with django_assert_max_num_queries(25):
        assert alice_client.get(URL, {"new": 100, "overdue": 100}).status_code == 200


def test_customer_page_contact_bar_escapes_hostile_name(alice_client, alice):
    mine = _lead(alice, name=XSS, remarks=XSS)
    html = alice_client.get(reverse("admin:customers_customer_change", args=[mine.pk])
                            ).content.decode()
    assert "<img src=x" not in html


def test_a_tap_sent_twice_records_one_touch(alice_client, alice):
    mine = _lead(alice)
    assert alice_client.post(_touch(mine.pk)).status_code == 204
    assert alice_client.post(_touch(mine.pk)).status_code == 204
    assert Touch.objects.filter(customer=mine).count() == 1
    assert alice_client.post(_touch(mine.pk, "whatsapp")).status_code == 204
    assert Touch.objects.filter(customer=mine).count() == 2


def test_the_same_tap_later_is_a_new_attempt(alice_client, alice):
    mine = _lead(alice)
    alice_client.post(_touch(mine.pk))
    Touch.objects.update(at=timezone.now() - datetime.timedelta(minutes=1))
    alice_client.post(_touch(mine.pk))
    assert Touch.objects.filter(customer=mine).count() == 2


def test_the_same_update_later_is_recorded_again(alice_client, alice):
    mine = _lead(alice)
    data = {"status": Status.VALID, "remark": "Spoke to her"}
    alice_client.post(_update(mine.pk), data)
    StatusChange.objects.update(changed_at=timezone.now() - datetime.timedelta(minutes=1))
    assert alice_client.post(_update(mine.pk), data).status_code == 302
    assert StatusChange.objects.filter(customer=mine).count() == 2


def test_another_persons_identical_update_is_recorded(alice, manager_client):
    from backoffice.customers import services

    mine = _lead(alice)
    services.customer_change_status(customer=mine, status=Status.VALID, remark="Same",
                                    by=alice)
    response = manager_client.post(_update(mine.pk), {"status": Status.VALID, "remark": "Same"})
    assert response.status_code == 302
    assert StatusChange.objects.filter(customer=mine).count() == 2


def test_hostile_counsellor_names_are_escaped_on_the_timeline_and_in_links(alice):
    alice.first_name = XSS
    alice.save()
    client = _client_for(alice)
    mine = _lead(alice, name="Plain")
    client.post(_touch(mine.pk))
    for url in (URL, reverse("admin:customers_customer_change", args=[mine.pk])):
        html = client.get(url).content.decode()
        assert "<img src=x" not in html
        assert "%22%3E%3Cimg" in html  # in the WhatsApp text, percent-encoded


def test_an_enormous_whatsapp_message_is_refused(manager_client):
    from backoffice.customers.models import MessageTemplate

    template = MessageTemplate.objects.get(status=Status.NEW)
    url = reverse("admin:customers_messagetemplate_change", args=[template.pk])
    response = manager_client.post(url, {"text": "x" * 100_000})
    assert response.status_code == 200  # the form again, with the error
    template.refresh_from_db()
    assert len(template.text) <= 1000


def test_a_template_cannot_read_attributes_through_its_placeholders(alice_client, alice,
                                                                    manager_client):
    from backoffice.customers.models import MessageTemplate

    template = MessageTemplate.objects.get(status=Status.NEW)
    url = reverse("admin:customers_messagetemplate_change", args=[template.pk])
    hostile = "{name.__class__} {counsellor!r} {0} %(name)s {name}"
    # the admin refuses placeholders it does not fill ...
    response = manager_client.post(url, {"text": hostile})
    assert response.status_code == 200 and "would reach the customer as typed" in (
        response.content.decode())
    # ... and a template written some other way is still read as plain text
    MessageTemplate.objects.filter(pk=template.pk).update(text=hostile)
    _lead(alice, name="Anu")
    html = alice_client.get(URL).content.decode()
    assert "class" not in html.split("wa.me/")[1].split('"')[0].replace("__class__", "")
    assert "%7Bname.__class__%7D" in html and "Anu" in html
