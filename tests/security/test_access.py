"""Who reaches what: every URL of the site as an anonymous visitor, and every
object URL as each role against objects it may not see.

The URLs come from the URL resolver (tests/security/site.py), the roles from
site.ROLES: a new page or a new role is covered without editing this file."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.factories import second_factor_given
from tests.security.conftest import object_url, role_user
from tests.security.site import CUSTOMER_MODELS, ROLES, is_api, is_jobs, is_public, routes

pytestmark = pytest.mark.django_db

ROUTES = routes()
OBJECT_ROUTES = [r for r in ROUTES if r.takes_object]


def test_the_site_has_as_many_routes_as_expected():
    # a resolver walk that found nothing would make every test below vacuous
    assert len(ROUTES) > 100
    assert len(OBJECT_ROUTES) > 40
    names = {r.name for r in ROUTES}
    for name in ("admin:search", "reports:export", "health", "health_live", "admin_password_reset",
                 "admin:imports_importrun_run_again", "django_rq:home",
                 "admin:customers_customer_update_status"):
        assert name in names, name


@pytest.mark.parametrize("route", [r for r in ROUTES if not is_public(r)], ids=str)
def test_every_private_url_sends_anonymous_visitors_to_login(db, route):
    """Before any object is looked up: the ids need not exist."""
    url = route.url()
    if is_api(route):
        # a program, not a person: 401 and how to sign in, never a login page
        for method in ("get", "post"):
            response = getattr(Client(), method)(url)
            assert response.status_code == 401, (method, url, response.status_code)
            assert response["WWW-Authenticate"].startswith("Bearer"), url
        return
    for method in ("get", "post"):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, (method, url, response.status_code)
        location = urlsplit(response["Location"])
        # signing out when not signed in leads home, which leads to the login
        expected = "/" if route.name == "admin:logout" else "/login/"
        assert location.path == expected, (method, url, response["Location"])


@pytest.mark.parametrize("route", [r for r in ROUTES if is_public(r)], ids=str)
def test_the_public_urls_answer_anonymous_visitors_without_error(db, route):
    response = Client().get(route.url(uidb64="MQ", token="set-password"))
    # health answers 500 while a check fails (no rq worker in a test run)
    expected = (200, 500, 503) if route.name in ("health", "health_live") else (200, 302)
    if route.name == "api_not_found":
        expected = (404,)  # what it is for
    if route.name == "capture:submit":
        expected = (404,)  # no data source has the key "x"
    assert response.status_code in expected, (route.url(), response.status_code)


def test_health_is_open_and_says_no_more_than_ok_or_failing(db):
    response = Client().get("/health/")
    assert response.status_code in (200, 500, 503)  # 500: a check fails (django-health-check)
    assert len(response.content) < 200, response.content


def _hidden_from(role, route) -> bool:
    label = route.model_label
    return label not in role.sees or (role.own_customers_only and label in CUSTOMER_MODELS)


# (role key, model label) pairs the issue lists as answering 403 instead of 404
KNOWN_403: dict = {}  # (role, model) -> why it still answers 403, while a fix is pending


def _role_model_cases():
    for role in ROLES:
        for label in sorted({r.model_label for r in OBJECT_ROUTES}):
            marks = []
            if (role.key, label) in KNOWN_403:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_403[role.key, label]))
            yield pytest.param(role, label, marks=marks, id=f"{role.key}-{label}")


@pytest.mark.parametrize(("role", "label"), list(_role_model_cases()))
def test_every_object_url_answers_404_to_a_role_that_may_not_see_the_object(world, role, label):
    user = role_user(role)
    client = Client()
    client.force_login(user)
    second_factor_given(client, user)
    checked = []
    for route in [r for r in OBJECT_ROUTES if r.model_label == label]:
        if not _hidden_from(role, route):
            continue
        url = object_url(route, world)
        for method in ("get", "post"):
            response = getattr(client, method)(url, follow=True)
            checked.append((method, url, response.status_code))
    wrong = [c for c in checked if c[2] != 404]
    assert not wrong, wrong
    if label not in role.sees or role.own_customers_only and label in CUSTOMER_MODELS:
        assert checked


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.key)
def test_the_job_pages_answer_404_to_every_role(world, role):
    client = Client()
    user = role_user(role)
    client.force_login(user)
    second_factor_given(client, user)
    wrong = []
    for route in filter(is_jobs, ROUTES):
        for method in ("get", "post"):
            response = getattr(client, method)(route.url())
            if response.status_code != 404:
                wrong.append((method, route.url(), response.status_code))
    assert not wrong, wrong


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.key)
def test_the_objects_the_role_may_see_open_for_it(world, role, manager):
    """The other side of the 404s: a role is not locked out of what it sees."""
    from backoffice.customers import services

    user = role_user(role)
    client = Client()
    client.force_login(user)
    second_factor_given(client, user)
    if role.own_customers_only:
        customer = world["customers.customer"]
        services.customer_assign(customers=[customer.pk], counsellor=user, by=manager)
    for label in role.sees:
        change = next(r for r in OBJECT_ROUTES
                      if r.model_label == label and r.name.endswith("_change"))
        response = client.get(object_url(change, world), follow=True)
        assert response.status_code == 200, (label, response.status_code)
