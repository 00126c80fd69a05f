"""What the import endpoints show and take. The shapes only: the rules are the
import pages' (imports.forms, imports.services)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backoffice.api.serializers import (
    PersonSerializer, SourceSerializer, StrictSerializer, TextField,
)
from backoffice.customers.statuses import Status
from backoffice.imports.models import AssignmentRule, DateOrder, DuplicatePolicy, ImportRun
from backoffice.imports.services import importer_label

MAX_ID = 2**63 - 1


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


def run_percent(run: ImportRun) -> int:
    """How far the run is, as the progress page says it."""
    if run.state == ImportRun.State.COMPLETED:
        return 100
    if run.rows_total:
        return min(100, round(100 * run.rows_done / run.rows_total))
    return 0


class ImportCountsSerializer(serializers.Serializer):
    rows = serializers.IntegerField(help_text=_("Rows of the file read so far."))
    created = serializers.IntegerField(help_text=_("New customers."))
    updated = serializers.IntegerField(help_text=_("Customers already there, updated."))
    unchanged = serializers.IntegerField()
    duplicates = serializers.IntegerField(help_text=_("Rows repeating an earlier row."))
    skipped = serializers.IntegerField(help_text=_("Unchanged and duplicates together."))
    refused = serializers.IntegerField(help_text=_("Rows that could not be imported."))
    warnings = serializers.IntegerField(help_text=_("Rows kept with a warning."))


class ImportProgressSerializer(serializers.Serializer):
    rows_total = serializers.IntegerField(allow_null=True)
    rows_done = serializers.IntegerField()
    percent = serializers.IntegerField(min_value=0, max_value=100)


class ImportRunSerializer(serializers.ModelSerializer):
    file_name = serializers.CharField(source="original_name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    data_source = SourceSerializer(read_only=True, allow_null=True)
    importer_label = serializers.SerializerMethodField()
    created_by = PersonSerializer(read_only=True)
    counts = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    problem_rows = serializers.SerializerMethodField()
    preview_pending = serializers.SerializerMethodField()

    class Meta:
        model = ImportRun
        fields = ("id", "file_name", "size", "sha256", "sheet", "data_source", "importer",
                  "importer_label", "state", "state_label", "created_by", "created_at",
                  "started_at", "finished_at", "counts", "progress", "message",
                  "problem_rows", "preview_pending")
        read_only_fields = fields

    def get_importer_label(self, run) -> str:
        return str(importer_label(run.importer))

    @extend_schema_field(ImportCountsSerializer)
    def get_counts(self, run):
        return {"rows": run.rows, "created": run.created, "updated": run.updated,
                "unchanged": run.unchanged, "duplicates": run.duplicates,
                "skipped": run.unchanged + run.duplicates, "refused": run.invalid,
                "warnings": run.warnings}

    @extend_schema_field(ImportProgressSerializer)
    def get_progress(self, run):
        return {"rows_total": run.rows_total, "rows_done": run.rows_done,
                "percent": run_percent(run)}

    def get_problem_rows(self, run) -> bool:
        """Whether the problem rows can be downloaded (…/problem-rows/)."""
        return bool(run.error_report)

    def get_preview_pending(self, run) -> bool:
        return bool((run.settings or {}).get("preview_pending"))


class SameFileSerializer(serializers.ModelSerializer):
    """An earlier import of the same file (same SHA-256), not reverted."""

    file_name = serializers.CharField(source="original_name", read_only=True)
    created_by = PersonSerializer(read_only=True)

    class Meta:
        model = ImportRun
        fields = ("id", "file_name", "state", "created_at", "created_by")
        read_only_fields = fields


class ImportRunCreatedSerializer(ImportRunSerializer):
    same_file = serializers.SerializerMethodField()

    class Meta(ImportRunSerializer.Meta):
        fields = (*ImportRunSerializer.Meta.fields, "same_file")
        read_only_fields = fields

    @extend_schema_field(SameFileSerializer(many=True))
    def get_same_file(self, run):
        return SameFileSerializer(self.context.get("same_file", []), many=True).data


class ImportUploadSerializer(StrictSerializer):
    """The shape of an upload (one file, text for the rest, nothing else); the
    rules are the upload page's form's (imports.forms.UploadForm) and the
    importer is checked among the plugins."""

    file = serializers.FileField(help_text=_(
        "A workbook (.xlsx, .xls, .ods) or delimited text (.csv, .tsv, .txt)."))
    data_source = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID,
        help_text=_("An active data source's id; left out, the columns are detected from "
                    "the file's headers."))
    importer = TextField(
        required=False, max_length=60,
        help_text=_("An importer plugin's identifier, for a file without a data source."))
    sheet = TextField(required=False, max_length=120,
                                  help_text=_("Workbooks only; the first sheet when left out."))


class ImportStartSerializer(StrictSerializer):
    """For the schema: validated by the preview page's confirm form
    (imports.forms.ConfirmForm). Left out, each value is the data source's
    default, as the page offers it."""

    policy = serializers.ChoiceField(choices=DuplicatePolicy.choices, required=False)
    assignment = serializers.ChoiceField(choices=AssignmentRule.choices, required=False)
    counsellors = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False,
        help_text=_("Active counsellors' ids (needed when assigning)."))
    default_area = serializers.CharField(required=False, allow_blank=True, max_length=120)
    default_status = serializers.ChoiceField(choices=Status.choices, required=False)
    counted_at = serializers.DateTimeField(
        required=False, help_text=_("The preview's counted_at as it was shown: refused (409) "
                                    "when the file has been read differently since."))


class ImportReadingSerializer(StrictSerializer):
    """How the file is read: the preview page's choices, each optional. The
    rules are the service's (imports.services.import_preview_choose)."""

    header_row = serializers.IntegerField(
        required=False, min_value=1, max_value=1_000_000,
        help_text=_("The row that holds the headers (the columns are then found again)."))
    mapping = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=10_000), required=False,
        help_text=_("Field → column (counted from 0), e.g. {\"phone\": 2}."))
    ignored_headers = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=500,
        help_text=_("Headers whose columns are left out."))
    country = serializers.CharField(
        required=False, min_length=2, max_length=2,
        help_text=_("The country of numbers written without a country code (IN, AE, …)."))
    date_order = serializers.ChoiceField(choices=DateOrder.choices, required=False)
    status_map = serializers.DictField(
        child=serializers.ChoiceField(choices=Status.choices), required=False,
        help_text=_("The file's status → ours, for statuses we do not know."))

    def validate_mapping(self, value):
        # every field is named in the error when one is unknown: a bounded list
        if len(value) > 200 or any(len(key) > 60 for key in value):
            raise serializers.ValidationError(_("At most 200 fields of 60 characters."))
        return value

    def validate_status_map(self, value):
        if len(value) > 500 or any(len(key) > 200 for key in value):
            raise serializers.ValidationError(_("At most 500 statuses of 200 characters."))
        return value


class PreviewRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    problem = serializers.CharField(allow_blank=True, allow_null=True)
    duplicate_of = serializers.IntegerField(allow_null=True)
    warnings = serializers.ListField(child=serializers.CharField())
    cells = serializers.ListField(child=serializers.CharField(allow_blank=True))
    clean = serializers.DictField(allow_null=True, help_text=_(
        "The row as it would be imported: name, phone, area, date_added, status, remarks, "
        "email, alternate_phone, details."))


class ImportPreviewSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    new = serializers.IntegerField()
    existing = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    refused = serializers.IntegerField()
    warnings = serializers.IntegerField()
    headers = serializers.ListField(child=serializers.CharField(allow_blank=True))
    header_row = serializers.IntegerField(allow_null=True)
    mapping = serializers.DictField(child=serializers.IntegerField(),
                                    help_text=_("Field → column (counted from 0)."))
    ignored = serializers.ListField(child=serializers.IntegerField())
    importer = serializers.CharField()
    needs_columns = serializers.CharField(allow_blank=True)
    country_question = serializers.CharField(allow_blank=True, help_text=_(
        "Why the import may not start yet (the country of the numbers), else empty."))
    options = serializers.DictField()
    owners = serializers.ListField(
        child=serializers.ListField(), help_text=_(
            "[counsellor, how many] for the numbers that are already customers."))
    first_rows = PreviewRowSerializer(many=True)
    problems = PreviewRowSerializer(many=True)
    counted_at = serializers.DateTimeField()
    same_file = SameFileSerializer(many=True)
    start_defaults = serializers.DictField(help_text=_(
        "What …/start/ takes when a value is left out."))


class PreviewPendingSerializer(serializers.Serializer):
    state = serializers.CharField(help_text=_("“counting”."))
    rows_done = serializers.IntegerField()
    detail = serializers.CharField()
