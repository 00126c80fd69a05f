"""Sign-in lock-out and password details attacked from outside: does anything
tell a username that exists from one that does not, can anyone unlock
themselves or others without the right, do the writes need POST and CSRF?"""

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client

from backoffice.audit.models import ActivityLog
from tests.conftest import _client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

USERS = "/accounts/user/"


def _attempt(client, username, password="wrong"):
    return client.post("/login/", {"username": username, "password": password, "next": "/"})


def _page_text(response) -> str:
    """What a person reads: the page without its tokens and the name typed."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'nonce="[^"]*"', "", html)
    return html


@pytest.mark.parametrize("attempts", [1, 4, 5, 6])
def test_the_sign_in_answers_the_same_for_a_username_that_does_not_exist(alice, attempts):
    pages = {}
    for username in ("alice", "nobodyhere"):
        client = Client(REMOTE_ADDR=f"10.0.0.{len(pages) + 1}")
        for _ in range(attempts):
            response = _attempt(client, username)
        pages[username] = (response.status_code,
                           _page_text(response).replace(username, "NAME"))
    assert pages["alice"][0] == pages["nobodyhere"][0]
    assert pages["alice"][1] == pages["nobodyhere"][1]


def test_an_inactive_persons_sign_in_answers_like_a_wrong_password(alice, bob):
    bob.is_active = False
    bob.save()
    wrong = _page_text(_attempt(Client(), "alice")).replace("alice", "NAME")
    inactive = _page_text(_attempt(Client(), "bob", PASSWORD)).replace("bob", "NAME")
    assert wrong == inactive


def test_unlock_needs_post_and_csrf(manager, alice):
    for _ in range(5):
        _attempt(Client(), "alice")
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = client.post(USERS, {"action": "unlock_sign_in", "apply": "1",
                                   "_selected_action": [alice.pk]})
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="alice").exists()


def test_unlocking_twice_logs_one_unlock(manager_client, alice):
    for _ in range(5):
        _attempt(Client(), "alice")
    data = {"action": "unlock_sign_in", "apply": "1", "_selected_action": [alice.pk]}
    assert manager_client.post(USERS, data).status_code == 302
    assert manager_client.post(USERS, data).status_code == 302
    assert ActivityLog.objects.filter(action=ActivityLog.Action.SIGN_IN_UNLOCK).count() == 1


def test_a_manager_cannot_see_or_set_a_password(manager_client, alice):
    page = manager_client.get(f"{USERS}{alice.pk}/change/").content.decode()
    assert alice.password not in page
    assert "pbkdf2" not in page and "md5$" not in page.lower()
    assert manager_client.get(f"{USERS}{alice.pk}/password/").status_code in (403, 404)
    response = manager_client.post(f"{USERS}{alice.pk}/password/",
                                   {"password1": "Another-pass-1234", "password2":
                                    "Another-pass-1234"})
    assert response.status_code in (403, 404)
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_a_manager_cannot_set_a_password_through_the_change_form(manager_client, alice):
    page = manager_client.get(f"{USERS}{alice.pk}/change/")
    assert page.status_code == 200
    data = {"username": "alice", "first_name": "Alice", "last_name": "Abraham",
            "email": "", "is_active": "on", "password": "md5$x$forged",
            "monthly_target": "0"}
    manager_client.post(f"{USERS}{alice.pk}/change/", data)
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


@pytest.mark.parametrize("who", ["alice", "reviewer"])
def test_counsellor_and_compliance_cannot_set_passwords(request, who, bob):
    client = _client_for(request.getfixturevalue(who))
    response = client.post(f"{USERS}{bob.pk}/password/",
                           {"password1": "Another-pass-1234", "password2": "Another-pass-1234"})
    assert response.status_code in (302, 403, 404)
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)
