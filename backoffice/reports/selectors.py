"""The reads behind reports and dashboards, always within the viewer's scope.

Every query starts from ``customers_visible_to(user)`` (or the status changes
of those customers), so a counsellor's figures count only their customers.
Counting happens in the database: one GROUP BY per figure, never a loop over
customers. A customer's furthest funnel stage and first contact are kept on
the customer by the services (``stage_reached``, ``first_contacted``), so the
funnel and conversion figures need no scan of the status history.
"""

import datetime
import statistics
from collections.abc import Iterable

from django.db import connection
from django.db.models import (
    Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField, Q, QuerySet, Sum,
)
from django.db.models.functions import Coalesce, Extract, TruncDay, TruncMonth, TruncWeek
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.accounts.models import User
from backoffice.accounts.roles import is_manager
from backoffice.customers.models import Customer, StatusChange
from backoffice.customers.selectors import customers_visible_to, status_changes_visible_to
from backoffice.customers.statuses import (
    FUNNEL, STAGE_OF, Stage, Status, status_bit, statuses_in,
)

ADMISSION_RANK = FUNNEL.index(Stage.ADMISSION)
JOINED_RANK = FUNNEL.index(Stage.JOINED)
LOST = statuses_in(Stage.LOST)


def customers_scoped(params, *, by_date: bool = True) -> QuerySet[Customer]:
    """The viewer's customers, narrowed by the report's filters and (unless
    ``by_date`` is False) to those added in the date range."""
    customers = customers_visible_to(params.user)
    if by_date:
        customers = customers.filter(date_added__range=(params.date_from, params.date_to))
    if params.counsellor_id:
        customers = customers.filter(assigned_to_id=params.counsellor_id)
    if params.area:
        customers = customers.filter(area__iexact=params.area)
    if params.data_source_id:
        customers = customers.filter(data_source_id=params.data_source_id)
    return customers


def changes_scoped(params) -> QuerySet[StatusChange]:
    """Status changes made in the date range to the viewer's (filtered) customers."""
    start, end = _datetime_range(params.date_from, params.date_to)
    changes = StatusChange.objects.filter(changed_at__gte=start, changed_at__lt=end)
    if not is_manager(params.user) or params.counsellor_id or params.area or params.data_source_id:
        changes = changes.filter(customer__in=customers_scoped(params, by_date=False))
    return changes


def _datetime_range(date_from: datetime.date, date_to: datetime.date):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min,
                                    tzinfo=tz)
    return start, end


# --- status and stage ----------------------------------------------------------------


def status_counts(customers: QuerySet[Customer]) -> dict[str, int]:
    return dict(customers.order_by().values_list("status").annotate(n=Count("*")))


def status_rows(counts: dict[str, int]) -> list[dict]:
    """Every status with its stage, its customers and their share of all."""
    total = sum(counts.values())
    return [
        {"status": status.value, "status_label": str(status.label),
         "stage": STAGE_OF[status].value, "stage_label": str(STAGE_OF[status].label),
         "customers": counts.get(status.value, 0),
         "share": pct(counts.get(status.value, 0), total)}
        for status in Status
    ]


def stage_reached_counts(customers: QuerySet[Customer]) -> dict[int, int]:
    """Customers by the furthest funnel stage they reached (index into FUNNEL)."""
    return dict(customers.order_by().values_list("stage_reached").annotate(n=Count("pk")))


def funnel_rows(customers: QuerySet[Customer]) -> list[dict]:
    """Cumulative: a customer counts at every stage up to the furthest one
    they reached, lost or not."""
    counts = stage_reached_counts(customers)
    total = sum(counts.values())
    rows, previous = [], None
    for rank, stage in enumerate(FUNNEL):
        reached = sum(n for r, n in counts.items() if r >= rank)
        rows.append({
            "stage": stage.value, "stage_label": str(stage.label), "reached": reached,
            "share": pct(reached, total),
            "from_previous": pct(reached, previous) if previous is not None else None,
        })
        previous = reached
    return rows


# --- conversion from each status -------------------------------------------------------


