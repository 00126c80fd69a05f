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
        client.get("/")  # the first request reads the working rules into the cache
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


# --- each KPI against the previous period -------------------------------------------

def test_month_so_far_compares_the_same_days_of_the_month_before():
    from backoffice.reports.selectors import month_so_far

    assert month_so_far(datetime.date(2026, 3, 31), previous=True) == (
        datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert month_so_far(datetime.date(2026, 1, 15), previous=True) == (
        datetime.date(2025, 12, 1), datetime.date(2025, 12, 15))
    assert month_so_far(datetime.date(2026, 1, 15)) == (
        datetime.date(2026, 1, 1), datetime.date(2026, 1, 15))


def test_week_so_far_compares_the_same_days_a_week_earlier():
    from backoffice.reports.selectors import week_so_far

    wednesday = datetime.date(2026, 12, 2)
    assert week_so_far(wednesday) == (datetime.date(2026, 11, 30), wednesday)
    assert week_so_far(wednesday, previous=True) == (
        datetime.date(2026, 11, 23), datetime.date(2026, 11, 25))


def test_the_kpi_change_is_said_in_words():
    from backoffice.reports.dashboard import kpi_change

    assert kpi_change(15, 3, "last week") == {
        "direction": "up", "text": "12 more than last week", "before": 3}
    assert kpi_change(1, 1500, "last week")["text"] == "1,499 fewer than last week"
    assert kpi_change(2, 2, "last week")["direction"] == "same"


def test_the_managers_new_leads_card_shows_the_change_against_last_week(manager_client, team,
                                                                          manager):
    today = timezone.localdate()
    last_week = today - datetime.timedelta(days=7)
    for n in range(2):
        services.customer_create(name=f"old {n}", phone=f"+91971000{n:04d}", by=manager,
                                 date_added=last_week - datetime.timedelta(days=last_week.weekday()))
    cache.clear()
    response = manager_client.get("/")
    d = response.context["dashboard"]
    expected = d["new_this_week"] - d["new_last_week"]
    assert d["new_last_week"] == 2
    word = "more" if expected > 0 else "fewer"
    text = d["changes"]["new_this_week"]["text"]
    assert text.startswith(f"{abs(expected)} {word} than") if expected else text.startswith("As many")
    assert text.encode() in response.content


def test_a_counsellors_admissions_card_shows_the_change_against_last_month(alice_client, team):
    d = _dashboard(alice_client)
    assert d["month_admissions_before"] == 0
    assert d["changes"]["month_admissions"]["text"] == "3 more than the same days last month"


def test_the_conversion_card_says_which_customers_it_counts(manager_client):
    html = manager_client.get("/").content.decode()
    card = html.split('data-kpi="conversion"', 1)[1].split("</div>", 1)[0]
    assert "of all customers, since the first" in card


def test_the_managers_overdue_list_is_read_in_its_index_order_not_by_counsellor_name(
        manager_client, team):
    """Ordering by the counsellor (a foreign key) would sort by the counsellor's name:
    a join sort reading every customer of the oldest day."""
    with CaptureQueriesContext(connection) as queries:
        _dashboard(manager_client)
    overdue = [q["sql"] for q in queries.captured_queries
               if "next_follow_up" in q["sql"] and "LIMIT 8" in q["sql"]]
    assert len(overdue) == 1
    order = overdue[0].split("ORDER BY", 1)[1]
    assert "first_name" not in order and "assigned_to_id" in order
