"""Every write of webhooks: endpoints saved, events emitted by the services
where a change happens, deliveries claimed, sent and retried.

``event_emit`` writes the event and one delivery per subscribed endpoint in
the caller's transaction (the outbox): a change that rolls back takes its
event with it, and the sending job is started only once it has committed. A
delivery is sent by a job; one that fails is tried again by the retry sweep
after 1 min, 5 min, 30 min, 2 h and 6 h, then given up."""

import datetime
import http.client
import json
import logging
import secrets
import socket
import ssl
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.webhooks.addresses import Target, url_target
from backoffice.webhooks.models import Delivery, Endpoint, Event, EventKind
from backoffice.webhooks.signatures import HEADER, signature_header

logger = logging.getLogger(__name__)

# seconds before the 2nd, 3rd, … attempt; after the last one the delivery is given up
BACKOFF_SECONDS = (60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600)
# the whole attempt (connecting, sending, the answer's headers and start): a receiver
# dripping its answer a byte at a time is cut off then
TIMEOUT_SECONDS = 10
EXCERPT_MAX = 2048  # characters of a response body kept
ERROR_MAX = 500
CUSTOMERS_PER_EVENT = 100  # a bigger batch (an import's) is several events
ID_CHUNK = 900
# a delivery "sending" this long belongs to a worker that stopped: tried again
SENDING_STALE_SECONDS = 5 * 60
# a second "Send a test event" within this many seconds is the same click
TEST_REPEAT_SECONDS = 10
# deliveries per job (a job of slow receivers stays well inside rq's timeout)
DELIVERIES_PER_JOB = 20
USER_AGENT = "ALIMS-Backoffice-Webhooks/1"


def secret_generate() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


# --- endpoints ------------------------------------------------------------------


@transaction.atomic
def endpoint_save(*, endpoint: Endpoint, by, new_secret: bool = False) -> Endpoint:
    """Save an endpoint from the admin form. The URL is checked (https, a
    public address) here as in the form. A new endpoint gets a secret; an
    endpoint switched back on starts with no failures, and what it had
    waiting is tried again at once."""
    if not by.has_perm("webhooks.change_endpoint" if endpoint.pk else "webhooks.add_endpoint"):
        raise PermissionDenied(_("You may not change webhooks."))
    url_target(endpoint.url)
    if not endpoint.secret or new_secret:
        endpoint.secret = secret_generate()
    was_active = None
    if endpoint.pk:
        was_active = (Endpoint.objects.select_for_update().filter(pk=endpoint.pk)
                      .values_list("active", flat=True).first())
    else:
        endpoint.created_by = by
    reactivated = endpoint.active and was_active is False
    if reactivated or (endpoint.active and was_active is None):
        endpoint.failures = 0
        endpoint.disabled_at = None
    endpoint.events = [kind for kind in endpoint.events if kind in EventKind.values
                       and kind != EventKind.TEST]
    endpoint.save()
    if reactivated:
        waiting = list(Delivery.objects.filter(
            endpoint=endpoint, state__in=[Delivery.State.PENDING, Delivery.State.RETRYING])
            .values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=waiting).update(next_attempt_at=timezone.now())
        _send_after_commit(waiting)
    return endpoint


def endpoint_test_send(*, endpoint: Endpoint, by) -> Delivery | None:
    """A test event to this endpoint alone, sent now, in the manager's
    request, so the page says how the receiver answered (tried once, not
    retried, not counted among its failures; at most the 10 s timeout). A
    second click within ``TEST_REPEAT_SECONDS`` sends nothing and returns None."""
    if not by.has_perm("webhooks.change_endpoint"):
        raise PermissionDenied(_("You may not send webhooks."))
    now = timezone.now()
    with transaction.atomic():
        claimed = Endpoint.objects.filter(pk=endpoint.pk).filter(
            Q(last_test_at__isnull=True)
            | Q(last_test_at__lte=now - datetime.timedelta(seconds=TEST_REPEAT_SECONDS))
        ).update(last_test_at=now)
        if not claimed:
            return None
        event = Event.objects.create(kind=EventKind.TEST, created_at=now, data={
            "customers": [], "by": _person(by),
            "message": "A test event from the ALIMS Back-office.",
        })
        delivery = Delivery.objects.create(endpoint=endpoint, event=event, created_at=now,
                                           next_attempt_at=now)
    return delivery_attempt(delivery.pk) or delivery


# --- events ---------------------------------------------------------------------


