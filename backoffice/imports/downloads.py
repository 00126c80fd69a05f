"""An import's problem rows as a file to download, for the import pages and
the API alike."""

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from backoffice.audit.models import ActivityLog
from backoffice.audit.services import activity_record
from backoffice.imports import selectors
from backoffice.imports.models import ImportRun
from backoffice.reports import exports


def problem_rows_response(run: ImportRun, fmt: str, *, user, via: str = "web"):
    """The problem rows as CSV or Excel (``fmt``, one of exports.FORMATS),
    written like every export: cells a spreadsheet would run as a formula are
    text, and the CSV has a BOM. The run must have an error report."""
    name = f"{run.original_name.rsplit('.', 1)[0]}-problems.{fmt}"
    headers, rows = selectors.import_run_problem_rows(run)
    # the problem rows are customers' data: downloading them is an export
    activity_record(user=user, action=ActivityLog.Action.EXPORT,
                    target=f"Problem rows of import #{run.pk} ({fmt.upper()})",
                    details={"import_run": run.pk, "format": fmt}, rows=run.invalid, via=via)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.table_lines(headers, rows),
                                         content_type=exports.FORMATS["csv"])
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response
    handle = exports.table_xlsx(headers, rows, title="Problems")
    return FileResponse(handle, as_attachment=True, filename=name,
                        content_type=exports.FORMATS["xlsx"])
