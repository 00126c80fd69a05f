"""Report pages and exports: the viewer's scope on every path, exports that
neutralise formulas, and every export in the activity log."""

import csv
import io

import pytest
from openpyxl import load_workbook

from backoffice.audit.models import ActivityLog
from backoffice.reports.registry import reports
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("identifier", sorted(reports()))
def test_every_report_page_renders_for_a_manager(manager_client, team, identifier):
    response = manager_client.get(f"/reports/{identifier}/?preset=this_year")
    assert response.status_code == 200
    assert b'id="report-table"' in response.content


@pytest.mark.parametrize("identifier", sorted(set(reports()) - {"data_source_quality"}))
def test_every_report_page_renders_for_a_counsellor(alice_client, team, identifier):
    assert alice_client.get(f"/reports/{identifier}/").status_code == 200


def test_a_manager_only_report_is_not_found_for_a_counsellor(alice_client):
    assert alice_client.get("/reports/data_source_quality/").status_code == 404
    assert alice_client.get("/reports/data_source_quality/export/csv/").status_code == 404
    assert alice_client.get("/reports/no_such_report/").status_code == 404


def test_the_report_list_shows_what_the_viewer_may_open(alice_client, manager_client):
    assert b"Data-source quality" not in alice_client.get("/reports/").content
    assert b"Data-source quality" in manager_client.get("/reports/").content


def test_reports_need_a_login(client):
    response = client.get("/reports/trends/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_counsellor_cannot_widen_her_scope_with_the_counsellor_filter(bob, team, alice):
    from tests.conftest import _client_for

    rows = _csv(_client_for(bob).get(
        f"/reports/status_distribution/export/csv/?preset=this_year&counsellor={alice.pk}"))
    total = rows[-1]
    assert total[0] == "All" and total[2] == "2"  # bob's c4 and c5 only


def test_a_counsellors_export_holds_only_her_customers(alice_client, team):
    rows = _csv(alice_client.get("/reports/area_distribution/export/csv/?preset=this_year"))
    assert rows[0][:2] == ["Area", "Customers"]
    assert {r[0]: r[1] for r in rows[1:]} == {"Kochi": "2", "Thrissur": "1"}


def test_the_csv_export_neutralises_formulas(manager_client, manager):
    CustomerFactory(area="=HYPERLINK(\"http://evil\")")
    rows = _csv(manager_client.get("/reports/area_distribution/export/csv/?preset=this_year"))
    assert rows[1][0].startswith("'=HYPERLINK")


def test_the_xlsx_export_has_the_table_and_totals(manager_client, team):
    response = manager_client.get("/reports/trends/export/xlsx/?preset=today&granularity=day")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert values[0] == ("Period starting", "New leads", "Contacts", "Admissions", "Joined",
                         "Partial period")
    assert values[1][1:] == (6, 13, 3, 1, "so far: still counting")
    assert values[-1][1:5] == (6, 13, 3, 1)  # totals row


def test_an_export_is_recorded_in_the_activity_log(manager_client, manager, team):
    manager_client.get("/reports/conversion_funnel/export/xlsx/?preset=this_year&area=Kochi")
    entry = ActivityLog.objects.get()
    assert (entry.user, entry.action, entry.rows, entry.via) == (manager, "export", 5, "web")
    assert entry.details["report"] == "conversion_funnel" and entry.details["area"] == "Kochi"
    assert "Conversion funnel (XLSX)" == entry.target


def test_a_bad_range_is_explained_and_the_page_still_works(manager_client):
    response = manager_client.get("/reports/trends/?preset=custom&date_from=2026-05-01"
                                  "&date_to=2026-04-01")
    assert response.status_code == 200
    assert ("the start date (1 May 2026) is after the end date (1 Apr 2026)"
            in response.content.decode())


@pytest.mark.parametrize("identifier", sorted(reports()))
def test_report_pages_run_a_fixed_number_of_queries(manager_client, manager, alice, bob,
                                                   django_assert_max_num_queries, identifier):
    from backoffice.customers.demo import demo_customers_create

    url = f"/reports/{identifier}/?preset=this_year"
    demo_customers_create(count=10, counsellors=[alice, bob], by=manager)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        manager_client.get(url)
    demo_customers_create(count=60, counsellors=[alice, bob], by=manager, phone_offset=5000)
    with django_assert_max_num_queries(len(small.captured_queries)):
        manager_client.get(url)


def test_the_activity_log_is_for_managers(manager_client, alice_client, manager):
    manager_client.get("/reports/trends/export/csv/")
    assert manager_client.get("/audit/activitylog/").status_code == 200
    assert alice_client.get("/audit/activitylog/").status_code == 403
