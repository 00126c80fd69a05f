"""Failed logins lock out a username from an address (AXES_FAILURE_LIMIT) and
also the address itself across usernames (AXES_ADDRESS_FAILURE_LIMIT): ever-new
usernames cost a password hash each and were never throttled. A locked-out
attempt is answered without hashing a password."""

from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client, override_settings

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _attempt(client, username, password="wrong"):
    return client.post("/login/", {"username": username, "password": password, "next": "/"})


class _HashCount:
    """Counts password hashing (the dummy hash for an unknown name included)."""

    def __enter__(self):
        self.calls = 0

        def count(original):
            def counted(*args, **kwargs):
                self.calls += 1
                return original(*args, **kwargs)
            return counted

        self._patches = [mock.patch.object(MD5PasswordHasher, name,
                                           count(getattr(MD5PasswordHasher, name)))
                         for name in ("encode", "verify")]
        for patch in self._patches:
            patch.start()
        return self

    def __exit__(self, *exc):
        for patch in self._patches:
            patch.stop()


@override_settings(AXES_FAILURE_LIMIT=5, AXES_ADDRESS_FAILURE_LIMIT=10)
def test_ever_new_usernames_from_one_address_are_locked_out():
    attacker = Client(REMOTE_ADDR="198.51.100.9")
    for number in range(9):
        assert _attempt(attacker, f"nobody{number}").status_code == 200  # the form again
    assert _attempt(attacker, "nobody9").status_code == 429  # the tenth failure locks
    assert _attempt(attacker, "nobody-else").status_code == 429


@override_settings(AXES_FAILURE_LIMIT=5, AXES_ADDRESS_FAILURE_LIMIT=10)
def test_a_locked_out_address_is_answered_without_hashing_a_password(manager):
    attacker = Client(REMOTE_ADDR="198.51.100.9")
    for number in range(10):
        _attempt(attacker, f"nobody{number}")
    with _HashCount() as hashing:
        assert _attempt(attacker, "nobody-else").status_code == 429
        assert _attempt(attacker, "maya", PASSWORD).status_code == 429
    assert hashing.calls == 0


@override_settings(AXES_FAILURE_LIMIT=5, AXES_ADDRESS_FAILURE_LIMIT=10)
def test_an_unknown_username_costs_a_hash_until_the_lockout(manager):
    """Django hashes a dummy password for a name that does not exist, so that
    it costs as much as one that does: throttling is what stops the cost."""
    with _HashCount() as hashing:
        _attempt(Client(REMOTE_ADDR="198.51.100.9"), "nobody")
    assert hashing.calls == 1


@override_settings(AXES_FAILURE_LIMIT=5, AXES_ADDRESS_FAILURE_LIMIT=10)
def test_another_address_is_not_locked_out(manager):
    attacker = Client(REMOTE_ADDR="198.51.100.9")
    for number in range(10):
        _attempt(attacker, f"nobody{number}")
    office = Client(REMOTE_ADDR="203.0.113.7")
    assert _attempt(office, "maya", PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=5, AXES_ADDRESS_FAILURE_LIMIT=10)
def test_a_few_mistyped_names_in_a_shared_office_lock_nobody_out(manager):
    """An office behind one address: fewer failures than the address limit
    (a few each, under the per-name limit) keep it open."""
    office = Client(REMOTE_ADDR="203.0.113.7")
    for number in range(9):
        _attempt(office, f"typo{number}")
    assert _attempt(office, "maya", PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3, AXES_ADDRESS_FAILURE_LIMIT=10)
def test_one_username_is_still_locked_out_at_its_own_limit(manager):
    attacker = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(3):
        _attempt(attacker, "maya")
    with _HashCount() as hashing:
        assert _attempt(attacker, "maya", PASSWORD).status_code == 429
    assert hashing.calls == 0


def test_signing_in_as_oneself_does_not_unlock_someone_else(alice, bob):
    """Four wrong guesses at Bob's password, then one's own sign-in, again and
    again: Bob's failures from the address must keep counting."""
    from django.conf import settings

    guesser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(guesser, "bob")
        Client().post("/login/", {"username": "alice", "password": PASSWORD, "next": "/"})
    locked = _attempt(Client(), "bob", PASSWORD)
    assert locked.status_code == 429


def test_a_sign_in_clears_ones_own_failures(alice):
    for _ in range(2):
        _attempt(Client(), "alice")
    assert _attempt(Client(), "alice", PASSWORD).status_code == 302
    from axes.models import AccessAttempt

    assert not AccessAttempt.objects.filter(username="alice").exists()
