"""Reports as CSV and XLSX files, cells a spreadsheet would execute
neutralised, and every export recorded in the activity log.

Rows are written as they come (openpyxl's write-only workbook spools to a
temporary file), so an export's memory does not grow with its rows."""

import csv
import datetime
import io
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from backoffice.audit.models import ActivityLog
from backoffice.audit.services import activity_record
from backoffice.customers.resources import spreadsheet_safe

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _cell(value: Any, kind: str = "") -> Any:
    if value is None:
        return ""
    if isinstance(value, (int, float, datetime.date)):
        return value
    return spreadsheet_safe(str(value))


def table_lines(headers: list[str], rows: Iterable[list[Any]], *, bom: bool = True
                ) -> Iterator[str]:
    """CSV text, a line at a time (for a streaming response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    # a BOM makes Excel read the file as UTF-8
    yield ("\ufeff" if bom else "") + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(v) for v in row])
        yield buffer.getvalue()


def table_xlsx(headers: list[str], rows: Iterable[list[Any]], *, title: str = "Report"):
    """An XLSX workbook in a temporary file (rewound), written row by row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Report")
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return handle


def report_export_rows(report, table) -> tuple[list[str], list[list[Any]]]:
    headers = [str(c.label) for c in table.columns]
    rows = [[row.get(c.key) for c in table.columns] for row in table.rows]
    if table.totals:
        rows.append([table.totals.get(c.key) for c in table.columns])
    return headers, rows


def export_record(*, user, report, params, fmt: str, rows: int, via: str = "web") -> None:
    activity_record(
        user=user, action=ActivityLog.Action.EXPORT, target=f"{report.title} ({fmt.upper()})",
        details={"report": report.identifier, "format": fmt, **params.as_query()},
        rows=rows, via=via,
    )
