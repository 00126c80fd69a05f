"""The first-call SLA: each assignment starts a clock of working time; the
first call or message after it stops it. The sweep warns the counsellor at
75% of the time and tells the managers of each breach, once."""

import datetime
import logging
from collections import defaultdict

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backoffice.accounts.models import User
from backoffice.core.words import duration_short
from backoffice.customers.models import Customer
from backoffice.followups.calendar import WorkCalendar, work_calendar
from backoffice.followups.models import WorkRules
from backoffice.followups.rules import sla_times

logger = logging.getLogger(__name__)

# Customers handled by one sweep step; the rest wait for the next run.
SWEEP_BATCH = 20_000
ID_CHUNK = 900  # ids per UPDATE (SQLite's variable limit)
NAMES_SHOWN = 5


def sla_fields(at: datetime.datetime, *, calendar: WorkCalendar | None = None,
               rules: WorkRules | None = None) -> dict:
    """The SLA columns of a customer assigned at ``at``."""
    rules = rules or WorkRules.current()
    due, warn = sla_times(assigned_at=at, minutes=rules.sla_minutes,
                          calendar=calendar or work_calendar(rules))
    return {"sla_due_at": due, "sla_warn_at": warn, "sla_reached_at": None, "sla_stage": 0}


SLA_CLEARED = {"sla_due_at": None, "sla_warn_at": None, "sla_reached_at": None, "sla_stage": 0}


def sla_start_unstarted(customers: QuerySet[Customer], *, at: datetime.datetime | None = None
                        ) -> int:
    """Start the clock for assigned customers that have none (an import's new
    customers): one UPDATE."""
    return customers.filter(assigned_to__isnull=False, sla_due_at__isnull=True,
                            sla_reached_at__isnull=True).update(
        **sla_fields(at or timezone.now()))


def _claim(queryset: QuerySet[Customer], stage: int) -> list[dict]:
    """Lock and mark up to a batch of customers as told (``sla_stage``);
    a sweep running beside this one skips the locked rows."""
    rows = list(
        queryset.select_for_update(skip_locked=True)
        .order_by("sla_due_at", "pk")
        .values("pk", "name", "assigned_to", "sla_due_at")[:SWEEP_BATCH]
    )
    ids = [row["pk"] for row in rows]
    for start in range(0, len(ids), ID_CHUNK):
        Customer.objects.filter(pk__in=ids[start:start + ID_CHUNK]).update(sla_stage=stage)
    return rows


def sla_sweep(now: datetime.datetime | None = None) -> int:
    """Warn counsellors of leads at 75% of the first-call target and tell the
    managers of leads past it. Idempotent: a lead is warned once and reported
    once. Returns how many notifications were made."""
    from backoffice.accounts.selectors import managers_active
    from backoffice.notifications.models import Kind
    from backoffice.notifications.services import notify

    now = now or timezone.now()
    made = 0
    open_clock = Customer.objects.filter(sla_due_at__isnull=False, sla_reached_at__isnull=True,
                                         assigned_to__isnull=False)
    with transaction.atomic():
        warned = _claim(open_clock.filter(sla_stage=0, sla_warn_at__lte=now, sla_due_at__gt=now),
                        stage=1)
        by_counsellor: dict[int, list[dict]] = defaultdict(list)
        for row in warned:
            by_counsellor[row["assigned_to"]].append(row)
        people = User.objects.in_bulk(list(by_counsellor))
        for counsellor_id, rows in by_counsellor.items():
            soonest = min(row["sla_due_at"] for row in rows)
            names = ", ".join(row["name"] for row in rows[:NAMES_SHOWN])
            more = len(rows) - NAMES_SHOWN
            made += len(notify(
                recipients=[people[counsellor_id]], kind=Kind.SLA_WARNING,
                # the minute too: the same lead and count again later (a lead
                # given back to them, a new clock) is a new warning
                key=f"sla_warning:{rows[0]['pk']}:{len(rows)}:{now:%Y%m%d%H%M}",
                title=ngettext("%(n)d new lead to call before %(at)s",
                               "%(n)d new leads to call before %(at)s", len(rows))
                % {"n": len(rows), "at": timezone.localtime(soonest).strftime("%H:%M")},
                body=names + (_(" and %d more") % more if more > 0 else ""),
                url="/customers/customer/my-calls/",
            ))
    with transaction.atomic():
        breached = _claim(open_clock.filter(sla_stage__lt=2, sla_due_at__lte=now), stage=2)
        if breached:
            counts: dict[int, list[dict]] = defaultdict(list)
            for row in breached:
                counts[row["assigned_to"]].append(row)
            people = User.objects.in_bulk(list(counts))
            lines = []
            for counsellor_id, rows in sorted(counts.items(),
                                              key=lambda item: -len(item[1])):
                latest = max(now - row["sla_due_at"] for row in rows)
                lines.append(_("%(who)s: %(n)d (up to %(late)s late)") % {
                    "who": people[counsellor_id], "n": len(rows),
                    "late": duration_short(latest)})
            made += len(notify(
                recipients=managers_active(), kind=Kind.SLA_BREACH,
                key=f"sla_breach:{breached[0]['pk']}:{len(breached)}:{now:%Y%m%d%H%M}",
                title=ngettext("%d lead not called within the first-call target",
                               "%d leads not called within the first-call target",
                               len(breached)) % len(breached),
                body="\n".join(lines),
                url="/attention/?pool=first_call_late",
            ))
    return made
