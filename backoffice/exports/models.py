import uuid

from django.conf import settings as django_settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def export_file_path(job: "ExportJob", filename: str) -> str:
    return f"exports/{job.uuid}/{filename}"


class ExportJob(models.Model):
    """An export too big to write inside a web request: written by a
    background job to private storage, downloadable by the person who asked
    for it (and superusers) until it expires."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers")
        REPORT = "report", _("Report")

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    format = models.CharField(_("format"), max_length=8)
    # What was asked for, as given (the list's filters, the report's query):
    # the job reads it again as its owner, with the owner's scope at job time.
    params = models.JSONField(_("filters and options"), default=dict, blank=True)
    # The same request twice while the first is queued or running is one job.
    fingerprint = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(_("status"), max_length=16, choices=State.choices,
                             default=State.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_file_path, max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Touched as rows are written: a running export whose heartbeat stops has
    # lost its worker.
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        # seen by its owner (and superusers), not by a model permission
        default_permissions = ()
        indexes = [models.Index(fields=["created_by", "-created_at"], name="export_owner_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "fingerprint"],
                condition=models.Q(state__in=["queued", "running"]),
                name="export_one_active_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.format.upper()})"

    @property
    def percent(self) -> int:
        if self.state == self.State.COMPLETED:
            return 100
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))