def status_outcomes(customers: QuerySet[Customer]) -> list[dict]:
    """For each status: customers ever in it (any time), and how many of them
    reached Admission, Joined, or are lost now. One pass over the customers:
    each keeps the statuses it was ever in (``statuses_seen``)."""
    reached = Q(stage_reached__gte=ADMISSION_RANK)
    joined = Q(stage_reached__gte=JOINED_RANK)
    lost = Q(status__in=LOST)
    aggregates = {}
    for status in Status:
        seen = Q(GreaterThan(F("statuses_seen").bitand(status_bit(status)), 0))
        aggregates[f"{status.value}__ever"] = Count("pk", filter=seen)
        aggregates[f"{status.value}__admission"] = Count("pk", filter=seen & reached)
        aggregates[f"{status.value}__joined"] = Count("pk", filter=seen & joined)
        aggregates[f"{status.value}__lost"] = Count("pk", filter=seen & lost)
    data = customers.order_by().aggregate(**aggregates)
    rows = []
    for status in Status:
        row = {key: data[f"{status.value}__{key}"] or 0
               for key in ("ever", "admission", "joined", "lost")}
        if not row["ever"]:
            continue
        rows.append({
            "status": status.value, "status_label": str(status.label), **row,
            "admission_rate": pct(row["admission"], row["ever"]),
            "joined_rate": pct(row["joined"], row["ever"]),
            "lost_rate": pct(row["lost"], row["ever"]),
        })
    return rows


# --- areas ----------------------------------------------------------------------------


def area_rows(customers: QuerySet[Customer], limit: int | None = None) -> list[dict]:
    data = (
        customers.order_by().values("area")
        .annotate(
            customers=Count("pk"),
            admissions=Count("pk", filter=Q(stage_reached__gte=ADMISSION_RANK)),
            joined=Count("pk", filter=Q(stage_reached__gte=JOINED_RANK)),
            lost=Count("pk", filter=Q(status__in=LOST)),
        )
        .order_by("-customers", "area")
    )
    if limit:
        data = data[:limit]
    return [{**row, "area": row["area"] or "—",
             "conversion": pct(row["admissions"], row["customers"])} for row in data]


# --- counsellors ----------------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL's median; other databases get it computed in Python."""

    function = "PERCENTILE_CONT"
    name = "Median"
    output_field = FloatField()
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def counsellors_in_scope(params) -> list[User]:
    if not is_manager(params.user):
        return [params.user]
    from backoffice.accounts.selectors import counsellors_for_filter

    counsellors = counsellors_for_filter()
    if params.counsellor_id:
        counsellors = counsellors.filter(pk=params.counsellor_id)
    return list(counsellors)


def counsellor_rows(params, *, month: dict | None = None, median: bool = True) -> list[dict]:
    """One row per counsellor in the viewer's scope. ``month``: this month's
    admissions per counsellor, when the caller has them already; ``median``:
    False leaves out the first-contact median (it needs a sort)."""
    counsellors = counsellors_in_scope(params)
    ids = [c.pk for c in counsellors]
    customers = customers_scoped(params)
    if is_manager(params.user) and not params.counsellor_id:
        # every counsellor: no list of ids, so PostgreSQL may scan in parallel
        customers = customers.filter(assigned_to__isnull=False)
    else:
        customers = customers.filter(assigned_to__in=ids)
    aggregates = {
        "assigned": Count("pk"),
        "contacted": Count("pk", filter=Q(first_contacted__isnull=False)),
        "admissions": Count("pk", filter=Q(stage_reached__gte=ADMISSION_RANK)),
        "joined": Count("pk", filter=Q(stage_reached__gte=JOINED_RANK)),
        **call_aggregates(),
    }
    if median and connection.vendor == "postgresql":
        # the median in the same pass over the customers
        aggregates["median_seconds"] = Median(Extract(_WAITED, "epoch"),
                                              filter=_CONTACTED_AFTER_ASSIGNMENT)
    per = {row["assigned_to"]: row
           for row in customers.order_by().values("assigned_to").annotate(**aggregates)}
    if not median:
        medians = {}
    elif connection.vendor == "postgresql":
        medians = {pk: round(row["median_seconds"] / 3600, 1)
                   for pk, row in per.items() if row["median_seconds"] is not None}
    else:
        medians = first_contact_median_hours(customers)
    everyone = is_manager(params.user) and not params.counsellor_id
    overdue = overdue_counts(params.user, None if everyone else ids)
    if month is None:
        month = month_admissions(None if everyone else ids)
    rows = []
    for counsellor in counsellors:
        row = per.get(counsellor.pk, {})
        assigned = row.get("assigned", 0)
        target = counsellor.monthly_target or 0
        rows.append({
            "counsellor_id": counsellor.pk,
            "counsellor": str(counsellor) + ("" if counsellor.is_active else " (inactive)"),
            "assigned": assigned,
            "contacted": row.get("contacted", 0),
            "first_contact_hours": medians.get(counsellor.pk),
            "overdue": overdue.get(counsellor.pk, 0),
            "admissions": row.get("admissions", 0),
            "joined": row.get("joined", 0),
            "conversion": pct(row.get("admissions", 0), assigned),
            "month_admissions": month.get(counsellor.pk, 0),
            "monthly_target": target or None,
            "target_progress": pct(month.get(counsellor.pk, 0), target) if target else None,
            **call_figures(row, assigned),
        })
    return rows


