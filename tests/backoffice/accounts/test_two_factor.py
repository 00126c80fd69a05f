"""Two-factor sign-in: after the password, a code from an authenticator app (or
a recovery code), through the real URLs."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.accounts import services
from backoffice.accounts.middleware import LAST_SEEN, REMEMBERED
from backoffice.audit.models import ActivityLog
from tests.factories import PASSWORD, UserFactory, authenticator_for, totp_code

pytestmark = pytest.mark.django_db

CODE_STEP = "/two-factor/code/"
SET_UP = "/two-factor/set-up/"
RECOVERY_CODES = "/two-factor/recovery-codes/"


def _password_login(username, next_url="/customers/customer/", remember=False) -> tuple:
    client = Client()
    data = {"username": username, "password": PASSWORD, "next": next_url}
    if remember:
        data["remember_me"] = "on"
    response = client.post("/login/", data)
    assert response.status_code == 302, response.content[:300]
    return client, response


def _code_step(client, code, next_url="/customers/customer/"):
    return client.post(f"{CODE_STEP}?next={next_url}", {"code": code, "next": next_url})


def _unthrottle(device) -> None:
    """As if the wait after a wrong code had passed."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1))


@pytest.fixture
def admin_user(db):
    """A superuser with an authenticator set up (and recovery codes)."""
    user = UserFactory(username="root", is_superuser=True)
    device = authenticator_for(user)
    services._recovery_codes_new(user)
    user.device = device
    return user


# --- who must use it ---------------------------------------------------------------


def test_a_superuser_without_authenticator_is_sent_to_set_it_up_after_the_password(db):
    UserFactory(username="root", is_superuser=True)
    client, response = _password_login("root")
    followed = client.get(response["Location"])
    assert followed.status_code == 302
    assert followed["Location"] == f"{SET_UP}?next=%2Fcustomers%2Fcustomer%2F"


def test_a_superuser_must_use_it_even_without_require_2fa(admin_user, settings):
    settings.REQUIRE_2FA = False
    client, _ = _password_login("root")
    response = client.get("/customers/customer/")
    assert response.status_code == 302 and response["Location"].startswith(CODE_STEP)


def test_without_require_2fa_a_counsellor_signs_in_with_the_password_only(alice, settings):
    settings.REQUIRE_2FA = False
    client, _ = _password_login("alice")
    assert client.get("/customers/customer/").status_code == 200


def test_with_require_2fa_everyone_must_set_it_up(alice, settings):
    settings.REQUIRE_2FA = True
    client, _ = _password_login("alice")
    response = client.get("/customers/customer/")
    assert response.status_code == 302 and response["Location"].startswith(SET_UP)


# --- the code step ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/", "/customers/customer/", "/accounts/user/", "/audit/activitylog/", "/reports/",
    "/jobs/", "/search/?s=a", "/password_change/", "/two-factor/",
])
def test_until_the_code_every_page_sends_to_the_code_step(admin_user, url):
    client, _ = _password_login("root")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{CODE_STEP}?next=")


