"""Two workers at once, on PostgreSQL (threads, committed data): each
delivery is sent once, and a double click on "Send a test event" sends one."""

import pytest
from django.db import connection

from backoffice.webhooks import services
from backoffice.webhooks.models import Delivery, Event
from tests.factories import EndpointFactory, ManagerFactory
from tests.threads import twice_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]


def test_two_workers_sending_the_same_deliveries_at_once_send_each_once(receiver):
    endpoint = EndpointFactory(url=receiver.url)
    ids = [Delivery.objects.create(endpoint=endpoint,
                                   event=Event.objects.create(kind="customer.created")).pk
           for _ in range(10)]
    twice_at_once(lambda: services.deliveries_send(ids))
    assert len(receiver.requests) == 10
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_two_test_sends_at_once_send_one(receiver):
    manager = ManagerFactory()
    endpoint = EndpointFactory(url=receiver.url)
    twice_at_once(lambda: services.endpoint_test_send(endpoint=endpoint, by=manager))
    assert len(receiver.requests) == 1
