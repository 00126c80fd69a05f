import datetime

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:customers_customer_changelist")
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="counting strategies are PostgreSQL's"
)


def test_lists_on_sqlite_are_counted_exactly(manager_client, settings):
    settings.LIST_ESTIMATE_COUNT_ABOVE = 0
    settings.LIST_SEARCH_COUNT_CAP = 1
    CustomerFactory.create_batch(3, name="Anu")
    response = manager_client.get(CHANGELIST, {"q": "anu"})
    if connection.vendor == "sqlite":
        assert response.context["cl"].result_count == 3
        assert b"More than" not in response.content


@postgresql_only
def test_a_huge_unfiltered_list_shows_an_estimate(manager_client, settings):
    CustomerFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
    settings.LIST_ESTIMATE_COUNT_ABOVE = 1
    response = manager_client.get(CHANGELIST)
    assert response.context["cl"].paginator.is_estimate
    assert b"About" in response.content


@postgresql_only
def test_a_filtered_list_is_counted_exactly_even_when_huge(manager_client, settings):
    CustomerFactory.create_batch(3)
    settings.LIST_ESTIMATE_COUNT_ABOVE = 1
    response = manager_client.get(CHANGELIST, {"status__exact": "new"})
    assert response.context["cl"].result_count == 3
    assert not response.context["cl"].paginator.is_estimate


@postgresql_only
def test_a_broad_search_is_counted_up_to_the_cap(manager_client, settings):
    settings.LIST_SEARCH_COUNT_CAP = 2
    CustomerFactory.create_batch(3, name="Anu")
    response = manager_client.get(CHANGELIST, {"q": "anu"})
    assert response.context["cl"].result_count == 2
    assert b"More than 2 customers match" in response.content


@postgresql_only
def test_a_selective_search_keeps_the_chosen_order(manager_client):
    today = datetime.date(2026, 11, 1)
    for days, name in [(3, "Anu C"), (1, "Anu A"), (2, "Anu B")]:
        CustomerFactory(name=name, date_added=today - datetime.timedelta(days=days))
    CustomerFactory(name="Other")
    response = manager_client.get(CHANGELIST, {"q": "anu"})
    assert [c.name for c in response.context["cl"].result_list] == ["Anu A", "Anu B", "Anu C"]
    response = manager_client.get(CHANGELIST, {"q": "anu", "o": "1"})
    assert [c.name for c in response.context["cl"].result_list] == ["Anu A", "Anu B", "Anu C"]
