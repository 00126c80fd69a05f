"""A person's API tokens in a browser, keyboard only: make one (shown once, copyable),
see it listed, use it, revoke it; on a phone and on a desktop; the API's
documentation page under the product's Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from backoffice.api.models import ApiToken
from tests.e2e.conftest import (
    DESKTOP, MOBILE, assert_no_csp_violations, axe_check, horizontal_overflow, login,
)

pytestmark = pytest.mark.e2e

XSS = '"><img src=x onerror=alert(1)>'


def test_a_counsellor_makes_uses_and_revokes_a_token_with_the_keyboard(page, live_server, alice):
    page.on("dialog", lambda dialog: pytest.fail(f"a script ran: {dialog.message}"))
    page.set_viewport_size(MOBILE)
    login(page, live_server, "alice", next_url="/account/api-tokens/")
    expect(page.locator("#no-tokens")).to_be_visible()
    assert horizontal_overflow(page) == 0
    page.locator("#id_name").focus()
    page.keyboard.type(f"{XSS} sync")
    page.keyboard.press("Tab")  # the expiry
    page.keyboard.press("ArrowDown")  # a year
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    made = page.locator("#token-value")
    expect(made).to_be_visible()
    raw = made.input_value()
    assert raw.startswith("alims_")
    # the new token has the focus, selected; Tab reaches Copy, Enter copies it
    expect(made).to_be_focused()
    assert page.evaluate("() => document.getSelection().toString() || "
                         "(el => el.value.slice(el.selectionStart, el.selectionEnd))"
                         "(document.activeElement)") == raw
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=live_server.url)
    page.keyboard.press("Tab")
    expect(page.locator("#token-copy")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#token-copied")).to_contain_text("Copied.")
    assert page.evaluate("() => navigator.clipboard.readText()") == raw
    expect(page.locator("#token-made-title")).to_contain_text(f"{XSS} sync")
    token = ApiToken.objects.get(user=alice)
    assert token.expires_at is not None
    assert horizontal_overflow(page) == 0
    axe_check(page, "api-tokens-made-375")
    page.screenshot(path="/tmp/api-tokens-375.png", full_page=True)

    # the token works, from a program
    answer = page.request.get(f"{live_server.url}/api/v1/me/",
                              headers={"Authorization": f"Bearer {raw}"})
    assert answer.status == 200 and answer.json()["username"] == "alice"

    # shown once: a fresh visit does not show it
    page.goto(f"{live_server.url}/account/api-tokens/")
    expect(page.locator("#token-value")).to_have_count(0)
    expect(page.locator(".alims-token-table")).to_contain_text(token.prefix)

    page.set_viewport_size(DESKTOP)
    axe_check(page, "api-tokens-1366")
    revoke = page.get_by_role("button", name=f"Revoke “{XSS} sync”")
    revoke.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".alims-token-dead")).to_have_count(1)
    answer = page.request.get(f"{live_server.url}/api/v1/me/",
                              headers={"Authorization": f"Bearer {raw}"})
    assert answer.status == 401

    # a long name without spaces wraps, on a phone too
    page.set_viewport_size(MOBILE)
    page.locator("#id_name").fill("x" * 80)
    with page.expect_navigation():
        page.locator("#id_name").press("Enter")
    assert horizontal_overflow(page) == 0
    assert_no_csp_violations(page)


def test_the_api_documentation_runs_under_the_policy(page, live_server, manager):
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "maya", next_url="/api/v1/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/customers/")
    assert_no_csp_violations(page)


def test_where_the_browser_will_not_copy_the_token_is_selected_and_the_page_says_so(
        page, live_server, alice):
    """No clipboard API (an address over plain http) and a refused copy
    command: Copy leaves the token focused and selected, and says to press
    Ctrl+C; no script of the page breaks the policy."""
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});"
                         "document.execCommand = function () { return false; };")
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "alice", next_url="/account/api-tokens/")
    page.locator("#id_name").fill("backup")
    with page.expect_navigation():
        page.locator("#id_name").press("Enter")
    made = page.locator("#token-value")
    raw = made.input_value()
    page.locator("#token-copy").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#token-copied")).to_contain_text("press Ctrl+C")
    expect(made).to_be_focused()
    assert page.evaluate("() => (el => el.value.slice(el.selectionStart, el.selectionEnd))"
                         "(document.activeElement)") == raw
    page.keyboard.press("Tab")
    page.keyboard.press(" ")  # Space presses the button as Enter does
    expect(page.locator("#token-copied")).to_contain_text("press Ctrl+C")
    assert_no_csp_violations(page)
