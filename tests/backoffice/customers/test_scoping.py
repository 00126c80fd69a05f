"""A counsellor gets 404 for another counsellor's customer on every URL.

The object URLs are not listed by hand: they are read from the admin's own URL
patterns, so a URL added later is checked without anyone remembering to."""

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from backoffice.customers import services
from backoffice.customers.models import Customer, StatusChange
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CUSTOMER_URL_PREFIXES = ("customers/customer/", "customers/statuschange/")


def _admin_patterns(model):
    return [p for p in admin.site._registry[model].get_urls() if isinstance(p, URLPattern)]


def _object_url(model, pattern, object_id, version_id=None):
    route = str(pattern.pattern)
    route = route.replace("<path:object_id>", str(object_id))
    route = re.sub(r"<(str|int):version_id>", str(version_id), route)
    # simple-history's detail view is a regex with positional groups
    route = route.replace("([^/]+)", str(object_id), 1).replace("([^/]+)", str(version_id), 1)
    base = f"/{model._meta.app_label}/{model._meta.model_name}/"
    return base + route.lstrip("^").rstrip("$")


@pytest.fixture
def bobs_customer(manager, bob):
    customer = services.customer_create(name="Bob's lead", phone="9876543210", by=manager,
                                        assigned_to=bob)
    services.customer_change_status(customer=customer, status="valid", remark="ok", by=bob)
    return customer


def _object_patterns(model):
    return [
        p for p in _admin_patterns(model)
        if "object_id" in str(p.pattern) or str(p.pattern).startswith("^([^/]+)/")
    ]


def test_every_customer_object_url_is_covered():
    routes = {str(p.pattern) for p in _object_patterns(Customer)}
    # change, delete, history, history detail, the update-status action, redirect
    assert len(routes) >= 6, routes


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("who", ["alice", "reviewer"])
def test_every_customer_object_url_answers_404_for_another_counsellors_customer(
    who, request, bobs_customer, method
):
    """Another counsellor, and a compliance reviewer (who reviews changes in
    the change history, never the customer's own pages)."""
    client = request.getfixturevalue(f"{who}_client")
    version = bobs_customer.history.latest().history_id
    checked = []
    for pattern in _object_patterns(Customer):
        url = _object_url(Customer, pattern, bobs_customer.pk, version)
        response = getattr(client, method)(url, follow=True)
        assert response.status_code == 404, (url, response.status_code)
        checked.append(url)
    assert checked
    bobs_customer.refresh_from_db()
    assert bobs_customer.status == "valid" and Customer.objects.filter(pk=bobs_customer.pk).exists()


def test_every_status_update_object_url_answers_404_for_another_counsellors_customer(
    alice_client, bobs_customer
):
    change = StatusChange.objects.filter(customer=bobs_customer).first()
    for pattern in _object_patterns(StatusChange):
        url = _object_url(StatusChange, pattern, change.pk)
        assert alice_client.get(url, follow=True).status_code == 404, url


def test_the_same_urls_work_for_the_counsellor_who_owns_the_customer(bobs_customer, bob):
    from django.test import Client

    client = Client()
    client.force_login(bob)
    version = bobs_customer.history.latest().history_id
    for name in ("change", "history"):
        url = reverse(f"admin:customers_customer_{name}", args=[bobs_customer.pk])
        assert client.get(url).status_code == 200, url
    url = reverse("admin:customers_customer_simple_history", args=[bobs_customer.pk, version])
    assert client.get(url).status_code == 200


def test_the_customer_list_shows_only_own_customers(alice_client, alice, bobs_customer):
    CustomerFactory(name="Alice's lead", assigned_to=alice)
    response = alice_client.get(reverse("admin:customers_customer_changelist"))
    assert b"Alice&#x27;s lead" in response.content
    assert b"Bob&#x27;s lead" not in response.content


def test_searching_another_counsellors_number_finds_nothing(alice_client, bobs_customer):
    url = reverse("admin:customers_customer_changelist")
    response = alice_client.get(url, {"q": "98765 43210"})
    assert b"Bob&#x27;s lead" not in response.content
    assert response.context["cl"].result_count == 0


def test_status_updates_list_shows_only_own_customers(alice_client, bobs_customer):
    response = alice_client.get(reverse("admin:customers_statuschange_changelist"))
    assert response.context["cl"].result_count == 0


def test_the_counsellor_filter_is_not_offered_to_counsellors(alice_client, bob):
    response = alice_client.get(reverse("admin:customers_customer_changelist"))
    assert b'name="counsellor"' not in response.content
    assert str(bob).encode() not in response.content


@pytest.mark.parametrize("action", ["assign_to_counsellor", "change_status", "delete_selected",
                                    "distribute_evenly", "export_admin_action"])
def test_bulk_actions_cannot_reach_another_counsellors_customer(
    alice_client, alice, bobs_customer, action
):
    url = reverse("admin:customers_customer_changelist")
    alice_client.post(url, {"action": action, "_selected_action": [bobs_customer.pk],
                            "apply": "1", "status": "dropped", "counsellor": alice.pk,
                            "post": "yes", "format": "0"})
    bobs_customer.refresh_from_db()
    assert bobs_customer.status == "valid"
    assert bobs_customer.assigned_to_id != alice.pk


def test_a_counsellor_cannot_export(alice_client):
    """Adding is theirs (tests/backoffice/customers/test_counsellor_add.py)."""
    assert alice_client.get(reverse("admin:customers_customer_export")).status_code == 403


def test_autocomplete_does_not_list_another_counsellors_customers(alice_client, bobs_customer):
    response = alice_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "customers", "model_name": "statuschange", "field_name": "customer",
         "term": "Bob"},
    )
    assert response.status_code in (403, 404) or b"Bob" not in response.content


def test_a_counsellor_cannot_see_users(alice_client):
    assert alice_client.get(reverse("admin:accounts_user_changelist")).status_code == 403


def _rq_urls():
    resolver = get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "django_rq":
            for pattern in entry.url_patterns:
                route = str(pattern.pattern)
                route = re.sub(r"<int:\w+>", "0", route)
                route = re.sub(r"<(str|path):\w+>", "x", route)
                route = route.replace("^", "").replace("$", "").replace("/?", "/")
                route = re.sub(r"\(\?P<\w+>[^)]*\)\?", "", route)
                yield "/jobs/" + route


@pytest.mark.parametrize("who", ["alice_client", "manager_client"])
def test_job_pages_answer_404_to_everyone_but_superusers(request, who):
    client = request.getfixturevalue(who)
    urls = list(_rq_urls())
    assert len(urls) > 10
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_a_superuser_reaches_the_job_pages(superuser_client):
    assert superuser_client.get(reverse("django_rq:home")).status_code == 200


def test_anonymous_visitors_are_sent_to_login():
    from django.test import Client

    response = Client().get(reverse("admin:customers_customer_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]
