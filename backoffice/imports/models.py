import uuid

from django.conf import settings as django_settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from backoffice.customers.statuses import Status
from backoffice.imports.plugins import importer_choices


class DuplicatePolicy(models.TextChoices):
    SKIP = "skip", _("Skip: leave the existing customer as it is")
    FILL = "fill", _("Fill blanks: add what the existing customer is missing")
    OVERWRITE = "overwrite", _("Overwrite: take the file's name, area, date and remarks")


class AssignmentRule(models.TextChoices):
    NONE = "none", _("Leave unassigned")
    ROUND_ROBIN = "round_robin", _("Round-robin over the chosen counsellors")
    BY_AREA = "by_area", _("By area (the counsellor who has most customers there)")
    LEAST_LOADED = "least_loaded", _("Least loaded of the chosen counsellors first")


class DateOrder(models.TextChoices):
    DAY_FIRST = "dmy", _("Day first (31/12/2026)")
    MONTH_FIRST = "mdy", _("Month first (12/31/2026)")
    YEAR_FIRST = "ymd", _("Year first (2026/12/31)")


class DataSource(models.Model):
    """A named source of leads bound to an importer plugin and its settings:
    a new source with odd headers is often a new row here, not new code."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    importer = models.CharField(_("importer plugin"), max_length=60, choices=importer_choices)
    extra_aliases = models.JSONField(
        _("extra header aliases"),
        default=dict,
        blank=True,
        help_text=_(
            'Headers this source uses, per field, e.g. {"phone": ["Parent Mobile"], '
            '"area": ["Branch"]}. Case, spaces and punctuation do not matter.'
        ),
    )
    ignored_headers = models.JSONField(
        _("ignored columns"), default=list, blank=True,
        help_text=_("Headers of columns to leave out (not even kept as source details)."),
    )
    header_row = models.PositiveIntegerField(
        _("header row"), null=True, blank=True,
        help_text=_("The row number of the headers; empty: found from the headers."),
    )
    country = models.CharField(
        _("country"), max_length=2, default="IN",
        help_text=_("Numbers written without a country code are read as this country's, "
                    "unless a country column of the file says otherwise."),
    )
    date_order = models.CharField(
        _("date order"), max_length=3, choices=DateOrder.choices, default=DateOrder.DAY_FIRST
    )
    status_map = models.JSONField(
        _("status translation"), default=dict, blank=True,
        help_text=_('The file\'s statuses and ours, e.g. {"Follow up": "call_later"}. '
                    "A status not listed becomes the default status and is kept in the remarks."),
    )
    default_area = models.CharField(_("default area"), max_length=120, blank=True)
    default_status = models.CharField(
        _("default status"), max_length=32, choices=Status.choices, default=Status.NEW
    )
    duplicate_policy = models.CharField(
        _("duplicate policy"), max_length=16, choices=DuplicatePolicy.choices,
        default=DuplicatePolicy.SKIP,
    )
    assignment_rule = models.CharField(
        _("assignment rule"), max_length=16, choices=AssignmentRule.choices,
        default=AssignmentRule.NONE,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Web forms (backoffice/capture): POST /capture/<key>/ adds a lead from
    # this source. Blank: capture off. Made and revoked by the admin's buttons.
    capture_key = models.CharField(
        _("capture key"), max_length=64, blank=True, default="", editable=False,
    )
    allowed_origins = models.JSONField(
        _("allowed origins"), default=list, blank=True,
        help_text=_('The sites whose pages may post to the capture address, e.g. '
                    '["https://www.example.edu"] (https sites only). Browsers say which '
                    "site a form is posted from; a post from any other site, or from a "
                    "server that says none, is refused. Empty: any site and any server."),
    )
    captured = models.PositiveIntegerField(_("web leads accepted"), default=0, editable=False)
    capture_duplicates = models.PositiveIntegerField(
        _("web enquiries from known customers"), default=0, editable=False)
    capture_spam = models.PositiveIntegerField(_("web posts taken for spam"), default=0,
                                               editable=False)
    capture_refused = models.PositiveIntegerField(_("web posts refused"), default=0,
                                                  editable=False)
    history = HistoricalRecords(excluded_fields=[
        "captured", "capture_duplicates", "capture_spam", "capture_refused"])

    class Meta:
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")
        ordering = ["name"]
        constraints = [
            # blank is "capture off", shared by many; a key is one source's
            models.UniqueConstraint(fields=["capture_key"], condition=~models.Q(capture_key=""),
                                    name="datasource_capture_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from backoffice.imports.plugins import CANONICAL_FIELDS, KEEP, importers

        plugin = importers().get(self.importer)
        if plugin is None:
            raise ValidationError({"importer": _("No importer plugin “%s”.") % self.importer})
        aliases = self.extra_aliases or {}
        known = set(CANONICAL_FIELDS) | set(plugin.aliases) | {KEEP}
        if not isinstance(aliases, dict) or not all(
            isinstance(names, list) and all(isinstance(n, str) and n.strip() for n in names)
            for names in aliases.values()
        ):
            raise ValidationError({"extra_aliases": _(
                'Write it as {"field": ["Header", "Other header"]}.')})
        unknown = sorted(set(aliases) - known)
        if unknown:
            raise ValidationError({"extra_aliases": _("Unknown fields: %(unknown)s. Known: %(known)s.")
                                   % {"unknown": ", ".join(unknown),
                                      "known": ", ".join(sorted(known))}})
        import phonenumbers

        self.country = (self.country or "").strip().upper()
        if self.country not in phonenumbers.SUPPORTED_REGIONS:
            raise ValidationError({"country": _(
                "Give the country as its two-letter code (IN, US, GB, AE, …).")})
        statuses = self.status_map or {}
        if not isinstance(statuses, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in statuses.items()
        ):
            raise ValidationError({"status_map": _(
                'Write it as {"Their status": "our_status"}.')})
        wrong = sorted({v for v in statuses.values() if v not in Status.values})
        if wrong:
            raise ValidationError({"status_map": _(
                "Unknown statuses: %(wrong)s. Ours: %(ours)s.")
                % {"wrong": ", ".join(wrong), "ours": ", ".join(Status.values)}})
        if self.header_row is not None and self.header_row < 1:
            raise ValidationError({"header_row": _("Row numbers start at 1.")})
        ignored = self.ignored_headers or []
        if not isinstance(ignored, list) or not all(isinstance(h, str) for h in ignored):
            raise ValidationError({"ignored_headers": _('Write it as ["Header", "Other header"].')})
        self.allowed_origins = allowed_origins_clean(self.allowed_origins)

    def importer_config(self) -> dict:
        return {"aliases": self.extra_aliases or {}}

    def read_options(self) -> dict:
        """How this source's files are read, as run settings (see pipeline.ReadOptions)."""
        return {
            "country": self.country, "date_order": self.date_order,
            "status_map": self.status_map or {}, "ignored_headers": self.ignored_headers or [],
            "header_row": self.header_row,
        }


