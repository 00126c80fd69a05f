"""The admin index: a manager's dashboard or a counsellor's, by role.

unfold calls ``dashboard_callback`` (settings.UNFOLD["DASHBOARD_CALLBACK"]).
The figures are computed in a few GROUP BY queries and kept in the cache for
DASHBOARD_CACHE_SECONDS (under a minute, so a status update shows within a
minute); the lists a person works through (follow-ups due, recent activity)
are read fresh on every visit.
"""

import datetime
import json

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.db.models import Case, Count, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.accounts.roles import is_manager
from backoffice.customers.models import StatusChange
from backoffice.customers.selectors import customers_visible_to
from backoffice.followups.attention import attention_figures
from backoffice.reports import selectors
from backoffice.reports.params import ReportParams, preset_range
from backoffice.reports.registry import chart_options, report_get

CACHE_VERSION = 2  # bumped when the cached figures change shape


def dashboard_callback(request, context: dict) -> dict:
    user = request.user
    context["title"] = _("Dashboard")
    if is_manager(user):
        context["dashboard"] = manager_dashboard(user)
    elif user.has_perm("customers.view_customer"):
        context["dashboard"] = counsellor_dashboard(user)
    return context


def kpi_change(now: int, before: int, than: str) -> dict:
    """A KPI's change against the previous period, in words for people and
    screen readers ("12 more than the same days last week") and a direction
    for the arrow."""
    difference = now - before
    if difference > 0:
        text = _("%(n)s more than %(than)s") % {"n": intcomma(difference), "than": than}
    elif difference < 0:
        text = _("%(n)s fewer than %(than)s") % {"n": intcomma(-difference), "than": than}
    else:
        text = _("As many as %(than)s") % {"than": than}
    return {"direction": "up" if difference > 0 else "down" if difference < 0 else "same",
            "text": text, "before": before}


def _cached(key: str, compute):
    if settings.DASHBOARD_CACHE_SECONDS <= 0:
        return compute()
    return cache.get_or_set(f"dashboard:{CACHE_VERSION}:{key}", compute,
                            settings.DASHBOARD_CACHE_SECONDS)


def _status_chart(counts: dict[str, int]) -> tuple[list[dict], str]:
    rows = selectors.status_rows(counts)
    chart = report_get("status_distribution")().chart_data(rows)
    return rows, json.dumps(chart) if chart and sum(counts.values()) else ""


def _trend(user, today: datetime.date) -> tuple[list[dict], str]:
    date_from, date_to = preset_range("last_30_days", today)
    report = report_get("trends")()
    table = report.table(ReportParams(user=user, date_from=date_from, date_to=date_to,
                                      granularity="day"))
    chart = report.chart_data(table.rows)
    for row in table.rows:
        row["period"] = row["period"].isoformat()
    return table.rows, json.dumps(chart) if chart else ""


def _chart_settings() -> dict:
    return {
        "status_chart_options": json.dumps(
            chart_options(report_get("status_distribution").chart)),
        "trend_chart_options": json.dumps(chart_options(report_get("trends").chart)),
    }


