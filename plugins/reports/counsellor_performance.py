"""How each counsellor is doing with the customers assigned in the period."""

from django.utils.translation import gettext_lazy as _

from backoffice.reports import selectors
from backoffice.reports.registry import Chart, Column, Report


CALL_SUMS = ("attempts_sum", "attempted", "connected", "attempts_to_connect_sum",
             "sla_decided", "sla_met")


class CounsellorPerformance(Report):
    identifier = "counsellor_performance"
    title = _("Counsellor performance")
    description = _(
        "Customers added in the period per counsellor: contacted, median time to the first "
        "contact, share first called within the first-call target, call attempts per lead, "
        "attempts it took to reach a lead, connection rate (leads reached of those called), "
        "overdue follow-ups (now), admissions, joined, conversion, and this month's admissions "
        "against the counsellor's monthly target."
    )
    columns = [
        Column("counsellor", _("Counsellor"), "text"),
        Column("assigned", _("Assigned")),
        Column("contacted", _("Contacted")),
        Column("first_contact_hours", _("First contact (median)"), "hours"),
        Column("sla_share", _("First call in time"), "pct"),
        Column("attempts_per_lead", _("Attempts per lead"), "decimal"),
        Column("attempts_to_connect", _("Attempts to reach"), "decimal"),
        Column("connection_rate", _("Connection rate"), "pct"),
        Column("overdue", _("Follow-ups overdue")),
        Column("admissions", _("Admissions")),
        Column("joined", _("Joined")),
        Column("conversion", _("Conversion"), "pct"),
        Column("month_admissions", _("Admissions this month")),
        Column("monthly_target", _("Monthly target")),
        Column("target_progress", _("Target progress"), "pct"),
    ]
    chart = Chart(type="bar", label="counsellor", values=("assigned", "admissions"))
    filters = ("counsellor", "area", "data_source")

    def rows(self, params):
        return selectors.counsellor_rows(params)

    def totals(self, rows, params):
        assigned = sum(r["assigned"] for r in rows)
        admissions = sum(r["admissions"] for r in rows)
        return {"counsellor": _("All"), "assigned": assigned,
                "contacted": sum(r["contacted"] for r in rows),
                "overdue": sum(r["overdue"] for r in rows), "admissions": admissions,
                "joined": sum(r["joined"] for r in rows),
                "conversion": selectors.pct(admissions, assigned),
                "month_admissions": sum(r["month_admissions"] for r in rows),
                **selectors.call_figures(
                    {key: sum(r[key] for r in rows) for key in CALL_SUMS}, assigned)}
