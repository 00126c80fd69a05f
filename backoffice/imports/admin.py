"""The import pages: upload -> preview (mapping, counts, first rows) ->
confirm -> live progress -> result with the error report. Thin: the work is
in backoffice/imports/services.py."""


from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminIntegerFieldWidget, UnfoldAdminSelectWidget

from backoffice.accounts.selectors import counsellors_active
from backoffice.audit.exports import CsvExportMixin, local_time
from backoffice.customers.statuses import Status
from backoffice.core.admin_base import (
    BaseAdmin, HiddenObjectsAnswer404Mixin, ReadOnlyHistoryMixin,
)
from backoffice.imports import services
from backoffice.imports.downloads import problem_rows_response
from backoffice.imports.forms import (
    ConfirmForm, HeaderRowForm, MappingForm, ReadAsForm, SaveSourceForm, StatusMapForm, UploadForm,
)
from backoffice.imports.models import DataSource, DateOrder, ImportRun
from backoffice.imports.words import COUNT_FIELDS, COUNT_WORDS
from backoffice.imports.readers import FileProblem
from backoffice.imports.regions import region_choices, region_name
from backoffice.reports import exports

STATE_BADGES = {
    ImportRun.State.UPLOADED: "info",
    ImportRun.State.QUEUED: "info",
    ImportRun.State.RUNNING: "warning",
    ImportRun.State.COMPLETED: "success",
    ImportRun.State.FAILED: "danger",
    ImportRun.State.REVERTING: "warning",
    ImportRun.State.REVERTED: "primary",
}


def _warnings(record) -> list[str]:
    """A row's warnings, from a preview just counted or one kept on the run."""
    if hasattr(record, "warnings"):
        return record.warnings
    return record.clean.warnings if record.clean is not None else []


# The import preview's plan: over at most this many counsellors, listing this many.
PLAN_COUNSELLORS_MAX = 200
PLAN_ROWS_SHOWN = 12


class DataSourceForm(forms.ModelForm):
    """A data source as managers edit it. The rules of what may be written
    are the model's (DataSource.clean); the form offers the choices."""

    # the model's default preselected (a declared field does not take it on its own:
    # a new source showed the list's first country, Afghanistan)
    country = forms.TypedChoiceField(label=_("Country"), choices=region_choices,
                                     initial=DataSource._meta.get_field("country").default,
                                     widget=UnfoldAdminSelectWidget)
    header_row = forms.IntegerField(label=_("Header row"), required=False, min_value=1,
                                    widget=UnfoldAdminIntegerFieldWidget)

    class Meta:
        model = DataSource
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("country", "header_row"):
            self.fields[name].help_text = DataSource._meta.get_field(name).help_text
        statuses = self.fields.get("status_map")
        if statuses is not None:
            statuses.help_text = format_html(
                "{} {}", DataSource._meta.get_field("status_map").help_text,
                _("Our statuses: %s.") % ", ".join(Status.values))


