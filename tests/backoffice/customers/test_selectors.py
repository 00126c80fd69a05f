import pytest

from backoffice.customers import selectors, services
from backoffice.customers.models import Customer
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_manager_sees_every_customer(manager, alice):
    CustomerFactory(assigned_to=alice)
    CustomerFactory()
    assert selectors.customers_visible_to(manager).count() == 2


def test_a_counsellor_sees_only_their_own(alice, bob):
    mine = CustomerFactory(assigned_to=alice)
    CustomerFactory(assigned_to=bob)
    CustomerFactory()
    assert list(selectors.customers_visible_to(alice)) == [mine]


def test_a_counsellor_also_sees_what_is_shared_with_them(manager, alice, bob):
    mine = CustomerFactory(assigned_to=alice)
    shared = CustomerFactory(assigned_to=bob)
    CustomerFactory(assigned_to=bob)
    services.customer_share(customer=shared, user=alice, by=manager)
    alice = type(alice).objects.get(pk=alice.pk)
    assert set(selectors.customers_visible_to(alice)) == {mine, shared}


def test_an_inactive_or_roleless_user_sees_nothing(alice):
    CustomerFactory(assigned_to=alice)
    alice.is_active = False
    alice.save()
    assert not selectors.customers_visible_to(alice).exists()
    assert not selectors.customers_visible_to(UserFactory()).exists()


@pytest.mark.parametrize("term", ["98765 43210", "+91-9876543210", "09876543210", "9876543210"])
def test_search_finds_a_phone_however_it_is_typed(term):
    wanted = CustomerFactory(phone="+919876543210")
    CustomerFactory(phone="+919876500000")
    assert list(selectors.customer_search(Customer.objects.all(), term)) == [wanted]


def test_search_by_partial_digits_matches_the_phone():
    wanted = CustomerFactory(phone="+919876543210")
    CustomerFactory(phone="+919812300000")
    assert list(selectors.customer_search(Customer.objects.all(), "43210")) == [wanted]


def test_search_matches_every_word_across_name_area_and_remarks():
    wanted = CustomerFactory(name="Anu Nair", area="Thrissur", remarks="Wants nursing")
    CustomerFactory(name="Anu Thomas", area="Kochi")
    result = selectors.customer_search(Customer.objects.all(), "anu  thrissur")
    assert list(result) == [wanted]
    assert list(selectors.customer_search(Customer.objects.all(), "NURSING")) == [wanted]
