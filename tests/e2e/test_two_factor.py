"""An administrator sets up two-factor sign-in with an authenticator app, then
signs in with a code from it."""

import base64
import time

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.e2e.conftest import shot, two_factor_step
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


def _app_code(secret: str) -> str:
    """What an authenticator app shows for the key typed into it."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def _password(page, live_server, next_url="/accounts/user/"):
    page.goto(f"{live_server.url}/login/?next={next_url}")
    form = page.locator("#login-form")
    form.locator("input[name=username]").fill("root")
    form.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_a_superuser_sets_up_an_authenticator_and_signs_in_with_it(page, live_server):
    UserFactory(username="root", is_superuser=True)

    _password(page, live_server)
    assert page.url.startswith(f"{live_server.url}/two-factor/set-up/")
    expect(page.locator("#two-factor-qr svg")).to_be_visible()
    secret = page.locator("#two-factor-secret").inner_text()
    shot(page, "30-two-factor-set-up")

    # a wrong code first: a clear error, still on the page
    page.locator("input[name=code]").fill("000000" if _app_code(secret) != "000000" else "111111")
    with page.expect_navigation():
        page.locator("#two-factor-setup-form button[type=submit]").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()

    time.sleep(1.1)  # the wait after a wrong code (1 s, doubling)
    page.locator("input[name=code]").fill(_app_code(secret))
    with page.expect_navigation():
        page.locator("#two-factor-setup-form button[type=submit]").click()
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    shot(page, "31-two-factor-recovery-codes")
    with page.expect_navigation():
        page.get_by_role("link", name="Continue").click()
    assert page.url == f"{live_server.url}/accounts/user/"
    expect(page.locator("#result_list")).to_contain_text("root")

    # signing in again: the password, then the code the app shows
    page.context.clear_cookies()
    _password(page, live_server)
    assert page.url.startswith(f"{live_server.url}/two-factor/code/")
    shot(page, "32-two-factor-code-step")
    two_factor_step(page, "root")
    assert page.url == f"{live_server.url}/accounts/user/"
    assert page.js_errors == [], page.js_errors
