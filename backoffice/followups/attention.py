"""Reads of the customers that need a manager's attention: not reachable,
past their first-call target, aged in their status. Each starts from the
customers the person may see (``customers_visible_to``)."""

import datetime

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from backoffice.customers.models import Customer
from backoffice.followups.models import AttentionSnapshot, StatusAgeing, WorkRules

NOT_REACHABLE = "not_reachable"
FIRST_CALL_LATE = "first_call_late"
AGED = "aged"


def ageing_limits() -> dict[str, int]:
    """status -> days a customer may sit idle in it (statuses without a limit
    never age)."""
    return dict(StatusAgeing.objects.values_list("status", "max_idle_days"))


def aged_q(now: datetime.datetime | None = None, limits: dict[str, int] | None = None) -> Q:
    """Customers idle past their status's limit: one range per status (the
    (status, last_activity_at) index serves each)."""
    now = now or timezone.now()
    limits = ageing_limits() if limits is None else limits
    condition = Q(pk__in=[])
    for status, days in limits.items():
        condition |= Q(status=status, last_activity_at__lt=now - datetime.timedelta(days=days))
    return condition


def not_reachable_q(rules: WorkRules | None = None) -> Q:
    rules = rules or WorkRules.current()
    return Q(attempts_unanswered__gte=rules.max_attempts)


def first_call_late_q(now: datetime.datetime | None = None) -> Q:
    """Assigned, never contacted since, and past the first-call target."""
    return Q(sla_due_at__isnull=False, sla_reached_at__isnull=True,
             sla_due_at__lte=now or timezone.now(), assigned_to__isnull=False)


def attention_q(kind: str, now: datetime.datetime | None = None) -> Q:
    if kind == NOT_REACHABLE:
        return not_reachable_q()
    if kind == FIRST_CALL_LATE:
        return first_call_late_q(now)
    if kind == AGED:
        return aged_q(now)
    raise ValueError(kind)


def attention_counts(customers: QuerySet[Customer], *, now: datetime.datetime | None = None
                     ) -> dict[str, int]:
    """How many of ``customers`` are in each attention pool: a count each,
    each read from its own index (one pass with three filtered counts would
    read every customer)."""
    now = now or timezone.now()
    customers = customers.order_by()
    return {kind: customers.filter(attention_q(kind, now)).count()
            for kind in (NOT_REACHABLE, FIRST_CALL_LATE, AGED)}


class PoolPage:
    """A pool's customers for a Paginator: its count given (counted once for
    the tabs), its rows read a page at a time. The aged pool, oldest first,
    on PostgreSQL: one indexed range per status, each ordered and cut to the
    page, merged (a single ordered query over every status would sort all
    the aged customers for each page)."""

    def __init__(self, customers: QuerySet[Customer], kind: str, *, count: int,
                 now: datetime.datetime, order: tuple[str, ...]):
        self.customers, self.kind, self.total, self.now, self.order = (
            customers, kind, count, now, order)

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice) -> list[Customer]:
        start, stop = window.start or 0, window.stop
        base = self.customers.select_related("assigned_to")
        if self.kind != AGED or connection.vendor != "postgresql":
            return list(base.filter(attention_q(self.kind, self.now)).order_by(*self.order)
                        [start:stop])
        parts = [self.customers.filter(
                     status=status, last_activity_at__lt=self.now - datetime.timedelta(days=days))
                 .order_by("last_activity_at", "id").values_list("last_activity_at", "id")[:stop]
                 for status, days in ageing_limits().items()]
        if not parts:
            return []
        merged = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        ids = [pk for _at, pk in merged.order_by("last_activity_at", "id")[start:stop]]
        found = base.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]


def attention_by_counsellor(customers: QuerySet[Customer], kind: str, *,
                            now: datetime.datetime | None = None) -> list[dict]:
    """Counts of a pool per counsellor and status, most first (one query)."""
    return list(
        customers.filter(attention_q(kind, now)).order_by()
        .values("assigned_to", "status").annotate(n=Count("pk")).order_by("-n")
    )


def attention_snapshot_take(now: datetime.datetime | None = None) -> AttentionSnapshot:
    """Count the pools over every customer and keep the counts (one row)."""
    now = now or timezone.now()
    counts = attention_counts(Customer.objects.all(), now=now)
    snapshot, _ = AttentionSnapshot.objects.update_or_create(
        pk=1, defaults={**counts, "computed_at": now})
    return snapshot


def attention_snapshot_sweep(now: datetime.datetime | None = None) -> int:
    """The scheduler's sweep: fresh counts for the dashboard. Notifies nobody."""
    attention_snapshot_take(now)
    return 0


def attention_figures(*, max_age: datetime.timedelta = datetime.timedelta(minutes=30)
                      ) -> dict:
    """The counts for the managers' dashboard: the scheduler's last, or
    counted now when there is none this recent (the scheduler not running)."""
    snapshot = AttentionSnapshot.objects.filter(pk=1).first()
    if snapshot is None or snapshot.computed_at < timezone.now() - max_age:
        snapshot = attention_snapshot_take()
    return {"first_call_late": snapshot.first_call_late,
            "not_reachable": snapshot.not_reachable, "aged": snapshot.aged,
            "counted_at": snapshot.computed_at}
