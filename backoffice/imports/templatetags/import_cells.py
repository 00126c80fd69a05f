"""How the import preview shows a row's values to people."""

from django import template

from backoffice.customers.statuses import Status

register = template.Library()


@register.filter
def status_label(value):
    """Our status's label ("Call later"), not its stored code."""
    try:
        return Status(value).label
    except ValueError:
        return value


@register.filter
def cells_text(cells):
    """A refused row's cells as people read them: the filled ones, empty
    cells (None from a workbook) left out."""
    from backoffice.imports.normalise import text

    return " · ".join(filled for cell in cells or () if (filled := text(cell)))
