import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from backoffice.core.words import local_date

register = template.Library()


@register.filter
def cell(row: dict, column) -> str:
    """A report value for people: thousands separated, shares with %, hours."""
    value = (row or {}).get(column.key)
    if value is None or value == "":
        return "—" if column.kind != "text" else ""
    if column.kind == "pct":
        return f"{value:.1f}%"
    if column.kind == "hours":
        return f"{value:.1f} h" if value < 48 else f"{value / 24:.1f} d"
    if column.kind == "decimal":
        return f"{value:.1f}"
    if column.kind == "date" and isinstance(value, datetime.date):
        return local_date(value)
    if column.kind == "int":
        return intcomma(value)
    return str(value)


@register.filter
def numeric(column) -> bool:
    return column.kind in ("int", "pct", "hours", "decimal")
