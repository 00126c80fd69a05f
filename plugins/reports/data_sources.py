"""How good each lead source is: how much of what it sends is usable, and how
much of it converts."""

from django.utils.translation import gettext_lazy as _

from backoffice.reports import selectors
from backoffice.reports.registry import Chart, Column, Report


class DataSourceQuality(Report):
    identifier = "data_source_quality"
    title = _("Data-source quality")
    description = _(
        "Per data source: rows imported in the period, the share that was invalid or "
        "repeated, and how many of its customers added in the period reached Admission."
    )
    managers_only = True
    filters = ("data_source",)
    columns = [
        Column("data_source", _("Data source"), "text"),
        Column("runs", _("Imports")),
        Column("rows", _("Rows imported")),
        Column("invalid_share", _("Invalid"), "pct"),
        Column("duplicate_share", _("Duplicates"), "pct"),
        Column("customers", _("Customers")),
        Column("admissions", _("Admissions")),
        Column("conversion", _("Conversion"), "pct"),
    ]
    chart = Chart(type="bar", label="data_source", values=("conversion", "invalid_share"))

    def rows(self, params):
        return selectors.data_source_rows(params)