def call_aggregates(now: datetime.datetime | None = None) -> dict:
    """Call attempts and the first-call target, summed in the same pass over
    the customers: attempts, leads attempted and reached, attempts it took to
    reach them, and leads whose first-call target has an outcome (called, or
    past due) with those called in time."""
    now = now or timezone.now()
    return {
        "attempts_sum": Coalesce(Sum("attempts"), 0),
        "attempted": Count("pk", filter=Q(attempts__gt=0)),
        "connected": Count("pk", filter=Q(connected_at__isnull=False)),
        "attempts_to_connect_sum": Coalesce(Sum("attempts_to_connect"), 0),
        "sla_decided": Count("pk", filter=Q(sla_due_at__isnull=False) & (
            Q(sla_reached_at__isnull=False) | Q(sla_due_at__lte=now))),
        "sla_met": Count("pk", filter=Q(sla_reached_at__isnull=False,
                                        sla_reached_at__lte=F("sla_due_at"))),
    }


def call_figures(row: dict, assigned: int) -> dict:
    """The report's call columns from ``call_aggregates`` sums (a row or the
    totals)."""
    connected = row.get("connected", 0)
    return {
        "attempts_sum": row.get("attempts_sum", 0), "attempted": row.get("attempted", 0),
        "connected": connected,
        "attempts_to_connect_sum": row.get("attempts_to_connect_sum", 0),
        "sla_decided": row.get("sla_decided", 0), "sla_met": row.get("sla_met", 0),
        "attempts_per_lead": (round(row.get("attempts_sum", 0) / assigned, 1)
                              if assigned else None),
        "attempts_to_connect": (round(row.get("attempts_to_connect_sum", 0) / connected, 1)
                                if connected else None),
        "connection_rate": pct(connected, row.get("attempted", 0)),
        "sla_share": pct(row.get("sla_met", 0), row.get("sla_decided", 0)),
    }


# time from assignment (else creation) to the first status update; a customer
# contacted before being (re)assigned to this counsellor says nothing about them
_WAITED = ExpressionWrapper(F("first_contacted") - Coalesce("assigned_at", "created_at"),
                            output_field=DurationField())
_CONTACTED_AFTER_ASSIGNMENT = Q(first_contacted__isnull=False,
                                first_contacted__gte=Coalesce("assigned_at", "created_at"))


def first_contact_median_hours(customers: QuerySet[Customer]) -> dict[int, float]:
    """Median time to the first contact per counsellor, in hours, computed in
    Python (databases without a median aggregate)."""
    seconds: dict[int, list[float]] = {}
    contacted = customers.filter(_CONTACTED_AFTER_ASSIGNMENT).order_by()
    for counsellor, value in contacted.annotate(waited=_WAITED).values_list("assigned_to",
                                                                             "waited"):
        seconds.setdefault(counsellor, []).append(value.total_seconds())
    return {pk: round(statistics.median(values) / 3600, 1) for pk, values in seconds.items()}


def overdue_counts(user, counsellor_ids: Iterable[int] | None) -> dict[int, int]:
    """Customers whose follow-up date has passed, per counsellor (None: all)."""
    overdue = overdue_follow_ups(user)
    overdue = (overdue.filter(assigned_to__isnull=False) if counsellor_ids is None
               else overdue.filter(assigned_to__in=list(counsellor_ids)))
    # COUNT(*): answered from the (next_follow_up, assigned_to) index alone
    rows = overdue.values("assigned_to").annotate(n=Count("*"))
    return {row["assigned_to"]: row["n"] for row in rows}


