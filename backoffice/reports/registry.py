"""Report plugins: one class per report, serving its dashboard widget, its
page and its exports.

A report declares who may see it, which filters apply, its columns, and how
its rows and chart come from ``ReportParams`` (the viewer, the date range and
the filters). It reads only through ``backoffice.reports.selectors``, which
apply the viewer's scope: a counsellor's report counts only their customers.

Reports are found in the modules of ``plugins.reports`` and in the entry-point
group ``backoffice.reports``; a system check refuses two with one identifier.
"""

from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

from backoffice.accounts.roles import is_manager
from backoffice.core.plugins import plugin_classes

ENTRY_POINT_GROUP = "backoffice.reports"
FILTERS = ("counsellor", "area", "data_source")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "int"  # text, int, pct (0–100), hours, decimal (one place), date


@dataclass(frozen=True)
class Chart:
    """What to draw: ``type`` is a Chart.js type (bar, line, doughnut); the
    labels come from ``label`` of each row and one dataset per ``values`` key."""

    type: str
    label: str
    values: tuple[str, ...]
    stacked: bool = False
    horizontal: bool = False


@dataclass
class Table:
    columns: list[Column]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


class Report:
    """Base class of report plugins. Subclass it in a module of
    ``plugins/reports/`` (see docs/plugins.md)."""

    identifier: ClassVar[str] = ""
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    filters: ClassVar[tuple[str, ...]] = FILTERS
    managers_only: ClassVar[bool] = False
    columns: ClassVar[list[Column]] = []
    chart: ClassVar[Chart | None] = None
    # trends only: the period choice (day / week / month)
    has_granularity: ClassVar[bool] = False

    @classmethod
    def visible_to(cls, user) -> bool:
        if not (user.is_active and user.has_perm("customers.view_customer")):
            return False
        return is_manager(user) or not cls.managers_only

    def rows(self, params) -> list[dict[str, Any]]:
        raise NotImplementedError

    def totals(self, rows: list[dict[str, Any]], params) -> dict[str, Any] | None:
        return None

    def table(self, params) -> Table:
        rows = self.rows(params)
        return Table(columns=list(self.columns), rows=rows, totals=self.totals(rows, params))

    def chart_data(self, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
        """Chart.js ``data`` for the rows (unfold's chart script draws it)."""
        if self.chart is None or not rows:
            return None
        labels = {c.key: str(c.label) for c in self.columns}
        datasets = []
        for index, key in enumerate(self.chart.values):
            colour = _COLOURS[index % len(_COLOURS)]
            dataset = {"label": labels.get(key, key),
                       "data": [row.get(key) or 0 for row in rows],
                       "backgroundColor": colour, "borderColor": colour}
            if self.chart.type == "doughnut":  # a colour per slice
                dataset["backgroundColor"] = [_COLOURS[i % len(_COLOURS)]
                                              for i in range(len(rows))]
            datasets.append(dataset)
        return {"labels": [str(row.get(self.chart.label, "")) for row in rows],
                "datasets": datasets}


# The first is the theme's navy, a lighter navy in dark mode (static/backoffice/css/
# theme.css; unfold's chart script reads a var() when it draws): navy on the dark
# page could not be seen.
_COLOURS = ["var(--alims-chart-1)", "#4f6fa8", "#16a34a", "#f59e0b", "#dc2626", "#0ea5e9", "#8b5cf6",
            "#14b8a6", "#f97316", "#64748b", "#84cc16", "#ec4899", "#a16207", "#0f766e"]


def chart_options(chart: Chart | None, *, legend: str | None = None) -> dict[str, Any]:
    """Chart.js options for a chart (they replace unfold's defaults, so the
    basics are repeated here)."""
    options: dict[str, Any] = {"animation": False, "responsive": True,
                               "maintainAspectRatio": False}
    if chart is None:
        return options
    if chart.horizontal:
        options["indexAxis"] = "y"
    shown = bool(legend) or len(chart.values) > 1 or chart.type == "doughnut"
    options["plugins"] = {"legend": {"display": shown, "position": legend or (
        "right" if chart.type == "doughnut" else "top")}}
    if chart.type == "bar":
        options["maxBarThickness"] = 28
        options["borderRadius"] = 4
    return options


@cache
def report_classes() -> tuple[type[Report], ...]:
    return plugin_classes("plugins.reports", ENTRY_POINT_GROUP, Report)


def reports() -> dict[str, type[Report]]:
    return {cls.identifier: cls for cls in report_classes()}


def reports_for(user) -> list[type[Report]]:
    return [cls for cls in report_classes() if cls.visible_to(user)]


def report_get(identifier: str) -> type[Report]:
    try:
        return reports()[identifier]
    except KeyError as exc:
        raise LookupError(f"No report “{identifier}”.") from exc
