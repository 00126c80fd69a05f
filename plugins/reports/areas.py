"""Where the customers come from, and how each area converts."""

from django.utils.translation import gettext_lazy as _

from backoffice.reports import selectors
from backoffice.reports.registry import Chart, Column, Report


class AreaDistribution(Report):
    identifier = "area_distribution"
    title = _("Area-wise distribution")
    description = _("Customers added in the period by area, with conversion to Admission.")
    columns = [
        Column("area", _("Area"), "text"),
        Column("customers", _("Customers")),
        Column("admissions", _("Admissions")),
        Column("joined", _("Joined")),
        Column("lost", _("Lost")),
        Column("conversion", _("Conversion"), "pct"),
    ]
    chart = Chart(type="bar", label="area", values=("customers", "admissions"))
    chart_rows = 15  # the chart shows the biggest areas; the table all of them

    def rows(self, params):
        return selectors.area_rows(selectors.customers_scoped(params))

    def chart_data(self, rows):
        return super().chart_data(rows[: self.chart_rows])
