"""The conversion funnel, cumulative: a customer who reached Admission passed
through every earlier stage, whatever the order of their status updates."""

from django.utils.translation import gettext_lazy as _

from backoffice.reports import selectors
from backoffice.reports.registry import Chart, Column, Report


class ConversionFunnel(Report):
    identifier = "conversion_funnel"
    title = _("Conversion funnel")
    description = _(
        "Customers added in the period by the furthest funnel stage they reached (lost "
        "customers count up to the stage they had reached), with stage-to-stage rates."
    )
    columns = [
        Column("stage_label", _("Stage"), "text"),
        Column("reached", _("Reached")),
        Column("share", _("Of all"), "pct"),
        Column("from_previous", _("From the stage before"), "pct"),
    ]
    chart = Chart(type="bar", label="stage_label", values=("reached",), horizontal=True)

    def rows(self, params):
        return selectors.funnel_rows(selectors.customers_scoped(params))
