"""Two workers at once, on PostgreSQL (threads, committed data): each
delivery is sent once, and a double click on "Send a test event" sends one."""

import threading

import pytest
from django.db import connection, connections

from backoffice.webhooks import services
from backoffice.webhooks.models import Delivery, Event
from tests.factories import EndpointFactory, ManagerFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]


def _twice(target):
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            target()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors


def test_two_workers_sending_the_same_deliveries_at_once_send_each_once(receiver):
    endpoint = EndpointFactory(url=receiver.url)
    ids = [Delivery.objects.create(endpoint=endpoint,
                                   event=Event.objects.create(kind="customer.created")).pk
           for _ in range(10)]
    _twice(lambda: services.deliveries_send(ids))
    assert len(receiver.requests) == 10
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_two_test_sends_at_once_send_one(receiver):
    manager = ManagerFactory()
    endpoint = EndpointFactory(url=receiver.url)
    _twice(lambda: services.endpoint_test_send(endpoint=endpoint, by=manager))
    assert len(receiver.requests) == 1
