"""Exports too big for a web request: asked for on the page, written by a
background job, downloaded from the export's own page until it expires.

The only code that writes ExportJob rows. Whatever is exported (the customer
list, a report) is produced by a *table function* named in ``TABLES``: given
the owner and the params saved with the job, it returns the headers, the rows
(an iterator) and the count. It reads as the owner, at job time, with the
owner's scope (``customers_visible_to``) — a job has no request.
"""

import datetime
import hashlib
import json
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.audit.models import ActivityLog
from backoffice.audit.services import activity_record
from backoffice.exports.models import ExportJob

logger = logging.getLogger(__name__)

# Progress is written (and the heartbeat touched) once per this many rows.
PROGRESS_EVERY = 2000


@dataclass
class ExportTable:
    headers: list[str]
    rows: Iterable[list[Any]]
    total: int | None = None
    sheet_title: str = "Export"
    # what the activity log keeps beside the format (filters, report…)
    details: dict | None = None


# kind -> "module:function" taking (user=, params=) and returning an ExportTable
TABLES: dict[str, str] = {
    ExportJob.Kind.CUSTOMERS: "backoffice.customers.exports:customer_export_table",
    ExportJob.Kind.REPORT: "backoffice.reports.exports:report_export_table",
}


def export_inline_max_rows() -> int:
    return settings.EXPORT_INLINE_MAX_ROWS


def export_runs_inline(rows: int) -> bool:
    """Whether an export of this many rows is written inside the request."""
    return rows <= export_inline_max_rows()


def _table_function(kind: str) -> Callable[..., ExportTable]:
    module, name = TABLES[kind].split(":")
    return getattr(import_module(module), name)


def _fingerprint(kind: str, fmt: str, params: dict) -> str:
    text = json.dumps([kind, fmt, params], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# --- asking ----------------------------------------------------------------------

def export_job_start(*, by, kind: str, fmt: str, title: str, params: dict,
                     rows_total: int | None = None) -> ExportJob:
    """Queue an export for ``by``. The same request again while the first is
    queued or running returns the first (a double click queues one job)."""
    from backoffice.core.jobs import enqueue
    from backoffice.exports.jobs import export_job_run

    ExportJob.Kind(kind)
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}")
    fingerprint = _fingerprint(kind, fmt, params)
    active = ExportJob.objects.filter(created_by=by, fingerprint=fingerprint,
                                      state__in=ExportJob.ACTIVE_STATES)
    existing = active.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                kind=kind, format=fmt, title=str(title)[:200], params=params,
                fingerprint=fingerprint, created_by=by, rows_total=rows_total,
            )
            enqueue(export_job_run, job.pk)
    except IntegrityError:
        # the other click won the race
        return active.get()
    return job


def export_job_retry(*, job: ExportJob, by) -> ExportJob:
    """Queue a failed export again (its owner asks for it anew)."""
    return export_job_start(by=by, kind=job.kind, fmt=job.format, title=job.title,
                            params=job.params)


# --- writing -------------------------------------------------------------------

def export_job_execute(*, job: ExportJob) -> ExportJob:
    """Write the export's file. The rows are read as the owner, now."""
    from backoffice.reports import exports as writers

    job.state = ExportJob.State.RUNNING
    job.started_at = job.heartbeat_at = timezone.now()
    job.rows_done = 0
    job.message = ""
    job.save(update_fields=["state", "started_at", "heartbeat_at", "rows_done", "message"])
    owner = job.created_by
    try:
        if not owner.is_active:
            raise PermissionDenied(_("The account that asked for this export is disabled."))
        table = _table_function(job.kind)(user=owner, params=job.params)
        if table.total is not None:
            job.rows_total = table.total
            job.save(update_fields=["rows_total"])
        counter = _Progress(job)
        rows = counter.count(table.rows)
        stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
        name = f"{_slug(job.title)}-{stamp}.{job.format}"
        if job.format == "xlsx":
            handle = writers.table_xlsx(table.headers, rows, title=table.sheet_title)
        else:
            handle = tempfile.TemporaryFile()
            for line in writers.table_lines(table.headers, rows):
                handle.write(line.encode("utf-8"))
            handle.seek(0)
        with handle:
            job.file.save(name, File(handle, name=name), save=False)
    except PermissionDenied as exc:
        return _fail(job, str(exc) or _("You may no longer make this export."))
    except Exception as exc:
        logger.exception("Export %s failed", job.pk)
        return _fail(job, _("The export stopped with an error: %s. Start it again.") % exc)
    now = timezone.now()
    job.state = ExportJob.State.COMPLETED
    job.rows_done = job.rows_total = counter.done
    job.file_name = name
    job.finished_at = job.heartbeat_at = now
    job.expires_at = now + datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    with transaction.atomic():
        job.save()
        activity_record(
            user=owner, action=ActivityLog.Action.EXPORT,
            target=f"{job.title} ({job.format.upper()})", rows=counter.done,
            details={"format": job.format, **(table.details or {}), "export": str(job.uuid),
                     "background": True},
        )
    return job


class _Progress:
    def __init__(self, job: ExportJob):
        self.job = job
        self.done = 0

    def count(self, rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
        for row in rows:
            yield row
            self.done += 1
            if self.done % PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=self.job.pk).update(
                    rows_done=self.done, heartbeat_at=timezone.now())


def _slug(title: str) -> str:
    from django.utils.text import slugify

    return slugify(title)[:60] or "export"


def _fail(job: ExportJob, message: str) -> ExportJob:
    job.state = ExportJob.State.FAILED
    job.finished_at = timezone.now()
    job.message = message
    job.save(update_fields=["state", "finished_at", "message"])
    return job


def export_jobs_mark_stale(*, quiet_for: datetime.timedelta | None = None) -> int:
    """Mark exports whose worker died (running, no progress for a while) as
    failed, with a message that says what to do."""
    quiet_for = quiet_for or datetime.timedelta(seconds=settings.EXPORT_STALE_AFTER_SECONDS)
    cutoff = timezone.now() - quiet_for
    return ExportJob.objects.filter(
        state=ExportJob.State.RUNNING, heartbeat_at__lt=cutoff
    ).update(
        state=ExportJob.State.FAILED, finished_at=timezone.now(),
        message=_("The worker writing this export stopped. Start it again."),
    )


def export_jobs_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of exports past their time; their records stay."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(state=ExportJob.State.COMPLETED,
                                        expires_at__lt=now).iterator():
        if job.file:
            job.file.delete(save=False)
        job.state = ExportJob.State.EXPIRED
        job.save(update_fields=["file", "state"])
        expired += 1
    return expired