def event_emit(kind: str, *, customer_ids: Iterable[int] = (), by=None,
               extra: dict | None = None) -> list[Event]:
    """Record an event for every active endpoint subscribed to ``kind``, about
    these customers (their data as a manager sees it now), and send it once
    the caller's transaction commits. ``extra`` (JSON values) goes into the
    event's data beside the customers. More than ``CUSTOMERS_PER_EVENT``
    customers make several events. Never raises: a webhook that cannot be
    recorded is logged, and the change it is about stands."""
    kind = EventKind(kind)
    endpoints = [endpoint for endpoint in Endpoint.objects.filter(active=True).only("pk", "events")
                 if endpoint.subscribes_to(kind)]
    if not endpoints:
        return []
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction stays usable
            events, deliveries = _events_write(kind, endpoints, list(customer_ids), by,
                                               extra or {})
    except Exception:
        logger.exception("Webhook event not recorded", extra={"kind": str(kind)})
        return []
    _send_after_commit(deliveries)
    return events


def _events_write(kind, endpoints, customer_ids, by, extra) -> tuple[list[Event], list[int]]:
    from backoffice.webhooks.selectors import customers_payload

    now = timezone.now()
    customers = customers_payload(customer_ids) if customer_ids else []
    groups = [customers[i:i + CUSTOMERS_PER_EVENT]
              for i in range(0, len(customers), CUSTOMERS_PER_EVENT)] or [[]]
    if customer_ids and not customers:
        return [], []  # the customers are gone (deleted in the same transaction)
    person = _person(by)
    events = [Event(kind=kind, created_at=now,
                    data={**extra, "customers": group, "by": person}) for group in groups]
    Event.objects.bulk_create(events)
    if any(event.pk is None for event in events):  # a database that returns no ids
        ids = dict(Event.objects.filter(uuid__in=[e.uuid for e in events])
                   .values_list("uuid", "pk"))
        for event in events:
            event.pk = event.id = ids[event.uuid]
    deliveries = [Delivery(endpoint_id=endpoint.pk, event=event, created_at=now,
                           # the sweep's safety net, should the job never run
                           next_attempt_at=now + datetime.timedelta(seconds=BACKOFF_SECONDS[0]))
                  for event in events for endpoint in endpoints]
    Delivery.objects.bulk_create(deliveries, batch_size=500)
    if any(delivery.pk is None for delivery in deliveries):
        ids = list(Delivery.objects.filter(event__in=[e.pk for e in events])
                   .values_list("pk", flat=True))
    else:
        ids = [delivery.pk for delivery in deliveries]
    return events, ids


def _person(user) -> dict | None:
    if user is None or not getattr(user, "pk", None):
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def _send_after_commit(delivery_ids: list[int]) -> None:
    if not delivery_ids:
        return
    from backoffice.core.jobs import enqueue
    from backoffice.webhooks.jobs import webhook_deliveries_send

    def start():
        for i in range(0, len(delivery_ids), DELIVERIES_PER_JOB):
            enqueue(webhook_deliveries_send, delivery_ids[i:i + DELIVERIES_PER_JOB],
                    queue="default", thread=True)

    transaction.on_commit(start)


def deliveries_send_again(*, deliveries, by) -> int:
    """A manager's "Send again now": the chosen deliveries that failed (given
    up or waiting for a retry), of endpoints that are on, are sent now, one
    more attempt each. Returns how many."""
    if not by.has_perm("webhooks.change_endpoint"):
        raise PermissionDenied(_("You may not send webhooks."))
    again = [Delivery.State.FAILED, Delivery.State.RETRYING]
    ids = list(Delivery.objects.filter(pk__in=[getattr(d, "pk", d) for d in deliveries],
                                       state__in=again, endpoint__active=True)
               .values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids, state__in=again).update(
        state=Delivery.State.RETRYING, next_attempt_at=timezone.now())
    _send_after_commit(ids)
    return len(ids)


# --- sending --------------------------------------------------------------------


def delivery_body(delivery: Delivery) -> bytes:
    """The request's body: the same bytes at every attempt."""
    event = delivery.event
    payload = {"id": str(event.uuid), "type": event.kind,
               "created_at": event.created_at.isoformat(), "data": event.data}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()


def _claim(delivery_id: int, now: datetime.datetime) -> Delivery | None:
    """Take a delivery that is due, once: a conditional UPDATE on its state
    and attempt count, so two workers never send it both."""
    delivery = (Delivery.objects.select_related("endpoint", "event")
                .filter(pk=delivery_id).first())
    if delivery is None:
        return None
    if delivery.state == Delivery.State.RETRYING:
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
    elif delivery.state != Delivery.State.PENDING:
        return None
    if not delivery.endpoint.active and delivery.event.kind != EventKind.TEST:
        return None  # waits until a manager switches the endpoint back on
    claimed = Delivery.objects.filter(pk=delivery.pk, state=delivery.state,
                                      attempts=delivery.attempts).update(
        state=Delivery.State.SENDING, claimed_at=now, attempts=delivery.attempts + 1)
    if not claimed:
        return None
    delivery.state = Delivery.State.SENDING
    delivery.claimed_at = now
    delivery.attempts += 1
    return delivery


