"""The compliance view: every customer's changes in one list, for managers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice.customers import services

pytestmark = pytest.mark.django_db

URL = "/customers/historicalcustomer/"


@pytest.fixture
def changes(manager, alice):
    anu = services.customer_create(name="Anu Nair", phone="9876543210", by=manager)
    bina = services.customer_create(name="Bina Babu", phone="9876543211", by=manager)
    services.customer_assign(customers=[anu], counsellor=alice, by=manager)
    return anu, bina


def _names(response):
    return [record.name for record in response.context["cl"].result_list]


def test_managers_see_every_change_newest_first(manager_client, changes):
    response = manager_client.get(URL)
    assert response.status_code == 200
    assert _names(response) == ["Anu Nair", "Bina Babu", "Anu Nair"]
    assert b"Assigned to Alice Abraham" in response.content


def test_counsellors_do_not(alice_client, changes):
    assert alice_client.get(URL).status_code == 403


@pytest.mark.parametrize(("term", "expected"), [
    ("098765 43211", ["Bina Babu"]),
    ("Nair", ["Anu Nair", "Anu Nair"]),
])
def test_search_by_phone_or_name(manager_client, changes, term, expected):
    assert _names(manager_client.get(URL, {"q": term})) == expected


def test_search_by_customer_number_finds_deleted_customers_too(manager_client, manager,
                                                               changes):
    anu, _ = changes
    services.customer_delete(customers=[anu], by=manager)
    names = _names(manager_client.get(URL, {"q": str(anu.pk)}))
    assert names == ["Anu Nair", "Anu Nair", "Anu Nair"]  # deleted, assigned, created


def test_filter_by_kind_of_change(manager_client, changes):
    assert _names(manager_client.get(URL, {"history_type": "~"})) == ["Anu Nair"]


def test_the_list_takes_a_fixed_number_of_queries(manager_client, manager, changes):
    with CaptureQueriesContext(connection) as few:
        manager_client.get(URL)
    for n in range(10):
        services.customer_create(name=f"Lead {n}", phone=f"98765000{n:02d}", by=manager)
    with CaptureQueriesContext(connection) as many:
        manager_client.get(URL)
    assert len(few) == len(many)


def test_a_change_opens_read_only_for_managers_only(manager_client, alice_client, changes):
    from backoffice.customers.models import Customer

    record = Customer.history.latest("history_date")
    url = f"{URL}{record.history_id}/change/"
    page = manager_client.get(url)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert alice_client.get(url).status_code == 404  # like any record she may not see


def test_odd_digits_in_a_search_are_words_not_numbers(manager_client, changes):
    assert manager_client.get(URL, {"q": "²"}).status_code == 200


def test_a_deleted_customer_is_found_by_phone_or_name(manager_client, manager, changes):
    anu, _ = changes
    services.customer_delete(customers=[anu], by=manager)
    assert _names(manager_client.get(URL, {"q": "98765 43210"})) == ["Anu Nair"] * 3
    assert _names(manager_client.get(URL, {"q": "anu"})) == ["Anu Nair"] * 3


def test_too_many_matches_are_said(manager_client, changes, monkeypatch):
    from backoffice.audit import selectors

    monkeypatch.setattr(selectors, "customer_ids_matching",
                        lambda term, cap=500: (set(), True))
    from backoffice.audit import admin as audit_admin

    monkeypatch.setattr(audit_admin, "customer_ids_matching", selectors.customer_ids_matching)
    response = manager_client.get(URL, {"q": "Nair"}, follow=True)
    assert b"More than 500 customers match" in response.content


def test_matches_beyond_the_cap_are_flagged(manager):
    from backoffice.audit.selectors import customer_ids_matching

    for n in range(3):
        services.customer_create(name=f"Nair {n}", phone=f"98765111{n:02d}", by=manager)
    ids, capped = customer_ids_matching("Nair", cap=2)
    assert len(ids) == 2 and capped
    assert customer_ids_matching("Nair", cap=3)[1] is False


@pytest.mark.parametrize("suffix", ["change/", "history/", "delete/"])
def test_every_record_page_is_closed_to_counsellors(alice_client, changes, suffix):
    from backoffice.customers.models import Customer

    record = Customer.history.filter(id=changes[0].pk).latest("history_date")
    assert alice_client.get(f"{URL}{record.history_id}/{suffix}").status_code == 404
