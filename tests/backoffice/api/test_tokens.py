"""Personal API tokens: made on one's own page, shown once, kept hashed,
expiring, revocable, noting their last use."""

import datetime
import hashlib

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from backoffice.api.models import ApiToken
from backoffice.api.services import MAX_LIVE_TOKENS, api_token_create
from backoffice.audit.models import ActivityLog
from tests.security.payloads import XSS

pytestmark = pytest.mark.django_db


def _me(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client.get("/api/v1/me/")


def test_a_token_is_shown_once_on_the_page_and_stored_only_as_its_hash(alice_client, alice):
    response = alice_client.post("/account/api-tokens/", {"name": "My sync", "expires": "90"},
                                 follow=True)
    assert response.redirect_chain == [("/account/api-tokens/", 302)]
    raw = response.context["made"]["raw"]
    assert raw.startswith("alims_") and len(raw) > 40
    assert raw.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=alice)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    again = alice_client.get("/account/api-tokens/")
    assert raw.encode() not in again.content
    assert token.prefix.encode() in again.content
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=90)).date()


def test_the_token_acts_as_its_owner(alice):
    _, raw = api_token_create(user=alice, name="x")
    response = _me(raw)
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert response.json()["role"] == "Student Counsellor"


def test_the_last_use_is_noted(alice):
    token, raw = api_token_create(user=alice, name="x")
    assert token.last_used_at is None
    _me(raw)
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("header", [
    "Bearer alims_not-a-real-token",
    "Bearer",
    "Bearer a b",
    "Bearer " + "alims_" + "x" * 200,
    "Token alims_abc",
])
def test_a_wrong_token_is_refused_without_detail(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401


def test_a_revoked_token_no_longer_works(alice_client, alice):
    token, raw = api_token_create(user=alice, name="x")
    response = alice_client.post(f"/account/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert _me(raw).status_code == 401
    assert ActivityLog.objects.filter(action="api_token", details__event="revoked").exists()


def test_an_expired_token_no_longer_works(alice):
    token, raw = api_token_create(user=alice, name="x")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert _me(raw).status_code == 401


def test_a_deactivated_persons_token_no_longer_works(alice):
    _, raw = api_token_create(user=alice, name="x")
    alice.is_active = False
    alice.save()
    assert _me(raw).status_code == 401


def test_a_token_acts_with_its_owners_role_of_the_moment(manager, bob):
    from django.contrib.auth.models import Group

    from backoffice.accounts.roles import STUDENT_COUNSELLOR
    from tests.factories import CustomerFactory

    CustomerFactory(assigned_to=bob)
    _, raw = api_token_create(user=manager, name="x")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert len(client.get("/api/v1/customers/").json()["results"]) == 1
    manager.groups.set([Group.objects.get(name=STUDENT_COUNSELLOR)])  # no longer a manager
    assert client.get("/api/v1/customers/").json()["results"] == []
    assert client.get("/api/v1/users/").status_code == 403


def test_nobody_revokes_anothers_token(alice, bob_client):
    token, raw = api_token_create(user=alice, name="x")
    response = bob_client.post(f"/account/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert _me(raw).status_code == 200


def test_the_page_lists_only_ones_own_tokens(alice, bob, alice_client):
    api_token_create(user=bob, name="Bobs secret tool")
    api_token_create(user=alice, name="Alices tool")
    content = alice_client.get("/account/api-tokens/").content.decode()
    assert "Alices tool" in content and "Bobs secret tool" not in content


@pytest.fixture
def bob_client(bob):
    from tests.conftest import _client_for

    return _client_for(bob)


def test_a_double_submit_makes_one_token_and_shows_it(alice_client, alice):
    first = alice_client.post("/account/api-tokens/", {"name": "Sync", "expires": "30"})
    assert first.status_code == 302
    second = alice_client.post("/account/api-tokens/", {"name": "Sync", "expires": "30"})
    assert second.status_code == 400
    assert b"already" in second.content
    assert second.context["made"]["token"].name == "Sync"  # the first one's, shown
    assert ApiToken.objects.filter(user=alice).count() == 1
    assert alice_client.get("/account/api-tokens/").context["made"] is None


def test_a_token_needs_a_name(alice_client):
    response = alice_client.post("/account/api-tokens/", {"name": "  ", "expires": "30"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_an_unknown_expiry_is_refused(alice_client):
    response = alice_client.post("/account/api-tokens/", {"name": "x", "expires": "9999"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_a_person_has_a_bounded_number_of_live_tokens(alice, alice_client):
    for n in range(MAX_LIVE_TOKENS):
        api_token_create(user=alice, name=f"t{n}")
    response = alice_client.post("/account/api-tokens/", {"name": "one more", "expires": "30"})
    assert response.status_code == 400
    assert b"revoke one" in response.content
    assert ApiToken.objects.filter(user=alice).count() == MAX_LIVE_TOKENS


@pytest.mark.parametrize("payload", XSS[:3])
def test_a_tokens_name_is_shown_escaped(alice_client, payload):
    response = alice_client.post("/account/api-tokens/", {"name": payload[:80], "expires": "30"},
                                 follow=True)
    assert response.status_code == 200 and response.context["made"]
    assert payload[:80].encode() not in response.content


def test_every_role_has_the_page(manager_client, alice_client, reviewer_client):
    for client in (manager_client, alice_client, reviewer_client):
        assert client.get("/account/api-tokens/").status_code == 200


def test_the_page_needs_sign_in(db):
    from django.test import Client

    response = Client().get("/account/api-tokens/")
    assert response.status_code == 302


def test_throttled_per_token(alice, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_THROTTLE_RATE = "3/minute"
    _, first = api_token_create(user=alice, name="a")
    _, second = api_token_create(user=alice, name="b")
    responses = [_me(first) for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert int(responses[-1]["Retry-After"]) > 0
    assert _me(second).status_code == 200  # another token has its own allowance
    cache.clear()


def test_direction_controls_are_taken_out_of_a_name(alice):
    token, _ = api_token_create(user=alice, name="sync\u202egnp.exe")
    assert token.name == "syncgnp.exe"


@pytest.mark.parametrize("header", [None, "Bearer alims_wrongwrongwrong"])
def test_unsigned_requests_are_throttled_per_address(db, settings, header):
    import uuid

    default = settings.CACHES["default"]
    settings.CACHES = {**settings.CACHES,
                       "default": {**default, "KEY_PREFIX": f"api-test-{uuid.uuid4().hex}"}}
    settings.API_THROTTLE_RATE = "3/minute"
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    responses = [APIClient().get("/api/v1/me/", **extra) for _ in range(4)]
    assert [r.status_code for r in responses] == [401, 401, 401, 429]
    assert int(responses[-1]["Retry-After"]) > 0
    other = APIClient(REMOTE_ADDR="203.0.113.9").get("/api/v1/me/", **extra)
    assert other.status_code == 401  # another address has its own allowance
