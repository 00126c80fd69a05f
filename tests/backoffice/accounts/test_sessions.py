"""Idle sessions end; "Remember me" keeps one across browser restarts."""

import time

import pytest
from django.test import Client

from backoffice.accounts.middleware import LAST_SEEN, REMEMBERED
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, remember=False):
    data = {"username": username, "password": PASSWORD, "next": "/"}
    if remember:
        data["remember_me"] = "on"
    response = client.post("/login/", data)
    assert response.status_code == 302, response.content[:300]
    return client


def _idle(client, seconds):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_the_login_page_offers_remember_me_with_unfolds_inputs(client):
    import re

    content = client.get("/login/").content.decode()
    assert 'name="remember_me"' in content
    username = re.search(r'<input[^>]*name="username"[^>]*>', content).group(0)
    assert "border" in username  # unfold's styled input, not a bare one


def test_without_remember_me_the_session_ends_with_the_browser(manager):
    client = _login(Client(), "maya")
    assert client.session.get_expire_at_browser_close()
    assert not client.session.get(REMEMBERED)


def test_remember_me_keeps_the_session_for_days(manager, settings):
    client = _login(Client(), "maya", remember=True)
    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == settings.REMEMBER_ME_DAYS * 86400


def test_an_idle_session_is_signed_out_and_sent_to_login_with_its_page(manager, settings):
    client = _login(Client(), "maya")
    _idle(client, settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get("/customers/customer/?status__exact=new")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert "status__exact" in response["Location"]
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert b"without activity" in page.content


def test_an_idle_session_on_the_api_is_signed_out_with_a_json_answer(manager, settings):
    client = _login(Client(), "maya")
    _idle(client, settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "sign in again" in response.json()["detail"]
    assert "_auth_user_id" not in client.session


def test_an_active_session_stays(manager, settings):
    client = _login(Client(), "maya")
    _idle(client, settings.SESSION_IDLE_TIMEOUT - 30)
    assert client.get("/customers/customer/").status_code == 200
    assert client.session[LAST_SEEN] >= int(time.time()) - 2  # the clock restarted


def test_a_remembered_session_survives_idle_time(manager, settings):
    client = _login(Client(), "maya", remember=True)
    _idle(client, settings.SESSION_IDLE_TIMEOUT * 10)
    assert client.get("/customers/customer/").status_code == 200


def test_remember_me_can_be_switched_off(settings, client):
    settings.REMEMBER_ME_DAYS = 0
    assert b'name="remember_me"' not in client.get("/login/").content


def test_remember_me_holds_when_someone_else_was_signed_in(manager, alice, settings):
    client = _login(Client(), "alice")
    client = _login(client, "maya", remember=True)  # login() flushes alice's session
    assert client.session.get(REMEMBERED)
    assert client.session.get_expiry_age() == settings.REMEMBER_ME_DAYS * 86400


def test_a_page_polling_by_itself_does_not_keep_the_session_alive(manager, settings):
    client = _login(Client(), "maya")
    _idle(client, settings.SESSION_IDLE_TIMEOUT - 120)
    before = client.session[LAST_SEEN]
    client.get("/customers/customer/", HTTP_HX_REQUEST="true", HTTP_X_POLL="1")
    assert client.session[LAST_SEEN] == before
    client.get("/customers/customer/", HTTP_HX_REQUEST="true")  # a search typed: activity
    assert client.session[LAST_SEEN] > before


def test_an_expired_session_sends_a_polling_page_to_login(manager, settings):
    client = _login(Client(), "maya")
    _idle(client, settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get("/imports/importrun/1/progress/", HTTP_HX_REQUEST="true",
                          HTTP_X_POLL="1",
                          HTTP_HX_CURRENT_URL="http://testserver/imports/importrun/1/progress/?a=1")
    assert response.status_code == 204
    assert response["HX-Redirect"] == ("/login/?next=%2Fimports%2Fimportrun%2F1%2Fprogress"
                                       "%2F%3Fa%3D1")


def test_a_short_idle_timeout_keeps_a_person_active_every_20_seconds(manager, settings):
    """Activity was written once a minute: with a 30 s timeout, a request every
    20 s signed the person out. The refresh follows the timeout."""
    from unittest import mock

    settings.SESSION_IDLE_TIMEOUT = 30
    client = Client()
    client.force_login(manager)
    start = time.time()
    for step in range(7):  # two minutes of a request every 20 s
        with mock.patch("backoffice.accounts.middleware.time.time",
                        return_value=start + 20 * step):
            response = client.get("/customers/customer/")
        assert response.status_code == 200, f"signed out after {20 * step} s"


def test_the_refresh_interval_follows_the_timeout():
    from backoffice.accounts.middleware import touch_every

    assert touch_every(30 * 60) == 60
    assert touch_every(30) == 15
    assert touch_every(1) == 1
