"""The rules of calling, as pure functions: which status update reaches a
customer, when to call back after an unanswered call, and when the first call
is due after an assignment."""

import datetime

from backoffice.customers.statuses import Status
from backoffice.followups.calendar import WorkCalendar

# A status update within this long of the same person's tap on Call or
# WhatsApp is the outcome of that tap: one attempt, not two.
TAP_OUTCOME_WINDOW = datetime.timedelta(minutes=30)

# Status updates that do not say the customer was reached.
NOT_A_CONNECTION = frozenset({Status.NEW, Status.INVALID, Status.CALL_NOT_ATTENDED})

# The first-call SLA's counsellor warning, as a share of the target.
SLA_WARN_SHARE = 0.75


def is_connection(status: str) -> bool:
    return status not in NOT_A_CONNECTION


def cadence_follow_up(*, now: datetime.datetime, unanswered: int,
                      steps: list[datetime.timedelta], calendar: WorkCalendar
                      ) -> tuple[datetime.date, datetime.time | None]:
    """When to call back after the ``unanswered``-th unanswered call in a row:
    the cadence's step for it (the last step repeats). A wait in hours gives a
    time that day, moved to the next working day's start when it falls outside
    working hours; a wait in days gives a day, moved to a working day."""
    step = steps[min(max(unanswered, 1), len(steps)) - 1]
    local = now.astimezone(calendar.tz)
    if step < datetime.timedelta(days=1):
        due = local + step
        day, at = due.date(), due.time().replace(second=0, microsecond=0)
        if calendar.is_working_day(day) and calendar.day_starts <= at <= calendar.day_ends:
            return day, at
        if calendar.is_working_day(day) and at < calendar.day_starts:
            return day, calendar.day_starts
        return calendar.next_working_day(day), calendar.day_starts
    day = local.date() + datetime.timedelta(days=step.days)
    if not calendar.is_working_day(day):
        day = calendar.next_working_day(day)
    return day, None


def sla_times(*, assigned_at: datetime.datetime, minutes: int, calendar: WorkCalendar
              ) -> tuple[datetime.datetime, datetime.datetime]:
    """(due, warn): when the first call is due after an assignment, and when
    the counsellor is warned (75% of the working time)."""
    return (calendar.add(assigned_at, minutes),
            calendar.add(assigned_at, minutes * SLA_WARN_SHARE))
