import pytest
from django.contrib.auth.models import Group

from backoffice.accounts.roles import (
    ROLE_PERMISSIONS,
    SALES_MANAGER,
    STUDENT_COUNSELLOR,
    is_counsellor,
    is_manager,
    role_label,
    roles_sync,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _perms(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_the_migration_creates_both_roles_with_their_permissions():
    assert _perms(SALES_MANAGER) == set(ROLE_PERMISSIONS[SALES_MANAGER])
    assert _perms(STUDENT_COUNSELLOR) == set(ROLE_PERMISSIONS[STUDENT_COUNSELLOR])


def test_a_counsellor_may_not_delete_assign_or_see_users():
    """They may add a customer (a walk-in enquiry), which is then theirs."""
    perms = set(ROLE_PERMISSIONS[STUDENT_COUNSELLOR])
    assert "customers.add_customer" in perms
    assert not perms & {"customers.delete_customer", "customers.assign_customer",
                        "accounts.view_user", "accounts.unlock_sign_in",
                        "customers.view_all_customers", "customers.export_customer"}


def test_roles_sync_repairs_a_role_edited_by_hand():
    Group.objects.get(name=STUDENT_COUNSELLOR).permissions.clear()
    roles_sync()
    assert _perms(STUDENT_COUNSELLOR) == set(ROLE_PERMISSIONS[STUDENT_COUNSELLOR])


def test_role_helpers(manager, alice, superuser):
    assert is_manager(manager) and not is_counsellor(manager)
    assert is_counsellor(alice) and not is_manager(alice)
    assert is_manager(superuser)
    assert role_label(alice) == STUDENT_COUNSELLOR
    assert role_label(UserFactory()) == "No role"


def test_every_user_is_staff_because_the_admin_is_the_whole_ui():
    user = UserFactory(is_staff=False)
    user.refresh_from_db()
    assert user.is_staff


def test_user_changes_are_kept_in_history_without_the_password(superuser):
    user = UserFactory()
    user.first_name = "Renamed"
    user.save()
    assert user.history.count() >= 2
    assert not hasattr(user.history.model, "password") or "password" not in [
        f.name for f in user.history.model._meta.fields
    ]