def test_until_the_code_the_admin_does_not_count_the_session_as_signed_in(admin_user, rf):
    from django.contrib import admin

    client, _ = _password_login("root")
    # the login page shows its form again instead of forwarding to the back-office
    assert b'id="login-form"' in client.get("/login/").content
    # and the admin site itself refuses, whatever the middleware does
    request = rf.get("/")
    request.user = admin_user
    request.user.is_verified = lambda: False
    request.session = client.session
    assert not admin.site.has_permission(request)
    request = rf.get("/")
    request.user = admin_user
    request.user.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_a_page_refreshed_by_htmx_sends_the_whole_page_to_the_code_step(admin_user):
    client, _ = _password_login("root")
    response = client.get("/customers/customer/", headers={
        "HX-Request": "true", "HX-Current-URL": "http://testserver/customers/customer/?q=x"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{CODE_STEP}?next=%2Fcustomers%2Fcustomer%2F%3Fq%3Dx"


def test_the_api_answers_json_until_the_second_factor_is_given(admin_user):
    client, _ = _password_login("root")
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "second factor" in response.json()["detail"]


def test_the_code_step_is_in_the_signed_out_look(admin_user):
    client, _ = _password_login("root")
    content = client.get(CODE_STEP).content.decode()
    assert "Two-factor sign-in" in content and 'name="code"' in content
    assert "--color-primary" in content  # unfold's theme
    code_input = re.search(r'<input[^>]*name="code"[^>]*>', content).group(0)
    assert "border" in code_input and 'autocomplete="one-time-code"' in code_input
    assert 'id="nav-sidebar"' not in content  # nothing of the back-office yet


def test_the_right_code_signs_in_and_returns_to_the_page(admin_user):
    client, _ = _password_login("root")
    response = _code_step(client, totp_code(admin_user.device))
    assert response.status_code == 302 and response["Location"] == "/customers/customer/"
    assert client.get("/customers/customer/").status_code == 200
    assert client.get("/accounts/user/").status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_error(admin_user):
    client, _ = _password_login("root")
    right = totp_code(admin_user.device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = _code_step(client, wrong)
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    assert client.get("/customers/customer/").status_code == 302


def test_wrong_codes_are_throttled_then_allowed_again(admin_user):
    client, _ = _password_login("root")
    _code_step(client, "000000" if totp_code(admin_user.device) != "000000" else "111111")
    response = _code_step(client, totp_code(admin_user.device))  # right, but too soon
    assert response.status_code == 200
    assert b"the next try waits: try again in" in response.content
    assert client.get("/customers/customer/").status_code == 302
    _unthrottle(admin_user.device)
    assert _code_step(client, totp_code(admin_user.device)).status_code == 302
    assert client.get("/customers/customer/").status_code == 200


def test_a_code_works_only_once(admin_user):
    code = totp_code(admin_user.device)
    first, _ = _password_login("root")
    assert _code_step(first, code).status_code == 302
    second, _ = _password_login("root")
    response = _code_step(second, code)
    assert response.status_code == 200 and b"That code is not right" in response.content


@pytest.mark.parametrize("payload", [
    "12\x0034", "1" * 5000, "' OR 1=1 --", "<script>alert(1)</script>", "٠١٢٣٤٥", "",
])
def test_hostile_codes_are_refused_cleanly(admin_user, payload):
    client, _ = _password_login("root")
    response = _code_step(client, payload)
    # a control character is refused for every form (400), the rest by the form
    assert response.status_code == (400 if "\x00" in payload else 200)
    assert b"<script>alert(1)</script>" not in response.content
    assert client.get("/customers/customer/").status_code == 302


def test_the_code_step_goes_back_only_to_our_own_pages(admin_user):
    client, _ = _password_login("root")
    response = _code_step(client, totp_code(admin_user.device),
                          next_url="https://evil.example/steal")
    assert response.status_code == 302 and response["Location"] == "/"


# --- recovery codes ------------------------------------------------------------------


def test_a_recovery_code_signs_in_once_and_is_logged(admin_user):
    code = StaticToken.objects.filter(device__user=admin_user).first().token
    client, _ = _password_login("root")
    response = _code_step(client, code.upper()[:4] + "-" + code.upper()[4:])  # as printed
    assert response.status_code == 302
    page = client.get("/customers/customer/")
    assert page.status_code == 200 and "recovery code" in page.content.decode()
    assert "9 left" in page.content.decode()
    entry = ActivityLog.objects.get(action=ActivityLog.Action.TWO_FACTOR_RECOVERY)
    assert entry.user == admin_user and entry.details == {"codes_left": 9}

    again, _ = _password_login("root")
    _unthrottle(StaticDevice.objects.get(user=admin_user))
    response = _code_step(again, code)
    assert response.status_code == 200 and b"That code is not right" in response.content


def test_new_recovery_codes_replace_the_old_ones(admin_user):
    old = set(StaticToken.objects.filter(device__user=admin_user).values_list("token", flat=True))
    client, _ = _password_login("root")
    _code_step(client, totp_code(admin_user.device))
    assert b"10 recovery codes left" in client.get("/two-factor/").content

    # a wrong code makes nothing
    response = client.post(RECOVERY_CODES, {"code": "bad"})
    assert response.status_code == 200 and b"not right" in response.content
    assert not ActivityLog.objects.filter(action=ActivityLog.Action.TWO_FACTOR_CODES).exists()

    response = client.post(RECOVERY_CODES, {"code": totp_code(admin_user.device, offset=1)})
    assert response.status_code == 302 and response["Location"].startswith(RECOVERY_CODES)
    shown = client.get(response["Location"]).content.decode()
    new = set(StaticToken.objects.filter(device__user=admin_user).values_list("token", flat=True))
    assert len(new) == 10 and not (new & old)
    assert all(code in shown for code in new)
    assert not any(code in client.get(RECOVERY_CODES).content.decode() for code in new)
    assert ActivityLog.objects.filter(action=ActivityLog.Action.TWO_FACTOR_CODES,
                                      user=admin_user).count() == 1


# --- setting it up ---------------------------------------------------------------------


def test_set_up_shows_a_local_qr_code_and_the_key(db, settings):
    UserFactory(username="root", is_superuser=True)
    client, _ = _password_login("root")
    content = client.get(SET_UP).content.decode()
    device = TOTPDevice.objects.get(user__username="root", confirmed=False)
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    assert "<svg" in content and "<path" in content  # drawn here, no image from elsewhere
    assert not re.search(r'<(img|script)[^>]+src="https?://', content)
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in content
    assert "otpauth://" not in content  # the QR code carries it, no text does
    # a reload keeps the same key (the person may have scanned it already)
    client.get(SET_UP)
    assert TOTPDevice.objects.filter(user__username="root").count() == 1


def test_set_up_turns_on_with_a_code_and_shows_the_recovery_codes_once(db):
    user = UserFactory(username="root", is_superuser=True)
    client, _ = _password_login("root", next_url="/accounts/user/")
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=user)

    wrong = _code_step_setup(client, "12345x")
    assert wrong.status_code == 200 and b"That code is not right" in wrong.content
    _unthrottle(device)

    response = _code_step_setup(client, totp_code(device), next_url="/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == f"{RECOVERY_CODES}?next=%2Faccounts%2Fuser%2F"
    device.refresh_from_db()
    assert device.confirmed
    page = client.get(response["Location"]).content.decode()
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in page for code in codes)
    assert 'href="/accounts/user/"' in page  # Continue
    assert not any(code in client.get(RECOVERY_CODES).content.decode() for code in codes)
    # the session is signed in with the new authenticator
    assert client.get("/accounts/user/").status_code == 200
    entry = ActivityLog.objects.get(action=ActivityLog.Action.TWO_FACTOR_ENROL)
    assert entry.user == user and entry.target == "root"


def _code_step_setup(client, code, next_url="/"):
    return client.post(SET_UP, {"code": code, "next": next_url})


def test_a_password_alone_cannot_set_up_a_second_authenticator(admin_user):
    """Otherwise the code step could be skipped with the password only."""
    client, _ = _password_login("root")
    response = client.get(SET_UP)
    assert response.status_code == 302 and response["Location"].startswith(CODE_STEP)
    response = client.post(SET_UP, {"code": "123456"})
    assert response.status_code == 302 and response["Location"].startswith(CODE_STEP)
    assert TOTPDevice.objects.filter(user=admin_user).count() == 1
    assert client.get("/customers/customer/").status_code == 302


def test_anyone_may_turn_it_on_from_their_menu_and_then_must_use_it(alice, settings):
    settings.REQUIRE_2FA = False
    client, _ = _password_login("alice")
    page = client.get("/customers/customer/").content.decode()
    assert 'href="/two-factor/"' in page  # in the person menu
    assert b'href="/two-factor/set-up/"' in client.get("/two-factor/").content
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=alice)
    assert client.post(SET_UP, {"code": totp_code(device)}).status_code == 302

    again, _ = _password_login("alice")
    response = again.get("/customers/customer/")
    assert response.status_code == 302 and response["Location"].startswith(CODE_STEP)
    assert _code_step(again, totp_code(device, offset=1)).status_code == 302
    assert again.get("/customers/customer/").status_code == 200


# --- an administrator's reset -------------------------------------------------------------


def _reset_action(client, user, apply=True):
    data = {"action": "reset_two_factor", "_selected_action": [user.pk]}
    if apply:
        data["apply"] = "1"
    return client.post("/accounts/user/", data)


def test_a_superuser_resets_a_persons_two_factor_after_confirming(superuser_client, alice,
                                                                  settings):
    authenticator_for(alice)
    services._recovery_codes_new(alice)
    confirm = _reset_action(superuser_client, alice, apply=False)
    assert confirm.status_code == 200
    assert b"Reset two-factor sign-in" in confirm.content and str(alice).encode() in confirm.content
    # it says what a reset does, and whose two-factor sign-in is on
    assert b"stop working at once" in confirm.content
    assert b"two-factor sign-in is on" in confirm.content
    assert TOTPDevice.objects.filter(user=alice).exists()  # nothing yet

    response = _reset_action(superuser_client, alice)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not StaticDevice.objects.filter(user=alice).exists()
    entry = ActivityLog.objects.get(action=ActivityLog.Action.TWO_FACTOR_RESET)
    assert entry.target == "alice" and entry.user.username == "root"

    # she sets it up again at her next sign-in (when it is required)
    settings.REQUIRE_2FA = True
    client, _ = _password_login("alice")
    assert client.get("/customers/customer/")["Location"].startswith(SET_UP)


def test_a_manager_cannot_reset_two_factor(manager_client, alice):
    authenticator_for(alice)
    response = _reset_action(manager_client, alice)
    assert TOTPDevice.objects.filter(user=alice).exists()
    assert not ActivityLog.objects.filter(action=ActivityLog.Action.TWO_FACTOR_RESET).exists()
    assert response.status_code in (200, 302)
    listing = manager_client.get("/accounts/user/").content.decode()
    assert "reset_two_factor" not in listing
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.two_factor_reset(users=[alice], by=alice)


def test_the_users_list_shows_who_has_two_factor(superuser_client, alice):
    authenticator_for(alice)
    content = superuser_client.get("/accounts/user/").content.decode()
    assert "2FA" in content


def test_django_otps_own_device_admin_is_not_mounted(superuser_client):
    assert superuser_client.get("/otp_totp/totpdevice/").status_code == 404
    assert superuser_client.get("/otp_static/staticdevice/").status_code == 404


# --- with the rest of signing in -----------------------------------------------------------


def test_remember_me_survives_the_code_step(admin_user, settings):
    client, _ = _password_login("root", remember=True)
    _code_step(client, totp_code(admin_user.device))
    assert client.get("/customers/customer/").status_code == 200
    assert client.session.get(REMEMBERED)
    assert client.session.get_expiry_age() == settings.REMEMBER_ME_DAYS * 86400


def test_without_remember_me_the_verified_session_still_ends_with_the_browser(admin_user):
    client, _ = _password_login("root")
    _code_step(client, totp_code(admin_user.device))
    assert client.session.get_expire_at_browser_close()


def test_the_idle_timeout_signs_out_a_verified_session(admin_user, settings):
    client, _ = _password_login("root")
    _code_step(client, totp_code(admin_user.device))
    session = client.session
    session[LAST_SEEN] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get("/customers/customer/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    # signing in again asks for the code again
    client, _ = _password_login("root")
    assert client.get("/customers/customer/")["Location"].startswith(CODE_STEP)


def test_a_password_reset_does_not_skip_the_code_step(admin_user, settings,
                                                      django_capture_on_commit_callbacks):
    settings.JOBS_RUN_IN_PROCESS = True
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/password-reset/", {"email": admin_user.email})
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = "a brand new passphrase"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    # the reset signs nobody in
    assert client.get("/customers/customer/")["Location"].startswith("/login/")
    client.post("/login/", {"username": "root", "password": new, "next": "/"})
    assert client.get("/customers/customer/")["Location"].startswith(CODE_STEP)


def test_signing_out_from_the_code_step(admin_user):
    client, _ = _password_login("root")
    assert b'action="/logout/"' in client.get(CODE_STEP).content
    client.post("/logout/")
    assert "_auth_user_id" not in client.session
