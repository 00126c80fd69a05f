"""Every URL refuses a POST without a CSRF token: add, change, delete,
actions, dialogs, the import steps, report exports, sign-in and -out,
password reset, the job pages. The URLs come from the resolver."""

import pytest
from django.test import Client

from tests.factories import second_factor_given

from tests.security.site import CSRF_EXEMPT, is_api, is_public, routes

pytestmark = pytest.mark.django_db

ROUTES = routes()


def _is_csrf_refusal(response) -> bool:
    return response.status_code == 403 and b"CSRF" in response.content


@pytest.mark.parametrize("route", [r for r in ROUTES if not is_public(r)], ids=str)
def test_a_post_without_a_csrf_token_is_refused(superuser, route):
    """As a superuser, who passes every permission check: a 403 here can only
    be the CSRF check's (which runs before the view looks anything up)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    second_factor_given(client, superuser)
    url = route.url()
    response = client.post(url, {"action": "delete_selected", "_selected_action": ["1"],
                                 "post": "yes", "confirm": "1", "apply": "1"})
    if is_api(route) and route.name == "api:docs":
        # pages that only show: refused as the API refuses (its own 403 page)
        assert response.status_code in (403, 405), (url, response.status_code)
        return
    assert _is_csrf_refusal(response), (url, response.status_code)


@pytest.mark.parametrize("route", [r for r in ROUTES if is_public(r)], ids=str)
def test_a_public_form_posted_without_a_csrf_token_is_refused(db, route):
    url = route.url(uidb64="MQ", token="set-password")
    response = Client(enforce_csrf_checks=True).post(
        url, {"username": "x", "password": "y", "email": "a@example.invalid"})
    if route.name == "health":
        assert response.status_code in (200, 403, 405, 503)  # no state to change
        return
    if route.name in CSRF_EXEMPT:
        assert response.status_code == 404  # an unknown key; its own tests cover the rest
        return
    assert _is_csrf_refusal(response), (url, response.status_code)


def test_no_view_is_exempt_from_the_csrf_check():
    """The API's views are exempt from Django's middleware check because DRF
    makes the same check itself for the browser's session (a token is not a
    cookie: nothing to forge); the test above posts to each of them. The web
    forms' endpoint is public and uses no cookie."""
    exempt = [str(r) for r in ROUTES
              if getattr(r.callback, "csrf_exempt", False) and not is_api(r)]
    assert set(exempt) == CSRF_EXEMPT


def test_a_post_with_its_token_is_still_accepted(superuser):
    """The control: the refusals above come from the missing token, not from
    the request."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    second_factor_given(client, superuser)
    page = client.get("/")
    response = client.post("/logout/", {"csrfmiddlewaretoken": str(page.context["csrf_token"])})
    assert response.status_code in (200, 302)
    assert "_auth_user_id" not in client.session
