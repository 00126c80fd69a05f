"""The report filters as people use them: unfold's widgets, day-first date
boxes filled by the period chosen, a reversed range that draws nothing and
says why, the site's time zone said once, partial periods marked."""

import datetime
import re

import pytest
from django.utils import timezone

from backoffice.reports.params import ReportParams, preset_range
from backoffice.reports.selectors import period_partial

pytestmark = pytest.mark.django_db

REVERSED = "/reports/trends/?preset=custom&date_from=10/05/2026&date_to=01/04/2026"


def _box(content: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', content).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


def test_compliance_has_no_report_to_fill(reviewer_client):
    assert reviewer_client.get("/reports/trends/?preset=this_month").status_code == 404


@pytest.mark.parametrize("who", ["manager", "alice", "superuser"])
def test_this_month_fills_the_from_and_to_boxes_with_its_days(request, who):
    client = request.getfixturevalue(f"{who}_client")
    response = client.get("/reports/trends/?preset=this_month")
    content = response.content.decode()
    start, end = preset_range("this_month")
    assert _box(content, "date_from") == start.strftime("%d/%m/%Y")
    assert _box(content, "date_to") == end.strftime("%d/%m/%Y")


def test_every_period_fills_the_boxes(manager_client):
    for preset in ("today", "this_week", "last_30_days", "this_year"):
        content = manager_client.get(f"/reports/status_distribution/?preset={preset}"
                                     ).content.decode()
        start, end = preset_range(preset)
        assert (_box(content, "date_from"), _box(content, "date_to")) == (
            start.strftime("%d/%m/%Y"), end.strftime("%d/%m/%Y")), preset


def test_the_page_without_filters_shows_this_month_in_its_boxes(alice_client):
    content = alice_client.get("/reports/trends/").content.decode()
    assert _box(content, "date_from") == timezone.localdate().replace(day=1).strftime("%d/%m/%Y")


def test_dates_typed_day_first_are_read_day_first(manager_client):
    content = manager_client.get("/reports/trends/?date_from=02/03/2026&date_to=04/03/2026"
                                 ).content.decode()
    assert "2 Mar 2026 – 4 Mar 2026" in content


def test_the_filters_are_unfolds_styled_widgets_not_native_date_pickers(manager_client):
    content = manager_client.get("/reports/trends/").content.decode()
    assert 'type="date"' not in content
    assert 'placeholder="dd/mm/yyyy"' in content
    select = re.search(r'<select[^>]*name="preset"[^>]*>', content).group(0)
    assert "border-base-200" in select  # unfold's input classes


@pytest.mark.parametrize("who", ["manager", "alice"])
def test_a_start_after_the_end_draws_nothing_and_says_why(request, who):
    client = request.getfixturevalue(f"{who}_client")
    response = client.get(REVERSED)
    content = response.content.decode()
    assert response.status_code == 200
    assert ("Nothing is shown: the start date (10 May 2026) is after the end date "
            "(1 Apr 2026)") in content
    assert 'id="report-table"' not in content and "<canvas" not in content
    assert 'id="export-csv"' not in content


def test_an_export_of_a_reversed_range_writes_no_file(manager_client):
    response = manager_client.get(REVERSED.replace("/trends/?", "/trends/export/csv/?"))
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert b"is after the end date" in response.content


def test_a_date_that_cannot_be_read_says_how_to_write_it(manager_client):
    content = manager_client.get("/reports/trends/?date_from=12/31/2026").content.decode()
    assert "day/month/year (for example 25/12/2026)" in content
    assert 'id="report-table"' not in content


def test_the_filter_says_once_which_time_zone_its_days_are_in(manager_client, settings):
    content = manager_client.get("/reports/trends/").content.decode()
    assert content.count("Days are counted in the site&#x27;s time zone (Asia/Kolkata)") == 1


def test_a_hostile_area_is_escaped_in_the_filter(manager_client):
    content = manager_client.get('/reports/area_distribution/?area="><script>x</script>'
                                 ).content.decode()
    assert "<script>x</script>" not in content


def _params(date_from, date_to, granularity):
    return ReportParams(user=None, date_from=date_from, date_to=date_to,
                        granularity=granularity)


def test_the_week_today_is_in_is_partial_so_far():
    today = datetime.date(2026, 12, 2)  # a Wednesday
    params = _params(datetime.date(2026, 11, 1), today, "week")
    assert period_partial(datetime.date(2026, 11, 30), params, today=today) == "so far"
    assert period_partial(datetime.date(2026, 11, 23), params, today=today) == ""


def test_a_week_the_range_cuts_is_partial():
    today = datetime.date(2026, 12, 2)
    params = _params(datetime.date(2026, 11, 4), datetime.date(2026, 11, 20), "week")
    assert period_partial(datetime.date(2026, 11, 2), params, today=today) == "part"
    assert period_partial(datetime.date(2026, 11, 9), params, today=today) == ""
    assert period_partial(datetime.date(2026, 11, 16), params, today=today) == "part"


def test_a_whole_month_in_the_past_is_not_partial():
    params = _params(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), "month")
    assert period_partial(datetime.date(2026, 2, 1), params,
                          today=datetime.date(2026, 12, 2)) == ""


def test_the_trends_mark_the_current_period_in_chart_table_and_note(manager_client, team):
    import json
    from html import unescape

    content = manager_client.get("/reports/trends/?preset=this_month&granularity=month"
                                 ).content.decode()
    data = json.loads(unescape(re.search(r'data-value="([^"]*)"', content).group(1)))
    assert data["labels"][-1].endswith("(so far)")
    assert data["datasets"][0]["pointRadius"][-1] == 6
    assert "so far: still counting" in content
    assert "are not whole" in content


def test_an_unknown_period_from_an_old_link_shows_this_month(manager_client):
    content = manager_client.get("/reports/trends/?preset=year").content.decode()
    assert _box(content, "date_from") == timezone.localdate().replace(day=1).strftime("%d/%m/%Y")
    assert 'id="report-table"' in content
