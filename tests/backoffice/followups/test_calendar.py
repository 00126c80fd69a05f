"""Working time: the first-call clock across evenings, weekends and holidays."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from backoffice.followups.calendar import WorkCalendar
from backoffice.followups.rules import cadence_follow_up, sla_times

KOLKATA = ZoneInfo("Asia/Kolkata")
# 4 Dec 2026 is a Friday
FRIDAY = datetime.date(2026, 12, 4)
MONDAY = datetime.date(2026, 12, 7)


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), KOLKATA)


def weekdays_only(holidays=()):
    return WorkCalendar(weekdays=frozenset(range(5)), day_starts=datetime.time(9),
                        day_ends=datetime.time(18), holidays=frozenset(holidays), tz=KOLKATA)


def test_two_working_hours_from_friday_evening_end_on_monday_morning():
    due, warn = sla_times(assigned_at=at(FRIDAY, 17), minutes=120, calendar=weekdays_only())
    assert due == at(MONDAY, 10)
    assert warn == at(MONDAY, 9, 30)  # 75% of the two hours


def test_a_holiday_on_monday_moves_the_deadline_to_tuesday():
    calendar = weekdays_only(holidays=[MONDAY])
    due, _ = sla_times(assigned_at=at(FRIDAY, 17), minutes=120, calendar=calendar)
    assert due == at(MONDAY + datetime.timedelta(days=1), 10)


def test_a_lead_assigned_on_sunday_counts_from_monday_opening():
    due, _ = sla_times(assigned_at=at(MONDAY - datetime.timedelta(days=1), 11), minutes=120,
                       calendar=weekdays_only())
    assert due == at(MONDAY, 11)


def test_a_lead_assigned_before_opening_counts_from_opening():
    due, _ = sla_times(assigned_at=at(MONDAY, 6, 15), minutes=120, calendar=weekdays_only())
    assert due == at(MONDAY, 11)


def test_a_lead_assigned_within_hours_is_due_two_hours_later():
    due, _ = sla_times(assigned_at=at(MONDAY, 10, 20), minutes=120, calendar=weekdays_only())
    assert due == at(MONDAY, 12, 20)


def test_the_saturday_of_the_default_week_is_a_working_day():
    six_days = WorkCalendar(weekdays=frozenset(range(6)), day_starts=datetime.time(9),
                            day_ends=datetime.time(18), tz=KOLKATA)
    due, _ = sla_times(assigned_at=at(FRIDAY, 17), minutes=120, calendar=six_days)
    assert due == at(FRIDAY + datetime.timedelta(days=1), 10)


def test_the_clock_reads_site_time_whatever_the_time_zone_of_the_moment():
    utc_moment = at(FRIDAY, 17).astimezone(datetime.UTC)
    due, _ = sla_times(assigned_at=utc_moment, minutes=120, calendar=weekdays_only())
    assert due == at(MONDAY, 10)


def test_working_time_between_two_moments_skips_nights_weekends_and_holidays():
    calendar = weekdays_only(holidays=[MONDAY])
    assert calendar.between(at(FRIDAY, 17), at(MONDAY + datetime.timedelta(days=1), 10)
                            ) == datetime.timedelta(hours=2)
    assert calendar.between(at(MONDAY, 12), at(FRIDAY, 12)) == datetime.timedelta(0)


def test_a_calendar_without_working_days_is_refused():
    calendar = WorkCalendar(weekdays=frozenset(), day_starts=datetime.time(9),
                            day_ends=datetime.time(18), tz=KOLKATA)
    with pytest.raises(ValueError):
        calendar.add(at(FRIDAY, 9), 60)


@pytest.mark.parametrize(("now", "unanswered", "expected"), [
    # first unanswered call: four hours later, the same day
    (at(MONDAY, 10), 1, (MONDAY, datetime.time(14))),
    # four hours after 4 pm is after closing: next working day's opening
    (at(MONDAY, 16), 1, (MONDAY + datetime.timedelta(days=1), datetime.time(9))),
    # four hours after a Friday 3 pm call: Monday's opening
    (at(FRIDAY, 15), 1, (MONDAY, datetime.time(9))),
    # second: the next day, no time of day
    (at(MONDAY, 10), 2, (MONDAY + datetime.timedelta(days=1), None)),
    # second on a Friday: the next working day
    (at(FRIDAY, 10), 2, (MONDAY, None)),
    # third and on: two days later, the last step repeating
    (at(MONDAY, 10), 3, (MONDAY + datetime.timedelta(days=2), None)),
    (at(MONDAY, 10), 9, (MONDAY + datetime.timedelta(days=2), None)),
])
def test_the_call_back_cadence(now, unanswered, expected):
    steps = [datetime.timedelta(hours=4), datetime.timedelta(days=1), datetime.timedelta(days=2)]
    assert cadence_follow_up(now=now, unanswered=unanswered, steps=steps,
                             calendar=weekdays_only()) == expected