def deliveries_send(delivery_ids: Iterable[int]) -> int:
    """Send each of these deliveries that is due and not taken by another
    worker. Returns how many were delivered."""
    delivered = 0
    for delivery_id in delivery_ids:
        delivery = delivery_attempt(delivery_id)
        delivered += bool(delivery and delivery.state == Delivery.State.SUCCEEDED)
    return delivered


def delivery_attempt(delivery_id: int) -> Delivery | None:
    """One attempt at one delivery (None if it is not due or someone else
    has it), its outcome recorded. No transaction is held while it waits
    for the receiver."""
    delivery = _claim(delivery_id, timezone.now())
    if delivery is None:
        return None
    started = time.monotonic()
    try:
        status, excerpt, error = _post(delivery)
    except Exception as exc:  # a bug of ours must not leave it "sending"
        logger.exception("Webhook delivery %s failed to send", delivery.pk)
        status, excerpt, error = None, "", f"{type(exc).__name__}"
    took = int((time.monotonic() - started) * 1000)
    _outcome_record(delivery, status=status, excerpt=excerpt, error=error, took=took)
    return delivery


def _post(delivery: Delivery) -> tuple[int | None, str, str]:
    """(status, start of the response body, error) of one POST."""
    try:
        target = url_target(delivery.endpoint.url)
    except ValidationError as exc:
        return None, "", " ".join(exc.messages)
    body = delivery_body(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-ALIMS-Event": delivery.event.kind,
        "X-ALIMS-Delivery": str(delivery.uuid),
        HEADER: signature_header(delivery.endpoint.secret, body, int(time.time())),
    }
    connection = _connection(target)
    deadline = threading.Timer(TIMEOUT_SECONDS, connection.cut)
    deadline.daemon = True
    deadline.start()
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read(EXCERPT_MAX * 4)
        status = response.status
    except (OSError, http.client.HTTPException) as exc:
        return None, "", _network_error(TimeoutError() if connection.was_cut else exc)
    finally:
        deadline.cancel()
        connection.close()
    if connection.was_cut:  # a body cut short: the answer did not come in time
        return None, "", _network_error(TimeoutError())
    excerpt = raw.decode("utf-8", "replace").replace("\x00", "\ufffd")[:EXCERPT_MAX]
    if 300 <= status < 400:
        return status, excerpt, _("Redirected (to %(to)s): redirects are not followed.") % {
            "to": str(response.getheader("Location") or "?")[:200]}
    if not 200 <= status < 300:
        return status, excerpt, _("The endpoint answered %(status)d.") % {"status": status}
    return status, excerpt, ""


def _network_error(exc: Exception) -> str:
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return _("No answer within %(seconds)d seconds.") % {"seconds": TIMEOUT_SECONDS}
    if isinstance(exc, ssl.SSLError):
        return _("TLS error: %(error)s") % {"error": str(exc)[:200]}
    if isinstance(exc, ConnectionRefusedError):
        return _("Connection refused.")
    return f"{type(exc).__name__}: {str(exc)[:200]}"


class _Deadline:
    """``cut()`` (from the deadline's timer thread) shuts the socket down: a read
    waiting for the receiver returns at once, whatever the per-read timeout."""

    was_cut = False
    _cuttable = None

    def cut(self):
        self.was_cut = True
        self._shut()

    def _shut(self):
        if self.was_cut and self._cuttable is not None:
            try:  # the operating system's shutdown, under TLS too
                socket.socket.shutdown(self._cuttable, socket.SHUT_RDWR)
            except OSError:
                pass


