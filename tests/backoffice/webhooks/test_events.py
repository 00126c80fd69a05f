"""Events come from the services where the change happens, and only once it
has committed."""

import json

import pytest
from django.db import transaction

from backoffice.customers import services as customer_services
from backoffice.customers.statuses import Status
from backoffice.webhooks import services
from backoffice.webhooks.models import Delivery, Event
from tests.backoffice.imports.conftest import run_import
from tests.factories import CustomerFactory, EndpointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(private_storage):
    return private_storage


def _sent(receiver) -> list[dict]:
    return [json.loads(request.body) for request in receiver.requests]


def test_customer_create_sends_customer_created(endpoint, receiver, manager, alice,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        customer = customer_services.customer_create(name="Anu", phone="9876543210", by=manager,
                                                     assigned_to=alice)
    (payload,) = _sent(receiver)
    assert payload["type"] == "customer.created"
    assert payload["data"]["customers"][0]["id"] == customer.pk
    assert payload["data"]["customers"][0]["counsellor"]["id"] == alice.pk


def test_a_status_change_sends_customer_status_changed(endpoint, receiver, manager,
                                                       django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        customer_services.customer_change_status(customer=customer, status=Status.VALID,
                                                 remark="Spoke", by=manager)
    (payload,) = _sent(receiver)
    assert payload["type"] == "customer.status_changed"
    assert payload["data"]["from_status"] == "new" and payload["data"]["to_status"] == "valid"
    assert payload["data"]["customers"][0]["status"] == "valid"


def test_an_assignment_sends_customer_assigned_once_for_the_batch(
        endpoint, receiver, manager, alice, django_capture_on_commit_callbacks):
    customers = CustomerFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        customer_services.customer_assign(customers=[c.pk for c in customers], counsellor=alice,
                                          by=manager)
    (payload,) = _sent(receiver)
    assert payload["type"] == "customer.assigned"
    assert sorted(c["id"] for c in payload["data"]["customers"]) == sorted(c.pk for c in customers)
    assert {c["counsellor"]["id"] for c in payload["data"]["customers"]} == {alice.pk}


def test_distributing_sends_customer_assigned_per_counsellor(
        endpoint, receiver, manager, alice, bob, django_capture_on_commit_callbacks):
    customers = CustomerFactory.create_batch(4)
    with django_capture_on_commit_callbacks(execute=True):
        customer_services.customers_distribute(customers=[c.pk for c in customers],
                                               counsellors=[alice, bob], by=manager)
    sent = _sent(receiver)
    assert {p["type"] for p in sent} == {"customer.assigned"}
    assert sorted(c["id"] for p in sent for c in p["data"]["customers"]) == sorted(
        c.pk for c in customers)


def test_an_import_sends_customer_created_for_its_new_customers(
        endpoint, receiver, manager, django_capture_on_commit_callbacks):
    existing = CustomerFactory(phone="+919876543211")
    with django_capture_on_commit_callbacks(execute=True):
        run = run_import(["Anu,9876543210,Kochi,,", "Binu,9876543211,Kochi,,",
                          "Chinnu,9876543212,Kochi,,"], by=manager)
    sent = _sent(receiver)
    assert [p["type"] for p in sent] == ["customer.created"]
    ids = [c["id"] for c in sent[0]["data"]["customers"]]
    assert len(ids) == 2 and existing.pk not in ids
    assert sent[0]["data"]["import_run"] == run.pk


def test_a_big_batch_is_split_into_events_of_at_most_100_customers(endpoint, receiver, manager,
                                                                   monkeypatch):
    customers = CustomerFactory.create_batch(5)
    monkeypatch.setattr(services, "CUSTOMERS_PER_EVENT", 2)
    events = services.event_emit("customer.created", customer_ids=[c.pk for c in customers],
                                 by=manager)
    assert [len(e.data["customers"]) for e in events] == [2, 2, 1]


def test_a_rolled_back_status_change_sends_nothing(endpoint, receiver, manager,
                                                   django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            customer_services.customer_change_status(customer=customer, status=Status.VALID,
                                                     remark="Spoke", by=manager)
            raise RuntimeError("the request failed later")
    assert receiver.requests == []
    assert not Event.objects.exists() and not Delivery.objects.exists()


def test_nothing_is_sent_before_the_change_commits(endpoint, receiver, manager,
                                                   django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        customer_services.customer_change_status(customer=customer, status=Status.VALID,
                                                 remark="Spoke", by=manager)
        assert receiver.requests == []
    assert callbacks
    with django_capture_on_commit_callbacks(execute=True):  # the commit
        for callback in callbacks:
            callback()
    assert len(receiver.requests) == 1


def test_no_endpoint_no_event(manager, django_assert_max_num_queries):
    customer = CustomerFactory()
    with django_assert_max_num_queries(1):
        assert services.event_emit("customer.created", customer_ids=[customer.pk],
                                   by=manager) == []
    assert not Event.objects.exists()


def test_only_active_endpoints_subscribed_to_the_kind_get_it(receiver, manager,
                                                             django_capture_on_commit_callbacks):
    wanted = EndpointFactory(url=receiver.url, events=["customer.assigned"])
    EndpointFactory(url=receiver.url, events=["customer.created"])
    EndpointFactory(url=receiver.url, events=["customer.assigned"], active=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_emit("customer.assigned", customer_ids=[CustomerFactory().pk], by=manager)
    assert list(Delivery.objects.values_list("endpoint", flat=True)) == [wanted.pk]


def test_an_event_that_cannot_be_recorded_never_undoes_the_change(endpoint, manager,
                                                                  monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_events_write", broken)
    customer = CustomerFactory()
    customer_services.customer_change_status(customer=customer, status=Status.VALID,
                                             remark="Spoke", by=manager)
    customer.refresh_from_db()
    assert customer.status == Status.VALID
    assert "Webhook event not recorded" in caplog.text


def test_hostile_customer_data_is_sent_as_json_text(endpoint, receiver, manager,
                                                   django_capture_on_commit_callbacks):
    hostile = '"><img src=x onerror=alert(1)><script>alert(1)</script>ü\u202e'
    customer = CustomerFactory(name=hostile)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_emit("customer.created", customer_ids=[customer.pk], by=manager)
    assert _sent(receiver)[0]["data"]["customers"][0]["name"] == hostile


def test_a_web_form_lead_sends_customer_created(endpoint, receiver,
                                                 django_capture_on_commit_callbacks):
    from django.test import Client

    from backoffice.imports.models import DataSource

    source = DataSource.objects.create(name="Website", slug="website", importer="standard",
                                       capture_key="k" * 43)
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(f"/capture/{source.capture_key}/",
                                 {"name": "Anu", "phone": "9876543219"},
                                 content_type="application/json")
    assert response.status_code in (200, 201), response.content[:500]
    (payload,) = _sent(receiver)
    assert payload["type"] == "customer.created" and payload["data"]["by"] is None
    assert payload["data"]["customers"][0]["source"] == {"id": source.pk, "name": "Website"}
