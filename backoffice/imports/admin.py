"""The import pages: upload -> preview (mapping, counts, first rows) ->
confirm -> live progress -> result with the error report. Thin: the work is
in backoffice/imports/services.py."""

import csv
import io

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from simple_history.admin import SimpleHistoryAdmin
from unfold.decorators import action, display

from backoffice.accounts.selectors import counsellors_active
from backoffice.core.admin_base import (
    BaseAdmin, HiddenObjectsAnswer404Mixin, ReadOnlyHistoryMixin,
)
from backoffice.customers.resources import spreadsheet_safe
from backoffice.imports import services
from backoffice.imports.forms import ConfirmForm, MappingForm, UploadForm
from backoffice.imports.models import DataSource, ImportRun
from backoffice.imports.plugins import CANONICAL_FIELDS
from backoffice.imports.readers import FileProblem

STATE_BADGES = {
    ImportRun.State.UPLOADED: "info",
    ImportRun.State.QUEUED: "info",
    ImportRun.State.RUNNING: "warning",
    ImportRun.State.COMPLETED: "success",
    ImportRun.State.FAILED: "danger",
    ImportRun.State.REVERTED: "primary",
}


@admin.register(DataSource)
class DataSourceAdmin(HiddenObjectsAnswer404Mixin, ReadOnlyHistoryMixin, SimpleHistoryAdmin,
                      BaseAdmin):
    list_display = ("name", "slug", "importer", "duplicate_policy", "assignment_rule", "is_active")
    list_filter = ("importer", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "importer", "is_active")}),
        (_("Columns"), {"fields": ("extra_aliases",)}),
        (_("Defaults"), {"fields": ("default_area", "default_status", "duplicate_policy",
                                    "assignment_rule")}),
    )


