"""Managers set the counsellors' monthly admission targets."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from backoffice.accounts import services

pytestmark = pytest.mark.django_db

CHANGELIST = "/accounts/user/"


def test_a_manager_sets_targets_for_counsellors_with_history(manager, alice, bob):
    changed = services.users_set_monthly_target(users=[alice, bob], target=6, by=manager)
    alice.refresh_from_db()
    assert changed == 2 and alice.monthly_target == 6
    record = alice.history.latest()
    assert record.history_user == manager and record.monthly_target == 6


def test_a_target_is_only_for_counsellors(manager):
    with pytest.raises(ValidationError):
        services.users_set_monthly_target(users=[manager], target=6, by=manager)


def test_a_counsellor_may_not_set_targets(alice, bob):
    with pytest.raises(PermissionDenied):
        services.users_set_monthly_target(users=[bob], target=6, by=alice)


def test_the_users_list_action_asks_then_sets(manager_client, alice):
    page = manager_client.post(CHANGELIST, {"action": "set_monthly_target",
                                            "_selected_action": [alice.pk]})
    assert page.status_code == 200 and b"Admissions per month" in page.content
    manager_client.post(CHANGELIST, {"action": "set_monthly_target",
                                     "_selected_action": [alice.pk], "apply": "1",
                                     "target": "9"})
    alice.refresh_from_db()
    assert alice.monthly_target == 9


def test_an_empty_target_clears_it(manager_client, alice):
    alice.monthly_target = 5
    alice.save()
    manager_client.post(CHANGELIST, {"action": "set_monthly_target",
                                     "_selected_action": [alice.pk], "apply": "1",
                                     "target": ""})
    alice.refresh_from_db()
    assert alice.monthly_target is None
