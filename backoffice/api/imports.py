"""/api/v1/imports/: the import pages' steps through the API — upload, preview,
start, progress, problem rows. Thin: the same forms validate what is sent
(imports.forms) and the same services do the work (imports.services), with
the caller as the one who did it. Who may do what is the admin's: managers
import (imports.add_importrun), compliance reads (imports.view_importrun),
counsellors have no imports (403)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from backoffice.api import import_serializers as s
from backoffice.api.pagination import Key, KeysetPagination
from backoffice.api.views import ByIdMixin
from backoffice.imports import services
from backoffice.imports.downloads import problem_rows_response
from backoffice.imports.forms import ConfirmForm, UploadForm
from backoffice.imports.models import ImportRun
from backoffice.imports.plugins import importers
from backoffice.imports.readers import FileProblem
from backoffice.reports import exports

STARTABLE = (ImportRun.State.UPLOADED, ImportRun.State.FAILED)
SAME_FILE_SHOWN = 5
POLL_SECONDS = 2


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Not in this import's state."
    default_code = "conflict"


class CanViewImports(BasePermission):
    """The import history: managers and compliance (the admin's view permission)."""

    def has_permission(self, request, view):
        return request.user.has_perm("imports.view_importrun")


def _may_import(user) -> None:
    if not user.has_perm("imports.add_importrun"):
        raise PermissionDenied(_("You may not import customers."))


def _form_errors(form) -> dict:
    return {("detail" if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in form.errors.items()}


class ImportRunPagination(KeysetPagination):
    # served by the index on created_at
    orderings = {"-created_at": Key("created_at", "datetime", descending=True),
                 "-id": Key("id", "int", descending=True)}


class ProblemRowsRenderer(BaseRenderer):
    """Lets a caller that asks for the file by its type (Accept: text/csv or
    the XLSX type) reach the download; the file itself is streamed as is."""

    media_type = "text/csv"
    format = "csv"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # only an error answer comes through a renderer: said as JSON
        return JSONRenderer().render(data)


class ProblemRowsXlsxRenderer(ProblemRowsRenderer):
    media_type = exports.FORMATS["xlsx"]
    format = "xlsx"


CONFLICT = {409: OpenApiResponse(s.ErrorSerializer, description="Not in a state for this: the "
                                                            "reason in “detail”.")}
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(summary="Imports, newest first (managers, compliance)"),
    retrieve=extend_schema(summary="One import: its state, counts and progress (poll it)"),
)
class ImportRunViewSet(ByIdMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    serializer_class = s.ImportRunSerializer
    permission_classes = [IsAuthenticated, CanViewImports]
    pagination_class = ImportRunPagination

    def get_queryset(self):
        return ImportRun.objects.select_related("data_source", "created_by")

    def retrieve(self, request, *args, **kwargs):
        services.import_runs_mark_stale()  # as the progress page: a dead worker's run failed
        return Response(self.get_serializer(self.get_object()).data)

    # --- upload -----------------------------------------------------------------------

    @extend_schema(
        summary="Upload a file to import (managers)",
        request={"multipart/form-data": s.ImportUploadSerializer},
        responses={201: s.ImportRunCreatedSerializer},
        description="The file is stored and read; nothing is imported until …/start/. "
                    "“same_file” lists earlier imports of the very same file.")
    def create(self, request):
        _may_import(request.user)
        data = request.data
        # a file where text belongs, two files, a field the upload does not take: a 400
        s.ImportUploadSerializer(data=data).is_valid(raise_exception=True)
        if len(request.FILES.getlist("file")) > 1:
            raise ValidationError({"file": [_("Send one file at a time.")]})
        form = UploadForm({"data_source": data.get("data_source") or "",
                           "sheet": data.get("sheet") or ""}, request.FILES)
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        importer = (data.get("importer") or "").strip()
        if importer and form.cleaned_data["data_source"] is not None:
            raise ValidationError({"importer": [_(
                "Give a data source or an importer, not both.")]})
        if importer and importer not in importers():
            raise ValidationError({"importer": [_("No importer with this identifier; "
                                                  "known: %s.") % ", ".join(sorted(importers()))]})
        try:
            run = services.import_run_create(
                upload=form.cleaned_data["file"], by=request.user,
                data_source=form.cleaned_data["data_source"], importer=importer or None,
                sheet=form.cleaned_data["sheet"] or None)
        except FileProblem as exc:
            raise ValidationError({"file": [str(exc)]}) from None
        run = self.get_queryset().get(pk=run.pk)
        same = services.import_runs_with_same_file(run).select_related("created_by")
        serializer = s.ImportRunCreatedSerializer(
            run, context={"same_file": list(same[:SAME_FILE_SHOWN])})
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    # --- preview ----------------------------------------------------------------------

    @extend_schema(
        summary="What the import would do (managers)",
        parameters=[ID],
        responses={200: s.ImportPreviewSerializer,
                   202: OpenApiResponse(s.PreviewPendingSerializer,
                                        description="A big file is being counted: ask again "
                                                    "after Retry-After seconds."),
                   **CONFLICT},
        description="Counts for the whole file (new, existing, duplicates, refused), how "
                    "its columns are read, its first rows and problem rows — the file's "
                    "cells as data. Counted once and kept; a big file is counted by a job.")
    @action(detail=True, methods=["get"], url_path="preview")
    def preview(self, request, pk=None):
        _may_import(request.user)
        run = self.get_object()
        if run.state not in STARTABLE:
            raise Conflict(_("This import has started: see its progress."))
        _preview_error_said(run)
        preview, counting = services.import_preview_kept_or_counting(run)
        if counting:
            run.refresh_from_db()
            _preview_error_said(run)  # the job, run in-process, could not read the file
            return Response({"state": "counting", "rows_done": run.rows_done,
                             "detail": _("The file is being counted.")},
                            status=status.HTTP_202_ACCEPTED,
                            headers={"Retry-After": str(POLL_SECONDS)})
        if preview is None:
            try:
                services.import_preview(run=run)
            except FileProblem as exc:
                raise ValidationError({"file": [str(exc)]}) from None
        data = dict(run.settings["preview"])
        data["refused"] = data.pop("invalid")
        same = services.import_runs_with_same_file(run).select_related("created_by")
        data.update(
            country_question=services.import_run_country_question(run),
            same_file=s.SameFileSerializer(same[:SAME_FILE_SHOWN], many=True).data,
            start_defaults=_start_defaults(run))
        return Response(s.ImportPreviewSerializer(data).data)

    @extend_schema(
        summary="Change how the file is read (managers)",
        parameters=[ID],
        request=s.ImportReadingSerializer,
        responses={200: s.ImportRunSerializer, **CONFLICT},
        description="The preview page's choices: the header row, the columns, the headers "
                    "left out, the country of numbers without a country code (which "
                    "answers the preview's country question), the date order, our status "
                    "for the file's. The file is counted again at the next preview.")
    @action(detail=True, methods=["post"], url_path="reading")
    def reading(self, request, pk=None):
        _may_import(request.user)
        run = self.get_object()
        if run.state not in STARTABLE:
            raise Conflict(_("This import has started: how its file is read cannot change."))
        if services.import_preview_pending(run):
            raise Conflict(_("The file is being counted; choose again when it is done."))
        choices = s.ImportReadingSerializer(data=request.data)
        choices.is_valid(raise_exception=True)
        if not choices.validated_data:
            raise ValidationError({"detail": [_("Nothing to change: give at least one "
                                                "choice.")]})
        services.import_preview_choose(run=run, by=request.user, **choices.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    # --- start ------------------------------------------------------------------------

    @extend_schema(
        summary="Start the import (managers)",
        parameters=[ID],
        request=s.ImportStartSerializer,
        responses={202: OpenApiResponse(s.ImportRunSerializer,
                                        description="Queued: poll the import for progress."),
                   **CONFLICT},
        description="The preview page's confirm: queued once, however often it is sent; "
                    "409 once the import has started or finished. A failed import may be "
                    "started again (the rows it wrote are not written twice).")
    @action(detail=True, methods=["post"], url_path="start")
    def start(self, request, pk=None):
        _may_import(request.user)
        run = self.get_object()
        if run.state not in STARTABLE:
            raise Conflict(_("This import is %s: it cannot be started again.")
                           % run.get_state_display().lower())
        if services.import_preview_pending(run):
            raise Conflict(_("The file is still being counted: start it once its preview "
                             "is ready."))
        body = request.data if hasattr(request.data, "get") else {}
        shape = s.ImportStartSerializer(data=body)
        shape.is_valid(raise_exception=True)
        given = shape.validated_data
        counted = given.pop("counted_at", None)
        preview = services.import_preview_stored(run)
        if counted and preview is not None and counted != preview.counted_at:
            raise Conflict(_("The file has been read differently since that preview: check "
                             "the preview again, then start the import."))
        form = ConfirmForm({**_start_defaults(run), **given})
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        confirmed = form.cleaned_data
        services.import_run_confirm(
            run=run, by=request.user, policy=confirmed["policy"],
            assignment=confirmed["assignment"], counsellors=list(confirmed["counsellors"]),
            default_area=confirmed["default_area"], default_status=confirmed["default_status"])
        run = self.get_object()
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)

    # --- problem rows -------------------------------------------------------------------

    @extend_schema(
        summary="The problem rows, as a file (CSV or XLSX)",
        parameters=[ID, OpenApiParameter(
            "type", str, enum=list(exports.FORMATS), default="csv",
            description="The file's type.")],
        responses={(200, "text/csv"): OpenApiTypes.STR,
                   (200, exports.FORMATS["xlsx"]): OpenApiTypes.BINARY,
                   404: OpenApiResponse(s.ErrorSerializer, description="No such import, or "
                                                                       "it has no problem rows.")},
        description="The rows the import refused or kept with a warning, with the reasons. "
                    "Cells a spreadsheet would run as a formula are written as text. "
                    "Recorded in the activity log as an export.")
    @action(detail=True, methods=["get"], url_path="problem-rows",
            renderer_classes=[JSONRenderer, ProblemRowsRenderer, ProblemRowsXlsxRenderer])
    def problem_rows(self, request, pk=None):
        fmt = request.query_params.get("type", "csv")
        if fmt not in exports.FORMATS:
            raise ValidationError({"type": [_("One of: %s.") % ", ".join(exports.FORMATS)]})
        run = self.get_object()
        if not run.error_report:
            raise Http404
        return problem_rows_response(run, fmt, user=request.user, via="api")


def _preview_error_said(run: ImportRun) -> None:
    """Why the preview job could not read the file, as a 400 — said once, as the
    preview page does: the next preview reads the file afresh."""
    if error := run.settings.get("preview_error"):
        run.settings.pop("preview_error")
        run.save(update_fields=["settings"])
        raise ValidationError({"file": [error]})


def _start_defaults(run: ImportRun) -> dict:
    """What the confirm form offers before anything is chosen: the data source's."""
    source = run.data_source
    return {"policy": source.duplicate_policy if source else "skip",
            "assignment": source.assignment_rule if source else "none",
            "counsellors": [],
            "default_area": source.default_area if source else "",
            "default_status": source.default_status if source else "new"}
