"""Report pages and their exports. Thin: the plugin computes, the selectors
scope, these views only read the filters and render."""

import json
from pathlib import Path

from django.contrib import admin
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify

from backoffice.exports.services import export_job_start, export_runs_inline
from backoffice.reports import exports
from backoffice.reports.params import DEFAULT_PRESET, ReportFilterForm, time_zone_note
from backoffice.reports.registry import chart_options, report_get, reports_for


def _report_for(request, identifier: str):
    try:
        cls = report_get(identifier)
    except LookupError as exc:
        raise Http404(str(exc)) from exc
    if not cls.visible_to(request.user):
        raise Http404("No such report.")
    return cls()


def _params(request, report):
    """The filters asked for (this month when none). A form with errors gives
    no params: the page then draws nothing and says why (drawing another
    period instead would pass it off as the one asked for)."""
    form = ReportFilterForm(request.GET or {"preset": DEFAULT_PRESET}, user=request.user,
                            report=report)
    return form, form.params() if form.is_valid() else None


def report_index(request):
    context = {**admin.site.each_context(request), "title": "Reports",
               "reports": reports_for(request.user)}
    return TemplateResponse(request, "reports/index.html", context)


def report_page(request, identifier: str):
    report = _report_for(request, identifier)
    form, params = _params(request, report)
    return _report_response(request, report, form, params)


def _report_response(request, report, form, params, *, status=200):
    table = chart = None
    extra = {}
    if params is not None:
        table = report.table(params)
        chart = report.chart_data(table.rows)
        if report.identifier == "status_distribution":
            extra["stage_rows"] = report.stage_rows(table.rows)
    context = {
        **admin.site.each_context(request),
        "title": report.title, "report": report, "form": form, "params": params,
        "table": table, "chart": json.dumps(chart) if chart else "",
        "chart_options": json.dumps(chart_options(report.chart)),
        "query": request.GET.urlencode(), "reports": reports_for(request.user),
        "site_today": timezone.localdate().isoformat(), "time_zone_note": time_zone_note(),
        **extra,
    }
    return TemplateResponse(request, "reports/report.html", context, status=status)


def report_export(request, identifier: str, fmt: str):
    if fmt not in exports.FORMATS:
        raise Http404("Unknown format.")
    report = _report_for(request, identifier)
    form, params = _params(request, report)
    if params is None:  # no file of a period nobody asked for: the page says why
        return _report_response(request, report, form, None, status=400)
    table = report.table(params)
    if not export_runs_inline(len(table.rows)):
        # Too big for the request: written in the background. Asked for by
        # POST (the link shows this page first): a GET starts nothing.
        if request.method != "POST":
            return TemplateResponse(request, "reports/export_background.html", {
                **admin.site.each_context(request), "title": report.title, "report": report,
                "params": params, "rows": len(table.rows), "format": fmt,
            })
        job = export_job_start(
            by=request.user, kind="report", fmt=fmt, title=str(report.title),
            params={"report": report.identifier, "query": urlencode(params.as_query())},
        )
        return redirect("admin:exports_exportjob_progress", job.pk)
    headers, rows = exports.report_export_rows(report, table)
    exports.export_record(user=request.user, report=report, params=params, fmt=fmt,
                          rows=len(table.rows))
    name = f"{slugify(report.identifier)}-{params.date_from}-{params.date_to}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(exports.table_lines(headers, rows),
                                         content_type=exports.FORMATS["csv"])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    handle = exports.table_xlsx(headers, rows, title=str(report.title))
    return FileResponse(handle, as_attachment=True, filename=Path(name).name,
                        content_type=exports.FORMATS["xlsx"])