class _PinnedHTTPConnection(_Deadline, http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to now."""

    def __init__(self, target: Target):
        super().__init__(target.host, target.port, timeout=TIMEOUT_SECONDS)
        self._address = target.address

    def connect(self):
        self.sock = self._cuttable = socket.create_connection((self._address, self.port),
                                                              self.timeout)
        self._shut()


class _PinnedHTTPSConnection(_Deadline, http.client.HTTPSConnection):
    def __init__(self, target: Target):
        super().__init__(target.host, target.port, timeout=TIMEOUT_SECONDS,
                         context=ssl.create_default_context())
        self._address = target.address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # the certificate is checked against the URL's host name
        self.sock = self._cuttable = self._context.wrap_socket(
            sock, server_hostname=self.host, do_handshake_on_connect=False)
        self._shut()
        self.sock.do_handshake()


def _connection(target: Target) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target)
    return _PinnedHTTPConnection(target)


def _outcome_record(delivery: Delivery, *, status: int | None, excerpt: str, error: str,
                    took: int) -> None:
    now = timezone.now()
    succeeded = not error
    test = delivery.event.kind == EventKind.TEST
    fields = {"response_status": status, "response_excerpt": excerpt,
              "error": error[:ERROR_MAX], "duration_ms": took, "last_attempt_at": now,
              "claimed_at": None}
    if succeeded:
        fields.update(state=Delivery.State.SUCCEEDED, delivered_at=now, next_attempt_at=None)
    elif not test and delivery.attempts <= len(BACKOFF_SECONDS):
        fields.update(state=Delivery.State.RETRYING, next_attempt_at=now + datetime.timedelta(
            seconds=BACKOFF_SECONDS[delivery.attempts - 1]))
    else:
        fields.update(state=Delivery.State.FAILED, next_attempt_at=None)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.SENDING,
                                attempts=delivery.attempts).update(**fields)
        for name, value in fields.items():
            setattr(delivery, name, value)
        if test:
            return
        if succeeded:
            Endpoint.objects.filter(pk=delivery.endpoint_id, failures__gt=0).update(failures=0)
        else:
            _failure_count(delivery.endpoint_id, now)


def _failure_count(endpoint_id: int, now: datetime.datetime) -> None:
    """One more failed attempt in a row; at WEBHOOKS_MAX_FAILURES the
    endpoint is switched off and the managers are told (once)."""
    Endpoint.objects.filter(pk=endpoint_id).update(failures=F("failures") + 1)
    disabled = Endpoint.objects.filter(
        pk=endpoint_id, active=True, failures__gte=settings.WEBHOOKS_MAX_FAILURES,
    ).update(active=False, disabled_at=now)
    if disabled:
        endpoint = Endpoint.objects.get(pk=endpoint_id)
        transaction.on_commit(lambda: endpoint_disabled_notify(endpoint=endpoint))


def endpoint_disabled_notify(*, endpoint: Endpoint) -> list:
    from backoffice.accounts.selectors import managers_active
    from backoffice.notifications.models import Kind
    from backoffice.notifications.services import notify

    stamp = int(endpoint.disabled_at.timestamp()) if endpoint.disabled_at else 0
    try:
        with transaction.atomic():
            return notify(
                recipients=managers_active(), kind=Kind.WEBHOOK_DISABLED,
                title=_("Webhook switched off after %(count)d failures: %(name)s") % {
                    "count": endpoint.failures, "name": str(endpoint)[:120]},
                body=_("Deliveries to %(url)s failed %(count)d times in a row. Check the "
                       "receiver, then switch the endpoint back on; what was waiting is sent "
                       "then.") % {"url": endpoint.url[:200], "count": endpoint.failures},
                url=reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]),
                key=f"webhook_disabled:{endpoint.pk}:{stamp}")
    except Exception:
        logger.exception("Webhook notification not made")
        return []


# --- sweeps ---------------------------------------------------------------------


def deliveries_stale_release(now: datetime.datetime) -> int:
    """Deliveries left "sending" by a worker that stopped: counted as a failed
    attempt and due again now (the receiver may have had it: it recognises
    the X-ALIMS-Delivery id)."""
    cutoff = now - datetime.timedelta(seconds=SENDING_STALE_SECONDS)
    return Delivery.objects.filter(state=Delivery.State.SENDING, claimed_at__lt=cutoff).update(
        state=Delivery.State.RETRYING, next_attempt_at=now, claimed_at=None,
        error=_("The worker sending it stopped; tried again."))


def deliveries_due(now: datetime.datetime, limit: int = 500) -> list[int]:
    return list(Delivery.objects.filter(
        state__in=[Delivery.State.PENDING, Delivery.State.RETRYING], next_attempt_at__lte=now,
        endpoint__active=True,
    ).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def deliveries_retry(now: datetime.datetime) -> int:
    released = deliveries_stale_release(now)
    due = deliveries_due(now)
    _send_after_commit(due)
    return released + len(due)


def deliveries_prune(now: datetime.datetime, batch: int = 5000) -> int:
    """Events (and their deliveries) older than WEBHOOKS_KEEP_DAYS, at most
    ``batch`` events a pass."""
    cutoff = now - datetime.timedelta(days=settings.WEBHOOKS_KEEP_DAYS)
    doomed = list(Event.objects.filter(created_at__lt=cutoff).order_by()
                  .values_list("pk", flat=True)[:batch])
    if not doomed:
        return 0
    deleted = 0
    for i in range(0, len(doomed), ID_CHUNK):
        chunk = doomed[i:i + ID_CHUNK]
        deleted += Delivery.objects.filter(event__in=chunk).delete()[0]
        Event.objects.filter(pk__in=chunk).delete()
    return deleted
