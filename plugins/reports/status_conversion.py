"""Of the customers who were ever in a status, how many reached Admission,
Joined, or are lost."""

from django.utils.translation import gettext_lazy as _

from backoffice.reports import selectors
from backoffice.reports.registry import Chart, Column, Report


class StatusConversion(Report):
    identifier = "status_conversion"
    title = _("Conversion from each status")
    description = _(
        "Customers added in the period who were ever in each status, and how many of them "
        "reached Admission or Joined, or are lost now."
    )
    columns = [
        Column("status_label", _("Ever in status"), "text"),
        Column("ever", _("Customers")),
        Column("admission", _("Reached Admission")),
        Column("admission_rate", _("Admission rate"), "pct"),
        Column("joined", _("Joined")),
        Column("joined_rate", _("Join rate"), "pct"),
        Column("lost", _("Lost")),
        Column("lost_rate", _("Lost rate"), "pct"),
    ]
    chart = Chart(type="bar", label="status_label",
                  values=("admission_rate", "joined_rate", "lost_rate"))

    def rows(self, params):
        return selectors.status_outcomes(selectors.customers_scoped(params))
