import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from backoffice.audit.models import ActivityLog

pytestmark = pytest.mark.django_db


def test_list_names_every_report(capsys):
    call_command("report", "--list")
    out = capsys.readouterr().out
    for identifier in ("status_distribution", "counsellor_performance", "conversion_funnel",
                       "status_conversion", "area_distribution", "trends",
                       "data_source_quality"):
        assert identifier in out


def test_json_as_a_counsellor_is_her_view(capsys, team, alice):
    call_command("report", "conversion_funnel", "--user", "alice", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["user"] == "alice"
    assert [row["reached"] for row in data["rows"]] == [3, 3, 2, 2, 1]


def test_without_a_user_it_is_everyones_view(capsys, team):
    call_command("report", "conversion_funnel", "--format", "json")
    assert json.loads(capsys.readouterr().out)["rows"][0]["reached"] == 6


def test_csv_and_xlsx_to_a_file_are_logged(tmp_path, team, manager):
    call_command("report", "area_distribution", "--user", "maya", "--output",
                 str(tmp_path / "areas.csv"))
    assert (tmp_path / "areas.csv").read_text(encoding="utf-8-sig").startswith("Area,Customers")
    call_command("report", "trends", "--user", "maya", "--format", "xlsx", "--from",
                 "2026-01-01", "--output", str(tmp_path / "trends.xlsx"))
    sheet = load_workbook(tmp_path / "trends.xlsx").active
    assert next(sheet.values)[0] == "Period starting"
    assert ActivityLog.objects.filter(via="command", user=manager).count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "No report “nope”"),
        (["trends", "--from", "2026-13-01"], "is not a date"),
        (["trends", "--from", "2026-05-02", "--to", "2026-05-01"], "--from is after --to"),
        (["trends", "--user", "ghost"], "No user “ghost”"),
        (["trends", "--format", "xlsx"], "give --output"),
        (["data_source_quality", "--user", "alice"], "may not see"),
    ],
)
def test_mistakes_get_a_one_line_reason(args, message, alice):
    with pytest.raises(CommandError, match=message):
        call_command("report", *args)


def test_a_mistake_exits_non_zero_from_the_shell(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "manage.py", "report", "nope"],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "No report" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
