"""The webhook pages per role: managers register endpoints and send test
events; compliance reads, never the secret; counsellors see nothing."""

import socket
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.webhooks.models import Delivery, Endpoint, Event
from tests.factories import EndpointFactory

pytestmark = pytest.mark.django_db

LIST = "admin:webhooks_endpoint_changelist"
ADD = "admin:webhooks_endpoint_add"
DELIVERIES = "admin:webhooks_delivery_changelist"
HOSTILE = '"><img src=x onerror=alert(1)><script>alert(1)</script>'


def _change(endpoint):
    return reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])


def _send_test(endpoint):
    return reverse("admin:webhooks_endpoint_send_test", args=[endpoint.pk])


def _form(url, **extra):
    return {"url": url, "events": ["customer.created", "customer.assigned"],
            "description": "CRM", "active": "on", **extra}


def _public_dns():
    def fake(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]
    return mock.patch("backoffice.webhooks.addresses.socket.getaddrinfo", side_effect=fake)


# --- managers -----------------------------------------------------------------------


def test_a_manager_registers_an_endpoint_and_gets_a_secret(manager_client, manager, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    with _public_dns():
        response = manager_client.post(reverse(ADD), _form("https://crm.example.com/hook"))
    assert response.status_code == 302, response.content.decode()[:3000]
    endpoint = Endpoint.objects.get()
    assert response["Location"] == _change(endpoint)  # where the secret is shown
    assert endpoint.events == ["customer.created", "customer.assigned"]
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    assert endpoint.created_by == manager and endpoint.active
    page = manager_client.get(_change(endpoint)).content.decode()
    assert endpoint.secret in page


def test_the_form_refuses_a_private_address_with_the_reason(manager_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    response = manager_client.post(reverse(ADD), _form("https://10.20.30.40/latest/"))
    assert response.status_code == 200
    assert "public addresses only" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_the_form_refuses_http_and_no_events(manager_client, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    response = manager_client.post(reverse(ADD), {**_form("http://crm.example.com/"),
                                                  "events": []})
    page = response.content.decode()
    assert response.status_code == 200 and "https://" in page and "required" in page
    assert not Endpoint.objects.exists()


def test_a_hostile_description_and_url_are_shown_as_text(manager_client, reviewer_client):
    endpoint = EndpointFactory(description=HOSTILE, url="https://crm.example.com/?q=" + HOSTILE)
    for client in (manager_client, reviewer_client):
        for url in (reverse(LIST), _change(endpoint)):
            page = client.get(url).content.decode()
            assert "<script>alert(1)</script>" not in page and "<img src=x" not in page


def test_a_new_secret_replaces_the_old_one(manager_client):
    endpoint = EndpointFactory(url="https://crm.example.com/hook")
    old = endpoint.secret
    with _public_dns():
        response = manager_client.post(_change(endpoint), _form(endpoint.url, new_secret="on"))
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret.startswith("whsec_")


def test_a_manager_switches_an_endpoint_back_on(manager_client, settings):
    endpoint = EndpointFactory(url="https://crm.example.com/hook", active=False, failures=10)
    with _public_dns():
        manager_client.post(_change(endpoint), _form(endpoint.url))
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.failures == 0


# --- the test event -----------------------------------------------------------------


def test_send_test_asks_first_then_sends_one_event(manager_client, receiver,
                                                   django_capture_on_commit_callbacks):
    endpoint = EndpointFactory(url=receiver.url)
    response = manager_client.get(_send_test(endpoint))
    assert response.status_code == 200 and 'id="send-test"' in response.content.decode()
    assert receiver.requests == []
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(_send_test(endpoint), follow=True)
    assert response.status_code == 200
    assert len(receiver.requests) == 1
    assert receiver.requests[0].headers["X-ALIMS-Event"] == "webhook.test"
    assert "delivered" in response.content.decode()


def test_a_double_click_on_send_test_sends_one(manager_client, receiver,
                                               django_capture_on_commit_callbacks):
    endpoint = EndpointFactory(url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(_send_test(endpoint))
        manager_client.post(_send_test(endpoint))
    assert len(receiver.requests) == 1
    assert Event.objects.filter(kind="webhook.test").count() == 1


def test_a_failed_test_is_reported_not_retried_and_not_counted(
        manager_client, receiver, django_capture_on_commit_callbacks):
    endpoint = EndpointFactory(url=receiver.url)
    receiver.answer(500, b"<script>alert(1)</script>")
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(_send_test(endpoint), follow=True)
    page = response.content.decode()
    assert "The test event failed" in page and "<script>alert(1)" not in page
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.FAILED and delivery.next_attempt_at is None
    endpoint.refresh_from_db()
    assert endpoint.failures == 0


@pytest.mark.parametrize(("who", "get", "post"), [
    ("manager_client", 200, 302), ("superuser_client", 200, 302),
    ("reviewer_client", 403, 403), ("alice_client", 404, 404),
])
def test_send_test_per_role(request, who, get, post, receiver,
                            django_capture_on_commit_callbacks):
    client = request.getfixturevalue(who)
    endpoint = EndpointFactory(url=receiver.url)
    assert client.get(_send_test(endpoint)).status_code == get
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_send_test(endpoint)).status_code == post
    assert len(receiver.requests) == (1 if post == 302 else 0)


# --- who sees what ------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [
    ("manager_client", 200), ("superuser_client", 200), ("reviewer_client", 200),
    ("alice_client", 403),
])
def test_the_lists_per_role(request, who, status):
    client = request.getfixturevalue(who)
    EndpointFactory()
    assert client.get(reverse(LIST)).status_code == status
    assert client.get(reverse(DELIVERIES)).status_code == status


def test_compliance_reads_an_endpoint_without_its_secret_and_changes_nothing(reviewer_client):
    endpoint = EndpointFactory(url="https://crm.example.com/hook")
    response = reviewer_client.get(_change(endpoint))
    page = response.content.decode()
    assert response.status_code == 200 and "crm.example.com" in page
    assert endpoint.secret not in page
    assert reviewer_client.get(reverse(ADD)).status_code == 403
    with _public_dns():
        reviewer_client.post(_change(endpoint), _form("https://evil.example.com/"))
    endpoint.refresh_from_db()
    assert endpoint.url == "https://crm.example.com/hook"
    response = reviewer_client.post(reverse("admin:webhooks_endpoint_delete",
                                            args=[endpoint.pk]), {"post": "yes"})
    assert response.status_code == 403 and Endpoint.objects.filter(pk=endpoint.pk).exists()


def test_counsellors_get_404_on_every_webhook_object(alice_client):
    endpoint = EndpointFactory()
    delivery = Delivery.objects.create(endpoint=endpoint,
                                       event=Event.objects.create(kind="customer.created"))
    for url in (_change(endpoint), reverse("admin:webhooks_endpoint_delete", args=[endpoint.pk]),
                reverse("admin:webhooks_endpoint_history", args=[endpoint.pk]),
                reverse("admin:webhooks_delivery_change", args=[delivery.pk])):
        assert alice_client.get(url).status_code == 404, url
    assert alice_client.get(reverse(ADD)).status_code == 403


def test_the_sidebar_shows_webhooks_to_managers_and_compliance_only(manager_client,
                                                                    reviewer_client,
                                                                    alice_client):
    link = reverse(LIST)
    assert link in manager_client.get(reverse("admin:index")).content.decode()
    assert link in reviewer_client.get(reverse("admin:index")).content.decode()
    assert link not in alice_client.get(reverse("admin:index")).content.decode()


# --- the deliveries log -------------------------------------------------------------


def test_deliveries_are_read_only(manager_client):
    endpoint = EndpointFactory()
    delivery = Delivery.objects.create(endpoint=endpoint,
                                       event=Event.objects.create(kind="customer.created"))
    assert manager_client.get(reverse("admin:webhooks_delivery_add")).status_code == 403
    manager_client.post(reverse("admin:webhooks_delivery_change", args=[delivery.pk]),
                        {"state": "succeeded"})
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.PENDING


def test_a_hostile_response_body_is_shown_escaped(manager_client, reviewer_client):
    endpoint = EndpointFactory()
    delivery = Delivery.objects.create(
        endpoint=endpoint, event=Event.objects.create(kind="customer.created",
                                                      data={"customers": [{"name": HOSTILE}]}),
        state=Delivery.State.RETRYING, response_status=500, error=HOSTILE,
        response_excerpt=HOSTILE + "\ufffd" + "x" * 2000)
    for client in (manager_client, reviewer_client):
        for url in (reverse(DELIVERIES),
                    reverse("admin:webhooks_delivery_change", args=[delivery.pk])):
            response = client.get(url)
            page = response.content.decode()
            assert response.status_code == 200
            assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    page = manager_client.get(reverse("admin:webhooks_delivery_change",
                                      args=[delivery.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_deliveries_list_filters_by_endpoint_and_state_newest_first(manager_client):
    one, two = EndpointFactory(description="One"), EndpointFactory(description="Two")
    old = Delivery.objects.create(endpoint=one, event=Event.objects.create(kind="customer.created"),
                                  state=Delivery.State.FAILED)
    new = Delivery.objects.create(endpoint=one, event=Event.objects.create(kind="customer.assigned"),
                                  state=Delivery.State.SUCCEEDED)
    Delivery.objects.create(endpoint=two, event=Event.objects.create(kind="customer.created"))
    response = manager_client.get(reverse(DELIVERIES) + f"?endpoint__id__exact={one.pk}")
    shown = list(response.context["cl"].result_list)
    assert shown == [new, old]
    response = manager_client.get(reverse(DELIVERIES) + "?state__exact=failed")
    assert list(response.context["cl"].result_list) == [old]


def test_the_deliveries_list_takes_the_same_queries_for_5_or_50_rows(manager_client,
                                                                      django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    endpoint = EndpointFactory()

    def add(n):
        for _ in range(n):
            Delivery.objects.create(endpoint=endpoint,
                                    event=Event.objects.create(kind="customer.created",
                                                               data={"customers": [{"id": 1}]}))

    add(5)
    manager_client.get(reverse(DELIVERIES))  # warm caches (the session, content types)
    with CaptureQueriesContext(connection) as few:
        manager_client.get(reverse(DELIVERIES))
    add(45)
    with CaptureQueriesContext(connection) as many:
        response = manager_client.get(reverse(DELIVERIES))
    assert len(response.context["cl"].result_list) == 50
    assert len(many) == len(few)
    with django_assert_max_num_queries(len(few)):
        manager_client.get(reverse(DELIVERIES))


@pytest.mark.parametrize(("who", "sent"), [
    ("manager_client", True), ("superuser_client", True), ("reviewer_client", False),
    ("alice_client", False),
])
def test_send_again_now_per_role(request, who, sent, receiver,
                                 django_capture_on_commit_callbacks):
    client = request.getfixturevalue(who)
    endpoint = EndpointFactory(url=receiver.url)
    failed = Delivery.objects.create(endpoint=endpoint, attempts=6, state=Delivery.State.FAILED,
                                     event=Event.objects.create(kind="customer.created"))
    delivered = Delivery.objects.create(endpoint=endpoint, state=Delivery.State.SUCCEEDED,
                                        event=Event.objects.create(kind="customer.created"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(DELIVERIES), {
            "action": "send_again", "_selected_action": [failed.pk, delivered.pk]})
    assert response.status_code in (200, 302, 403)
    failed.refresh_from_db()
    delivered.refresh_from_db()
    assert delivered.attempts == 0  # a delivered one is never sent again
    if sent:
        assert len(receiver.requests) == 1
        assert failed.state == Delivery.State.SUCCEEDED and failed.attempts == 7
    else:
        assert receiver.requests == [] and failed.state == Delivery.State.FAILED


def test_a_too_long_description_is_refused_and_unicode_kept(manager_client):
    with _public_dns():
        response = manager_client.post(reverse(ADD), _form("https://crm.example.com/hook",
                                                           description="x" * 5000))
        assert response.status_code == 200 and not Endpoint.objects.exists()
        response = manager_client.post(reverse(ADD), _form("https://crm.example.com/hook",
                                                           description="ക്രിം 😀 \u202eCRM"))
    assert response.status_code == 302
    assert Endpoint.objects.get().description == "ക്രിം 😀 \u202eCRM"


def test_a_nul_byte_in_the_form_is_refused_and_nothing_saved(manager_client):
    response = manager_client.post(reverse(ADD), _form("https://crm.example.com/\x00hook",
                                                       description="a\x00b"))
    assert response.status_code in (200, 400)
    assert not Endpoint.objects.exists()


def test_the_switched_off_notice_is_a_managers_kind(manager, alice, reviewer):
    from backoffice.notifications.selectors import kinds_for

    assert "webhook_disabled" in kinds_for(manager)
    assert "webhook_disabled" not in kinds_for(alice)
    assert "webhook_disabled" not in kinds_for(reviewer)


def test_the_services_refuse_people_who_may_not_change_webhooks(reviewer, alice):
    from django.core.exceptions import PermissionDenied

    from backoffice.webhooks import services

    endpoint = EndpointFactory()
    for person in (reviewer, alice):
        with pytest.raises(PermissionDenied):
            services.endpoint_save(endpoint=endpoint, by=person, new_secret=True)
        with pytest.raises(PermissionDenied):
            services.endpoint_test_send(endpoint=endpoint, by=person)
        with pytest.raises(PermissionDenied):
            services.deliveries_send_again(deliveries=[], by=person)


def test_an_endpoint_switched_off_while_its_page_was_open_stays_off(manager_client):
    endpoint = EndpointFactory(url="https://crm.example.com/hook", active=True)
    page = manager_client.get(_change(endpoint))
    assert b'name="active_seen" value="1"' in page.content
    # meanwhile its deliveries failed and it was switched off
    Endpoint.objects.filter(pk=endpoint.pk).update(active=False, failures=10,
                                                   disabled_at=timezone.now())
    with _public_dns():
        answer = manager_client.post(_change(endpoint), _form(endpoint.url, active_seen="1"))
    assert answer.status_code == 200
    assert "switched off while this page was open" in answer.content.decode()
    assert b'name="active_seen" value="0"' in answer.content
    assert not answer.context["adminform"].form["active"].value()
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.failures == 10
    # ticked again on the page that says so, it goes back on
    with _public_dns():
        manager_client.post(_change(endpoint), _form(endpoint.url, active_seen="0"))
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.failures == 0
