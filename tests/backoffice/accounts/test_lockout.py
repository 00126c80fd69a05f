"""Sign-in lock-out for people: a warning at the attempt before the last, a
lock-out page in the product's look saying when to try again, and an unlock
from the Users list for managers and administrators."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings

from backoffice.audit.models import ActivityLog
from tests.factories import PASSWORD, CounsellorFactory, UserFactory

pytestmark = pytest.mark.django_db

WARNING = "One more failed attempt locks this account for"
USERS = "/accounts/user/"


def _attempt(client, username, password="wrong"):
    return client.post("/login/", {"username": username, "password": password, "next": "/"})


def _lock_out(username, client=None):
    from django.conf import settings

    client = client or Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _attempt(client, username)
    assert response.status_code == 429
    return response


def test_the_attempt_before_the_last_warns_with_the_cool_off_from_the_settings(alice):
    client = Client()
    for _ in range(3):
        assert WARNING not in _attempt(client, "alice").content.decode()
    fourth = _attempt(client, "alice").content.decode()
    assert f"{WARNING} 15 minutes." in fourth


@override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=1.5)
def test_the_warning_follows_the_limit_and_cool_off_settings(alice):
    client = Client()
    assert WARNING not in _attempt(client, "alice").content.decode()
    assert f"{WARNING} 1 hour 30 minutes." in _attempt(client, "alice").content.decode()


def test_a_wrong_password_is_said_once_and_never_speaks_of_staff_accounts(alice):
    content = _attempt(Client(), "alice").content.decode()
    assert content.count("That username and password do not match") == 1
    assert "staff" not in content.lower()
    assert "Please correct the error" not in content


def test_the_lock_out_page_is_in_the_product_look_with_when_and_the_ways_back(alice):
    response = _lock_out("alice")
    content = response.content.decode()
    assert response.status_code == 429
    assert re.search(r"<title>\s*Sign-in locked \| ALIMS Back-office</title>", content)
    assert "--color-primary" in content  # the theme's colours, as on every page
    assert re.search(r"Try again after \d\d:\d\d \(in 15 minutes\)", content)
    assert 'href="/password-reset/"' in content and 'href="/login/"' in content


def test_a_locked_out_person_with_the_right_password_still_sees_the_lock_out_page(alice):
    client = Client()
    _lock_out("alice", client)
    response = _attempt(client, "alice", PASSWORD)
    assert response.status_code == 429 and b"Sign-in locked" in response.content


def test_choosing_a_new_password_by_email_unlocks_the_sign_in(alice):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    _lock_out("alice")
    client = Client()
    link = (f"/password-reset/{urlsafe_base64_encode(force_bytes(alice.pk))}/"
            f"{default_token_generator.make_token(alice)}/")
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "a new passphrase for alice"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    assert _attempt(Client(), "alice", new).status_code == 302


def _unlock(client, *users, apply=True):
    data = {"action": "unlock_sign_in", "_selected_action": [user.pk for user in users]}
    if apply:
        data["apply"] = "1"
    return client.post(USERS, data)


def test_a_manager_unlocks_a_counsellor_from_the_users_list(manager_client, manager, alice):
    _lock_out("alice")
    confirm = _unlock(manager_client, alice, apply=False)
    assert confirm.status_code == 200 and b"Unlock sign-in" in confirm.content
    assert b"has failed sign-ins" in confirm.content
    assert AccessAttempt.objects.filter(username="alice").exists()  # not before confirming
    response = _unlock(manager_client, alice)
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()
    assert _attempt(Client(), "alice", PASSWORD).status_code == 302
    entry = ActivityLog.objects.get(action=ActivityLog.Action.SIGN_IN_UNLOCK)
    assert entry.user == manager and entry.target == "alice"


def test_a_superuser_unlocks_anyone(superuser_client, superuser, manager):
    _lock_out("maya")
    assert _unlock(superuser_client, manager).status_code == 302
    assert not AccessAttempt.objects.filter(username="maya").exists()
    assert ActivityLog.objects.filter(action=ActivityLog.Action.SIGN_IN_UNLOCK,
                                      user=superuser, target="maya").exists()


def test_a_manager_may_not_unlock_an_administrator(manager_client):
    admin = UserFactory(username="root2", is_superuser=True)
    _lock_out("root2")
    response = _unlock(manager_client, admin)
    assert response.status_code == 302
    assert AccessAttempt.objects.filter(username="root2").exists()
    assert not ActivityLog.objects.filter(action=ActivityLog.Action.SIGN_IN_UNLOCK).exists()


def test_a_counsellor_cannot_unlock(alice_client, bob):
    _lock_out("bob")
    response = _unlock(alice_client, bob)
    assert response.status_code in (403, 404)
    assert AccessAttempt.objects.filter(username="bob").exists()


def test_compliance_cannot_unlock(reviewer_client, alice):
    _lock_out("alice")
    response = _unlock(reviewer_client, alice)
    assert response.status_code in (302, 403, 404)
    assert AccessAttempt.objects.filter(username="alice").exists()


def test_the_unlock_action_is_offered_to_managers_and_superusers_only(
        manager_client, superuser_client, alice):
    assert b'value="unlock_sign_in"' in manager_client.get(USERS).content
    assert b'value="unlock_sign_in"' in superuser_client.get(USERS).content


def test_unlocking_someone_with_no_failures_says_so_and_logs_nothing(manager_client, alice):
    response = _unlock(manager_client, alice)
    assert response.status_code == 302
    assert not ActivityLog.objects.filter(action=ActivityLog.Action.SIGN_IN_UNLOCK).exists()


def test_the_unlock_confirmation_escapes_names(manager_client):
    hostile = CounsellorFactory(username="evil", first_name='"><img src=x onerror=alert(1)>')
    content = _unlock(manager_client, hostile, apply=False).content.decode()
    assert "<img src=x" not in content and "&lt;img src=x" in content


def test_the_users_list_marks_a_locked_sign_in_until_when(manager_client, alice, bob):
    _lock_out("alice")
    _attempt(Client(), "bob")  # one wrong password: not locked
    html = manager_client.get(USERS).content.decode()
    alice_row = re.search(r'<tr class="data-row[^"]*">((?:(?!</tr>).)*?>alice<(?:(?!</tr>).)*)',
                          html, re.S).group(1)
    bob_row = re.search(r'<tr class="data-row[^"]*">((?:(?!</tr>).)*?>bob<(?:(?!</tr>).)*)',
                        html, re.S).group(1)
    # a lock of minutes ending today: its time alone
    assert re.search(r'<span class="alims-locked">Locked until \d\d:\d\d</span>', alice_row)
    assert "Locked" not in bob_row
    _unlock(manager_client, alice)
    assert "Locked until" not in manager_client.get(USERS).content.decode()


def test_a_lock_that_ends_on_another_day_shows_its_date(manager_client, alice, monkeypatch):
    import datetime

    from django.utils import timezone

    _lock_out("alice")
    today = timezone.localdate()
    # as if the page were read the evening before the lock ends
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today - datetime.timedelta(days=1))
    html = manager_client.get(USERS).content.decode()
    assert re.search(r'<span class="alims-locked">Locked until \d{1,2} \w{3} \d{4}, \d\d:\d\d</span>',
                     html)


def test_failed_sign_ins_and_a_lock_out_log_no_username_nor_password(alice, caplog):
    """Someone types their password into the username box: it is not in the
    logs (the attempts are in the database, for the people who may read them)."""
    import logging

    caplog.set_level(logging.DEBUG)
    typed = "MyS3cret-Pa55word"
    _lock_out(typed)
    _attempt(Client(), "alice", password="another-Secret-99")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "AXES" in logged  # axes did log the failures and the lock-out
    for secret in (typed, "alice", "another-Secret-99"):
        assert secret not in logged, secret
    assert AccessAttempt.objects.filter(username=typed).exists()
