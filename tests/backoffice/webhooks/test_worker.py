"""With Redis, deliveries are sent by a real rq worker process (the service leg)."""

import json

import pytest
from django.db import connection

from backoffice.customers import services as customer_services
from backoffice.webhooks.models import Delivery
from tests.backoffice.imports.test_worker import run_rq_worker
from tests.factories import EndpointFactory


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_status_change_is_delivered_by_a_real_rq_worker(settings, manager, receiver,
                                                          monkeypatch, tmp_path):
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and Redis: runs in the service leg (make test-services)")
    settings.JOBS_RUN_IN_PROCESS = False
    # the worker reads its settings from the environment, as in production
    monkeypatch.setenv("WEBHOOKS_ALLOW_HTTP", "True")
    monkeypatch.setenv("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", "True")
    EndpointFactory(url=receiver.url)
    customer = customer_services.customer_create(name="Anu", phone="9876543210", by=manager)
    customer_services.customer_change_status(customer=customer, status="valid", remark="Spoke",
                                             by=manager)
    assert receiver.requests == []  # queued, not sent by the request
    result = run_rq_worker(tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(json.loads(r.body)["type"] for r in receiver.requests) == [
        "customer.created", "customer.status_changed"]
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SUCCEEDED}