def allowed_origins_clean(origins) -> list[str]:
    """The allowed origins as browsers send them (``https://host[:port]``,
    lower case, no path); ValidationError for anything else."""
    from urllib.parse import urlsplit

    from django.core.exceptions import ValidationError

    if origins in (None, ""):
        return []
    if not isinstance(origins, list) or not all(isinstance(o, str) for o in origins):
        raise ValidationError({"allowed_origins": _(
            'Write it as ["https://www.example.edu", "https://apply.example.edu"].')})
    clean: list[str] = []
    for origin in origins:
        written = origin.strip().rstrip("/")
        try:
            parts = urlsplit(written)
            port = parts.port
        except ValueError:
            parts, port = None, None
        if (parts is None or parts.scheme.lower() != "https" or not parts.hostname
                or parts.path or parts.query or parts.fragment or parts.username
                or parts.password or len(written) > 200):
            raise ValidationError({"allowed_origins": _(
                "“%s” is not a site's address: write https:// and the host name only, "
                "e.g. https://www.example.edu.") % origin[:200]})
        value = f"https://{parts.hostname.lower()}" + (f":{port}" if port else "")
        if value not in clean:
            clean.append(value)
    return clean


def upload_path(run: "ImportRun", filename: str) -> str:
    return f"imports/{run.uuid}/{filename}"


def error_report_path(run: "ImportRun", filename: str) -> str:
    return f"imports/{run.uuid}/errors-{filename}"


class ImportRun(models.Model):
    """One file imported (or being imported): who, when, what, with which
    settings, and what became of every row."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")
        REVERTING = "reverting", _("Being reverted")
        REVERTED = "reverted", _("Reverted")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    data_source = models.ForeignKey(
        DataSource, verbose_name=_("data source"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="runs",
    )
    importer = models.CharField(_("importer plugin"), max_length=60)
    file = models.FileField(_("file"), upload_to=upload_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sheet = models.CharField(_("sheet"), max_length=120, blank=True)
    settings = models.JSONField(_("settings used"), default=dict, blank=True)
    state = models.CharField(
        _("status"), max_length=16, choices=State.choices, default=State.UPLOADED
    )
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Touched by every batch a worker commits: a running import whose heartbeat
    # stops has lost its worker.
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows in file"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    created = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates in the file"), default=0)
    invalid = models.PositiveIntegerField(_("refused"), default=0)
    # rows kept (created or updated) although a cell of theirs could not be read
    warnings = models.PositiveIntegerField(_("kept with a warning"), default=0)
    error_report = models.FileField(
        _("error report"), upload_to=error_report_path, max_length=300, blank=True
    )
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        permissions = [("revert_importrun", _("Can revert an import"))]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="completed")
                | models.Q(
                    rows=models.F("created") + models.F("updated") + models.F("unchanged")
                    + models.F("duplicates") + models.F("invalid")
                ),
                name="importrun_every_row_accounted_for",
            ),
        ]

    def __str__(self) -> str:
        if not self.created_at:
            return self.original_name
        from backoffice.core.words import local_datetime

        return f"{self.original_name} ({local_datetime(self.created_at)})"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "duplicates": self.duplicates, "invalid": self.invalid,
            "warnings": self.warnings,
        }
