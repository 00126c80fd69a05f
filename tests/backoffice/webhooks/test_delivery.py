"""Deliveries to a real HTTP server on 127.0.0.1: headers, signature,
retries with backoff run by the sweep, giving up, switching an endpoint off,
redirects, hostile answers, claiming once, retention."""

import datetime
import json
import socket
import threading
import time
from unittest import mock

import pytest
from django.utils import timezone

from backoffice.notifications.models import Notification
from backoffice.webhooks import services
from backoffice.webhooks.models import Delivery, Endpoint, Event
from backoffice.webhooks.signatures import signature_verify
from backoffice.webhooks.sweeps import webhooks_prune_sweep, webhooks_retry_sweep
from tests.factories import CustomerFactory, EndpointFactory, ManagerFactory

pytestmark = pytest.mark.django_db


def _emit(customer, by, capture, kind="customer.created"):
    with capture(execute=True):
        services.event_emit(kind, customer_ids=[customer.pk], by=by)


def _sweep_at(moment, capture):
    # the clock stays moved while the jobs started after commit run
    with mock.patch("django.utils.timezone.now", return_value=moment), capture(execute=True):
        return webhooks_retry_sweep(moment)


def test_a_delivery_is_a_signed_json_post_with_its_headers(
        endpoint, receiver, manager, alice, django_capture_on_commit_callbacks):
    customer = CustomerFactory(name="Anu <b>", assigned_to=alice)
    _emit(customer, manager, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.SUCCEEDED and delivery.response_status == 200
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert headers["content-type"] == "application/json"
    assert headers["x-alims-event"] == "customer.created"
    assert headers["x-alims-delivery"] == str(delivery.uuid)
    assert headers["user-agent"].startswith("ALIMS-Backoffice-Webhooks/")
    assert signature_verify(endpoint.secret, request.body, headers["x-alims-signature"])
    payload = json.loads(request.body)
    assert payload["type"] == "customer.created"
    assert payload["id"] == str(delivery.event.uuid)
    shown = payload["data"]["customers"][0]
    assert shown == {"id": customer.pk, "name": "Anu <b>", "phone": customer.phone,
                     "status": "new", "status_label": "New",
                     "counsellor": {"id": alice.pk, "name": "Alice Abraham"},
                     "source": None, "next_follow_up": None}
    assert payload["data"]["by"] == {"id": manager.pk, "name": "Maya Menon"}
    assert endpoint.secret not in request.body.decode()


def test_the_same_body_bytes_go_at_every_attempt(endpoint, receiver, manager,
                                                 django_capture_on_commit_callbacks):
    receiver.answer(500)
    _emit(CustomerFactory(), manager, django_capture_on_commit_callbacks)
    receiver.answer(200)
    _sweep_at(timezone.now() + datetime.timedelta(minutes=2), django_capture_on_commit_callbacks)
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["X-ALIMS-Delivery"] == second.headers["X-ALIMS-Delivery"]


def test_failures_are_retried_with_backoff_by_the_sweep_then_given_up(
        endpoint, receiver, manager, django_capture_on_commit_callbacks):
    receiver.answer(503, b"busy")
    start = timezone.now()
    _emit(CustomerFactory(), manager, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.RETRYING and delivery.attempts == 1
    assert delivery.response_status == 503 and delivery.response_excerpt == "busy"
    assert "503" in delivery.error and delivery.last_attempt_at is not None
    elapsed = datetime.timedelta()
    for attempt, wait in enumerate(services.BACKOFF_SECONDS, start=2):
        step = datetime.timedelta(seconds=wait)
        # not yet due: the sweep sends nothing
        _sweep_at(start + elapsed + step - datetime.timedelta(seconds=5),
                  django_capture_on_commit_callbacks)
        assert len(receiver.requests) == attempt - 1
        elapsed += step + datetime.timedelta(seconds=1)
        _sweep_at(start + elapsed, django_capture_on_commit_callbacks)
        assert len(receiver.requests) == attempt
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
    assert delivery.state == Delivery.State.FAILED and delivery.next_attempt_at is None
    _sweep_at(start + datetime.timedelta(days=2), django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1 + len(services.BACKOFF_SECONDS)


def test_the_next_attempt_follows_the_backoff_steps(endpoint, receiver, manager,
                                                    django_capture_on_commit_callbacks):
    receiver.answer(500)
    _emit(CustomerFactory(), manager, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert wait == services.BACKOFF_SECONDS[0] == 60


def test_a_redirect_is_a_failure_and_not_followed(endpoint, receiver, manager,
                                                  django_capture_on_commit_callbacks):
    receiver.answer(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    _emit(CustomerFactory(), manager, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1  # the Location was never asked for
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.RETRYING
    assert delivery.response_status == 302 and "not followed" in delivery.error


def test_an_unreachable_endpoint_records_the_error(manager, django_capture_on_commit_callbacks):
    EndpointFactory(url="http://127.0.0.1:9/closed")  # nothing listens on the discard port
    _emit(CustomerFactory(), manager, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.RETRYING and delivery.response_status is None
    assert delivery.error


def test_a_hostile_response_body_is_kept_bounded_without_nul_bytes(
        endpoint, receiver, manager, django_capture_on_commit_callbacks):
    receiver.answer(500, b"<script>alert(1)</script>\x00" + "ü".encode() * 5000 + b"\xff\xfe")
    _emit(CustomerFactory(), manager, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.response_excerpt.startswith("<script>alert(1)</script>\ufffd")
    assert "\x00" not in delivery.response_excerpt
    assert len(delivery.response_excerpt) <= services.EXCERPT_MAX


def test_after_max_failures_the_endpoint_is_switched_off_and_managers_told(
        endpoint, receiver, manager, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_MAX_FAILURES = 3
    other_manager = ManagerFactory()
    receiver.answer(500)
    for _ in range(3):
        _emit(CustomerFactory(), manager, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.failures == 3 and endpoint.disabled_at
    told = Notification.objects.filter(kind="webhook_disabled")
    assert set(told.values_list("recipient", flat=True)) == {manager.pk, other_manager.pk}
    # switched off: nothing more is recorded or sent for it
    _emit(CustomerFactory(), manager, django_capture_on_commit_callbacks)
    _sweep_at(timezone.now() + datetime.timedelta(hours=1), django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 3
    assert told.count() == 2  # told once


def test_a_success_resets_the_failure_count(endpoint, receiver, manager,
                                            django_capture_on_commit_callbacks):
    receiver.answer(500)
    _emit(CustomerFactory(), manager, django_capture_on_commit_callbacks)
    _emit(CustomerFactory(), manager, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert endpoint.failures == 2
    receiver.answer(204)
    _emit(CustomerFactory(), manager, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert endpoint.failures == 0 and endpoint.active


def test_switching_an_endpoint_back_on_sends_what_was_waiting(
        endpoint, receiver, manager, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_MAX_FAILURES = 1
    receiver.answer(500)
    _emit(CustomerFactory(), manager, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert not endpoint.active
    receiver.answer(200)
    endpoint.active = True
    with django_capture_on_commit_callbacks(execute=True):
        services.endpoint_save(endpoint=endpoint, by=manager)
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.failures == 0 and endpoint.disabled_at is None
    assert Delivery.objects.get().state == Delivery.State.SUCCEEDED
    assert len(receiver.requests) == 2


def test_a_delivery_is_claimed_once(endpoint, receiver, manager):
    event = Event.objects.create(kind="customer.created")
    delivery = Delivery.objects.create(endpoint=endpoint, event=event)
    now = timezone.now()
    assert services._claim(delivery.pk, now) is not None
    assert services._claim(delivery.pk, now) is None  # a second worker finds it taken
    assert Delivery.objects.get().attempts == 1


def test_two_workers_sending_the_same_deliveries_send_each_once(endpoint, receiver):
    events = [Event.objects.create(kind="customer.created") for _ in range(3)]
    ids = [Delivery.objects.create(endpoint=endpoint, event=e).pk for e in events]
    services.deliveries_send(ids)
    services.deliveries_send(ids)
    assert len(receiver.requests) == 3


def test_a_delivery_left_sending_by_a_dead_worker_is_sent_again(
        endpoint, receiver, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - datetime.timedelta(minutes=30)
    delivery = Delivery.objects.create(
        endpoint=endpoint, event=Event.objects.create(kind="customer.created"),
        state=Delivery.State.SENDING, claimed_at=long_ago, attempts=1)
    _sweep_at(timezone.now(), django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SUCCEEDED and delivery.attempts == 2
    assert len(receiver.requests) == 1


def test_a_delivery_whose_job_never_ran_is_sent_by_the_sweep(
        endpoint, receiver, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the job is lost
        services.event_emit("customer.created", customer_ids=[CustomerFactory().pk], by=manager)
    assert receiver.requests == []
    _sweep_at(timezone.now() + datetime.timedelta(minutes=2), django_capture_on_commit_callbacks)
    assert Delivery.objects.get().state == Delivery.State.SUCCEEDED


def test_the_prune_sweep_deletes_old_deliveries_only(endpoint, settings):
    settings.WEBHOOKS_KEEP_DAYS = 30
    now = timezone.now()
    old = Event.objects.create(kind="customer.created", created_at=now - datetime.timedelta(days=31))
    new = Event.objects.create(kind="customer.created", created_at=now - datetime.timedelta(days=29))
    Delivery.objects.create(endpoint=endpoint, event=old, created_at=old.created_at)
    kept = Delivery.objects.create(endpoint=endpoint, event=new, created_at=new.created_at)
    assert webhooks_prune_sweep(now) == 1
    assert list(Delivery.objects.all()) == [kept]
    assert list(Event.objects.all()) == [new]
    assert Endpoint.objects.count() == 1


def test_a_slow_receiver_times_out(endpoint, receiver, manager, monkeypatch,
                                   django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "TIMEOUT_SECONDS", 0.3)
    original = receiver.answers

    class Slow(list):
        def __getitem__(self, index):
            time.sleep(1)
            return original[0]

    receiver.answers = Slow(original)
    _emit(CustomerFactory(), manager, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.RETRYING and "answer" in delivery.error


@pytest.fixture
def dripping_receiver():
    """A receiver that answers a byte every 0.05 s for 5 s (a slow-loris): each
    read gets something well inside its timeout, the answer never ends."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        conn, _address = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for _i in range(100):
                if stop.is_set():
                    return
                try:
                    conn.sendall(b"X" if _i % 20 else b"\r\nX-Drip: ")
                except OSError:
                    return
                time.sleep(0.05)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/hook"
    stop.set()
    server.close()


def test_a_receiver_dripping_its_answer_is_cut_off_at_the_timeout(
        dripping_receiver, manager, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "TIMEOUT_SECONDS", 0.5)
    EndpointFactory(url=dripping_receiver, created_by=manager)
    started = time.monotonic()
    _emit(CustomerFactory(), manager, django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 2.5
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.RETRYING and "answer" in delivery.error


def test_a_url_with_non_ascii_characters_in_its_path_is_sent_percent_encoded(
        receiver, manager, django_capture_on_commit_callbacks):
    EndpointFactory(url=receiver.url + "/ünï/漢?q=ü", created_by=manager)
    _emit(CustomerFactory(), manager, django_capture_on_commit_callbacks)
    assert Delivery.objects.get().state == Delivery.State.SUCCEEDED
    assert receiver.requests[0].path == "/hook/%C3%BCn%C3%AF/%E6%BC%A2?q=%C3%BC"
