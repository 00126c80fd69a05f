"""The periodic notifications: the counsellors' daily digest and the
managers' escalation of overdue follow-ups. Each sweep is idempotent (one
notification per person per day, by its key) and returns how many
notifications it made; the scheduler runs them every few minutes
(backoffice/core/scheduler.py), so a sweep missed while the site was down is
caught up by the next one."""

import datetime

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backoffice.accounts.models import User
from backoffice.accounts.roles import SALES_MANAGER
from backoffice.accounts.selectors import counsellors_active
from backoffice.customers.models import Customer
from backoffice.customers.statuses import Stage, Status, statuses_in
from backoffice.followups.models import LeaveDay, WorkRules
from backoffice.notifications.models import Kind, Notification
from backoffice.notifications.services import notify, notify_each

NAMES_IN_DIGEST = 5
COUNSELLORS_IN_ESCALATION = 30


def _site_now(now: datetime.datetime | None) -> datetime.datetime:
    return timezone.localtime(now or timezone.now())


def digest_sweep(now: datetime.datetime | None = None) -> int:
    """Once the day's digest time has passed (site time): each active
    counsellor with follow-ups due today, not on leave, gets one notification
    with the count and the first few names."""
    local = _site_now(now)
    if local.time() < WorkRules.current().digest_time:
        return 0
    today = local.date()
    key = f"digest:{today.isoformat()}"
    # away today (a leave day): no digest; what stays undone reaches the escalation
    away = LeaveDay.objects.filter(date=today).values("user_id")
    counsellors = {user.pk: user for user in counsellors_active().exclude(pk__in=away)}
    for told in _told(counsellors, key):
        counsellors.pop(told, None)
    if not counsellors:
        return 0
    due = Customer.objects.filter(assigned_to__in=list(counsellors), next_follow_up=today)
    counts = dict(due.values_list("assigned_to").annotate(n=Count("pk")).order_by())
    # the first few names of each, in one query (a row number per counsellor)
    names: dict[int, list[str]] = {}
    for owner, name in (due.annotate(place=Window(
            RowNumber(), partition_by=[F("assigned_to")],
            order_by=[F("next_follow_up_time").asc(nulls_last=True), F("pk").asc()]))
            .filter(place__lte=NAMES_IN_DIGEST)
            .order_by("assigned_to", "place").values_list("assigned_to", "name")):
        names.setdefault(owner, []).append(name)
    url = reverse("admin:customers_customer_my_calls")
    messages = []
    for owner, count in counts.items():
        shown = names.get(owner, [])
        title = ngettext("%(count)d follow-up due today", "%(count)d follow-ups due today",
                         count) % {"count": count}
        body = ", ".join(shown)
        if count > len(shown):
            body += " " + _("and %(more)d more") % {"more": count - len(shown)}
        messages.append((counsellors[owner], title, body, url))
    return len(notify_each(kind=Kind.DIGEST, key=key, messages=messages))


def escalation_sweep(now: datetime.datetime | None = None) -> int:
    """Follow-ups overdue by more than the working rules' days, on assigned
    customers in an open status: each manager gets one notification a day
    with the count per counsellor."""
    local = _site_now(now)
    today = local.date()
    limit = today - datetime.timedelta(days=WorkRules.current().escalate_after_days)
    key = f"escalation:{today.isoformat()}"
    managers = {user.pk: user for user in User.objects.filter(
        is_active=True, groups__name=SALES_MANAGER).distinct()}
    for told in _told(managers, key):
        managers.pop(told, None)
    if not managers:
        return 0
    closed = [*statuses_in(Stage.LOST), Status.JOINED]
    counts = list(Customer.objects.filter(assigned_to__isnull=False, next_follow_up__lt=limit)
                  .exclude(status__in=closed)
                  .values("assigned_to").annotate(n=Count("pk")).order_by("-n", "assigned_to"))
    if not counts:
        return 0
    total = sum(row["n"] for row in counts)
    people = {user.pk: user for user in User.objects.filter(
        pk__in=[row["assigned_to"] for row in counts[:COUNSELLORS_IN_ESCALATION]])}
    lines = [f"{_name(people.get(row['assigned_to']))}: {row['n']}"
             for row in counts[:COUNSELLORS_IN_ESCALATION]]
    if len(counts) > COUNSELLORS_IN_ESCALATION:
        lines.append(_("and %(more)d more counsellors") % {
            "more": len(counts) - COUNSELLORS_IN_ESCALATION})
    title = ngettext("%(count)d follow-up overdue by more than %(days)d days",
                     "%(count)d follow-ups overdue by more than %(days)d days", total) % {
        "count": total, "days": WorkRules.current().escalate_after_days}
    url = reverse("admin:customers_customer_changelist") + "?follow_up=due"
    return len(notify(recipients=list(managers.values()), kind=Kind.ESCALATION, title=title,
                      body="\n".join(lines), url=url, key=key))


def _told(people: dict, key: str) -> set[int]:
    """Who already has ``key`` (on the unique recipient-and-key index, not a
    scan of every notification)."""
    return set(Notification.objects.filter(recipient__in=list(people), key=key)
               .values_list("recipient_id", flat=True))


def _name(user: User | None) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


KEEP_DAYS = 90
PRUNE_BATCH = 5000


def notifications_prune_sweep(now: datetime.datetime | None = None) -> int:
    """Notifications older than ``KEEP_DAYS`` go (read or not: the bell is
    about now, the change history is the record). At most ``PRUNE_BATCH`` a
    pass, so a backlog is worked off over a few passes. Returns how many went."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=KEEP_DAYS)
    doomed = list(Notification.objects.filter(created_at__lt=cutoff)
                  .order_by().values_list("pk", flat=True)[:PRUNE_BATCH])
    if not doomed:
        return 0
    deleted, _ = Notification.objects.filter(pk__in=doomed).delete()
    return deleted