@admin.register(ImportRun)
class ImportRunAdmin(HiddenObjectsAnswer404Mixin, BaseAdmin):
    list_display = ("created_at", "original_name", "source", "state_badge", "rows", "created",
                    "updated", "unchanged", "duplicates", "invalid", "created_by")
    list_select_related = ("data_source", "created_by")
    list_filter = ("state", "data_source")
    search_fields = ("original_name", "sha256")
    ordering = ("-created_at",)
    actions_detail = ["revert", "run_again"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    # --- permissions: managers import; nobody edits a run by hand ------------

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revert_permission(self, request, obj=None):
        return request.user.has_perm("imports.revert_importrun")

    def changelist_view(self, request, extra_context=None):
        services.import_runs_mark_stale()
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        own = [
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view),
                 name="imports_importrun_preview"),
            path("<int:pk>/progress/", self.admin_site.admin_view(self.progress_view),
                 name="imports_importrun_progress"),
            path("<int:pk>/errors.<str:fmt>", self.admin_site.admin_view(self.errors_view),
                 name="imports_importrun_errors"),
        ]
        return own + super().get_urls()

    def _run_or_404(self, request, pk) -> ImportRun:
        if not self.has_view_permission(request):
            raise Http404  # like a run that does not exist
        return get_object_or_404(ImportRun.objects.select_related("data_source", "created_by"),
                                 pk=pk)

    def _page(self, request, template, title, **context):
        return TemplateResponse(request, template, {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": title, **context,
        })

    # --- columns ------------------------------------------------------------

    @display(description=_("Data source"))
    def source(self, obj):
        return obj.data_source or _("(detected: %s)") % obj.importer

    @display(description=_("Status"), label=STATE_BADGES)
    def state_badge(self, obj):
        return obj.state, obj.get_state_display()

    # --- upload -------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                run = services.import_run_create(
                    upload=form.cleaned_data["file"], by=request.user,
                    data_source=form.cleaned_data["data_source"],
                    sheet=form.cleaned_data["sheet"] or None,
                )
            except FileProblem as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("admin:imports_importrun_preview", run.pk)
        return self._page(request, "admin/imports/upload.html", _("Import customers"), form=form)

    # --- preview and confirm ---------------------------------------------------

    def preview_view(self, request, pk):
        run = self._run_or_404(request, pk)
        if run.state not in (ImportRun.State.UPLOADED, ImportRun.State.FAILED):
            return redirect("admin:imports_importrun_progress", run.pk)
        mapping = None
        if request.method == "POST" and "remap" in request.POST:
            mapping = {}
            for name in request.POST:
                if name.startswith("map_") and request.POST[name].isdigit():
                    mapping[name.removeprefix("map_")] = int(request.POST[name])
        try:
            preview = services.import_preview(run=run, mapping=mapping)
        except FileProblem as exc:
            messages.error(request, str(exc))
            if mapping is not None:
                run.settings = {**run.settings, "mapping": None}
                run.save(update_fields=["settings"])
                return redirect("admin:imports_importrun_preview", run.pk)
            return redirect("admin:imports_importrun_changelist")
        source = run.data_source
        initial = {
            "policy": source.duplicate_policy if source else "skip",
            "assignment": source.assignment_rule if source else "none",
            "default_area": source.default_area if source else "",
            "default_status": source.default_status if source else "new",
        }
        confirm = ConfirmForm(request.POST if "confirm" in request.POST else None,
                              initial=initial)
        if confirm.is_bound and confirm.is_valid():
            data = confirm.cleaned_data
            try:
                services.import_run_confirm(
                    run=run, by=request.user, policy=data["policy"],
                    assignment=data["assignment"], counsellors=list(data["counsellors"]),
                    default_area=data["default_area"], default_status=data["default_status"],
                )
            except ValidationError as exc:
                confirm.add_error(None, exc)
            else:
                return redirect("admin:imports_importrun_progress", run.pk)
        fields = list(preview.plan.importer.aliases) or list(CANONICAL_FIELDS)
        mapping_form = MappingForm(
            headers=preview.plan.headers, fields=fields,
            initial={f"map_{k}": str(v) for k, v in preview.plan.mapping.items()},
        )
        return self._page(
            request, "admin/imports/preview.html", _("Check the import"),
            run=run, preview=preview, mapping_form=mapping_form, confirm=confirm,
            same_file=services.import_runs_with_same_file(run).select_related("created_by")[:5],
            columns=[name for name in CANONICAL_FIELDS],
        )

    # --- progress and result ----------------------------------------------------

    def progress_view(self, request, pk):
        services.import_runs_mark_stale()
        run = self._run_or_404(request, pk)
        template = ("admin/imports/progress_partial.html" if request.headers.get("HX-Request")
                    else "admin/imports/progress.html")
        percent = 0
        if run.rows_total:
            percent = min(100, round(100 * run.rows_done / run.rows_total))
        if run.state == ImportRun.State.COMPLETED:
            percent = 100
        return self._page(request, template, _("Import of %s") % run.original_name, run=run,
                          percent=percent,
                          customers_url=reverse("admin:customers_customer_changelist")
                          + f"?import_run={run.pk}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._404_unless_visible(request)
        return redirect("admin:imports_importrun_progress", object_id)

    def errors_view(self, request, pk, fmt):
        run = self._run_or_404(request, pk)
        if not run.error_report or fmt not in ("csv", "xlsx"):
            raise Http404
        stem = run.original_name.rsplit(".", 1)[0]
        if fmt == "csv":
            handle = run.error_report.open("rb")
            return FileResponse(handle, as_attachment=True, filename=f"{stem}-problems.csv",
                                content_type="text/csv")
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Problems")
        with run.error_report.open("rb") as handle:
            for row in csv.reader(io.TextIOWrapper(handle, encoding="utf-8")):
                sheet.append([spreadsheet_safe(cell) for cell in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        buffer.seek(0)
        return FileResponse(
            buffer, as_attachment=True, filename=f"{stem}-problems.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    # --- actions on one run -------------------------------------------------------

    @action(description=_("Revert"), icon="undo", permissions=["revert"])
    def revert(self, request, object_id):
        run = self._run_or_404(request, object_id)
        if request.method != "POST":
            return self._page(request, "admin/imports/revert_confirm.html",
                              _("Revert this import?"), run=run)
        try:
            result = services.import_run_revert(run=run, by=request.user)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("%d customers created by this import were deleted.")
                             % result.deleted)
            for reason, ids in result.kept.items():
                messages.warning(request, format_html(
                    _("{} kept because {}: {}"), len(ids), reason,
                    ", ".join(str(i) for i in ids[:20]) + ("…" if len(ids) > 20 else ""),
                ))
        return redirect("admin:imports_importrun_progress", run.pk)

    @action(description=_("Run again"), icon="replay", permissions=["add"])
    def run_again(self, request, object_id):
        run = self._run_or_404(request, object_id)
        if request.method != "POST" or run.state != ImportRun.State.FAILED:
            return redirect("admin:imports_importrun_progress", run.pk)
        options = run.settings
        services.import_run_confirm(
            run=run, by=request.user, policy=options.get("policy", "skip"),
            assignment=options.get("assignment", "none"),
            counsellors=list(counsellors_active().filter(
                pk__in=options.get("counsellors", []))),
            default_area=options.get("default_area", ""),
            default_status=options.get("default_status", "new"),
        )
        return redirect("admin:imports_importrun_progress", run.pk)

