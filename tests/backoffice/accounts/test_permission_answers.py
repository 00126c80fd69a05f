"""User.has_perm keeps model-permission answers on the user object for the
request (backoffice/accounts/models.py). A kept answer must be the answer
Django would give now: never one from before the user was deactivated, made
or unmade a superuser, or had their permission caches cleared."""

import pytest
from django.contrib.auth.models import Permission

from backoffice.customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

PERM = "customers.view_customer"


def test_an_answer_is_kept_for_the_same_question(alice, django_assert_num_queries):
    assert alice.has_perm(PERM)
    with django_assert_num_queries(0):
        assert alice.has_perm(PERM)


def test_a_user_deactivated_during_the_request_has_no_permissions(alice):
    assert alice.has_perm(PERM)
    alice.is_active = False
    assert not alice.has_perm(PERM)
    alice.is_active = True
    assert alice.has_perm(PERM)


def test_a_superuser_made_or_unmade_during_the_request(alice):
    assert not alice.has_perm("accounts.unlock_sign_in")
    alice.is_superuser = True
    assert alice.has_perm("accounts.unlock_sign_in")
    alice.is_superuser = False
    assert not alice.has_perm("accounts.unlock_sign_in")


def test_an_inactive_superuser_has_no_permissions(superuser):
    assert superuser.has_perm("accounts.unlock_sign_in")
    superuser.is_active = False
    assert not superuser.has_perm("accounts.unlock_sign_in")


def test_clearing_djangos_permission_caches_clears_the_kept_answers(alice):
    assert not alice.has_perm("accounts.unlock_sign_in")
    alice.user_permissions.add(Permission.objects.get(codename="unlock_sign_in"))
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        alice.__dict__.pop(cache, None)
    assert alice.has_perm("accounts.unlock_sign_in")


def test_object_answers_are_asked_each_time(alice, bob):
    customer = CustomerFactory(assigned_to=alice)
    assert alice.has_perm("customers.change_customer", customer)
    Customer.objects.filter(pk=customer.pk).update(assigned_to=bob)
    customer.assigned_to = bob
    assert not alice.has_perm("customers.change_customer", customer)


def test_each_user_object_has_its_own_answers(alice, manager):
    assert not alice.has_perm("customers.assign_customer")
    assert manager.has_perm("customers.assign_customer")
    assert not alice.has_perm("customers.assign_customer")
