"""Behaviours found in review: each failed before its fix."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.customers import services
from backoffice.customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CHANGELIST = reverse("admin:customers_customer_changelist")


@pytest.fixture
def real_customer(manager, alice):
    """Made by the service, so it has a timeline (StatusChange) like every real one."""
    return services.customer_create(name="Real", phone="9876543210", by=manager,
                                    assigned_to=alice)


def test_a_manager_deletes_a_customer_that_has_a_timeline(manager_client, real_customer):
    url = reverse("admin:customers_customer_delete", args=[real_customer.pk])
    assert manager_client.post(url, {"post": "yes"}).status_code == 302
    assert not Customer.objects.filter(pk=real_customer.pk).exists()


def test_a_manager_bulk_deletes_customers_that_have_a_timeline(manager_client, real_customer):
    response = manager_client.post(CHANGELIST, {"action": "delete_selected", "post": "yes",
                                                "_selected_action": [real_customer.pk]})
    assert response.status_code == 302
    assert not Customer.objects.exists()


def test_the_history_version_page_writes_nothing(manager_client, real_customer):
    version = real_customer.history.latest().history_id
    url = reverse("admin:customers_customer_simple_history", args=[real_customer.pk, version])
    response = manager_client.post(url, {"name": "Rewritten", "phone": real_customer.phone})
    assert response.status_code == 405
    real_customer.refresh_from_db()
    assert real_customer.name == "Real"


def test_the_counsellor_now_in_charge_reads_versions_from_before(manager, alice, bob,
                                                                 real_customer):
    from django.test import Client

    first_version = real_customer.history.earliest().history_id
    services.customer_assign(customers=[real_customer], counsellor=bob, by=manager)
    client = Client()
    client.force_login(bob)
    url = reverse("admin:customers_customer_simple_history",
                  args=[real_customer.pk, first_version])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url_name", ["change", "history", "delete", "password_change"])
def test_user_pages_answer_404_to_counsellors_whether_or_not_the_user_exists(
    alice_client, manager, url_name
):
    route = ("admin:auth_user_password_change" if url_name == "password_change"
             else f"admin:accounts_user_{url_name}")
    for pk in (manager.pk, 999_999):
        assert alice_client.get(reverse(route, args=[pk])).status_code == 404


def test_a_counsellors_customer_page_does_not_link_to_user_pages(alice_client, real_customer):
    url = reverse("admin:customers_customer_change", args=[real_customer.pk])
    assert b"/accounts/user/" not in alice_client.get(url).content


def test_an_update_does_not_undo_a_status_change_made_meanwhile(alice, real_customer):
    stale = Customer.objects.get(pk=real_customer.pk)
    services.customer_change_status(customer=real_customer, status="valid", remark="x",
                                    by=alice)
    services.customer_update(customer=stale, by=alice, remarks="Evening calls")
    real_customer.refresh_from_db()
    assert (real_customer.status, real_customer.remarks) == ("valid", "Evening calls")


def test_the_dialog_works_for_an_overdue_customer(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice, next_follow_up=TODAY - datetime.timedelta(days=2))
    url = reverse("admin:customers_customer_update_status", args=[customer.pk])
    form = alice_client.get(url).content.decode()
    assert str(TODAY - datetime.timedelta(days=2)) not in form
    response = alice_client.post(url, {"_form_submitted": "1", "status": "not_interested",
                                       "remark": "Joined elsewhere", "next_follow_up": ""})
    assert response.headers.get("HX-Redirect")
    customer.refresh_from_db()
    assert customer.status == "not_interested" and customer.next_follow_up is None


def test_bulk_status_change_keeps_upcoming_follow_ups(manager_client):
    soon = TODAY + datetime.timedelta(days=3)
    customer = CustomerFactory(next_follow_up=soon)
    manager_client.post(CHANGELIST, {"action": "change_status", "apply": "1",
                                     "_selected_action": [customer.pk], "status": "call_later",
                                     "remark": ""})
    customer.refresh_from_db()
    assert (customer.status, customer.next_follow_up) == ("call_later", soon)


def test_creating_call_later_without_a_date_is_refused(manager):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.customer_create(name="X", phone="9876543299", status="call_later", by=manager)
    with pytest.raises(ValidationError):
        services.customer_create(name="X", phone="9876543299", by=manager,
                                 next_follow_up=TODAY - datetime.timedelta(days=1))


def test_a_counsellor_who_left_still_shows_in_the_filter_while_holding_customers(
    manager_client, alice
):
    CustomerFactory(assigned_to=alice)
    alice.is_active = False
    alice.save()
    content = manager_client.get(CHANGELIST).content.decode()
    assert f"{alice} (inactive)" in content


XSS_NAME = '"><img src=x onerror=alert(1)>'


@pytest.mark.parametrize("who", ["alice", "manager"])
def test_the_update_status_dialog_shows_a_hostile_name_as_text(who, request, alice):
    customer = CustomerFactory(assigned_to=alice, name=XSS_NAME)
    client = request.getfixturevalue(f"{who}_client")
    url = reverse("admin:customers_customer_update_status", args=[customer.pk])
    body = client.get(url).content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_saving_the_dialog_reloads_a_page_whose_address_has_a_fragment(alice_client, alice):
    """Opened from the "…" menu (href="#") or the Timeline tab: the page must
    reload, not scroll to the fragment with the dialog still open."""
    customer = CustomerFactory(assigned_to=alice)
    page = f"http://testserver/customers/customer/{customer.pk}/change/"
    url = reverse("admin:customers_customer_update_status", args=[customer.pk])
    response = alice_client.post(url, {"_form_submitted": "1", "status": "valid"},
                                 headers={"HX-Current-URL": page + "#status_changes"})
    assert response.headers["HX-Redirect"] == page


def test_a_remark_of_two_million_characters_is_refused_with_a_reason(alice_client, alice):
    customer = CustomerFactory(assigned_to=alice)
    url = reverse("admin:customers_customer_update_status", args=[customer.pk])
    response = alice_client.post(url, {"_form_submitted": "1", "status": "valid",
                                       "remark": "x" * 2_000_000})
    assert response.status_code == 200 and "HX-Redirect" not in response.headers
    assert "at most 2000 characters" in response.content.decode()
    customer.refresh_from_db()
    assert customer.status != "valid" and len(customer.remarks) < 2000
