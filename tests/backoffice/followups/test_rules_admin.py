"""Managers edit the working rules, holidays and ageing limits in the admin;
nobody else has those pages."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.followups.calendar import work_calendar
from backoffice.followups.models import Holiday, StatusAgeing, WorkRules

RULES_LIST = reverse("admin:followups_workrules_changelist")
RULES = reverse("admin:followups_workrules_change", args=[1])
HOLIDAYS = reverse("admin:followups_holiday_changelist")
HOLIDAY_ADD = reverse("admin:followups_holiday_add")


def _rules_form(**changes):
    data = {"working_days": ["0", "1", "2", "3", "4"], "day_starts": "09:30",
            "day_ends": "18:30", "sla_minutes": "90", "cadence": "2h, 1d", "max_attempts": "4",
            "digest_time": "08:30", "escalate_after_days": "3"}
    data.update(changes)
    return data


def test_the_rules_list_opens_the_one_row(manager_client):
    response = manager_client.get(RULES_LIST)
    assert response.status_code == 302 and response.url == RULES
    assert manager_client.get(RULES).status_code == 200


def test_a_manager_changes_the_rules_and_they_apply_at_once(manager_client):
    manager_client.get(RULES_LIST)
    response = manager_client.post(RULES, _rules_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    rules = WorkRules.current()
    assert rules.working_days == "01234" and rules.max_attempts == 4
    assert rules.day_starts == datetime.time(9, 30) and rules.sla_minutes == 90
    assert [step.total_seconds() for step in rules.cadence_steps] == [7200, 86400]


def test_the_rules_page_shows_hours_and_minutes_in_plain_words(manager_client):
    manager_client.get(RULES_LIST)
    page = manager_client.get(RULES).content.decode()
    assert 'value="09:00"' in page
    # no box a person sees holds seconds (Django's hidden "initial" copies may)
    assert not re.search(r'<input(?![^>]*type="hidden")[^>]*value="\d\d:\d\d:\d\d"', page)
    assert "Call-back schedule" in page and "Call-back cadence" not in page


@pytest.mark.parametrize(("change", "message"), [
    ({"cadence": "soon"}, "is not a wait"),
    ({"cadence": ""}, "This field is required"),
    ({"working_days": []}, "Choose at least one working day"),
    ({"day_ends": "08:00"}, "must end after it starts"),
    ({"max_attempts": "0"}, "greater than or equal to 1"),
])
def test_a_wrong_rule_is_refused_with_the_reason(manager_client, change, message):
    manager_client.get(RULES_LIST)
    response = manager_client.post(RULES, _rules_form(**change))
    assert response.status_code == 200 and message in response.content.decode()
    assert WorkRules.current().cadence == "4h, 1d, 2d"


def test_a_holiday_added_counts_at_once(manager_client):
    work_calendar()  # read and kept
    response = manager_client.post(HOLIDAY_ADD, {"date": "25/12/2026", "name": "Christmas"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert datetime.date(2026, 12, 25) in work_calendar().holidays
    Holiday.objects.all().delete()
    assert not work_calendar().holidays


def test_ageing_limits_are_listed_and_edited(manager_client):
    response = manager_client.get(reverse("admin:followups_statusageing_changelist"))
    assert response.status_code == 200 and b"Waiting for fees" in response.content
    limit = StatusAgeing.objects.get(status="new")
    response = manager_client.post(
        reverse("admin:followups_statusageing_change", args=[limit.pk]),
        {"status": "new", "max_idle_days": "2"})
    assert response.status_code == 302
    limit.refresh_from_db()
    assert limit.max_idle_days == 2


@pytest.mark.parametrize("who", ["alice_client", "reviewer_client"])
@pytest.mark.parametrize("url", [RULES_LIST, HOLIDAYS, HOLIDAY_ADD,
                                 reverse("admin:followups_statusageing_changelist")])
def test_counsellors_and_compliance_have_no_rules_pages(request, who, url):
    client = request.getfixturevalue(who)
    assert client.get(url).status_code in (403, 404)


def test_a_counsellor_cannot_change_the_rules(alice_client):
    WorkRules.objects.get_or_create(pk=1)
    response = alice_client.post(RULES, _rules_form(max_attempts="99"))
    assert response.status_code == 404
    assert WorkRules.current().max_attempts == 5


def test_a_holiday_that_leaves_no_working_time_is_refused(manager_client, monkeypatch):
    from backoffice.followups import calendar

    # a walk of 10 days holds one or two Mondays, whatever today is
    monkeypatch.setattr(calendar, "MAX_DAYS_WALKED", 10)
    WorkRules.objects.create(working_days="0", sla_minutes=60)  # Mondays only
    today = timezone.localdate()
    days = [today + datetime.timedelta(days=d) for d in range(10)]
    mondays = [day for day in days if day.weekday() == 0]
    tuesday = next(day for day in days if day.weekday() == 1)
    # a day off that is no working day anyway is fine
    response = manager_client.post(HOLIDAY_ADD, {"date": tuesday.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    for monday in mondays[:-1]:
        Holiday.objects.create(date=monday)
    response = manager_client.post(HOLIDAY_ADD, {"date": mondays[-1].strftime("%d/%m/%Y"),
                                                 "name": "One more"})
    assert response.status_code == 200
    assert "never reach the first-call target" in response.content.decode()
    assert not Holiday.objects.filter(date=mondays[-1]).exists()
