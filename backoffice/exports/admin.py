"""Background exports: the list of one's own exports, each export's progress
page (polled by htmx, like an import's) and its download. An export is seen
and downloaded only by the person who asked for it, and by superusers: to
anyone else it does not exist (404)."""

from django.contrib import admin, messages
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from backoffice.core.admin_base import BaseAdmin, ReadOnlyAdminMixin
from backoffice.exports import selectors, services
from backoffice.exports.models import ExportJob

STATE_BADGES = {
    ExportJob.State.QUEUED: "info",
    ExportJob.State.RUNNING: "warning",
    ExportJob.State.COMPLETED: "success",
    ExportJob.State.FAILED: "danger",
    ExportJob.State.EXPIRED: "primary",
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _an_id(value) -> bool:
    """An export's id in a URL: ASCII digits a bigint holds ("²".isdigit()
    is true and no id)."""
    value = str(value)
    return value.isascii() and value.isdigit() and len(value) < 19


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdminMixin, BaseAdmin):
    list_display = ("created_at", "title", "format_label", "state_badge", "rows_total",
                    "expires_at", "created_by")
    list_display_links = ("title",)
    list_filter = ("state",)
    ordering = ("-created_at",)
    actions = None

    # Everyone who may export sees their own exports (the queryset is scoped).
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if not (request.user.is_active and request.user.is_staff):
            return False
        return obj is None or request.user.is_superuser or obj.created_by_id == request.user.pk

    def get_queryset(self, request):
        return selectors.export_jobs_visible_to(request.user)

    def get_list_display(self, request):
        columns = list(self.list_display)
        if not request.user.is_superuser:
            columns.remove("created_by")
        return columns

    def changelist_view(self, request, extra_context=None):
        services.export_jobs_mark_stale()
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        own = [
            path("<int:pk>/progress/", self.admin_site.admin_view(self.progress_view),
                 name="exports_exportjob_progress"),
            path("<int:pk>/download/", self.admin_site.admin_view(self.download_view),
                 name="exports_exportjob_download"),
            path("<int:pk>/again/", self.admin_site.admin_view(self.again_view),
                 name="exports_exportjob_again"),
        ]
        return own + super().get_urls()

    def _job_or_404(self, request, pk) -> ExportJob:
        job = selectors.export_jobs_visible_to(request.user).filter(pk=pk).first()
        if job is None:
            raise Http404(_("No such export."))
        return job

    @display(description=_("Format"))
    def format_label(self, obj):
        return obj.format.upper()

    @display(description=_("Status"), label=STATE_BADGES)
    def state_badge(self, obj):
        return obj.state, obj.get_state_display()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not _an_id(object_id):
            raise Http404(_("No such export."))
        return redirect("admin:exports_exportjob_progress", self._job_or_404(request, object_id).pk)

    def history_view(self, request, object_id, extra_context=None):
        if not _an_id(object_id):
            raise Http404(_("No such export."))
        self._job_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if not _an_id(object_id):
            raise Http404(_("No such export."))
        self._job_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def progress_view(self, request, pk):
        services.export_jobs_mark_stale()
        services.export_jobs_expire()
        job = self._job_or_404(request, pk)
        template = ("admin/exports/progress_partial.html" if request.headers.get("HX-Request")
                    else "admin/exports/progress.html")
        return TemplateResponse(request, template, {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": _("Export: %s") % job, "job": job,
        })

    def download_view(self, request, pk):
        services.export_jobs_expire()  # kept no longer than promised, cleanup or not
        job = self._job_or_404(request, pk)
        if job.state != ExportJob.State.COMPLETED or not job.file:
            raise Http404(_("This export has no file (not ready, or expired)."))
        return FileResponse(job.file.open("rb"), as_attachment=True,
                            filename=job.file_name or f"export.{job.format}",
                            content_type=CONTENT_TYPES.get(job.format,
                                                           "application/octet-stream"))

    def again_view(self, request, pk):
        job = self._job_or_404(request, pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if job.state not in (ExportJob.State.FAILED, ExportJob.State.EXPIRED) \
                or job.created_by_id != request.user.pk:
            return redirect("admin:exports_exportjob_progress", job.pk)
        new = services.export_job_retry(job=job, by=request.user)
        messages.info(request, _("The export was started again."))
        return redirect("admin:exports_exportjob_progress", new.pk)
