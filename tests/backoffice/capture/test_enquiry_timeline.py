"""A known customer's web enquiry is on its page, beside its calls and
messages, for whoever may see the customer (and only them)."""

import pytest
from django.urls import reverse

from backoffice.capture import services
from backoffice.customers.models import Enquiry
from tests.backoffice.capture.conftest import post
from tests.conftest import _client_for
from tests.factories import CounsellorFactory, CustomerFactory

pytestmark = pytest.mark.django_db

KEY = "k" * 43
PAYLOAD = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def _page(client, customer):
    return client.get(reverse("admin:customers_customer_change", args=[customer.pk]))


def test_a_known_numbers_enquiry_is_on_the_customers_page_for_its_counsellor(
        source, alice, alice_client):
    customer = CustomerFactory(phone="+919876543210", assigned_to=alice)
    assert post(KEY, {"phone": "98765 43210", "message": "Fees for MBA?"}).status_code == 200
    enquiry = Enquiry.objects.get(customer=customer)
    assert enquiry.data_source == source and enquiry.source_name == "Website"
    assert "message: Fees for MBA?" in enquiry.text
    page = _page(alice_client, customer)
    assert page.status_code == 200
    section = page.content.decode()
    section = section[section.index('id="customer-timeline"'):]
    assert 'data-kind="enquiry"' in section
    assert "Web enquiry from Website" in section and "Fees for MBA?" in section


def test_the_counsellors_notification_opens_the_page_at_the_enquiries(source, alice, alice_client):
    from backoffice.notifications.models import Notification

    customer = CustomerFactory(phone="+919876543210", assigned_to=alice)
    assert post(KEY, {"phone": "9876543210", "message": "Fees?"}).status_code == 200
    notification = Notification.objects.get(recipient=alice)
    opened = alice_client.post(reverse("notifications:open", args=[notification.pk]))
    assert opened.status_code == 302
    # below the form, a long scroll on a phone: the link goes straight to them
    assert opened["Location"] == reverse("admin:customers_customer_change",
                                         args=[customer.pk]) + "#customer-timeline"


def test_the_enquiry_and_the_taps_are_one_list_newest_first(source, alice, alice_client):
    customer = CustomerFactory(phone="+919876543210", assigned_to=alice)
    assert alice_client.post(reverse("admin:customers_customer_touch",
                                     args=[customer.pk, "call"])).status_code == 204
    assert post(KEY, {"phone": "9876543210"}).status_code == 200
    html = _page(alice_client, customer).content.decode()
    section = html[html.index('id="customer-timeline"'):]
    assert section.index('data-kind="enquiry"') < section.index('data-kind="touch"')


def test_what_the_form_said_is_shown_as_text_never_as_markup(source, alice, manager_client):
    customer = CustomerFactory(phone="+919876543210", assigned_to=alice)
    source.name = f"Site {PAYLOAD}"
    source.save()
    assert post(KEY, {"phone": "9876543210", "message": PAYLOAD, PAYLOAD[:40]: "x"}
                ).status_code == 200
    html = _page(manager_client, customer).content.decode()
    assert "<script>alert(2)</script>" not in html
    assert 'onerror="alert(1)"' not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_compliance_reviews_the_enquiry_in_the_history_and_no_one_else_sees_the_customer(
        source, alice, reviewer_client):
    customer = CustomerFactory(phone="+919876543210", assigned_to=alice, name="Asha Menon")
    assert post(KEY, {"phone": "9876543210", "message": "Call me"}).status_code == 200
    review = reviewer_client.get(reverse("admin:customers_historicalcustomer_changelist"),
                                 {"q": "Asha"})
    assert review.status_code == 200
    reasons = {record.history_change_reason for record in review.context["cl"].result_list}
    assert "Web enquiry from Website" in reasons
    # compliance reads the history, never a customer's page (as everywhere)
    assert _page(reviewer_client, customer).status_code == 404
    other = _client_for(CounsellorFactory())
    assert _page(other, customer).status_code == 404
    assert b"Call me" not in _page(other, customer).content


def test_a_customer_keeps_its_latest_enquiries_on_its_page(source, monkeypatch):
    monkeypatch.setattr(services, "ENQUIRIES_KEPT", 3)
    customer = CustomerFactory(phone="+919876543210")
    for n in range(5):
        assert post(KEY, {"phone": "9876543210", "note": f"try {n}"}).status_code == 200
    kept = Enquiry.objects.filter(customer=customer).order_by("at", "pk")
    assert [e.text.rpartition("note: ")[2] for e in kept] == ["try 2", "try 3", "try 4"]


def test_a_new_number_makes_a_customer_not_an_enquiry(source):
    assert post(KEY, {"phone": "9876543210"}).status_code == 201
    assert not Enquiry.objects.exists()


def test_the_enquiry_outlives_its_data_source_with_the_forms_name(source, manager_client):
    customer = CustomerFactory(phone="+919876543210")
    assert post(KEY, {"phone": "9876543210"}).status_code == 200
    source.delete()
    enquiry = Enquiry.objects.get(customer=customer)
    assert enquiry.data_source is None and enquiry.source_name == "Website"
    assert b"Web enquiry from Website" in _page(manager_client, customer).content


def test_a_deleted_customer_takes_its_enquiries_with_it(source, alice, manager):
    from backoffice.customers.services import customer_delete

    customer = CustomerFactory(phone="+919876543210", assigned_to=alice)
    other = CustomerFactory(phone="+919876543211", assigned_to=alice)
    for phone in ("9876543210", "9876543211"):
        assert post(KEY, {"phone": phone}).status_code == 200
    customer_delete(customers=[customer], by=manager)
    assert list(Enquiry.objects.values_list("customer", flat=True)) == [other.pk]


def test_an_import_revert_keeps_a_customer_that_sent_the_form_since_with_its_enquiry(
        source, manager):
    from backoffice.imports import services as imports
    from tests.backoffice.imports.conftest import run_import

    run = run_import(["Asha,9876543210,Kochi,,", "Ravi,9876543219,Kochi,,"], by=manager)
    assert post(KEY, {"phone": "9876543210", "message": "Still keen"}).status_code == 200
    result = imports.import_run_revert(run=run, by=manager)
    assert result.deleted == 1
    enquiry = Enquiry.objects.get()
    assert enquiry.customer.phone == "+919876543210" and "Still keen" in enquiry.text


def test_deleting_a_data_source_finds_its_enquiries_by_an_index():
    """Its enquiries are set to no source (and PostgreSQL checks the foreign
    key) by the source: without an index each is a scan of every enquiry."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Enquiry._meta.db_table)
    assert any(found["index"] and found["columns"][:1] == ["data_source_id"]
               for found in constraints.values()), constraints


def test_a_long_enquiry_starts_folded_and_a_short_one_does_not(source, alice, alice_client):
    customer = CustomerFactory(phone="+919876543210", assigned_to=alice)
    assert post(KEY, {"phone": "9876543210", "message": "Fees?"}).status_code == 200
    assert post(KEY, {"phone": "9876543210", "message": "long " * 300 + "END"}).status_code == 200
    html = _page(alice_client, customer).content.decode()
    section = html[html.index('id="customer-timeline"'):]
    assert section.count('class="alims-enquiry-long"') == 1
    assert section.count("alims-enquiry-preview") == 1
    assert "END" in section  # the whole text is there, folded
    assert "message: Fees?" in section
