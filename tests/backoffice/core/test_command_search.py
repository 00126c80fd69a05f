"""Ctrl+K finds customers, only among those the person may see."""

import pytest

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _search(client, term):
    response = client.get("/search/", {"s": term, "extended": "1"})
    assert response.status_code == 200
    return response.content.decode()


def test_a_counsellor_finds_her_customers_and_no_one_elses(alice_client, alice, bob):
    CustomerFactory(name="Anjali Alias", assigned_to=alice)
    CustomerFactory(name="Anjali Other", assigned_to=bob)
    found = _search(alice_client, "Anjali")
    assert "Anjali Alias" in found and "Anjali Other" not in found


def test_a_manager_finds_a_customer_by_number_however_written(manager_client):
    customer = CustomerFactory(name="Bina Babu", phone="+919876543210")
    found = _search(manager_client, "098765 43210")
    assert "Bina Babu" in found and f"/customers/customer/{customer.pk}/change/" in found


def test_at_most_ten_customers(manager_client):
    CustomerFactory.create_batch(15, name="Common Name")
    assert "Found 10 results" in _search(manager_client, "Common")


def test_a_customer_reassigned_away_leaves_her_palette_at_once(alice_client, alice, bob,
                                                               manager):
    from backoffice.customers import services

    customer = CustomerFactory(name="Anjali Moving", assigned_to=alice)
    assert "Anjali Moving" in _search(alice_client, "Anjali")
    services.customer_assign(customers=[customer], counsellor=bob, by=manager)
    assert "Anjali Moving" not in _search(alice_client, "Anjali")


def test_the_palette_does_not_get_the_sidebars_results(manager_client):
    CustomerFactory(name="Customo Das")
    manager_client.get("/search/", {"s": "custom"})  # the sidebar: pages only
    assert "Customo Das" in _search(manager_client, "custom")
