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
        # a period the range or today cuts: its counts are not comparable
        Column("partial_note", _("Partial period"), "text"),
    ]
    chart = Chart(type="line", label="period_label",
                  values=("new_leads", "contacts", "admissions", "joined"))
    has_granularity = True

    def rows(self, params):
        rows = selectors.trend_rows(params)
        notes = {str(_("so far")): _("so far: still counting"),
                 str(_("part")): _("only the days in the range")}
        for row in rows:
            row["partial_note"] = str(notes.get(row["partial"], ""))
        return rows

    def table(self, params):
        table = super().table(params)
        if any(row["partial"] for row in table.rows):
            table.notes.append(str(_(
                "Periods marked “so far” or “part” are not whole (the period is still "
                "going on, or the range covers only some of its days): their counts are "
                "lower than a whole period's. The chart draws them as hollow points.")))
        return table

    def chart_data(self, rows):
        data = super().chart_data(rows)
        if data:
            # a partial period's point drawn hollow and larger: not a dip
            partial = [bool(row.get("partial")) for row in rows]
            for dataset in data["datasets"]:
                dataset["pointRadius"] = [6 if p else 3 for p in partial]
                dataset["pointBackgroundColor"] = [
                    "#ffffff" if p else dataset["borderColor"] for p in partial]
                dataset["pointStyle"] = ["rectRot" if p else "circle" for p in partial]
        return data

    def totals(self, rows, params):
        return {"period": None, **{key: sum(r[key] for r in rows)
                                   for key in ("new_leads", "contacts", "admissions", "joined")}}
