"""Customers by status and by funnel stage, with their shares."""

from django.utils.translation import gettext_lazy as _

from backoffice.reports import selectors
from backoffice.reports.registry import Chart, Column, Report


class StatusDistribution(Report):
    identifier = "status_distribution"
    title = _("Status distribution")
    description = _("Customers added in the period, by their status now and its funnel stage.")
    columns = [
        Column("status_label", _("Status"), "text"),
        Column("stage_label", _("Stage"), "text"),
        Column("customers", _("Customers")),
        Column("share", _("Share"), "pct"),
    ]
    chart = Chart(type="bar", label="status_label", values=("customers",), horizontal=True)

    def rows(self, params):
        return selectors.status_rows(selectors.status_counts(selectors.customers_scoped(params)))

    def totals(self, rows, params):
        return {"status_label": _("All"), "customers": sum(r["customers"] for r in rows),
                "share": 100.0 if any(r["customers"] for r in rows) else None}

    def stage_rows(self, rows):
        """The same counts by funnel stage."""
        stages: dict[str, dict] = {}
        for row in rows:
            stage = stages.setdefault(row["stage"], {"stage_label": row["stage_label"],
                                                     "customers": 0})
            stage["customers"] += row["customers"]
        total = sum(s["customers"] for s in stages.values())
        return [{**s, "share": selectors.pct(s["customers"], total)} for s in stages.values()]
