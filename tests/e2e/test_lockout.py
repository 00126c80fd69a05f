"""A counsellor mistypes their password, by keyboard alone: the attempt
before the last warns, the last shows the lock-out page (in the product's
look, HTTP 429) with when to try again and the ways back."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.conftest import shot
from tests.factories import CounsellorFactory

pytestmark = pytest.mark.e2e

WARNING = "One more failed attempt locks this account for 15 minutes."


def _focused(page) -> str:
    return page.evaluate("() => document.activeElement && (document.activeElement.name || "
                         "document.activeElement.textContent.trim())")


def _tab_to(page, wanted: str, limit: int = 25) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused(page) == wanted:
            return
    raise AssertionError(f"{wanted!r} is not reachable by Tab")


def _wrong_password_by_keyboard(page):
    _tab_to(page, "username")
    page.keyboard.press("Control+A")
    page.keyboard.type("anu")
    _tab_to(page, "password")
    page.keyboard.type("not her password")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    return navigation.value


def test_a_counsellor_is_warned_then_locked_out_and_finds_the_way_back(page, live_server):
    CounsellorFactory(username="anu", first_name="Anu", last_name="Thomas")
    page.goto(f"{live_server.url}/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        response = _wrong_password_by_keyboard(page)
        assert response.status == 200
        expect(page.get_by_text("That username and password do not match")).to_have_count(1)
        expect(page.get_by_text(WARNING)).to_have_count(0)

    _wrong_password_by_keyboard(page)  # the attempt before the last
    expect(page.get_by_text(WARNING)).to_be_visible()
    expect(page.get_by_text("That username and password do not match")).to_have_count(1)
    assert "staff" not in page.content().lower()
    shot(page, "70-login-lockout-warning")

    response = _wrong_password_by_keyboard(page)  # the last
    assert response.status == 429
    expect(page).to_have_title(re.compile(r"Sign-in locked \| ALIMS Back-office"))
    expect(page.get_by_text(re.compile(r"Try again after \d\d:\d\d \(in 15 minutes\)"))
           ).to_be_visible()
    shot(page, "71-login-locked-out")

    # the tap targets of the phone layout
    page.set_viewport_size({"width": 375, "height": 812})
    for name in ("Choose a new password", "Back to sign in"):
        box = page.get_by_role("link", name=name).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44

    _tab_to(page, "Choose a new password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server.url}/password-reset/"
