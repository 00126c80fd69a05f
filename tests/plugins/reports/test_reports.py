"""Every report's numbers on the team of tests/backoffice/reports/conftest.py,
for the manager (everyone) and for each counsellor (only theirs)."""

import datetime

import pytest
from django.utils import timezone

from backoffice.reports.registry import report_get
from tests.backoffice.reports.conftest import params_for

pytestmark = pytest.mark.django_db


def _rows(identifier, params, key):
    return {row[key]: row for row in report_get(identifier)().rows(params)}


def test_the_funnel_is_cumulative_over_the_furthest_stage_reached(team, manager):
    rows = _rows("conversion_funnel", params_for(manager), "stage")
    # c1 Admission, c2 Joined, c3 Contact, c4 Engaged, c5 New, c6 New (c7: last year)
    assert {k: r["reached"] for k, r in rows.items()} == {
        "new": 6, "contact_attempted": 4, "engaged": 3, "admission": 2, "joined": 1}
    assert rows["engaged"]["from_previous"] == 75.0  # 3 of 4
    assert rows["admission"]["share"] == pytest.approx(33.3)  # 2 of 6
    assert rows["new"]["from_previous"] is None


def test_a_counsellors_funnel_counts_only_her_customers(team, alice, bob):
    alice_rows = _rows("conversion_funnel", params_for(alice), "stage")
    assert [r["reached"] for r in alice_rows.values()] == [3, 3, 2, 2, 1]
    bob_rows = _rows("conversion_funnel", params_for(bob), "stage")
    assert [r["reached"] for r in bob_rows.values()] == [2, 1, 1, 0, 0]


def test_the_date_range_reaches_back_to_older_leads(team, manager):
    rows = _rows("conversion_funnel", params_for(manager, days_back=500), "stage")
    assert rows["new"]["reached"] == 7 and rows["admission"]["reached"] == 3


def test_status_distribution_counts_and_shares(team, manager, bob):
    rows = _rows("status_distribution", params_for(manager), "status")
    assert {k: r["customers"] for k, r in rows.items() if r["customers"]} == {
        "admission": 1, "joined": 1, "not_interested": 1, "dropped": 1, "new": 1, "invalid": 1}
    assert rows["joined"]["share"] == pytest.approx(16.7)
    report = report_get("status_distribution")()
    stages = {r["stage_label"]: r["customers"] for r in report.stage_rows(list(rows.values()))}
    assert stages == {"New": 1, "Contact attempted": 0, "Engaged": 0, "Admission": 1,
                      "Joined": 1, "Lost": 3}
    bob_rows = _rows("status_distribution", params_for(bob), "status")
    assert sum(r["customers"] for r in bob_rows.values()) == 2


def test_conversion_from_each_status(team, manager):
    rows = _rows("status_conversion", params_for(manager), "status")
    # ever Valid: c1, c2, c4 -> 2 reached Admission, 1 joined, 1 lost (c4)
    assert (rows["valid"]["ever"], rows["valid"]["admission"], rows["valid"]["joined"],
            rows["valid"]["lost"]) == (3, 2, 1, 1)
    assert rows["valid"]["admission_rate"] == pytest.approx(66.7)
    # every customer was New once: 2 admissions, 1 joined, 3 lost (c3, c4, c6)
    assert (rows["new"]["ever"], rows["new"]["admission"], rows["new"]["lost"]) == (6, 2, 3)
    assert "call_later" in rows and rows["call_later"]["lost"] == 1
    assert "waiting_for_decision" not in rows


def test_area_distribution_with_conversion(team, manager):
    rows = _rows("area_distribution", params_for(manager), "area")
    assert (rows["Kochi"]["customers"], rows["Kochi"]["admissions"], rows["Kochi"]["joined"],
            rows["Kochi"]["lost"]) == (3, 2, 1, 1)
    assert rows["Kochi"]["conversion"] == pytest.approx(66.7)
    assert rows["Kollam"]["customers"] == 2 and rows["Kollam"]["conversion"] == 0.0
    assert list(rows) == ["Kochi", "Kollam", "Thrissur"]  # biggest first


def test_counsellor_performance(team, manager, alice, bob):
    rows = _rows("counsellor_performance", params_for(manager), "counsellor")
    a, b = rows["Alice Abraham"], rows["Bob Babu"]
    assert (a["assigned"], a["contacted"], a["admissions"], a["joined"]) == (3, 3, 2, 1)
    assert a["conversion"] == pytest.approx(66.7)
    # this month's admissions include c7, added last year: 3 of a target of 4
    assert (a["month_admissions"], a["monthly_target"], a["target_progress"]) == (3, 4, 75.0)
    assert (b["assigned"], b["contacted"], b["admissions"], b["conversion"]) == (2, 1, 0, 0.0)
    assert b["monthly_target"] is None and b["target_progress"] is None
    assert list(_rows("counsellor_performance", params_for(bob), "counsellor")) == ["Bob Babu"]