@admin.register(DataSource)
class DataSourceAdmin(HiddenObjectsAnswer404Mixin, ReadOnlyHistoryMixin, SimpleHistoryAdmin,
                      BaseAdmin):
    """Managers add and change data sources; compliance reads them and their
    history; only a superuser deletes one (import runs keep theirs)."""

    form = DataSourceForm
    list_display = ("name", "slug", "importer", "country", "duplicate_policy", "assignment_rule",
                    "is_active")
    list_filter = ("importer", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "importer", "is_active")}),
        (_("Columns"), {"fields": ("extra_aliases", "ignored_headers", "header_row")}),
        (_("Reading"), {"fields": ("country", "date_order")}),
        (_("Statuses"), {"fields": ("status_map",)}),
        (_("Defaults"), {"fields": ("default_area", "default_status", "duplicate_policy",
                                    "assignment_rule")}),
        (_("Web form"), {"fields": ("allowed_origins",)}),
    )
    # the capture address, counts and the snippet to paste (escaped, in the body)
    change_form_outer_after_template = "admin/imports/datasource/capture.html"
    actions_detail = ["capture_key_new", "capture_off"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_capture_permission(self, request, obj=None):
        return request.user.has_perm("imports.change_datasource")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from backoffice.capture.selectors import capture_snippet, capture_url

        source = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if source is not None:
            extra_context.update(capture_url=capture_url(source),
                                 capture_snippet=capture_snippet(source))
        return super().change_view(request, object_id, form_url, extra_context)

    def _capture_action(self, request, object_id, *, title, question, button, service):
        source = self.get_object(request, object_id)
        if source is None:
            raise Http404
        if request.method != "POST":
            return TemplateResponse(request, "admin/imports/datasource/capture_confirm.html", {
                **self.admin_site.each_context(request), "opts": self.model._meta,
                "title": title, "source": source, "question": question, "button": button,
            })
        service(source=source, by=request.user)
        messages.success(request, title)
        return redirect("admin:imports_datasource_change", source.pk)

    @action(description=_("New capture key"), icon="key", permissions=["capture"])
    def capture_key_new(self, request, object_id):
        from backoffice.capture.services import capture_key_new

        return self._capture_action(
            request, object_id, title=_("New capture key"), service=capture_key_new,
            question=_("A new key makes a new web form address; forms that post to the "
                       "old one stop working until they are given the new one."),
            button=_("Make a new key"))

    @action(description=_("Turn off capture"), icon="block", permissions=["capture"])
    def capture_off(self, request, object_id):
        from backoffice.capture.services import capture_off

        return self._capture_action(
            request, object_id, title=_("Turn off capture"), service=capture_off,
            question=_("Websites' forms posting to this source are refused from now on."),
            button=_("Turn off capture"))


@admin.register(ImportRun)
class ImportRunAdmin(CsvExportMixin, HiddenObjectsAnswer404Mixin, BaseAdmin):
    export_filename = "import-runs"
    list_display = ("created_at", "file_and_next_step", "source", "state_badge", "rows",
                    "created", "updated", "unchanged", "duplicates", "invalid", "warnings",
                    "created_by")
    list_select_related = ("data_source", "created_by")
    list_filter = ("state", "data_source")
    search_fields = ("original_name", "sha256")
    ordering = ("-created_at",)
    actions_detail = ["revert", "run_again"]

    class Media:
        css = {"all": ["backoffice/css/imports.css"]}
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def export_headers(self):
        return ["Import", "Uploaded at", "File", "SHA-256", "Data source", "Importer", "State",
                "Imported by", "Started at", "Finished at", *[str(COUNT_WORDS[name]) for name in
                                                               COUNT_FIELDS], "Message"]

    def export_rows(self, runs, request):
        for run in runs:
            yield [run.pk, local_time(run.created_at), run.original_name, run.sha256,
                   str(run.data_source or ""), run.importer, run.get_state_display(),
                   str(run.created_by), local_time(run.started_at), local_time(run.finished_at),
                   run.rows, run.created, run.updated, run.unchanged, run.duplicates,
                   run.invalid, run.warnings, run.message]

    # --- permissions: managers import; nobody edits a run by hand ------------

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revert_permission(self, request, obj=None):
        return request.user.has_perm("imports.revert_importrun")

    def changelist_view(self, request, extra_context=None):
        services.import_runs_mark_stale()
        # the embedded setup may have no scheduler to run imports_cleanup
        services.import_runs_discard_unstarted(limit=20)
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        own = [
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view),
                 name="imports_importrun_preview"),
            path("<int:pk>/progress/", self.admin_site.admin_view(self.progress_view),
                 name="imports_importrun_progress"),
            path("<int:pk>/errors.<str:fmt>", self.admin_site.admin_view(self.errors_view),
                 name="imports_importrun_errors"),
            path("<int:pk>/discard/", self.admin_site.admin_view(self.discard_view),
                 name="imports_importrun_discard"),
        ]
        return own + super().get_urls()

    def _run_or_404(self, request, pk) -> ImportRun:
        # Like every hidden object: a run the user may not see is not found.
        if not self.has_view_permission(request):
            raise Http404
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
        if obj.data_source:
            return obj.data_source
        # a file in the product's own columns (name, phone, …): the standard list
        return services.importer_label(obj.importer) or _("Standard lead list")

    @display(description=_("File name"), ordering="original_name")
    def file_name(self, obj):
        return obj.original_name

    @display(description=_("File name"), ordering="original_name")
    def file_and_next_step(self, obj):
        """The file, and for an upload never started: continue to its preview, or discard it
        (in the same column: the history has no width to spare at 1366 px)."""
        if obj.state != ImportRun.State.UPLOADED:
            return obj.original_name
        return format_html(
            '{}<span class="alims-next-step"><a class="alims-row-button" href="{}">{}</a>'
            '<a class="alims-row-button" href="{}">{}</a></span>', obj.original_name,
            reverse("admin:imports_importrun_preview", args=[obj.pk]), _("Continue"),
            reverse("admin:imports_importrun_discard", args=[obj.pk]), _("Discard…"))

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if not request.user.has_perm("imports.add_importrun"):
            # reviewers read the history; continuing or discarding is the importers'
            shown = tuple("file_name" if name == "file_and_next_step" else name
                          for name in shown)
        return shown

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

    # The preview's forms, by the name of their submit button.
    CHOICE_FORMS = ("header", "remap", "read_as", "statuses", "save_source")

    def preview_view(self, request, pk):
        run = self._run_or_404(request, pk)
        if not request.user.has_perm("imports.add_importrun"):
            # the preview is where an import is set up: reviewers see the result page
            raise Http404
        if run.state not in (ImportRun.State.UPLOADED, ImportRun.State.FAILED):
            return redirect("admin:imports_importrun_progress", run.pk)
        # The confirm step and a reload show the preview kept on the run: the
        # whole file is read again only after a choice changed how it is read
        # (or none is kept yet), by a job with progress when the file is big.
        if request.headers.get("HX-Request") and request.headers.get("X-Poll"):
            # the counting page polls: its progress, or a reload once it is done
            if services.import_preview_pending(run) and not run.settings.get("preview_error"):
                return self._preview_counting(request, run, partial=True)
            response = HttpResponse()
            response["HX-Refresh"] = "true"
            return response
        if error := run.settings.get("preview_error"):
            run.settings.pop("preview_error")
            run.save(update_fields=["settings"])
            messages.error(request, error)
            return redirect("admin:imports_importrun_changelist")
        preview, counting = services.import_preview_kept_or_counting(run)
        if counting:
            return self._preview_counting(request, run)
        try:
            if preview is None:
                preview = services.import_preview(run=run)
        except FileProblem as exc:
            messages.error(request, str(exc))
            return redirect("admin:imports_importrun_changelist")
        forms = self._preview_forms(request, run, preview)
        posted = next((name for name in self.CHOICE_FORMS if name in request.POST), None)
        if request.method == "POST" and posted:
            form = forms[posted]
            if form.is_valid():
                try:
                    self._preview_choose(request, run, posted, form)
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
                else:
                    return redirect(reverse("admin:imports_importrun_preview", args=[run.pk])
                                    + f"#{posted}-section")
            # said at the top too: the form may be a long way down the page
            reasons = " ".join(str(error) for errors in form.errors.values() for error in errors)
            messages.error(request, format_html(
                '{} {} <a class="underline" href="#{}-section">{}</a>',
                _("That choice was not applied:"), reasons, posted, _("Show it")))
        question = services.import_run_country_question(run)
        confirm = forms["confirm"]
        if confirm.is_bound and confirm.is_valid():
            data = confirm.cleaned_data
            shown = request.POST.get("counted", "")
            counted_at = getattr(preview, "counted_at", None)
            if shown and counted_at and shown != counted_at.isoformat():
                # another tab changed how the file is read after this page was shown
                confirm.add_error(None, _(
                    "The file has been read differently since this page was shown (in another "
                    "tab?). Check the preview below, then start the import."))
            elif question:
                confirm.add_error(None, f"{question} " + _("Choose the country before importing."))
            else:
                try:
                    services.import_run_confirm(
                        run=run, by=request.user, policy=data["policy"],
                        assignment=data["assignment"], counsellors=list(data["counsellors"]),
                        default_area=data["default_area"],
                        default_status=data["default_status"],
                    )
                except ValidationError as exc:
                    confirm.add_error(None, exc)
                else:
                    return redirect("admin:imports_importrun_progress", run.pk)
        facts = preview.facts
        return self._page(
            request, "admin/imports/preview.html", _("Check the import"),
            run=run, preview=preview, confirm=confirm, forms=forms, words=COUNT_WORDS,
            left_out=preview.duplicates + preview.invalid,
            first_rows=[(record, list(record.clean.details.items()) if record.clean else [],
                         _warnings(record)) for record in preview.first_rows],
            problems=[(record, _warnings(record)) for record in preview.problems],
            mapping_form=forms["remap"], columns=self._columns(forms["remap"], preview),
            country_question=question, facts=facts,
            countries_found=[(region_name(code), n) for code, n in facts.countries.most_common()],
            read_as=region_name(preview.options.get("country")),
            dominant=region_name(facts.dominant_country) if facts.dominant_country else "",
            date_order_guess=facts.date_order_guess,
            date_order_read=DateOrder(preview.options.get("date_order") or "dmy").label,
            table_note=(run.settings or {}).get("table_note", ""),
            can_save_source=request.user.has_perm("imports.add_datasource"),
            can_update_source=bool(run.data_source)
            and request.user.has_perm("imports.change_datasource"),
            same_file=services.import_runs_with_same_file(run).select_related("created_by")[:5],
            **self._assignment_plan_context(confirm, preview),
        )

    def _assignment_plan_context(self, confirm, preview) -> dict:
        plan = self._assignment_plan(confirm, preview)
        return {"assignment_plan": plan, "plan_rows_shown": PLAN_ROWS_SHOWN,
                "plan_rows_more": max(len(plan.shares) - PLAN_ROWS_SHOWN, 0) if plan else 0}

    @staticmethod
    def _assignment_plan(confirm, preview):
        """How the new customers would be shared out today, within leave days
        and caps: over the counsellors chosen below (when the form came back
        with an error), else over every active counsellor. Two queries; the
        page lists the first PLAN_ROWS_SHOWN counsellors."""
        from backoffice.accounts.selectors import counsellors_active
        from backoffice.followups.services import distribution_plan

        if getattr(preview, "needs_columns", None) or not preview.new:
            return None
        chosen = None
        if confirm.is_bound and confirm.is_valid():
            chosen = list(confirm.cleaned_data["counsellors"])
        counsellors = chosen or list(counsellors_active()[:PLAN_COUNSELLORS_MAX])
        if not counsellors:
            return None
        return distribution_plan(count=preview.new, counsellors=counsellors)

    @staticmethod
    def _columns(form, preview) -> list[tuple]:
        """(column number, header, examples, select) per column of the file."""
        examples = services.import_preview_examples(preview)
        return [(index + 1, header, examples[index], field)
                for index, header, field in form.column_fields()]

    def _preview_forms(self, request, run, preview) -> dict:
        """The preview's forms, the one posted bound to what was posted."""
        def data(name):
            return request.POST if request.method == "POST" and name in request.POST else None

        source = run.data_source
        fields, required = services.importer_fields(run.importer, preview.plan.headers)
        statuses = preview.facts.unknown_statuses.most_common()
        options = preview.options
        return {
            "header": HeaderRowForm(data("header"), rows=services.import_run_head(run),
                                    current=preview.plan.header_row),
            "remap": MappingForm(
                data("remap"), headers=preview.plan.headers, fields=fields, required=required,
                initial=MappingForm.initial_for(preview.plan.mapping, preview.plan.ignored),
            ),
            "read_as": ReadAsForm(data("read_as"), initial={
                "country": (preview.facts.likely_country
                            if preview.facts.likely_country and not options.get("country_confirmed")
                            else options.get("country")),
                "date_order": options.get("date_order"),
            }),
            "statuses": StatusMapForm(data("statuses"), statuses=statuses,
                                      known=(run.settings or {}).get("status_map") or {}),
            "save_source": SaveSourceForm(
                data("save_source"),
                new=request.POST.get("save_source") != "update" or source is None),
            "confirm": ConfirmForm(data("confirm"), initial={
                "policy": source.duplicate_policy if source else "skip",
                "assignment": source.assignment_rule if source else "none",
                "default_area": source.default_area if source else "",
                "default_status": source.default_status if source else "new",
            }),
        }

    def _preview_choose(self, request, run, posted, form) -> None:
        data, by = form.cleaned_data, request.user
        if posted == "header":
            services.import_preview_choose(run=run, by=by, header_row=data["header_row"])
        elif posted == "remap":
            headers = {header for header in form.headers if header}
            # headers left out that this file does not have stay left out
            others = [h for h in run.settings.get("ignored_headers") or [] if h not in headers]
            services.import_preview_choose(run=run, by=by, mapping=form.mapping,
                                           ignored_headers=others + form.ignored_headers())
        elif posted == "read_as":
            services.import_preview_choose(run=run, by=by, country=data["country"],
                                           date_order=data["date_order"])
        elif posted == "statuses":
            services.import_preview_choose(run=run, by=by, status_map=form.status_map())
        elif posted == "save_source":
            updating = request.POST["save_source"] == "update"
            source = services.data_source_save_from_run(
                run=run, by=by, name=None if updating else data["name"])
            messages.success(request, (_("“%s” now reads its files this way.") if updating
                                       else _("Saved as the data source “%s”.")) % source.name)

    def _preview_counting(self, request, run, *, partial=False):
        """The big file's preview is being counted: progress, polled until done."""
        template = ("admin/imports/preview_counting_partial.html" if partial
                    else "admin/imports/preview_counting.html")
        return self._page(request, template, _("Counting %s") % run.original_name, run=run)

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
        revert = services.import_revert_progress(run)
        if run.state == ImportRun.State.REVERTING:
            percent = revert["percent"]
        return self._page(request, template, _("Import of %s") % run.original_name, run=run,
                          percent=percent, revert=revert, words=COUNT_WORDS,
                          can_import=request.user.has_perm("imports.add_importrun"),
                          customers_url=reverse("admin:customers_customer_changelist")
                          + f"?import_run={run.pk}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._404_unless_visible(request)
        return redirect("admin:imports_importrun_progress", object_id)

    def errors_view(self, request, pk, fmt):
        """The problem rows as CSV or Excel, written like every export: cells a
        spreadsheet would run as a formula are text, and the CSV has a BOM."""
        run = self._run_or_404(request, pk)
        if not run.error_report or fmt not in exports.FORMATS:
            raise Http404
        return problem_rows_response(run, fmt, user=request.user)

    # --- actions on one run -------------------------------------------------------

    @action(description=_("Revert"), icon="undo", permissions=["revert"])
    def revert(self, request, object_id):
        run = self._run_or_404(request, object_id)
        if request.method != "POST":
            return self._page(request, "admin/imports/revert_confirm.html",
                              _("Revert this import?"), run=run)
        try:
            services.import_run_revert_start(run=run, by=request.user)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        return redirect("admin:imports_importrun_progress", run.pk)

    def discard_view(self, request, pk):
        """An upload never started: discarded (its file and record) after a confirmation."""
        run = self._run_or_404(request, pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        if run.state != ImportRun.State.UPLOADED:
            messages.warning(request, _("Only an upload never started can be discarded; this "
                                        "one is %(state)s.")
                             % {"state": run.get_state_display().lower()})
            return redirect("admin:imports_importrun_progress", run.pk)
        if request.method != "POST":
            return self._page(request, "admin/imports/discard_confirm.html",
                              _("Discard this upload?"), run=run)
        name = run.original_name
        try:
            services.import_run_discard_unstarted(run=run, by=request.user)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return redirect("admin:imports_importrun_progress", run.pk)
        messages.success(request, _("The upload “%s” was discarded.") % name)
        return redirect("admin:imports_importrun_changelist")

    @action(description=_("Run again"), icon="replay")
    def run_again(self, request, object_id):
        """The recovery after a worker died: queue a failed run again with the
        settings it was confirmed with. Only POST changes anything."""
        run = self._run_or_404(request, object_id)
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:imports_importrun_progress", run.pk)
        if run.state != ImportRun.State.FAILED:
            messages.warning(request, _("Only a failed import can be run again; this one is "
                                        "%(state)s.") % {"state": run.get_state_display().lower()})
            return redirect("admin:imports_importrun_progress", run.pk)
        options = run.settings
        try:
            services.import_run_confirm(
                run=run, by=request.user, policy=options.get("policy", "skip"),
                assignment=options.get("assignment", "none"),
                counsellors=list(counsellors_active().filter(
                    pk__in=options.get("counsellors", []))),
                default_area=options.get("default_area", ""),
                default_status=options.get("default_status", "new"),
            )
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("The import is queued again; the rows it already "
                                        "wrote are not written twice."))
        return redirect("admin:imports_importrun_progress", run.pk)
