"""The report endpoints through the API: the report pages' tables as JSON,
with the pages' filters and the pages' rules about who sees what."""

import datetime

import pytest
from django.utils import timezone

from backoffice.imports.models import DataSource
from backoffice.reports.registry import reports, reports_for
from tests.factories import CustomerFactory
from tests.security.payloads import SQL, XSS

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"


@pytest.fixture
def customers(alice, bob):
    today = timezone.localdate()
    CustomerFactory.create_batch(2, assigned_to=alice, area="Kochi", date_added=today)
    CustomerFactory.create_batch(3, assigned_to=bob, area="Kollam", date_added=today)
    CustomerFactory(assigned_to=bob, area="Kochi", date_added=today)
    # outside this month's range
    CustomerFactory(assigned_to=alice, area="Kochi", date_added=today - datetime.timedelta(400))


def _areas(response) -> dict:
    assert response.status_code == 200, response.content
    return {row["area"]: row["customers"] for row in response.json()["rows"]}


def test_the_list_has_the_reports_the_caller_may_see(manager_api, alice_api, manager, alice):
    mine = [r["identifier"] for r in alice_api.get(URL).json()["results"]]
    assert mine == [cls.identifier for cls in reports_for(alice)]
    assert "data_source_quality" not in mine
    everything = [r["identifier"] for r in manager_api.get(URL).json()["results"]]
    assert set(everything) == set(reports())


def test_compliance_sees_no_reports(reviewer_api):
    assert reviewer_api.get(URL).json()["results"] == []
    assert reviewer_api.get(f"{URL}area_distribution/").status_code == 403


def test_a_report_has_its_columns_rows_totals_and_notes(manager_api, customers):
    response = manager_api.get(f"{URL}status_distribution/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert {"key": "customers", "label": "Customers", "kind": "int"} in body["columns"]
    assert body["totals"]["customers"] == 6
    assert body["notes"] == [] and body["report"]["identifier"] == "status_distribution"
    assert body["params"]["preset"] == "this_month"


@pytest.mark.parametrize("identifier", sorted(reports()))
def test_every_report_answers_as_json(manager_api, customers, identifier):
    response = manager_api.get(f"{URL}{identifier}/", {"preset": "this_year"})
    assert response.status_code == 200, response.content
    keys = {column["key"] for column in response.json()["columns"]}
    assert all(keys <= set(row) for row in response.json()["rows"])


def test_a_counsellors_report_counts_only_their_customers(alice_api, bob_api, manager_api,
                                                          customers):
    assert _areas(alice_api.get(f"{URL}area_distribution/")) == {"Kochi": 2}
    assert _areas(bob_api.get(f"{URL}area_distribution/")) == {"Kollam": 3, "Kochi": 1}
    assert _areas(manager_api.get(f"{URL}area_distribution/")) == {"Kollam": 3, "Kochi": 3}


def test_a_counsellor_may_not_ask_for_another_counsellors_numbers(alice_api, bob, customers):
    response = alice_api.get(f"{URL}area_distribution/", {"counsellor": bob.pk})
    assert response.status_code == 400 and "counsellor" in response.json()


def test_a_manager_filters_by_counsellor_area_and_source(manager_api, bob, customers):
    assert _areas(manager_api.get(f"{URL}area_distribution/",
                                  {"counsellor": bob.pk})) == {"Kollam": 3, "Kochi": 1}
    assert _areas(manager_api.get(f"{URL}area_distribution/", {"area": "kollam"})) == {"Kollam": 3}
    source = DataSource.objects.create(name="Fair", slug="fair", importer="standard")
    assert _areas(manager_api.get(f"{URL}area_distribution/", {"data_source": source.pk})) == {}


def test_the_dates_choose_the_period(manager_api, customers):
    old = timezone.localdate() - datetime.timedelta(400)
    day = old.isoformat()
    assert _areas(manager_api.get(f"{URL}area_distribution/",
                                  {"date_from": day, "date_to": day})) == {"Kochi": 1}
    written = old.strftime("%d/%m/%Y")
    body = manager_api.get(f"{URL}area_distribution/",
                           {"preset": "custom", "date_from": written, "date_to": written}).json()
    assert body["params"]["date_from"] == day and body["params"]["preset"] == "custom"


def test_a_managers_only_report_is_a_403_for_counsellors(alice_api):
    response = alice_api.get(f"{URL}data_source_quality/")
    assert response.status_code == 403 and response.json()["detail"]


def test_an_unknown_report_is_a_json_404(manager_api):
    response = manager_api.get(f"{URL}no_such_report/")
    assert response.status_code == 404 and response.json()["detail"]


@pytest.mark.parametrize("params", [
    {"preset": "custom", "date_from": "2026-03-01", "date_to": "2026-02-01"},
    {"date_from": "31-31-2026"}, {"date_from": "2000-01-01", "date_to": "2026-01-01"},
    {"counsellor": "abc"}, {"counsellor": "999999"}, {"data_source": "999999"},
    {"granularity": "week"}, {"preset": "last_decade"}, {"date_to": ""}, {"preset": ""}, {"area": "x" * 500}, {"whatever": "1"},
])
def test_a_wrong_filter_is_a_400_with_the_reason(manager_api, params):
    response = manager_api.get(f"{URL}area_distribution/", params)
    assert response.status_code == 400, response.content
    assert response.json()


@pytest.mark.parametrize("identifier", ["trends", "data_source_quality", "area_distribution"])
@pytest.mark.parametrize("params", [
    {"date_from": "9999-12-30", "date_to": "9999-12-31"},
    {"date_from": "0001-01-01", "date_to": "0001-01-02"},
])
def test_dates_at_the_ends_of_the_calendar_are_a_400_saying_which(manager_api, identifier,
                                                                  params):
    response = manager_api.get(f"{URL}{identifier}/", params)
    assert response.status_code == 400
    assert "between 1900 and 2999" in str(response.json()["detail"])


def test_trends_take_a_granularity(manager_api, customers):
    response = manager_api.get(f"{URL}trends/", {"granularity": "week"})
    assert response.status_code == 200, response.content
    assert response.json()["params"]["granularity"] == "week"


@pytest.mark.parametrize("value", XSS + SQL)
def test_hostile_filter_values_are_data(manager_api, customers, value):
    response = manager_api.get(f"{URL}area_distribution/", {"area": value})
    assert response["Content-Type"] == "application/json"
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("area", XSS)
def test_hostile_areas_come_back_as_json_data(manager_api, alice, area):
    CustomerFactory(assigned_to=alice, area=area, date_added=timezone.localdate())
    response = manager_api.get(f"{URL}area_distribution/")
    assert response["Content-Type"] == "application/json"
    assert area in _areas(response)