def test_overdue_follow_ups_per_counsellor(team, manager):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for key in ("c1", "c3"):
        team[key].next_follow_up = yesterday
        team[key].save()
    rows = _rows("counsellor_performance", params_for(manager), "counsellor")
    assert rows["Alice Abraham"]["overdue"] == 2 and rows["Bob Babu"]["overdue"] == 0


def test_first_contact_median_in_hours(team, manager):
    now = timezone.now()
    for key, hours in (("c1", 1), ("c2", 3), ("c3", 8)):
        customer = team[key]
        customer.assigned_at = now - datetime.timedelta(hours=hours)
        customer.first_contacted = now
        customer.save()
    rows = _rows("counsellor_performance", params_for(manager), "counsellor")
    assert rows["Alice Abraham"]["first_contact_hours"] == 3.0


def test_trends_per_day(team, manager, alice):
    today = timezone.localdate()
    rows = report_get("trends")().rows(params_for(manager, granularity="day"))
    assert len(rows) == 1 and rows[0]["period"] == today
    # contacts: status updates after creation: 3+4+2+2+0+1+1; admissions c1, c2, c7
    assert (rows[0]["new_leads"], rows[0]["contacts"], rows[0]["admissions"],
            rows[0]["joined"]) == (6, 13, 3, 1)
    mine = report_get("trends")().rows(params_for(alice, granularity="day"))[0]
    assert (mine["new_leads"], mine["contacts"], mine["admissions"]) == (3, 10, 3)


def test_trends_fill_every_period_of_the_range(team, manager):
    rows = report_get("trends")().rows(params_for(manager, days_back=9, granularity="day"))
    assert len(rows) == 10 and sum(r["new_leads"] for r in rows) == 6
    monthly = report_get("trends")().rows(params_for(manager, days_back=400,
                                                     granularity="month"))
    assert sum(r["new_leads"] for r in monthly) == 7


def test_filters_narrow_every_report(team, manager, alice):
    kochi = params_for(manager, area="kochi")
    assert sum(r["customers"] for r in report_get("status_distribution")().rows(kochi)) == 3
    by_alice = params_for(manager, counsellor_id=alice.pk)
    assert report_get("conversion_funnel")().rows(by_alice)[0]["reached"] == 3


def test_data_source_quality(team, manager):
    from backoffice.imports.models import DataSource, ImportRun

    expo = DataSource.objects.create(name="Expo", slug="expo", importer="standard")
    ImportRun.objects.create(data_source=expo, importer="standard", original_name="a.csv",
                             sha256="x", size=1, created_by=manager,
                             state=ImportRun.State.COMPLETED, rows=10, created=2, invalid=3,
                             duplicates=5, updated=0, unchanged=0)
    for key in ("c1", "c4"):
        team[key].data_source = expo
        team[key].save()
    rows = _rows("data_source_quality", params_for(manager), "data_source")
    row = rows["Expo"]
    assert (row["rows"], row["invalid_share"], row["duplicate_share"]) == (10, 30.0, 50.0)
    assert (row["customers"], row["admissions"], row["conversion"]) == (2, 1, 50.0)
    assert rows["No data source"]["customers"] == 4


def test_data_source_quality_is_for_managers_only(alice, manager):
    assert not report_get("data_source_quality").visible_to(alice)
    assert report_get("data_source_quality").visible_to(manager)


def test_the_first_contact_median_leaves_out_customers_contacted_before_assignment(team,
                                                                                  manager):
    now = timezone.now()
    for key, hours in (("c1", 2), ("c2", 4)):
        team[key].assigned_at = now - datetime.timedelta(hours=hours)
        team[key].first_contacted = now
        team[key].save()
    team["c3"].assigned_at = now  # reassigned after its first contact
    team["c3"].first_contacted = now - datetime.timedelta(days=3)
    team["c3"].save()
    rows = _rows("counsellor_performance", params_for(manager), "counsellor")
    assert rows["Alice Abraham"]["first_contact_hours"] == 3.0  # median of 2 h and 4 h


def test_month_admissions_are_counted_for_who_recorded_them(team, manager, alice):
    from backoffice.customers import services

    # bob's c4 moved on to Admission by the manager: not bob's, but the team's
    services.customer_change_status(customer=team["c4"], status="admission", remark="",
                                    by=manager)
    rows = _rows("counsellor_performance", params_for(manager), "counsellor")
    assert rows["Bob Babu"]["month_admissions"] == 0
    assert rows["Alice Abraham"]["month_admissions"] == 3
