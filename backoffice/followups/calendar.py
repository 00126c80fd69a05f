"""Working time: the first-call SLA runs only on working days, within working
hours, and never on a holiday. Pure functions of their arguments; times are
aware datetimes, the working day is read in the site's time zone."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache

# A calendar with no working day in a year is refused when saved; this bounds
# the walk anyway.
MAX_DAYS_WALKED = 800

HOLIDAYS_CACHE_KEY = "followups:holidays:v1"


@dataclass(frozen=True)
class WorkCalendar:
    weekdays: frozenset[int]
    day_starts: datetime.time
    day_ends: datetime.time
    holidays: frozenset[datetime.date] = field(default_factory=frozenset)
    tz: datetime.tzinfo = field(default_factory=lambda: ZoneInfo(settings.TIME_ZONE))

    def is_working_day(self, day: datetime.date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def _window(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        return (datetime.datetime.combine(day, self.day_starts, self.tz),
                datetime.datetime.combine(day, self.day_ends, self.tz))

    def add(self, start: datetime.datetime, minutes: float) -> datetime.datetime:
        """The moment ``minutes`` of working time after ``start``."""
        remaining = datetime.timedelta(minutes=minutes)
        local = start.astimezone(self.tz)
        day = local.date()
        for _ in range(MAX_DAYS_WALKED):
            if self.is_working_day(day):
                opens, closes = self._window(day)
                begin = max(local, opens)
                if begin < closes:
                    if begin + remaining <= closes:
                        return begin + remaining
                    remaining -= closes - begin
            day += datetime.timedelta(days=1)
            local = datetime.datetime.combine(day, datetime.time(0), self.tz)
        raise ValueError("No working time in the calendar.")

    def between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """Working time from ``start`` to ``end`` (zero if end is not later)."""
        if end <= start:
            return datetime.timedelta(0)
        total = datetime.timedelta(0)
        local_start, local_end = start.astimezone(self.tz), end.astimezone(self.tz)
        day = local_start.date()
        for _ in range(MAX_DAYS_WALKED):
            if day > local_end.date():
                break
            if self.is_working_day(day):
                opens, closes = self._window(day)
                begin, finish = max(opens, local_start), min(closes, local_end)
                if finish > begin:
                    total += finish - begin
            day += datetime.timedelta(days=1)
        return total

    def next_working_day(self, day: datetime.date, *, after: int = 1) -> datetime.date:
        """The ``after``-th working day after ``day``."""
        for _ in range(MAX_DAYS_WALKED):
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                after -= 1
                if after <= 0:
                    return day
        raise ValueError("No working day in the calendar.")


def work_calendar(rules=None, holidays: Iterable[datetime.date] | None = None) -> WorkCalendar:
    """The site's calendar from its working rules and holidays (one query for
    the holidays from a year back to two years on)."""
    from django.utils import timezone

    from backoffice.followups.models import Holiday, WorkRules

    rules = rules or WorkRules.current()
    if holidays is None:
        holidays = cache.get(HOLIDAYS_CACHE_KEY)
        if holidays is None:
            today = timezone.localdate()
            holidays = list(Holiday.objects.filter(
                date__gte=today - datetime.timedelta(days=366),
                date__lte=today + datetime.timedelta(days=731),
            ).values_list("date", flat=True))
            cache.set(HOLIDAYS_CACHE_KEY, holidays, 60)
    return WorkCalendar(weekdays=rules.weekdays, day_starts=rules.day_starts,
                        day_ends=rules.day_ends, holidays=frozenset(holidays))
