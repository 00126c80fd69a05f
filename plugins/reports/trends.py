"""New leads, contacts, admissions and joins over time."""

from django.utils.translation import gettext_lazy as _

from backoffice.reports import selectors
from backoffice.reports.registry import Chart, Column, Report


class Trends(Report):
    identifier = "trends"
    title = _("Trends over time")
    description = _(
        "Per day, week or month of the period: leads added, contacts (status updates), "
        "admissions and joins."
    )
    columns = [
        Column("period", _("Period starting"), "date"),
        Column("new_leads", _("New leads")),
        Column("contacts", _("Contacts")),
        Column("admissions", _("Admissions")),
        Column("joined", _("Joined")),
    ]
    chart = Chart(type="line", label="period_label",
                  values=("new_leads", "contacts", "admissions", "joined"))
    has_granularity = True

    def rows(self, params):
        return selectors.trend_rows(params)

    def totals(self, rows, params):
        return {"period": None, **{key: sum(r[key] for r in rows)
                                   for key in ("new_leads", "contacts", "admissions", "joined")}}
