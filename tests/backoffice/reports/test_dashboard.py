"""The admin index is the dashboard: the manager's or the counsellor's."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backoffice.customers import services
from backoffice.customers.demo import demo_customers_create

pytestmark = pytest.mark.django_db


def _dashboard(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.context["dashboard"]


def test_the_manager_sees_team_kpis(manager_client, team):
    d = _dashboard(manager_client)
    assert (d["role"], d["total"], d["unassigned"], d["new_this_week"]) == ("manager", 7, 1, 6)
    # this month: c1, c2 and c7 reached Admission; 3 of 7 ever did
    assert d["admissions_this_month"] == 3 and d["conversion"] == pytest.approx(42.9)
    assert {r["counsellor"] for r in d["counsellors"]} == {"Alice Abraham", "Bob Babu"}
    assert d["status_chart"] and d["trend_chart"]


def test_the_unassigned_card_links_to_the_unassigned_list(manager_client, team):
    response = manager_client.get("/")
    assert b'href="/customers/customer/?counsellor=none"' in response.content


def test_the_manager_sees_the_last_imports_and_overdue_follow_ups(manager_client, team, manager):
    from backoffice.imports.models import ImportRun

    ImportRun.objects.create(importer="standard", original_name="expo.csv", sha256="x",
                             size=1, created_by=manager, state=ImportRun.State.COMPLETED,
                             rows=10, created=8, invalid=2)
    team["c5"].next_follow_up = timezone.localdate() - datetime.timedelta(days=2)
    team["c5"].save()
    response = manager_client.get("/")
    d = response.context["dashboard"]
    assert [run.original_name for run in d["imports"]] == ["expo.csv"]
    assert d["overdue_count"] == 1 and d["overdue"][0].name == "c5"
    assert b"expo.csv" in response.content


def test_a_counsellor_sees_only_her_own_figures(alice_client, team):
    d = _dashboard(alice_client)
    assert d["role"] == "counsellor" and d["total"] == 4  # c1, c2, c3, c7
    assert sum(r["customers"] for r in d["status_rows"]) == 4
    assert (d["month_admissions"], d["monthly_target"], d["target_progress"]) == (3, 4, 75.0)
    assert all(change.customer.assigned_to.username == "alice" for change in d["activity"])


def test_a_counsellors_due_list_is_hers_today_first_then_overdue(alice_client, bob, team):
    today = timezone.localdate()
    for key, days in (("c1", -3), ("c2", 0), ("c3", 2), ("c4", -5)):  # c4 is bob's
        team[key].next_follow_up = today + datetime.timedelta(days=days)
        team[key].save()
    d = _dashboard(alice_client)
    assert [c.name for c in d["due"]] == ["c2", "c1"]
    assert (d["due_today"], d["overdue_count"]) == (1, 1)


def test_dashboards_run_a_fixed_number_of_queries(manager_client, alice_client, manager, alice,
                                                  bob):
    demo_customers_create(count=10, counsellors=[alice, bob], by=manager)
    counts = {}
    for name, client in (("manager", manager_client), ("alice", alice_client)):
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        counts[name] = len(queries)
    demo_customers_create(count=80, counsellors=[alice, bob], by=manager, phone_offset=7000)
    for name, client in (("manager", manager_client), ("alice", alice_client)):
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        assert len(queries) == counts[name], name


def test_cached_figures_are_reused_and_expire_within_a_minute(settings, manager_client, team,
                                                             manager, alice):
    settings.DASHBOARD_CACHE_SECONDS = 50
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "dashboard-test"}}
    cache.clear()
    assert settings.DASHBOARD_CACHE_SECONDS < 60
    first = _dashboard(manager_client)
    with CaptureQueriesContext(connection) as queries:
        second = _dashboard(manager_client)
    assert second["total"] == first["total"] and len(queries) < 12
    services.customer_change_status(customer=team["c5"], status="valid", remark="", by=manager)
    cache.clear()  # what the expiry does within DASHBOARD_CACHE_SECONDS
    assert _dashboard(manager_client)["status_rows"][2]["customers"] == 1  # valid


def test_the_kpi_links_open_the_lists_they_count(manager_client, team):
    import re

    from django.urls import reverse

    response = manager_client.get("/")
    d = response.context["dashboard"]
    changelist = reverse("admin:customers_customer_changelist")
    for key, expected in (("unassigned", d["unassigned"]), ("new_this_week", d["new_this_week"]),
                          ("overdue", d["overdue_count"])):
        listed = manager_client.get(d["links"][key])
        assert listed.status_code == 200 and listed.request["PATH_INFO"] == changelist
        assert listed.context["cl"].result_count == expected, key
    assert re.search(rb'href="/customers/customer/\?status__exact=joined"', response.content)


def test_the_team_admissions_count_each_customer_once(manager_client, manager, team):
    # c1 moved back and to Admission again by the manager: still one customer
    services.customer_change_status(customer=team["c1"], status="valid", remark="", by=manager)
    services.customer_change_status(customer=team["c1"], status="admission", remark="",
                                    by=manager)
    assert _dashboard(manager_client)["admissions_this_month"] == 3  # c1, c2, c7