def manager_dashboard(user) -> dict:
    today = timezone.localdate()

    def compute() -> dict:
        week_start = today - datetime.timedelta(days=today.weekday())
        # one indexed read per figure (each an index-only scan on PostgreSQL)
        customers = customers_visible_to(user).order_by()  # a manager's: all
        counts = selectors.status_counts(customers)
        total = sum(counts.values())
        status_rows, status_chart = _status_chart(counts)
        month_from, _to = preset_range("this_month", today)
        month = selectors.month_admissions(None, today=today)
        counsellors = selectors.counsellor_rows(
            ReportParams(user=user, date_from=month_from, date_to=today), month=month,
            median=False)  # the dashboard's table does not show it
        trend_rows, trend_chart = _trend(user, today)
        return {
            "total": total,
            "unassigned": customers.filter(assigned_to__isnull=True).count(),
            "new_this_week": customers.filter(date_added__gte=week_start).count(),
            "new_last_week": customers.filter(
                date_added__range=selectors.week_so_far(today, previous=True)).count(),
            "admissions_this_month": selectors.month_admissions_total(user, today=today),
            "admissions_last_month": selectors.month_admissions_total(
                user, today=today, previous=True),
            "conversion": selectors.pct(
                customers.filter(stage_reached__gte=selectors.ADMISSION_RANK).count(), total),
            "status_rows": status_rows, "status_chart": status_chart,
            "counsellors": counsellors,
            "trend_rows": trend_rows, "trend_chart": trend_chart,
            "overdue_count": selectors.overdue_follow_ups(user).count(),
            "attention": attention_figures(),
            # the team's share of leads first called within the target, this month
            "sla_share": selectors.call_figures(
                {key: sum(row[key] for row in counsellors) for key in ("sla_decided", "sla_met")},
                0)["sla_share"],
            "computed_at": timezone.now(),
        }

    data = _cached(f"manager:{today.isoformat()}", compute)
    from backoffice.imports.models import ImportRun

    customer_list = reverse("admin:customers_customer_changelist")
    return {
        "role": "manager", **data, **_chart_settings(),
        "changes": {
            "new_this_week": kpi_change(data["new_this_week"], data["new_last_week"],
                                        _("the same days last week")),
            "admissions_this_month": kpi_change(data["admissions_this_month"],
                                                data["admissions_last_month"],
                                                _("the same days last month")),
        },
        "imports": list(ImportRun.objects.select_related("created_by", "data_source")
                        .order_by("-created_at")[:5]),
        # in the order of the (next_follow_up, assigned_to) index: no sort ("assigned_to"
        # alone would sort by the counsellor's name, reading every customer of the oldest day)
        "overdue": list(selectors.overdue_follow_ups(user).select_related("assigned_to")
                        .order_by("next_follow_up", "assigned_to_id")[:8]),
        "links": {
            "customers": customer_list,
            "unassigned": customer_list + "?counsellor=none",
            "new_this_week": customer_list + "?date_added_from="
            + (today - datetime.timedelta(days=today.weekday())).strftime("%d/%m/%Y"),
            "overdue": customer_list + "?follow_up=overdue",
            "reports": reverse("reports:index"),
            "attention": reverse("followups:attention"),
        },
    }


def counsellor_dashboard(user) -> dict:
    today = timezone.localdate()

    def compute() -> dict:
        counts = selectors.status_counts(customers_visible_to(user))
        status_rows, status_chart = _status_chart(counts)
        month = selectors.month_admissions([user.pk], today=today).get(user.pk, 0)
        month_before = selectors.month_admissions([user.pk], today=today,
                                                  previous=True).get(user.pk, 0)
        target = user.monthly_target or 0
        month_from, _to = preset_range("this_month", today)
        calls = selectors.call_figures(
            customers_visible_to(user).filter(assigned_to=user, date_added__gte=month_from)
            .order_by().aggregate(**selectors.call_aggregates()), 0)
        return {
            "sla_share": calls["sla_share"], "connection_rate": calls["connection_rate"],
            "total": sum(counts.values()), "status_rows": status_rows,
            "status_chart": status_chart, "month_admissions": month,
            "month_admissions_before": month_before,
            "monthly_target": target or None,
            "target_progress": selectors.pct(month, target) if target else None,
            "computed_at": timezone.now(),
        }

    data = _cached(f"counsellor:{user.pk}:{today.isoformat()}", compute)
    due = selectors.follow_ups_due(user, today=today)
    counts = due.aggregate(today=Count("pk", filter=Q(next_follow_up=today)),
                           overdue=Count("pk", filter=Q(next_follow_up__lt=today)))
    customer_list = reverse("admin:customers_customer_changelist")
    return {
        "role": "counsellor", **data, **_chart_settings(), "today": today,
        "changes": {
            "month_admissions": kpi_change(data["month_admissions"],
                                           data["month_admissions_before"],
                                           _("the same days last month")),
        },
        "due_today": counts["today"], "overdue_count": counts["overdue"],
        # today's calls first, then the overdue ones (oldest first): today's are
        # never hidden behind old ones
        "due": list(due.order_by(Case(When(next_follow_up=today, then=Value(0)),
                                      default=Value(1)),
                                 F("next_follow_up_time").asc(nulls_first=True),
                                 "next_follow_up", "pk")[:15]),
        "activity": list(StatusChange.objects.filter(
            changed_by=user, customer__in=customers_visible_to(user))
            .select_related("customer").order_by("-changed_at")[:10]),
        "progress_bar": min(data["target_progress"] or 0, 100),
        "links": {
            "customers": customer_list,
            "due": reverse("admin:customers_customer_my_calls"),
            "reports": reverse("reports:index"),
        },
    }
