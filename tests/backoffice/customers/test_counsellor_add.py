"""Counsellors add walk-in and phoned-in enquiries: theirs, whatever is
posted; a phone that is already a customer's says whose it is, nothing more."""

import pytest

from backoffice.customers.models import Customer, StatusChange
from backoffice.customers.statuses import Status
from tests.factories import CounsellorFactory, CustomerFactory

pytestmark = pytest.mark.django_db

ADD = "/customers/customer/add/"


def _post(client, **fields):
    data = {"name": "Walk In", "phone": "98765 43210", "alternate_phone": "", "email": "",
            "area": "Kochi", "status": Status.NEW, "remarks": "Came to the office",
            "next_follow_up": "", "_save": "Save",
            "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0", **fields}
    return client.post(ADD, data)


def test_a_counsellor_sees_the_add_form_without_assignment_or_date(alice_client):
    response = alice_client.get(ADD)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="phone"' in content and 'name="name"' in content
    assert 'name="assigned_to"' not in content and 'name="date_added"' not in content


def test_the_customer_list_offers_the_counsellor_an_add_button(alice_client):
    assert ADD.encode() in alice_client.get("/customers/customer/").content


def test_a_counsellors_new_customer_is_theirs_with_its_created_history(alice_client, alice,
                                                                        bob):
    response = _post(alice_client, assigned_to=bob.pk)  # posted, and ignored
    assert response.status_code == 302
    customer = Customer.objects.get(phone="+919876543210")
    assert customer.assigned_to == alice and customer.assigned_at is not None
    assert customer.phone_raw == "98765 43210" and customer.created_by == alice
    change = StatusChange.objects.get(customer=customer)
    assert change.from_status == "" and change.to_status == Status.NEW
    assert change.changed_by == alice
    record = customer.history.get()
    assert record.history_type == "+" and record.history_user == alice
    assert alice_client.get(f"/customers/customer/{customer.pk}/change/").status_code == 200


def test_a_duplicate_phone_says_whose_customer_it_is_and_nothing_else(alice_client, bob):
    other = CustomerFactory(name="Secret Person", phone="+919876543210", assigned_to=bob,
                            email="secret@example.com", area="Secret Town")
    response = _post(alice_client, phone="+91 98765-43210")
    content = response.content.decode()
    assert response.status_code == 200
    assert "This phone number is already a customer of Bob Babu." in content
    assert "Secret" not in content and "secret@" not in content
    assert f"/customers/customer/{other.pk}/" not in content
    assert Customer.objects.count() == 1
    assert alice_client.get(f"/customers/customer/{other.pk}/change/").status_code == 404


def test_a_duplicate_of_an_unassigned_customer_says_so(alice_client):
    CustomerFactory(phone="+919876543210", assigned_to=None)
    content = _post(alice_client).content.decode()
    assert "already a customer (not assigned to anyone yet)" in content


def test_a_duplicate_of_ones_own_customer_says_so(alice_client, alice):
    CustomerFactory(phone="+919876543210", assigned_to=alice)
    assert "already one of your customers" in _post(alice_client).content.decode()


def test_a_hostile_counsellor_name_in_the_duplicate_message_is_escaped(alice_client):
    evil = CounsellorFactory(username="evil", first_name="<img src=x onerror=alert(1)>",
                             last_name="")
    CustomerFactory(phone="+919876543210", assigned_to=evil)
    content = _post(alice_client).content.decode()
    assert "<img src=x onerror=alert(1)>" not in content
    assert "already a customer of &lt;img src=x onerror=alert(1)&gt;" in content


def test_a_manager_still_adds_and_assigns_and_hears_of_duplicates(manager_client, alice, bob):
    response = _post(manager_client, assigned_to=bob.pk, date_added="01/11/2026")
    assert response.status_code == 302
    assert Customer.objects.get(phone="+919876543210").assigned_to == bob
    again = _post(manager_client, phone="09876543210")
    assert "already a customer of Bob Babu" in again.content.decode()


def test_a_superuser_adds_a_customer(superuser_client):
    assert _post(superuser_client, date_added="01/12/2026").status_code == 302
    assert Customer.objects.filter(phone="+919876543210", assigned_to=None).exists()


def test_compliance_cannot_add_a_customer(reviewer_client):
    assert reviewer_client.get(ADD).status_code in (403, 404)
    assert _post(reviewer_client).status_code in (403, 404)
    assert not Customer.objects.exists()


def test_an_invalid_phone_is_refused_as_elsewhere(alice_client):
    response = _post(alice_client, phone="12")
    assert response.status_code == 200 and not Customer.objects.exists()


def test_the_duplicate_check_is_one_query(alice, bob, django_assert_num_queries):
    from backoffice.customers.selectors import customer_phone_taken_message

    CustomerFactory(phone="+919876543210", assigned_to=bob)
    with django_assert_num_queries(1):
        message = customer_phone_taken_message(phone="+919876543210", user=alice)
    assert message == "This phone number is already a customer of Bob Babu."


def test_a_phone_added_by_someone_else_at_the_same_moment_is_a_message_not_a_failure(
        alice_client, bob, monkeypatch):
    from django.core.exceptions import ValidationError

    from backoffice.customers import services

    CustomerFactory(assigned_to=bob, phone="+919876543210")
    # the form's and the model's checks ran before the other person's row was written
    monkeypatch.setattr(Customer, "validate_unique", lambda self, exclude=None: None)
    monkeypatch.setattr(Customer, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError):
        services.customer_create(name="Walk In", phone="98765 43210", by=bob)
    from backoffice.customers.forms import CustomerAdminForm

    monkeypatch.setattr(CustomerAdminForm, "clean_phone", lambda self: self.cleaned_data["phone"])
    response = _post(alice_client)
    assert response.status_code == 403  # said, not a server error
    assert Customer.objects.filter(phone="+919876543210").count() == 1


def test_saving_a_new_customer_goes_on_to_their_page(alice_client):
    response = _post(alice_client)
    customer = Customer.objects.get(phone="+919876543210")
    assert response.status_code == 302
    assert response["Location"] == f"/customers/customer/{customer.pk}/change/"
    page = alice_client.get(response["Location"]).content.decode()
    assert "was added successfully" in page or "Walk In" in page


def test_a_counsellors_add_form_has_one_save_button(alice_client):
    content = alice_client.get(ADD).content.decode()
    assert 'name="_save"' in content
    assert 'name="_addanother"' not in content and 'name="_continue"' not in content


def test_a_managers_add_form_keeps_save_and_add_another(manager_client):
    content = manager_client.get(ADD).content.decode()
    assert 'name="_addanother"' in content