def overdue_follow_ups(user, *, today: datetime.date | None = None) -> QuerySet[Customer]:
    today = today or timezone.localdate()
    return customers_visible_to(user).filter(next_follow_up__lt=today).order_by()


def follow_ups_due(user, *, today: datetime.date | None = None) -> QuerySet[Customer]:
    """Due today or overdue, oldest first: a list to work through (the same
    customers as the list's "Due" follow-up filter)."""
    today = today or timezone.localdate()
    return customers_visible_to(user).filter(next_follow_up__lte=today).order_by(
        "next_follow_up", "pk")


def month_so_far(today: datetime.date, *, previous: bool = False
                 ) -> tuple[datetime.date, datetime.date]:
    """This month's first day and today; with ``previous``, the same days of
    the month before (1 to 30 March against 1 to 30 April; to the last day of
    a shorter month), so that a month under way is compared like with like."""
    if not previous:
        return today.replace(day=1), today
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    start = last_month_end.replace(day=1)
    return start, start.replace(day=min(today.day, last_month_end.day))


def week_so_far(today: datetime.date, *, previous: bool = False
                ) -> tuple[datetime.date, datetime.date]:
    """Monday of this week and today; with ``previous``, the same days a week earlier."""
    if previous:
        today = today - datetime.timedelta(days=7)
    return today - datetime.timedelta(days=today.weekday()), today


def _admissions_this_month(changes: QuerySet[StatusChange], today: datetime.date | None,
                           previous: bool = False):
    today = today or timezone.localdate()
    start, end = _datetime_range(*month_so_far(today, previous=previous))
    return changes.filter(to_status=Status.ADMISSION, changed_at__gte=start,
                          changed_at__lt=end)


def month_admissions(counsellor_ids: Iterable[int] | None, *,
                     today: datetime.date | None = None,
                     previous: bool = False) -> dict[int | None, int]:
    """Customers moved to Admission this calendar month, per the person who
    recorded it (None: everyone's). A counsellor's monthly target counts these.
    ``previous``: in the same days of the month before."""
    changes = _admissions_this_month(StatusChange.objects.all(), today, previous)
    if counsellor_ids is not None:
        changes = changes.filter(changed_by__in=list(counsellor_ids))
    rows = (changes.order_by().values("changed_by")
            .annotate(n=Count("customer", distinct=True)))
    return {row["changed_by"]: row["n"] for row in rows}


def month_admissions_total(user, *, today: datetime.date | None = None,
                           previous: bool = False) -> int:
    """Customers (the viewer's) moved to Admission this month (``previous``:
    in the same days of the month before), each once."""
    changes = _admissions_this_month(status_changes_visible_to(user), today, previous)
    return changes.values("customer").distinct().count()


# --- trends ---------------------------------------------------------------------------

TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def trend_rows(params) -> list[dict]:
    """New leads, contacts, admissions and joins per period of the range."""
    trunc = TRUNC[params.period_granularity]
    buckets: dict[datetime.date, dict] = {
        start: {"period": start, "new_leads": 0, "contacts": 0, "admissions": 0, "joined": 0}
        for start in _periods(params.date_from, params.date_to, params.period_granularity)
    }
    new = (customers_scoped(params).order_by().annotate(period=trunc("date_added"))
           .values("period").annotate(n=Count("pk")))
    for row in new:
        _bucket(buckets, row["period"])["new_leads"] += row["n"]
    tz = timezone.get_current_timezone()
    changes = (
        changes_scoped(params).order_by()
        .annotate(period=trunc("changed_at", tzinfo=tz))
        .values("period")
        .annotate(  # only columns of the covering changed_at index: no table reads
            contacts=Count("to_status", filter=~Q(from_status="")),
            admissions=Count("to_status", filter=Q(to_status=Status.ADMISSION)),
            joined=Count("to_status", filter=Q(to_status=Status.JOINED)),
        )
    )
    for row in changes:
        bucket = _bucket(buckets, row["period"])
        for key in ("contacts", "admissions", "joined"):
            bucket[key] += row[key]
    rows = [buckets[k] for k in sorted(buckets)]
    label = {"day": "{day} %b", "week": "{day} %b", "month": "%b %Y"}[params.period_granularity]
    for row in rows:
        # "2 Nov", as dates read everywhere (not "02 Nov")
        row["period_label"] = row["period"].strftime(label).replace("{day}", str(row["period"].day))
        row["partial"] = period_partial(row["period"], params)
        if row["partial"]:
            row["period_label"] += f" ({row['partial']})"
    return rows


