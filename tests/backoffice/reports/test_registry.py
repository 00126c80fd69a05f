import datetime

import pytest

from backoffice.core.plugins import duplicate_identifier_errors
from backoffice.reports.params import ReportFilterForm, preset_range
from backoffice.reports.registry import Report, report_classes, reports


def test_the_plugins_in_plugins_reports_are_found():
    assert set(reports()) == {"status_distribution", "counsellor_performance",
                              "conversion_funnel", "status_conversion", "area_distribution",
                              "trends", "data_source_quality"}


def test_two_reports_with_one_identifier_fail_the_system_check():
    class Twin(Report):
        identifier = "trends"

    errors = duplicate_identifier_errors([*report_classes(), Twin], kind="report",
                                         check_id="reports.E001")
    assert [e.id for e in errors] == ["reports.E001"] and "trends" in errors[0].msg


def test_the_system_check_passes_with_the_shipped_reports():
    from backoffice.reports.checks import check_report_identifiers

    assert check_report_identifiers(None) == []


@pytest.mark.parametrize(
    ("preset", "start", "end"),
    [
        ("today", "2026-11-24", "2026-11-24"),
        ("this_week", "2026-11-23", "2026-11-24"),  # Monday
        ("this_month", "2026-11-01", "2026-11-24"),
        ("last_30_days", "2026-10-26", "2026-11-24"),
        ("this_year", "2026-01-01", "2026-11-24"),
    ],
)
def test_presets(preset, start, end):
    got = preset_range(preset, datetime.date(2026, 11, 24))
    assert got == (datetime.date.fromisoformat(start), datetime.date.fromisoformat(end))


@pytest.mark.django_db
def test_a_counsellor_gets_no_counsellor_or_source_filter(alice, manager):
    assert "counsellor" not in ReportFilterForm(user=alice).fields
    assert "data_source" not in ReportFilterForm(user=alice).fields
    assert "counsellor" in ReportFilterForm(user=manager).fields


@pytest.mark.django_db
def test_a_custom_range_is_checked(manager):
    form = ReportFilterForm({"preset": "custom", "date_from": "2020-01-01",
                             "date_to": "2026-01-01"}, user=manager)
    assert not form.is_valid() and "five years" in str(form.errors)
