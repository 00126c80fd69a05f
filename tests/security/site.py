"""The site's URLs and roles, read from the running configuration.

Nothing here is a hand list of pages: every route comes from Django's URL
resolver (the admin site, its model admins, reports, search, jobs, health,
password reset), so a URL added later is checked by every test that walks
``routes()`` without anyone remembering to add it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

# --- routes -------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # the pattern as written, prefixes joined ("customers/customer/<path:...>/")
    name: str  # "admin:customers_customer_change", "" when unnamed
    callback: object
    model: type | None  # the admin model whose get_urls() it comes from

    @property
    def model_label(self) -> str:
        return self.model._meta.label_lower if self.model else ""

    @property
    def args(self) -> list[str]:
        named = re.findall(r"<(?:\w+:)?(\w+)>", self.route)
        named += re.findall(r"\(\?P<(\w+)>", self.route)
        positional = len(re.findall(r"\((?!\?)", self.route))
        return named + [f"_{i}" for i in range(positional)]

    @property
    def takes_object(self) -> bool:
        """An URL about one stored object of its model."""
        return self.model is not None and bool(
            {"object_id", "pk", "_0"} & set(self.args)
        )

    def url(self, **values) -> str:
        """The URL with its arguments filled in from ``values`` (by argument
        name; simple-history's positional groups are ``object_id`` then
        ``version_id``), the rest from DEFAULTS."""
        values = {**DEFAULTS, **values}
        route = self.route

        def named(match):
            return str(values[match.group(1)])

        route = re.sub(r"<(?:\w+:)?(\w+)>", named, route)
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)\??", named, route)
        for key in ("object_id", "version_id"):
            route = route.replace("([^/]+)", str(values[key]), 1)
        route = route.replace("^", "").replace("$", "").replace("/?", "/")
        return "/" + route.lstrip("/")

    def __str__(self) -> str:
        return self.name or self.route


# A value for every argument name any route takes; tests override the ones
# that must point at a real object.
DEFAULTS = {
    "object_id": 1, "pk": 1, "version_id": 1, "id": 1,
    "fmt": "csv", "identifier": "status_distribution", "kind": "call",
    "queue_index": 0, "scheduler_index": 0, "connection_index": 0,
    "job_id": "x", "result_id": "x", "key": "x", "scheduler_name": "x", "cron_job_name": "x",
    "token": "x", "uidb64": "MQ", "content_type_id": 1, "app_label": "customers",
    "url": "no-such-page/", "rest": "no-such-thing/",
}


def _walk(patterns, prefix="", model=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), model)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _model_of(route: str):
    for model in admin.site._registry:
        base = f"{model._meta.app_label}/{model._meta.model_name}/"
        if route.startswith(base):
            return model
    return None


def _name(pattern: URLPattern, route: str) -> str:
    if not pattern.name:
        return ""
    if route.startswith("jobs/"):
        return f"django_rq:{pattern.name}"
    if route.startswith("reports/"):
        return f"reports:{pattern.name}"
    if route.startswith("attention/"):
        return f"followups:{pattern.name}"
    if route.startswith("notifications/"):
        return f"notifications:{pattern.name}"
    if route.startswith("api/v1/"):
        return f"api:{pattern.name}"
    if route.startswith("account/"):
        return f"account:{pattern.name}"
    if pattern.name == "api_not_found":
        return pattern.name
    if route.startswith("capture/"):
        return f"capture:{pattern.name}"
    if pattern.name in ("health", "health_live", "search") or "password_reset" in pattern.name:
        return pattern.name if pattern.name != "search" else "admin:search"
    return f"admin:{pattern.name}"


def routes() -> list[Route]:
    """Every route of the site, once each (django-rq's stats route appears
    twice, with and without its token)."""
    seen, found = set(), []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route in seen:
            continue
        seen.add(route)
        found.append(Route(route=route, name=_name(pattern, route), callback=pattern.callback,
                           model=_model_of(route)))
    return found


# Open to anyone, by design: the load balancer's check and the ways in.
PUBLIC = {
    "health", "health_live",
    "admin:login",
    # any address under /api/ that is not one: a JSON 404 for anyone
    "api_not_found",
    "admin_password_reset", "password_reset_done", "password_reset_confirm",
    "password_reset_complete",
    # websites' enquiry forms post leads here (backoffice/capture): a key in
    # the URL, no cookies, no CSRF token; anything but a live key answers 404
    "capture:submit",
}

# Public endpoints for other sites' pages: no session, so no CSRF token.
CSRF_EXEMPT = {"capture:submit"}


def is_public(route: Route) -> bool:
    return route.name in PUBLIC


def is_api(route: Route) -> bool:
    """The REST API: its callers get 401s and JSON, not the login page."""
    return route.route.startswith("api/v1/")


def is_jobs(route: Route) -> bool:
    return route.route.startswith("jobs/")


# --- roles --------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    """A role and what it may see. ``sees`` lists the models whose objects
    it may open (a label from Model._meta.label_lower); ``own_customers_only``
    narrows customers (and their status updates) to the ones assigned to it."""

    key: str
    group: str
    sees: frozenset[str] = field(default_factory=frozenset)
    own_customers_only: bool = False


CUSTOMER_MODELS = ("customers.customer", "customers.statuschange")

ROLES = [
    Role("manager", "Sales Manager", frozenset({
        "customers.customer", "customers.statuschange", "customers.historicalcustomer",
        "imports.importrun", "imports.datasource", "audit.activitylog", "accounts.user",
        "customers.messagetemplate", "followups.workrules", "followups.holiday",
        "followups.statusageing", "followups.leaveday",
        "webhooks.endpoint", "webhooks.delivery",
    })),
    # a counsellor's own leave days open too (tests/backoffice/followups); the
    # world's, another counsellor's, answer 404
    Role("counsellor", "Student Counsellor", frozenset(CUSTOMER_MODELS),
         own_customers_only=True),
    # read-only review: change history, activity log, sign-in records, import
    # runs and their data sources
    Role("compliance", "Compliance", frozenset({
        "customers.historicalcustomer", "audit.activitylog", "axes.accessattempt",
        "axes.accesslog", "axes.accessfailurelog", "imports.importrun", "imports.datasource",
        "followups.leaveday", "webhooks.endpoint", "webhooks.delivery",
    })),
]