def period_end(start: datetime.date, granularity: str) -> datetime.date:
    """The last day of the day, week (Monday to Sunday) or month starting at ``start``."""
    if granularity == "day":
        return start
    if granularity == "week":
        return start + datetime.timedelta(days=6)
    return (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) \
        - datetime.timedelta(days=1)


def period_partial(start: datetime.date, params, *, today: datetime.date | None = None) -> str:
    """"so far" for the period today is in (its count is still growing),
    "part" for one the range cuts; "" for a whole period. A partial period
    counted like a whole one draws a false dip at the end of a trend."""
    today = today or timezone.localdate()
    end = period_end(start, params.period_granularity)
    if start <= today <= end and params.date_to >= today:
        return str(_("so far"))
    if start < params.date_from or end > params.date_to:
        return str(_("part"))
    return ""


def _bucket(buckets: dict, value) -> dict:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if value not in buckets:  # a period start outside the generated ones (week edges)
        buckets[value] = {"period": value, "new_leads": 0, "contacts": 0, "admissions": 0,
                          "joined": 0}
    return buckets[value]


def _periods(date_from: datetime.date, date_to: datetime.date, granularity: str):
    if granularity == "day":
        day = date_from
        while day <= date_to:
            yield day
            day += datetime.timedelta(days=1)
    elif granularity == "week":
        day = date_from - datetime.timedelta(days=date_from.weekday())
        while day <= date_to:
            yield day
            day += datetime.timedelta(days=7)
    else:
        day = date_from.replace(day=1)
        while day <= date_to:
            yield day
            day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


# --- data sources -----------------------------------------------------------------------


def data_source_rows(params) -> list[dict]:
    """Per source: rows imported in the range, invalid and duplicate shares, and
    how many of the source's customers added in the range reached Admission."""
    from backoffice.imports.models import DataSource, ImportRun

    start, end = _datetime_range(params.date_from, params.date_to)
    runs = ImportRun.objects.filter(created_at__gte=start, created_at__lt=end).exclude(
        state=ImportRun.State.REVERTED)
    if params.data_source_id:
        runs = runs.filter(data_source_id=params.data_source_id)
    imported = {
        row["data_source"]: row
        for row in runs.order_by().values("data_source").annotate(
            runs=Count("pk"), rows=Coalesce(Sum("rows"), 0),
            invalid=Coalesce(Sum("invalid"), 0),
            duplicates=Coalesce(Sum("duplicates"), 0),
            created=Coalesce(Sum("created"), 0))
    }
    customers = {
        row["data_source"]: row
        for row in customers_scoped(params).order_by().values("data_source").annotate(
            customers=Count("pk"),
            admissions=Count("pk", filter=Q(stage_reached__gte=ADMISSION_RANK)))
    }
    names = dict(DataSource.objects.values_list("pk", "name"))
    rows = []
    unnamed = _("No data source")
    for source in sorted(set(imported) | set(customers),
                         key=lambda pk: (pk is None, names.get(pk, ""))):
        run = imported.get(source, {})
        mine = customers.get(source, {})
        rows.append({
            "data_source": names.get(source, unnamed) if source else unnamed,
            "runs": run.get("runs", 0), "rows": run.get("rows", 0),
            "invalid": run.get("invalid", 0), "duplicates": run.get("duplicates", 0),
            "invalid_share": pct(run.get("invalid", 0), run.get("rows", 0)),
            "duplicate_share": pct(run.get("duplicates", 0), run.get("rows", 0)),
            "customers": mine.get("customers", 0), "admissions": mine.get("admissions", 0),
            "conversion": pct(mine.get("admissions", 0), mine.get("customers", 0)),
        })
    return rows


def pct(part: int | None, whole: int | None) -> float | None:
    if not whole:
        return None
    return round(100.0 * (part or 0) / whole, 1)
