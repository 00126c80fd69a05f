"""The counsellor performance report's call columns and the dashboards'
first-call and attention figures, as the pages show them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.customers.statuses import Status
from tests.factories import CustomerFactory

REPORT = reverse("reports:report", args=["counsellor_performance"])


def _ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


@pytest.fixture
def calls(alice, bob):
    # Alice: reached after 3 attempts, first call in time
    CustomerFactory(assigned_to=alice, status=Status.VALID, attempts=3, connected_at=_ago(hours=1),
                    attempts_to_connect=3, sla_due_at=_ago(hours=5), sla_reached_at=_ago(hours=6))
    # Alice: 2 unanswered calls, first call late
    CustomerFactory(assigned_to=alice, status=Status.CALL_NOT_ATTENDED, attempts=2,
                    attempts_unanswered=2, sla_due_at=_ago(hours=5), sla_reached_at=_ago(hours=1))
    # Alice: not called yet, the clock still running: no outcome yet
    CustomerFactory(assigned_to=alice, sla_due_at=timezone.now() + datetime.timedelta(hours=1))
    # Bob: not called and past due
    CustomerFactory(assigned_to=bob, sla_due_at=_ago(hours=2), sla_stage=2)


def _rows(response):
    table = response.context["table"]
    return {row["counsellor"]: row for row in table.rows}, table.totals


def test_the_report_shows_attempts_connection_and_first_call_in_time(manager_client, calls,
                                                                     alice, bob):
    rows, totals = _rows(manager_client.get(REPORT))
    alice_row = rows[str(alice)]
    assert alice_row["attempts_per_lead"] == 1.7  # 5 attempts over 3 leads
    assert alice_row["attempts_to_connect"] == 3.0
    assert alice_row["connection_rate"] == 50.0  # 1 reached of 2 called
    assert alice_row["sla_share"] == 50.0  # 1 in time of 2 decided
    assert rows[str(bob)]["sla_share"] == 0.0
    assert totals["sla_share"] == pytest.approx(33.3)
    assert totals["attempts_per_lead"] == 1.2  # 5 over 4


def test_the_report_page_prints_the_new_columns(manager_client, calls):
    page = manager_client.get(REPORT).content.decode()
    for heading in ("First call in time", "Attempts per lead", "Attempts to reach",
                    "Connection rate"):
        assert heading in page


def test_a_counsellor_sees_only_her_own_figures(alice_client, calls, alice):
    rows, _ = _rows(alice_client.get(REPORT))
    assert list(rows) == [str(alice)]


def test_the_csv_export_has_the_call_columns(manager_client, calls):
    response = manager_client.get(reverse("reports:export", args=["counsellor_performance",
                                                                  "csv"]))
    header = b"".join(response.streaming_content).decode().splitlines()[0]
    assert "Attempts per lead" in header and "First call in time" in header


def test_the_manager_dashboard_shows_attention_counts_and_first_call_share(manager_client,
                                                                         calls):
    d = manager_client.get("/").context["dashboard"]
    counts = {key: d["attention"][key] for key in ("first_call_late", "not_reachable", "aged")}
    assert counts == {"first_call_late": 1, "not_reachable": 0, "aged": 0}
    assert d["sla_share"] == pytest.approx(33.3)
    page = manager_client.get("/").content.decode()
    assert 'data-kpi="first_call_late">1<' in page


def test_the_counsellor_dashboard_shows_her_first_call_share(alice_client, calls):
    d = alice_client.get("/").context["dashboard"]
    assert d["sla_share"] == 50.0 and d["connection_rate"] == 50.0


def test_the_dashboard_reads_the_schedulers_counts_while_they_are_recent(manager_client, calls,
                                                                       alice):
    from backoffice.followups.attention import attention_snapshot_sweep
    from backoffice.followups.models import AttentionSnapshot

    attention_snapshot_sweep()
    CustomerFactory(assigned_to=alice, sla_due_at=_ago(hours=1))
    d = manager_client.get("/").context["dashboard"]
    assert d["attention"]["first_call_late"] == 1  # as the scheduler counted
    AttentionSnapshot.objects.update(computed_at=_ago(hours=1))
    d = manager_client.get("/").context["dashboard"]
    assert d["attention"]["first_call_late"] == 2  # too old: counted again
