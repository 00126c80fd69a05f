"""The list cells rendered from what is known once per list
(backoffice/core/list_rows.py) are unfold's own, cell for cell, on every list
of the product — hostile values included."""

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from backoffice.core import list_rows
from backoffice.customers import services
from backoffice.customers.statuses import Status
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<img src=x onerror=alert(1)> "Anu" & \'co\''


@pytest.fixture
def data(alice, manager):
    hostile = CustomerFactory(assigned_to=alice, area=HOSTILE, name=HOSTILE)
    CustomerFactory(assigned_to=None, area="", remarks="")
    services.customer_change_status(
        customer=hostile, status=Status.CALL_LATER, remark=HOSTILE,
        next_follow_up=timezone.localdate() + datetime.timedelta(days=2), by=alice)
    return hostile


def _cells(model_admin, user):
    request = RequestFactory().get(f"/{model_admin.opts.app_label}/{model_admin.opts.model_name}/")
    request.user = user
    cl = model_admin.get_changelist_instance(request)
    cl.get_results(request)
    plan = list_rows._plan(cl)
    rows = []
    for result in cl.result_list:
        ours = [str(cell) for cell in list_rows.items_for_result(cl, result, None)]
        theirs = [str(cell) for cell in list_rows._unfold_items_for_result(cl, result, None)]
        rows.append((ours, theirs))
    return plan, rows


@pytest.mark.parametrize("who", ["superuser", "manager", "alice"])
def test_every_list_renders_the_cells_unfold_would(request, data, who):
    user = request.getfixturevalue(who)
    compared = 0
    for model, model_admin in admin.site._registry.items():
        if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
            continue
        try:
            plan, rows = _cells(model_admin, user)
        except Exception as exc:  # a list this role cannot open (its own rules say 403/404)
            if type(exc).__name__ in {"PermissionDenied", "Http404"}:
                continue
            raise
        for ours, theirs in rows:
            assert ours == theirs, model_admin
            compared += 1
    assert compared >= 2


def test_the_customer_list_takes_the_quick_path(manager, data):
    plan, rows = _cells(admin.site._registry[type(data)], manager)
    assert plan is not None
    assert rows and all(ours == theirs for ours, theirs in rows)


def test_a_hostile_name_is_escaped_in_its_cell(manager, data):
    _plan, rows = _cells(admin.site._registry[type(data)], manager)
    html = "".join("".join(ours) for ours, _ in rows)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_filter_holding_the_row_key_placeholder_is_kept_as_typed(manager_client, data):
    """The change link is written once per list with a placeholder for the row's key;
    a search or filter of the list (kept in the link for the way back) that happens
    to hold that placeholder is not a place for the key."""
    from django.urls import reverse

    from backoffice.customers.models import StatusChange

    change = StatusChange.objects.filter(customer=data).latest("pk")
    url = reverse("admin:customers_statuschange_changelist")
    html = manager_client.get(url, {"q": list_rows._PK}).content.decode()
    assert f"/{change.pk}/change/?_changelist_filters=q%3D{list_rows._PK}" in html
    assert f"q%3D{change.pk}" not in html


def test_a_list_whose_rows_link_elsewhere_keeps_its_links(manager, data):
    """A change list may say where its rows link (ChangeList.url_for_result): the
    quick path writes Django's change link, so such a list is left to unfold."""
    from django.contrib.admin.views.main import ChangeList

    model_admin = admin.site._registry[type(data)]

    class Elsewhere(model_admin.get_changelist(None)):
        def url_for_result(self, result):
            return f"/elsewhere/{result.pk}/"

    assert Elsewhere.url_for_result is not ChangeList.url_for_result
    request = RequestFactory().get("/customers/customer/")
    request.user = manager
    original = model_admin.get_changelist
    model_admin.get_changelist = lambda request, **kwargs: Elsewhere
    try:
        cl = model_admin.get_changelist_instance(request)
    finally:
        model_admin.get_changelist = original
    cl.get_results(request)
    for result in cl.result_list:
        ours = "".join(list_rows.items_for_result(cl, result, None))
        assert f'href="/elsewhere/{result.pk}/"' in ours
