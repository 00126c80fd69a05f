"""Imports: upload, preview, run, revert. The only code that writes
ImportRun rows, and the only bulk writer of customers.

A run reads its file in batches. Each batch is one transaction: its new
customers (with their history and first status change), its updates to
existing customers, and the run's counters. A run whose worker dies keeps the
batches it finished; running it again finds the customers it created (they
carry ``import_run``) and counts them as its own, so nothing is created twice.
Two runs at once with the same numbers cannot both create a customer: the
phone is unique, the insert skips conflicts, and the loser treats the row as
an existing customer.
"""

import contextlib
import csv
import datetime
import heapq
import itertools
import logging
import queue
import shutil
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from backoffice.accounts.models import User
from backoffice.audit.models import ActivityLog
from backoffice.audit.services import activity_record, ids_detail
from backoffice.accounts.selectors import counsellors_active
from backoffice.customers.models import Customer, StatusChange
from backoffice.customers.statuses import Status, funnel_rank, status_bit
from backoffice.imports import pgcopy
from backoffice.imports.models import (
    AssignmentRule, DataSource, DateOrder, DuplicatePolicy, ImportRun,
)
from backoffice.notifications.services import (
    import_assigned_notify, import_finished_notify, imports_failed_notify,
)
from backoffice.imports.pipeline import Plan, Record, iter_records, plan_file
from backoffice.webhooks.models import EventKind
from backoffice.webhooks.services import event_emit
from backoffice.imports.plugins import (
    CANONICAL_FIELDS, KEEP, Importer, header_key, importer_get, importers,
)
from backoffice.imports.analysis import FileFacts
from backoffice.imports.countries import in_country
from backoffice.imports.normalise import ReadOptions, text
from backoffice.imports.readers import (
    EXTENSIONS, FileProblem, headers_for_message, iter_rows, open_table, sha256_of,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
# SQLite has one writer at a time: an import's batch holds the write lock for
# its whole transaction, and a person saving a customer meanwhile waits (up to
# the busy timeout, settings' "timeout"). Smaller batches there, and a pause
# after each, keep that wait short (tests/backoffice/imports/test_in_thread.py).
SQLITE_BATCH_SIZE = 1000
SQLITE_PAUSE_SECONDS = 0.05
PREVIEW_ROWS = 20
UPDATABLE_FIELDS = pgcopy.UPDATE_COLUMNS
ALLOWED_EXTENSIONS = EXTENSIONS  # what the file is comes from its content
MB = 1024 * 1024  # the unit of the IMPORT_*_MB settings


# --- upload -----------------------------------------------------------------------


def import_history_reason(run: ImportRun) -> str:
    """The reason the history records of an import's writes carry (the
    change-history review finds a run's writes by it)."""
    return _("Imported from %s") % run.original_name


def import_run_create(
    *,
    upload: UploadedFile | File,
    by: User,
    data_source: DataSource | None = None,
    importer: str | None = None,
    sheet: str | None = None,
    options: dict | None = None,
) -> ImportRun:
    """Store an uploaded file (private storage) and check that it can be read.
    Raises FileProblem, with nothing stored, when it cannot.

    ``options`` are reading choices made for this file (READ_OPTION_KEYS:
    country, date order, header row, ignored headers, header aliases, status
    translation) over those of the data source."""
    if not by.has_perm("imports.add_importrun"):
        raise PermissionDenied(_("You may not import customers."))
    name = Path(upload.name or "upload").name
    if not name.lower().endswith(ALLOWED_EXTENSIONS):
        raise FileProblem(
            _("“%s” is not a spreadsheet file: upload an .xlsx, .xls, .ods, .csv, .tsv or .txt "
              "file.") % name
        )
    size = upload.size or 0
    if size == 0:
        raise FileProblem(_("The file is empty."))
    if size > settings.IMPORT_MAX_FILE_BYTES:
        # MB as IMPORT_MAX_FILE_MB counts them (1024 * 1024 bytes), for both figures.
        raise FileProblem(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it and import the parts.")
            % {"size": f"{size / MB:.1f}", "limit": f"{settings.IMPORT_MAX_FILE_BYTES / MB:g}"}
        )
    importer_id = data_source.importer if data_source else (importer or "")
    run = ImportRun(
        data_source=data_source,
        importer=importer_id,
        original_name=name,
        sha256=sha256_of(upload),
        size=size,
        sheet=sheet or "",
        created_by=by,
        settings={**(data_source.read_options() if data_source else {}),
                  **{k: v for k, v in (options or {}).items() if k in READ_OPTION_KEYS}},
    )
    if data_source:
        # a data source's country and date order are a person's choices
        for key in ("country", "date_order"):
            if key not in (options or {}):
                run.settings[f"{key}_confirmed"] = True
    with _local_upload(upload) as path:
        # raises FileProblem for unreadable files; a file whose phone column
        # is not recognised is kept, for the person to choose it on the preview
        plan = _plan(run, path, incomplete_ok=True)
    run.importer = plan.importer.identifier
    sheet_field = ImportRun._meta.get_field("sheet").max_length
    if len(plan.table.sheet or "") > sheet_field:
        raise FileProblem(_("The workbook's sheet has a name longer than %(n)d characters; "
                            "rename the sheet and upload it again.") % {"n": sheet_field})
    run.sheet = plan.table.sheet or ""
    run.settings = {**run.settings, "mapping": plan.mapping, "facts": plan.facts.stored(),
                    "needs_columns": plan.needs_columns, "table_note": plan.table.note}
    upload.seek(0)
    run.file.save(name, upload, save=False)
    run.save()
    return run


@contextlib.contextmanager
def _local_upload(upload) -> Iterator[Path]:
    if hasattr(upload, "temporary_file_path"):
        yield Path(upload.temporary_file_path())
        return
    suffix = Path(upload.name or "").suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        upload.seek(0)
        shutil.copyfileobj(upload, handle)
        handle.flush()
        yield Path(handle.name)


@contextlib.contextmanager
def _run_file(run: ImportRun) -> Iterator[Path]:
    """The run's stored file as a local path (shared storage is copied down)."""
    try:
        yield Path(run.file.path)
    except NotImplementedError:
        with run.file.open("rb") as stored, tempfile.NamedTemporaryFile(
            suffix=Path(run.original_name).suffix
        ) as handle:
            shutil.copyfileobj(stored, handle)
            handle.flush()
            yield Path(handle.name)


READ_OPTION_KEYS = ("country", "country_confirmed", "date_order", "date_order_confirmed",
                    "header_row",
                    "ignored_headers", "status_map")


def import_run_map_headers(*, run: ImportRun, columns: dict[str, str]) -> ImportRun:
    """Take ``columns`` (field -> header as written in the file) over the
    detected mapping; FileProblem names a header or field that is not there."""
    with _run_file(run) as path:
        plan = _plan(run, path, incomplete_ok=True)
    keys = {}
    for index, header in enumerate(plan.headers):
        keys.setdefault(header_key(header), index)
    fields = set(plan.importer.aliases) | set(CANONICAL_FIELDS)
    mapping = dict(plan.mapping)
    for name, header in columns.items():
        if name not in fields:
            raise FileProblem(_("There is no field “%(field)s”; the fields are: %(fields)s.")
                              % {"field": name, "fields": ", ".join(sorted(fields))})
        index = keys.get(header_key(header))
        if index is None:
            raise FileProblem(_("The file has no column “%(header)s”; its headers: %(headers)s.")
                              % {"header": header, "headers": headers_for_message(plan.headers)})
        mapping = {key: i for key, i in mapping.items() if i != index}
        mapping[name] = index
    needs = "" if plan.importer.is_complete(mapping) else (
        run.settings.get("needs_columns") or _("Choose the column that holds the phone number."))
    run.settings = {**run.settings, "mapping": mapping, "needs_columns": needs}
    run.save(update_fields=["settings"])
    return run


def _plan(run: ImportRun, path: Path, *, incomplete_ok: bool = False) -> Plan:
    config = run.data_source.importer_config() if run.data_source else {}
    importer = importer_get(run.importer, config) if run.importer else None
    mapping = run.settings.get("mapping") if run.settings else None
    plan = plan_file(path, importer=importer, filename=run.original_name,
                     sheet=run.sheet or None, mapping=mapping or None, config=config,
                     stream_above=settings.IMPORT_XLSX_STREAM_ABOVE_BYTES,
                     options=ReadOptions.from_settings(run.settings),
                     incomplete_ok=incomplete_ok)
    return plan


def import_run_discard(*, run: ImportRun) -> None:
    """Forget a run that was never carried out (a dry run): its stored files and its record."""
    for stored in (run.file, run.error_report):
        if stored:
            stored.delete(save=False)
    run.delete()


def import_run_discard_unstarted(*, run: ImportRun, by: User) -> None:
    """Discard an upload a person never started (from the import history)."""
    if not by.has_perm("imports.add_importrun"):
        raise PermissionDenied(_("You may not import customers."))
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().filter(pk=run.pk).first()
        if locked is None:
            return
        if locked.state != ImportRun.State.UPLOADED:
            raise ValidationError(_("This import has started: it cannot be discarded."))
        import_run_discard(run=locked)


def import_runs_discard_unstarted(*, older_than: datetime.timedelta | None = None,
                                  limit: int | None = None) -> int:
    """Delete uploads never started (never confirmed) older than
    IMPORT_UNSTARTED_KEEP_HOURS, their files with them; at most ``limit``."""
    older_than = older_than or datetime.timedelta(hours=settings.IMPORT_UNSTARTED_KEEP_HOURS)
    cutoff = timezone.now() - older_than
    old = ImportRun.objects.filter(state=ImportRun.State.UPLOADED,
                                   created_at__lt=cutoff).order_by("created_at")
    removed = 0
    for pk in list(old.values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().filter(
                pk=pk, state=ImportRun.State.UPLOADED).first()
            if run is None or import_preview_pending(run):
                continue
            import_run_discard(run=run)
            removed += 1
    return removed


def importer_label(identifier: str) -> str:
    """The plugin's name for people, or nothing for the standard lead list
    (said only when a file was read some other way)."""
    if not identifier or identifier == "standard":
        return ""
    cls = importers().get(identifier)
    # a plugin since removed: its identifier is all there is
    return str(cls.verbose_name or identifier) if cls else identifier


def import_runs_with_same_file(run: ImportRun):
    return ImportRun.objects.filter(sha256=run.sha256).exclude(pk=run.pk).exclude(
        state=ImportRun.State.REVERTED
    )


# --- preview ------------------------------------------------------------------------


@dataclass
class Preview:
    plan: Plan
    rows: int = 0
    new: int = 0
    existing: int = 0
    duplicates: int = 0
    invalid: int = 0
    warnings: int = 0  # rows kept with a warning (inside new and existing)
    counted_at: datetime.datetime | None = None  # when kept on the run
    existing_by_counsellor: Counter = field(default_factory=Counter)
    first_rows: list[Record] = field(default_factory=list)
    problems: list[Record] = field(default_factory=list)

    def _counted_now(self) -> datetime.datetime:
        self.counted_at = timezone.now()
        return self.counted_at

    @property
    def facts(self) -> FileFacts:
        return self.plan.facts

    @property
    def needs_columns(self) -> str:
        return self.plan.needs_columns

    @property
    def options(self) -> dict:
        return self.stored_options()

    def stored_options(self) -> dict:
        return {"country": self.plan.options.country,
                "country_confirmed": self.plan.options.country_confirmed,
                "date_order": self.plan.options.date_order,
                "date_order_confirmed": self.plan.options.date_order_confirmed}

    def existing_owners(self) -> list[tuple[str, int]]:
        """(counsellor or "Unassigned", how many) for the numbers already customers."""
        return self.existing_by_counsellor.most_common()

    def stored(self) -> dict:
        """What the preview page shows, as JSON kept on the run: the confirm
        step and a reload show it without reading the file again."""
        def row(record: Record) -> dict:
            clean = record.clean
            return {
                "row": record.row_number, "problem": record.problem,
                "duplicate_of": record.duplicate_of,
                "warnings": list(clean.warnings) if clean is not None else [],
                "cells": [text(cell) for cell in record.cells],
                "clean": None if clean is None else {
                    "name": clean.name, "phone": clean.phone, "area": clean.area,
                    "date_added": clean.date_added.isoformat() if clean.date_added else None,
                    "status": clean.status, "remarks": clean.remarks,
                    "email": clean.email, "alternate_phone": clean.alternate_phone,
                    "details": clean.details,
                },
            }

        return {
            "mapping": self.plan.mapping, "headers": self.plan.headers,
            "header_row": self.plan.header_row,
            "importer": str(self.plan.importer.verbose_name or self.plan.importer.identifier),
            "fields": list(self.plan.importer.aliases),
            "rows": self.rows, "new": self.new, "existing": self.existing,
            "duplicates": self.duplicates, "invalid": self.invalid, "warnings": self.warnings,
            "owners": self.existing_owners(),
            "facts": self.plan.facts.stored(),
            "options": self.stored_options(),
            "needs_columns": self.plan.needs_columns,
            "ignored": sorted(self.plan.ignored),
            "first_rows": [row(record) for record in self.first_rows],
            "problems": [row(record) for record in self.problems],
            "counted_at": self._counted_now().isoformat(),
        }


def import_preview_stored(run: ImportRun) -> SimpleNamespace | None:
    """The preview computed last for this run and its current mapping, in the
    shape the preview page reads; None when there is none to reuse."""
    data = (run.settings or {}).get("preview")
    mapping = (run.settings or {}).get("mapping")
    if not data or (mapping and data.get("mapping") != mapping):
        return None
    def record(row: dict) -> SimpleNamespace:
        clean = row["clean"]
        if clean is not None:
            clean = SimpleNamespace(**{
                **clean, "date_added": clean["date_added"]
                and datetime.date.fromisoformat(clean["date_added"])})
        return SimpleNamespace(row_number=row["row"], cells=row["cells"], problem=row["problem"],
                               warnings=row.get("warnings", []),
                               duplicate_of=row["duplicate_of"], clean=clean)

    first_rows = [record(row) for row in data["first_rows"]]
    owners = [tuple(pair) for pair in data["owners"]]
    return SimpleNamespace(
        rows=data["rows"], new=data["new"], existing=data["existing"],
        duplicates=data["duplicates"], invalid=data["invalid"],
        warnings=data.get("warnings", 0),
        existing_by_counsellor=dict(owners), existing_owners=owners,
        first_rows=first_rows,
        problems=[record(row) for row in data.get("problems", [])],
        facts=FileFacts.from_stored(data.get("facts")),
        needs_columns=data.get("needs_columns", ""),
        options=data.get("options") or {},
        plan=SimpleNamespace(headers=data["headers"], mapping=data["mapping"],
                             header_row=data["header_row"],
                             ignored=frozenset(data.get("ignored") or ()),
                             importer=SimpleNamespace(verbose_name=data["importer"],
                                                      aliases=data.get("fields", []))),
        counted_at=datetime.datetime.fromisoformat(data["counted_at"]),
    )


def import_preview_in_job(run: ImportRun) -> bool:
    """A file this big is counted by a job (with progress), not in the request."""
    return run.size > settings.IMPORT_PREVIEW_JOB_ABOVE_BYTES


def import_preview_pending(run: ImportRun) -> bool:
    """A preview job is queued or counting, and its worker is alive."""
    pending = (run.settings or {}).get("preview_pending")
    if not pending:
        return False
    last = run.heartbeat_at or datetime.datetime.fromisoformat(pending["queued_at"])
    return timezone.now() - last < datetime.timedelta(seconds=settings.IMPORT_STALE_AFTER_SECONDS)


def import_preview_kept_or_counting(run: ImportRun) -> tuple[SimpleNamespace | None, bool]:
    """(the preview kept on the run, whether a job is counting it). A big
    file with none kept gets its job started (run in-process in the embedded
    setup, when it may be kept already on return); a small one is counted by
    the caller (import_preview) when there is none."""
    preview = import_preview_stored(run)
    if preview is None and import_preview_in_job(run):
        if not import_preview_pending(run):
            import_preview_start(run=run)
            preview = import_preview_stored(run)  # a job run in-process
        return preview, preview is None
    return preview, False


def import_preview_start(*, run: ImportRun, mapping: dict[str, int] | None = None) -> None:
    """Queue the preview of a big file; the page polls until it is kept on the run."""
    from backoffice.core.jobs import enqueue
    from backoffice.imports.jobs import import_preview_job

    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        locked.settings = {
            **locked.settings,
            **({"mapping": mapping} if mapping is not None else {}),
            "preview_pending": {"queued_at": timezone.now().isoformat()},
        }
        locked.settings.pop("preview_error", None)
        locked.rows_done = 0
        locked.heartbeat_at = None
        locked.save(update_fields=["settings", "rows_done", "heartbeat_at"])
        enqueue(import_preview_job, locked.pk)
    run.refresh_from_db()


def import_preview_execute(*, run: ImportRun) -> None:
    """The preview job: count the whole file, keep the result (or the reason
    the file cannot be read) on the run, with progress as it reads."""
    def progress(rows: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(rows_done=rows, heartbeat_at=timezone.now())

    try:
        import_preview(run=run, progress=progress)
    except FileProblem as exc:
        # the next visit detects the columns afresh (a chosen mapping may be the cause)
        run.settings = {**run.settings, "preview_error": str(exc), "mapping": None}
    run.settings.pop("preview_pending", None)
    run.save(update_fields=["settings"])


def import_preview(*, run: ImportRun, mapping: dict[str, int] | None = None,
                   progress=None) -> Preview:
    """What the run would do, for the whole file, without writing anything.
    ``progress(rows)`` is called after every batch when given."""
    if mapping is not None:
        run.settings = {**run.settings, "mapping": mapping}
    with _run_file(run) as path:
        plan = _plan(run, path, incomplete_ok=True)
        preview = Preview(plan=plan)
        seen: dict[int, int] = {}
        customer_rows: dict[int, int] = {}  # existing customer id -> first row naming it
        records = _limited(iter_records(path, plan))
        if plan.needs_columns:
            # nothing to count before the phone column is chosen: the first
            # rows, to choose it from
            records = itertools.islice(records, PREVIEW_ROWS)
        for batch in _read_ahead(_batches(records, BATCH_SIZE)):
            valid: list[Record] = []
            for record in batch:
                preview.rows += 1
                if len(preview.first_rows) < PREVIEW_ROWS:
                    preview.first_rows.append(record)
                if record.problem:
                    preview.invalid += 1
                    if len(preview.problems) < PREVIEW_ROWS:
                        preview.problems.append(record)
                    continue
                clean = record.clean
                key = int(clean.phone[1:])
                first = seen.get(key)
                if first is not None:
                    preview.duplicates += 1
                    record.duplicate_of = first
                    continue
                seen[key] = record.row_number
                if clean.alternate_phone:
                    seen.setdefault(int(clean.alternate_phone[1:]), record.row_number)
                if clean.warnings:
                    preview.warnings += 1
                    if len(preview.problems) < PREVIEW_ROWS:
                        preview.problems.append(record)
                valid.append(record)
            found = customers_by_phone(_row_phones(valid))
            for record in valid:
                customer = found.for_row(record.clean)
                if customer is None:
                    preview.new += 1
                elif customer.id in customer_rows:
                    preview.duplicates += 1
                    record.duplicate_of = customer_rows[customer.id]
                else:
                    customer_rows[customer.id] = record.row_number
                    preview.existing += 1
                    preview.existing_by_counsellor[customer.assigned_to_id] += 1
            if progress is not None:
                progress(preview.rows)
    if preview.existing_by_counsellor:
        names = {u.pk: str(u) for u in User.objects.filter(
            pk__in=[pk for pk in preview.existing_by_counsellor if pk])}
        preview.existing_by_counsellor = Counter({
            names.get(pk, _("Unassigned")) if pk else _("Unassigned"): n
            for pk, n in preview.existing_by_counsellor.items()
        })
    run.rows_total = None if plan.needs_columns else preview.rows
    run.settings = {**run.settings, "mapping": plan.mapping, "preview": preview.stored(),
                    "needs_columns": plan.needs_columns}
    run.save(update_fields=["rows_total", "settings"])
    return preview


# --- the preview's choices, and a data source from them ------------------------------

HEAD_ROWS = 12  # the rows offered as the header row
HEAD_CELLS = 6  # the cells of each shown
HEAD_CELL_CHARS = 40
UNCHANGED = object()


def import_run_head(run: ImportRun) -> list[tuple[int, list[str]]]:
    """The first rows of the run's file as written (row number, its first
    cells as text, shortened), to choose the header row from. Read once and
    kept on the run: the file of a run never changes."""
    head = (run.settings or {}).get("head")
    if head is None:
        head = []
        with _run_file(run) as path:
            table = open_table(path, filename=run.original_name, sheet=run.sheet or None,
                               stream_above=settings.IMPORT_XLSX_STREAM_ABOVE_BYTES)
            for number, cells in iter_rows(path, table):
                head.append([number, [text(cell)[:HEAD_CELL_CHARS] for cell in cells[:HEAD_CELLS]]])
                if len(head) >= HEAD_ROWS:
                    break
        run.settings = {**run.settings, "head": head}
        run.save(update_fields=["settings"])
    return [(number, cells) for number, cells in head]


def importer_fields(identifier: str, headers: list[str] | None = None
                    ) -> tuple[list[str], tuple[str, ...]]:
    """The fields a column of this plugin's files may be, and the ones a file
    must have. A plugin that maps its rows itself takes only its own fields
    (a column given another field would be lost), including those it finds
    in these ``headers`` by itself (Google's "Phone 2 - Value" is phone_2);
    one that keeps the base mapping takes every canonical field too."""
    plugin = importer_get(identifier)
    fields = list(plugin.aliases)
    if headers:
        fields += [name for name in plugin.map_headers(headers) if name not in fields]
    if type(plugin).map_row is Importer.map_row:
        fields += [name for name in CANONICAL_FIELDS if name not in fields]
    return fields, tuple(plugin.required_fields())


def import_preview_examples(preview, count: int = 3) -> list[list[str]]:
    """Per column of the file, the first few values its rows give (as text,
    shortened), to recognise the column by."""
    width = len(preview.plan.headers)
    examples: list[list[str]] = [[] for _ in range(width)]
    for record in preview.first_rows:
        for index, cell in enumerate(record.cells[:width]):
            value = text(cell)
            if value and len(examples[index]) < count:
                examples[index].append(value if len(value) <= 40 else value[:39] + "…")
    return examples


def import_preview_choose(
    *,
    run: ImportRun,
    by: User,
    header_row=UNCHANGED,
    mapping=UNCHANGED,
    ignored_headers=UNCHANGED,
    country=UNCHANGED,
    date_order=UNCHANGED,
    status_map=UNCHANGED,
) -> ImportRun:
    """Change how the run's file is read, from its preview: the header row
    (the columns are then found again under it), the columns (field -> column
    index) and the headers left out, the country of numbers written without a
    country code (chosen by a person: the file's own numbers no longer change
    it), the date order, and our status for statuses of the file
    ({the file's status: ours}, added to the run's translation). The head of
    the file is read with the new settings first: when it cannot be read so,
    ValidationError and nothing changes. The counts are taken again on the
    next look at the preview."""
    if not by.has_perm("imports.add_importrun"):
        raise PermissionDenied(_("You may not import customers."))
    if run.state not in (ImportRun.State.UPLOADED, ImportRun.State.FAILED):
        raise ValidationError(_("This import has started: how its file is read cannot change."))
    if import_preview_pending(run):
        raise ValidationError(_("The file is being counted; choose again when it is done."))
    changes: dict = {}
    if header_row is not UNCHANGED:
        if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
            raise ValidationError(_("Choose a row of the file."))
        changes["header_row"] = header_row
        changes["mapping"] = None  # the columns are found again under the new headers
    if mapping is not UNCHANGED:
        mapping = {str(name): int(index) for name, index in mapping.items()}
        fields, _required = importer_fields(
            run.importer, ((run.settings or {}).get("preview") or {}).get("headers"))
        unknown = sorted(set(mapping) - set(fields))
        if unknown:
            raise ValidationError(_("Unknown fields: %s.") % ", ".join(unknown))
        if len(set(mapping.values())) != len(mapping):
            raise ValidationError(_("A column can hold one field only."))
        changes["mapping"] = mapping
    if ignored_headers is not UNCHANGED:
        changes["ignored_headers"] = [str(header) for header in ignored_headers if str(header)]
    if country is not UNCHANGED:
        import phonenumbers

        country = str(country or "").upper()
        if country not in phonenumbers.SUPPORTED_REGIONS:
            raise ValidationError(_("Choose a country from the list."))
        changes["country"], changes["country_confirmed"] = country, True
    if date_order is not UNCHANGED:
        if date_order not in DateOrder.values:
            raise ValidationError(_("Choose a date order from the list."))
        changes["date_order"], changes["date_order_confirmed"] = date_order, True
    if status_map is not UNCHANGED:
        wrong = sorted({ours for ours in status_map.values() if ours not in Status.values})
        if wrong:
            raise ValidationError(_("Unknown statuses: %s.") % ", ".join(wrong))
        changes["status_map"] = {**(run.settings.get("status_map") or {}),
                                 **{str(k): v for k, v in status_map.items()}}
    previous = run.settings
    run.settings = {**previous, **changes}
    run.settings.pop("preview", None)
    try:
        with _run_file(run) as path:
            # a header row whose phone column no plugin knows is taken: the
            # person chooses that column next
            plan = _plan(run, path, incomplete_ok=True)
    except FileProblem as exc:
        run.settings = previous
        raise ValidationError(str(exc)) from None
    run.settings["mapping"] = plan.mapping
    run.settings["needs_columns"] = plan.needs_columns
    run.rows_total = None
    run.save(update_fields=["settings", "rows_total"])
    return run


def import_run_country_question(run: ImportRun) -> str:
    """Why the run may not start yet: its numbers are written the way another
    country writes them and nobody has chosen the country. Empty when it may."""
    stored = (run.settings or {}).get("preview") or {}
    facts = FileFacts.from_stored(stored.get("facts") or (run.settings or {}).get("facts"))
    if not facts.likely_country or (run.settings or {}).get("country_confirmed"):
        return ""
    return _("These numbers are written as they are %(in_country)s (%(reason)s), and nothing "
             "says which country they are from.") % {
        "in_country": in_country(facts.likely_country), "reason": facts.likely_reason}


def data_source_save_from_run(*, run: ImportRun, by: User, name: str | None = None) -> DataSource:
    """Keep how this run's file is read as a data source, so that the next file
    from the same place is read the same way without choosing anything: a new
    one named ``name``, or (no name) the run's own data source, updated. It
    keeps the columns chosen (as the source's header aliases, which win over
    the plugin's), the headers left out, the header row when one was chosen,
    the country, the date order, the status translation and the plugin. The
    run is then the data source's."""
    creating = bool(name)
    if creating and not by.has_perm("imports.add_datasource"):
        raise PermissionDenied(_("You may not add data sources."))
    if not creating:
        if run.data_source is None:
            raise ValidationError(_("Give the new data source a name."))
        if not by.has_perm("imports.change_datasource"):
            raise PermissionDenied(_("You may not change data sources."))
    with _run_file(run) as path:
        plan = _plan(run, path)
    options = run.settings or {}
    source = DataSource(name=name, importer=plan.importer.identifier) if creating else (
        DataSource.objects.get(pk=run.data_source_id))
    # The file's headers now mean what was chosen for them: an older alias of
    # one of them (to another field) would contradict the choice.
    in_file = {header_key(header) for header in plan.headers if header}
    aliases: dict[str, list[str]] = {}
    for field_name, names in (({} if creating else source.extra_aliases) or {}).items():
        kept = [alias for alias in names if header_key(alias) not in in_file]
        if kept:
            aliases[field_name] = kept
    # fields a data source may name (a plugin's numbered fields, such as
    # Google's "Phone 2 - Value", it finds by itself)
    nameable = set(CANONICAL_FIELDS) | set(plan.importer.aliases)
    for field_name, index in plan.mapping.items():
        header = plan.headers[index]
        if header and field_name in nameable:
            aliases[field_name] = [header, *aliases.get(field_name, [])]
    mapped = {header_key(plan.headers[index]) for index in plan.mapping.values()}
    # a column kept as a source detail although the plugin takes its header
    # for a field stays a source detail in the next file
    plugin_would_map = set(importer_get(plan.importer.identifier).map_headers(
        plan.headers).values())
    kept = [plan.headers[index] for index, _name in plan.detail_columns()
            if index in plugin_would_map and plan.headers[index]]
    aliases.pop(KEEP, None)
    if kept:
        aliases[KEEP] = kept
    ignored: list[str] = []
    for header in options.get("ignored_headers") or []:
        key = header_key(header)
        if key and key not in mapped and key not in {header_key(h) for h in ignored}:
            ignored.append(header)
    source.importer = plan.importer.identifier
    source.extra_aliases = aliases
    source.ignored_headers = ignored
    source.header_row = options.get("header_row") or None
    source.country = plan.options.country
    source.date_order = plan.options.date_order
    source.status_map = dict(options.get("status_map") or {})
    if creating:
        source.slug = _unique_slug(name)
    source.full_clean()
    source._history_user = by
    with transaction.atomic():
        source.save()
        run.data_source = source
        run.save(update_fields=["data_source"])
    return source


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "source"
    slug, n = base, 1
    while DataSource.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- confirm and run -------------------------------------------------------------------


def import_run_confirm(
    *,
    run: ImportRun,
    by: User,
    policy: str,
    assignment: str = AssignmentRule.NONE,
    counsellors: Sequence[User] = (),
    default_area: str = "",
    default_status: str = Status.NEW,
) -> ImportRun:
    """Fix the run's settings and queue it. Confirming twice queues it once."""
    from backoffice.core.jobs import enqueue
    from backoffice.imports.jobs import import_run_job

    if not by.has_perm("imports.add_importrun"):
        raise PermissionDenied(_("You may not import customers."))
    DuplicatePolicy(policy)
    AssignmentRule(assignment)
    Status(default_status)
    if assignment != AssignmentRule.NONE and not counsellors:
        raise ValidationError(_("Choose the counsellors to assign the new customers to."))
    if (run.settings or {}).get("needs_columns"):
        raise ValidationError(_("Choose the column that holds the phone number first."))
    if question := import_run_country_question(run):
        raise ValidationError(f"{question} " + _("Choose the country before importing."))
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if locked.state != ImportRun.State.UPLOADED and locked.state != ImportRun.State.FAILED:
            return locked
        locked.settings = {
            **locked.settings,
            "policy": policy,
            "assignment": assignment,
            "counsellors": [c.pk for c in counsellors],
            "default_area": default_area,
            "default_status": default_status,
        }
        locked.state = ImportRun.State.QUEUED
        locked.message = ""
        locked.save(update_fields=["settings", "state", "message"])
        enqueue(import_run_job, locked.pk, thread=True)
    return locked


def import_run_execute(*, run: ImportRun) -> ImportRun:
    """Run an import to the end. Safe to call again on a run that failed or
    whose worker died: the rows it already wrote are found, not written twice."""
    run.state = ImportRun.State.RUNNING
    run.started_at = run.heartbeat_at = timezone.now()
    run.message = ""
    # the first attempt's start: a later attempt finds what that one updated by it
    run.settings = {"first_started_at": run.started_at.isoformat(), **(run.settings or {})}
    for name in ("rows_done", "rows", "created", "updated", "unchanged", "duplicates", "invalid",
                 "warnings"):
        setattr(run, name, 0)
    run.save()
    started = time.monotonic()
    try:
        with _run_file(run) as path, tempfile.TemporaryDirectory() as workdir:
            plan = _plan(run, path)
            if run.rows_total is None and not plan.table.streamed:
                # Not previewed (the command line): count first, so a file over
                # the row limit is refused before anything is written. A big
                # streamed workbook is not read twice for this (it would double
                # the run; a workbook's declared size cannot be trusted): the
                # limit stops it as it reads, and the progress shows rows done.
                run.rows_total = sum(1 for _ in itertools.islice(
                    _data_rows(path, plan), settings.IMPORT_MAX_ROWS + 1))
                run.save(update_fields=["rows_total"])
            if run.rows_total is not None and run.rows_total > settings.IMPORT_MAX_ROWS:
                raise FileProblem(
                    _("The file has more than %(limit)s rows; split it and import the parts.")
                    % {"limit": f"{settings.IMPORT_MAX_ROWS:,}"}
                )
            errors = _ErrorReport(Path(workdir) / "errors.csv", plan.headers)
            writer = _Writer(run, plan)
            for batch in _read_ahead(_batches(_limited(iter_records(path, plan)),
                                              _write_batch_size())):
                _let_others_write()
                with transaction.atomic():
                    _commit_without_waiting_for_disk()
                    writer.write(batch, errors)
                    errors.flush()
                    run.rows_done = run.rows
                    run.heartbeat_at = timezone.now()
                    run.save(update_fields=[
                        "rows_done", "rows", "created", "updated", "unchanged",
                        "duplicates", "invalid", "warnings", "heartbeat_at",
                    ])
            errors.close()
            if errors.count:
                with errors.path.open("rb") as handle:
                    run.error_report.save(f"{Path(run.original_name).stem}.csv", File(handle),
                                          save=False)
    except FileProblem as exc:
        return _fail(run, str(exc))
    except Exception as exc:
        logger.exception("Import run %s failed", run.pk)
        return _fail(run, _("The import stopped with an error: %s. Run it again to finish it.") % exc)
    _record_assignment(run, writer.assigner)
    _first_call_clocks_start(run)
    run.state = ImportRun.State.COMPLETED
    run.finished_at = timezone.now()
    run.rows_total = run.rows
    run.message = _("Imported in %.1f s.") % (time.monotonic() - started)
    run.save()
    import_finished_notify(run=run)
    return run


def _record_assignment(run: ImportRun, assigner: "Assigner") -> None:
    """What the assignment rule could not do, kept in the run's settings for
    its result page: the new customers of this run still unassigned (counted
    in the database, so a run that was resumed counts its earlier attempts'
    too) and the counsellors skipped (on leave, inactive, at a cap)."""
    if assigner.rule == AssignmentRule.NONE:
        return
    unassigned = Customer.objects.filter(import_run=run, assigned_to__isnull=True).count()
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=list(assigner.skipped))}
    capped = [pk for pk, left in assigner.room.items() if left == 0]
    names.update({u.pk: str(u) for u in User.objects.filter(pk__in=capped)})
    run.settings = {
        **(run.settings or {}),
        "unassigned": unassigned,
        "skipped_counsellors": [[names.get(pk, str(pk)), reason]
                                for pk, reason in assigner.skipped.items()],
        "capped_counsellors": [names.get(pk, str(pk)) for pk in capped],
    }


def _write_batch_size() -> int:
    if connection.vendor == "sqlite":
        return min(BATCH_SIZE, SQLITE_BATCH_SIZE)
    return BATCH_SIZE


def _let_others_write() -> None:
    """On SQLite, leave a moment between two write transactions of a long job:
    a web request waiting for the write lock gets it (SQLite's busy handler
    retries every few milliseconds; a job that starts its next transaction
    at once would take the lock again before it)."""
    if connection.vendor == "sqlite" and SQLITE_PAUSE_SECONDS:
        time.sleep(SQLITE_PAUSE_SECONDS)


def _commit_without_waiting_for_disk() -> None:
    """An import batch need not wait for its WAL to reach the disk. If the
    database crashes in the next moment, the batch is lost as a whole (never
    in part, unlike fsync = off) with the run's counters, and the run, found
    silent, is run again and rewrites it. The run's final save commits
    normally, which flushes every batch before it: a completed run is durable."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _first_call_clocks_start(run: ImportRun) -> None:
    """The new customers the run assigned start their first-call clock now
    (one UPDATE; those of a run stopped half-way too, when it ends), and
    their counsellors are told, as by any assignment: one notification each."""
    from backoffice.followups.sla import sla_start_unstarted

    sla_start_unstarted(Customer.objects.filter(import_run=run))
    import_assigned_notify(run=run)


def _fail(run: ImportRun, message: str) -> ImportRun:
    _first_call_clocks_start(run)
    run.state = ImportRun.State.FAILED
    run.finished_at = timezone.now()
    run.message = message
    run.save(update_fields=["state", "finished_at", "message"])
    import_finished_notify(run=run)
    return run


def import_runs_mark_stale(*, quiet_for: datetime.timedelta | None = None) -> int:
    """Mark runs whose worker died (running, but no batch committed for a
    while) as failed, so they can be run again."""
    quiet_for = quiet_for or datetime.timedelta(seconds=settings.IMPORT_STALE_AFTER_SECONDS)
    cutoff = timezone.now() - quiet_for
    # the progress page calls this on every poll: it only reads unless a run
    # is stale, so it never waits behind a job's batch for the write lock
    # (SQLite has one) to mark nothing
    if not ImportRun.objects.filter(
        state__in=[ImportRun.State.RUNNING, ImportRun.State.REVERTING], heartbeat_at__lt=cutoff
    ).exists():
        return 0
    stale = ImportRun.objects.filter(
        state=ImportRun.State.RUNNING, heartbeat_at__lt=cutoff
    ).update(
        state=ImportRun.State.FAILED, finished_at=timezone.now(),
        message=_("The worker running this import stopped. Run it again to finish it."),
    )
    # a revert whose worker (or thread) stopped: the run is as it was, less
    # what was deleted, and can be reverted again
    for run in ImportRun.objects.filter(state=ImportRun.State.REVERTING,
                                        heartbeat_at__lt=cutoff)[:100]:
        revert = (run.settings or {}).get("revert") or {}
        with transaction.atomic():
            claimed = ImportRun.objects.filter(pk=run.pk, state=ImportRun.State.REVERTING,
                                               heartbeat_at__lt=cutoff).update(
                state=revert.get("previous_state") or ImportRun.State.COMPLETED,
                message=_("The revert stopped after deleting %(deleted)d customers. "
                          "Revert it again to finish it.") % {"deleted": revert.get("deleted", 0)},
            )
        stale += claimed
    imports_failed_notify(since=cutoff + quiet_for)
    return stale


def _data_rows(path: Path, plan: Plan) -> Iterator[list]:
    for number, cells in iter_rows(path, plan.table):
        if number > plan.header_row:
            yield cells


def _limited(records: Iterable[Record]) -> Iterator[Record]:
    limit = settings.IMPORT_MAX_ROWS
    for count, record in enumerate(records, start=1):
        if count > limit:
            raise FileProblem(
                _("The file has more than %(limit)s rows; split it and import the parts.")
                % {"limit": f"{limit:,}"}
            )
        yield record


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


_DONE = object()


def _read_ahead(batches: Iterable[list], depth: int = 2) -> Iterator[list]:
    """``batches``, produced on a thread up to ``depth`` ahead of the consumer.

    Reading and normalising a batch is Python work; writing the previous one is
    mostly waiting on the database, which releases the GIL. Overlapping the two
    takes the reading off the import's wall time. The producer touches no
    database connection (plugins and normalisers are pure); its exception is
    raised here, in the consumer, and a consumer that stops early stops it."""
    results: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                results.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch in batches:
                if not put(batch):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer
            put(exc)

    thread = threading.Thread(target=produce, name="import-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = results.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)


@dataclass(slots=True)
class _Existing:
    """What classifying a row needs of the customer with its number."""

    id: int
    phone: str
    import_run_id: int | None
    assigned_to_id: int | None
    name: str
    area: str
    date_added: datetime.date
    remarks: str
    email: str
    alternate_phone: str
    source_details: dict


class _Found(dict):
    """number -> the customer who has it, as phone or (failing that) as
    alternate phone. A row is that customer when its phone is one of the
    customer's numbers; the row's own alternate number finds nobody: it is
    often a parent's, shared by siblings who are different customers."""

    def for_row(self, row) -> "_Existing | None":
        return self.get(row.phone)


def customers_by_phone(phones: list[str]) -> _Found:
    if connection.vendor == "postgresql":
        rows = pgcopy.customers_existing(phones)
    else:
        from django.db.models import Q

        rows = Customer.objects.filter(
            Q(phone__in=phones) | (Q(alternate_phone__in=phones) & ~Q(alternate_phone=""))
        ).values_list("id", "phone", "import_run_id", "assigned_to_id", *UPDATABLE_FIELDS)
    found = _Found()
    existing = [_Existing(*row) for row in rows]
    for customer in existing:
        if customer.alternate_phone:
            found.setdefault(customer.alternate_phone, customer)
    for customer in existing:
        found[customer.phone] = customer
    return found


def _row_phones(records: Iterable[Record]) -> list[str]:
    return [record.clean.phone for record in records]


class _ErrorReport:
    """Refused, duplicate and warned rows, with their row number, what became
    of them and why, then the original row, as CSV."""

    REFUSED = _("Refused")
    DUPLICATE = _("Duplicate")
    WARNED = _("Kept with a warning")

    def __init__(self, path: Path, headers: list[str]):
        self.path = path
        self.count = 0
        self._handle = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._handle)
        self._csv.writerow([_("Row"), _("Outcome"), _("Problem"), *headers])
        self._batch: list[list] = []  # one batch's rows (a batch is bounded)

    def add(self, record: Record, reason: str, outcome: str | None = None) -> None:
        self.count += 1
        self._batch.append([record.row_number, outcome or self.REFUSED, reason,
                            *["" if c is None else str(c).replace("\x00", "")
                              for c in record.cells]])

    def flush(self) -> None:
        """Write the batch's rows in the file's order (a warned row is known
        only after its batch is written, later than the refused ones)."""
        self._batch.sort(key=lambda row: row[0])
        self._csv.writerows(self._batch)
        self._batch.clear()

    def close(self) -> None:
        self.flush()
        self._handle.close()


class Assigner:
    """Who a new customer goes to, by the run's assignment rule, within the
    counsellors' leave days and caps (backoffice/followups): nobody on leave
    or inactive, nobody above their daily cap or "open leads at most"
    (counted as leads are given out); a new customer nobody may take stays
    unassigned and is counted (``unassigned``)."""

    def __init__(self, rule: str, counsellor_ids: Sequence[int]):
        from backoffice.followups.selectors import counsellor_capacity

        self.rule = rule
        self.unassigned = 0
        self.skipped: dict[int, str] = {}  # counsellor id -> why they take none
        self.room: dict[int, int | None] = {}  # counsellor id -> new leads left (None: no limit)
        by_pk = {u.pk: u for u in counsellors_active().filter(pk__in=counsellor_ids)}
        chosen = [by_pk[pk] for pk in counsellor_ids if pk in by_pk]
        if rule != AssignmentRule.NONE and counsellor_ids:
            capacity = counsellor_capacity(counsellor_ids)
            for pk, c in capacity.items():
                if c.can_take:
                    self.room[pk] = c.remaining
                else:
                    self.skipped[pk] = c.reason
            chosen = [u for u in chosen if u.pk in self.room]
        self.counsellors = chosen
        self._cycle = itertools.cycle(self.counsellors) if self.counsellors else None
        self._heap: list[tuple[int, int, int]] = []
        self._area_owner: dict[str, int | None] = {}
        if rule == AssignmentRule.LEAST_LOADED and self.counsellors:
            load = dict(
                Customer.objects.filter(assigned_to__in=self.counsellors)
                .values("assigned_to").annotate(n=Count("pk")).values_list("assigned_to", "n")
            )
            self._heap = [(load.get(c.pk, 0), i, c.pk) for i, c in enumerate(self.counsellors)]
            heapq.heapify(self._heap)

    def _has_room(self, pk: int) -> bool:
        return pk in self.room and (self.room[pk] is None or self.room[pk] > 0)

    def _give(self, pk: int | None) -> int | None:
        if pk is None:
            self.unassigned += 1
            return None
        if self.room.get(pk) is not None:
            self.room[pk] -= 1
        return pk

    def _next_in_turn(self) -> int | None:
        for _turn in range(len(self.counsellors)):
            pk = next(self._cycle).pk
            if self._has_room(pk):
                return pk
        return None

    def choose(self, area: str) -> int | None:
        if self.rule == AssignmentRule.NONE:
            return None
        if not self.counsellors:
            return self._give(None)
        if self.rule == AssignmentRule.ROUND_ROBIN:
            return self._give(self._next_in_turn())
        if self.rule == AssignmentRule.LEAST_LOADED:
            while self._heap:
                load, order, pk = heapq.heappop(self._heap)
                if self._has_room(pk):
                    heapq.heappush(self._heap, (load + 1, order, pk))
                    return self._give(pk)
            return self._give(None)
        # by area: whoever of the chosen has most customers in that area,
        # else round-robin
        key = area.lower()
        if key not in self._area_owner:
            top = (
                Customer.objects.filter(area__iexact=area, assigned_to__in=self.counsellors)
                .values("assigned_to").annotate(n=Count("pk")).order_by("-n").first()
            ) if area else None
            self._area_owner[key] = top["assigned_to"] if top else None
        owner = self._area_owner[key]
        if owner is not None and self._has_room(owner):
            return self._give(owner)
        return self._give(self._next_in_turn())


class _Writer:
    def __init__(self, run: ImportRun, plan: Plan):
        self.run = run
        self.plan = plan
        options = run.settings or {}
        self.policy = options.get("policy", DuplicatePolicy.SKIP)
        self.default_area = options.get("default_area", "")
        self.default_status = options.get("default_status", Status.NEW)
        self.assigner = Assigner(options.get("assignment", AssignmentRule.NONE),
                                  options.get("counsellors", []))
        self.by = run.created_by
        self.seen: dict[int, int] = {}  # phone as an int -> first row number
        self.customer_rows: dict[int, int] = {}  # existing customer id -> first row naming it
        # when this is not the run's first attempt: since when its updates count as its own
        first = datetime.datetime.fromisoformat(options["first_started_at"]) if options.get(
            "first_started_at") else None
        self.earlier_attempts_since = first if first and first < run.started_at else None
        self.reason = import_history_reason(run)

    def write(self, batch: list[Record], errors: _ErrorReport) -> None:
        run = self.run
        valid: list[Record] = []
        for record in batch:
            run.rows += 1
            if record.problem:
                run.invalid += 1
                errors.add(record, record.problem)
                continue
            clean = record.clean
            key = int(clean.phone[1:])
            first = self.seen.get(key)
            if first is not None:
                run.duplicates += 1
                errors.add(record, _("Same number as row %d.") % first, errors.DUPLICATE)
                continue
            self.seen[key] = record.row_number
            if clean.alternate_phone:
                self.seen.setdefault(int(clean.alternate_phone[1:]), record.row_number)
            valid.append(record)
        if not valid:
            return
        existing = self._existing(_row_phones(valid))
        new = [r for r in valid if existing.for_row(r.clean) is None]
        created, lost_race = self._create(new)
        if created:
            # sent once this batch commits; a batch rolled back sends nothing
            event_emit(EventKind.CUSTOMER_CREATED, customer_ids=list(created.values()),
                       by=self.by, extra={"import_run": run.pk})
        if lost_race:
            existing.update(self._existing(lost_race))
        done = set(created)
        for record in new:
            if record.clean.phone in done and record.clean.warnings:
                self._warn(record, errors)
        self._update([r for r in valid if r.clean.phone not in done], existing, errors)
        run.created += len(created)

    def _warn(self, record: Record, errors: _ErrorReport) -> None:
        self.run.warnings += 1
        errors.add(record, "; ".join(record.clean.warnings) + ".", errors.WARNED)

    def _create(self, records: list[Record]) -> tuple[dict[str, int], list[str]]:
        """Create customers for new numbers; returns phone -> id of those
        created, and the numbers another import created meanwhile (to be
        treated as existing)."""
        if not records:
            return {}, []
        now = timezone.now()
        today = timezone.localdate()
        run = self.run
        rows = []
        for record in records:
            row = record.clean
            area = row.area or self.default_area
            counsellor = self.assigner.choose(area)
            status = row.status or self.default_status
            rows.append((
                row.name, row.phone, row.phone_raw, area, row.date_added or today,
                status, funnel_rank(status), status_bit(status), row.remarks, counsellor,
                now if counsellor else None, run.data_source_id, run.pk,
                self.by.pk, self.by.pk, row.email, row.alternate_phone, row.details,
            ))
        if connection.vendor == "postgresql":
            created = pgcopy.customers_insert(rows, now=now, by_id=self.by.pk,
                                              reason=self.reason)
        else:
            created = self._create_orm(rows, now)
        lost = [row[1] for row in rows if row[1] not in created]
        return created, lost

    def _create_orm(self, rows: list[tuple], now) -> dict[str, int]:
        customers = [Customer(**dict(zip(pgcopy.COPY_COLUMNS, row, strict=True))) for row in rows]
        Customer.objects.bulk_create(customers, batch_size=1000, ignore_conflicts=True)
        mine = dict(Customer.objects.filter(phone__in=[c.phone for c in customers],
                                            import_run=self.run).values_list("phone", "pk"))
        written = [c for c in customers if c.phone in mine]
        for customer in written:
            customer.pk = customer.id = mine[customer.phone]
            customer.created_at = customer.updated_at = now
        StatusChange.objects.bulk_create(
            [StatusChange(customer_id=c.pk, from_status="", to_status=c.status,
                          remark=c.remarks, changed_by=self.by, changed_at=now)
             for c in written],
            batch_size=1000,
        )
        Customer.history.bulk_history_create(
            written, batch_size=1000, default_user=self.by, default_change_reason=self.reason,
            default_date=now,
        )
        return mine

    def _existing(self, phones: list[str]) -> dict[str, "_Existing"]:
        return customers_by_phone(phones)

    def _update(self, records: list[Record], existing: _Found, errors: _ErrorReport) -> None:
        run = self.run
        changes: list[tuple] = []  # (id, *UPDATABLE_FIELDS), None = unchanged
        unchanged: list[tuple[Record, int]] = []  # (row, customer id), on a later attempt
        for record in records:
            customer = existing.for_row(record.clean)
            first = self.customer_rows.setdefault(customer.id, record.row_number)
            if first != record.row_number:
                # another row of the file named this customer by its other number:
                # the first row decides, wherever the batches end
                run.duplicates += 1
                errors.add(record, _("Same customer as row %d (by its other number).") % first,
                           errors.DUPLICATE)
                continue
            if customer.import_run_id == run.pk:
                # written by an earlier attempt of this same run
                run.created += 1
                if record.clean.warnings:
                    self._warn(record, errors)
                continue
            updates = self._changes(customer, record.clean)
            if not updates:
                run.unchanged += 1
                if self.earlier_attempts_since is not None:
                    unchanged.append((record, customer.id))
                continue
            changes.append((customer.id, *(updates.get(name) for name in UPDATABLE_FIELDS)))
            run.updated += 1
            if record.clean.warnings:
                self._warn(record, errors)
        if unchanged:
            self._updated_by_earlier_attempts(unchanged, errors)
        if not changes:
            return
        now = timezone.now()
        if connection.vendor == "postgresql":
            pgcopy.customers_update(changes, now=now, by_id=self.by.pk, reason=self.reason)
        else:
            self._update_orm(changes, now)

    def _updated_by_earlier_attempts(self, unchanged: list[tuple[Record, int]],
                                     errors: _ErrorReport) -> None:
        """Rows that find their customer as the file says because an earlier
        attempt of this run updated it: updated by this run, not unchanged
        (their history records say so)."""
        run = self.run
        ours = set(Customer.history.filter(
            id__in=[pk for _record, pk in unchanged], history_type="~",
            history_change_reason=self.reason, history_user=self.by,
            history_date__gte=self.earlier_attempts_since,
        ).values_list("id", flat=True))
        for record, pk in unchanged:
            if pk in ours:
                run.unchanged -= 1
                run.updated += 1
                if record.clean.warnings:
                    self._warn(record, errors)

    def _update_orm(self, changes: list[tuple], now) -> None:
        full = Customer.objects.select_for_update().in_bulk([change[0] for change in changes])
        fields: set[str] = set()
        for pk, *values in changes:
            customer = full[pk]
            for name, value in zip(UPDATABLE_FIELDS, values, strict=True):
                if value is not None:
                    setattr(customer, name, value)
                    fields.add(name)
            customer.updated_by = self.by
            customer.updated_at = now
        changed = list(full.values())
        Customer.objects.bulk_update(
            changed, [*sorted(fields), "updated_by", "updated_at"], batch_size=500
        )
        Customer.history.bulk_history_create(
            changed, batch_size=1000, update=True, default_user=self.by,
            default_change_reason=self.reason, default_date=now,
        )

    def _changes(self, customer, row) -> dict:
        return duplicate_changes(self.policy, customer, row)


def duplicate_changes(policy: str, customer, row) -> dict:
    """What a duplicate policy takes from a row (a CleanRow) for the
    customer who has its number (a Customer, or what classifying needs of
    one). Status and assignment of an existing customer are never changed
    by an import (nor by a web form's enquiry)."""
    if policy == DuplicatePolicy.SKIP:
        return {}
    alternate = row.alternate_phone
    if alternate == customer.phone:
        # the file's second number is the customer's first: its first is the second
        alternate = row.phone if row.phone != customer.phone else ""
    incoming = {"name": row.name, "area": row.area, "date_added": row.date_added,
                "remarks": row.remarks, "email": row.email, "alternate_phone": alternate,
                "source_details": None}
    if row.details:
        current = customer.source_details or {}
        if policy == DuplicatePolicy.FILL:
            merged = {**row.details, **current}
        else:
            merged = {**current, **row.details}
        incoming["source_details"] = merged
    updates = {}
    for name in UPDATABLE_FIELDS:
        value = incoming[name]
        if value in (None, ""):
            continue
        current = getattr(customer, name)
        if (policy == DuplicatePolicy.FILL and name != "source_details"
                and current not in (None, "")):
            continue
        if current != value:
            updates[name] = value
    return updates


# --- revert ---------------------------------------------------------------------------

REVERT_BATCH_SIZE = 500
REVERT_KEPT_IDS_SHOWN = 20


@dataclass
class RevertResult:
    deleted: int
    kept: dict[str, list[int]]  # reason -> customer ids (the first REVERT_KEPT_IDS_SHOWN)


def import_run_revert_start(*, run: ImportRun, by: User) -> ImportRun:
    """Queue the revert of a finished run (a job with progress: a big import's
    revert outlasts a web request). A second click while it is queued or
    running starts nothing."""
    from backoffice.core.jobs import enqueue
    from backoffice.imports.jobs import import_revert_job

    with transaction.atomic():
        locked = _revert_claim(run=run, by=by)
        if locked is not None:
            enqueue(import_revert_job, locked.pk, by.pk, thread=True)
    run.refresh_from_db()
    return run


def import_run_revert(*, run: ImportRun, by: User) -> RevertResult:
    """Revert a finished run here and now (the command line, tests): the same
    work as the revert job."""
    with transaction.atomic():
        locked = _revert_claim(run=run, by=by)
    if locked is None:
        raise ValidationError(_("This import is being reverted already."))
    import_run_revert_execute(run=locked, by=by)
    run.refresh_from_db()
    revert = run.settings.get("revert") or {}
    return RevertResult(deleted=revert.get("deleted", 0), kept=revert.get("kept_ids", {}))


def _revert_claim(*, run: ImportRun, by: User) -> ImportRun | None:
    """Mark the run as being reverted (inside the caller's transaction). None
    when it already is; ValidationError when it cannot be reverted."""
    if not by.has_perm("imports.revert_importrun"):
        raise PermissionDenied(_("You may not revert imports."))
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    if locked.state == ImportRun.State.REVERTING:
        return None
    if locked.state not in (ImportRun.State.COMPLETED, ImportRun.State.FAILED):
        raise ValidationError(_("Only a finished import can be reverted."))
    now = timezone.now()
    locked.settings = {**(locked.settings or {}), "revert": {
        "by": by.pk, "previous_state": locked.state, "queued_at": now.isoformat(),
        "total": None, "done": 0, "deleted": 0, "kept": 0, "kept_ids": {},
    }}
    locked.state = ImportRun.State.REVERTING
    locked.heartbeat_at = now
    locked.save(update_fields=["settings", "state", "heartbeat_at"])
    return locked


def import_run_revert_execute(*, run: ImportRun, by: User) -> ImportRun:
    """The revert job: delete the customers this run created that nobody has
    touched since, a short transaction per batch, with progress on the run.
    Customers it updated are not changed back (their history shows what it
    did); customers someone has worked on are kept, and the run says why. A
    revert that stops (an error, or the process ended) leaves the run as it
    was before, with what was deleted so far gone: reverting again finishes."""
    run.refresh_from_db()
    if run.state != ImportRun.State.REVERTING:
        return run
    revert = dict(run.settings.get("revert") or {})
    deleted_ids: list[int] = []
    kept: dict[str, list[int]] = defaultdict(list)
    kept_count = 0
    try:
        ids = list(Customer.objects.filter(import_run=run).order_by("pk")
                   .values_list("pk", flat=True))
        revert["total"] = len(ids)
        for start in range(0, len(ids), REVERT_BATCH_SIZE):
            _let_others_write()
            with transaction.atomic():
                batch_kept = _revert_batch(ids[start:start + REVERT_BATCH_SIZE], by,
                                           deleted_ids)
                for reason, pks in batch_kept.items():
                    kept_count += len(pks)
                    kept[reason].extend(pks)
                revert.update(done=min(start + REVERT_BATCH_SIZE, len(ids)),
                              deleted=len(deleted_ids), kept=kept_count,
                              kept_ids={reason: pks[:REVERT_KEPT_IDS_SHOWN]
                                        for reason, pks in kept.items()},
                              kept_counts={reason: len(pks) for reason, pks in kept.items()})
                ImportRun.objects.filter(pk=run.pk).update(
                    settings={**run.settings, "revert": revert}, heartbeat_at=timezone.now())
    except Exception as exc:
        logger.exception("Revert of import run %s failed", run.pk)
        return _revert_stopped(run, revert, deleted_ids, _(
            "The revert stopped with an error (%(error)s) after deleting %(deleted)d customers. "
            "Revert it again to finish it.") % {"error": exc, "deleted": len(deleted_ids)})
    run.refresh_from_db()
    revert["finished_at"] = timezone.now().isoformat()
    run.settings = {**run.settings, "revert": revert}
    run.state = ImportRun.State.REVERTED
    run.message = (_("Reverted: %(deleted)d customers deleted, %(kept)d kept.")
                   % {"deleted": len(deleted_ids), "kept": kept_count})
    run.save(update_fields=["settings", "state", "message"])
    activity_record(user=by, action=ActivityLog.Action.REVERT_IMPORT,
                    target=f"{run.original_name}: {run.message}", rows=len(deleted_ids),
                    details={"run": run.pk, "kept": kept_count, **ids_detail(deleted_ids)})
    return run


def _revert_batch(ids: list[int], by: User, deleted_ids: list[int]) -> dict[str, list[int]]:
    """Delete the untouched customers among ``ids`` (locked, and checked in the
    same transaction: someone may have worked on one since the revert began)."""
    kept: dict[str, list[int]] = defaultdict(list)
    versions = (
        Customer.history.model.objects.filter(id=OuterRef("pk"))
        .order_by().values("id").annotate(n=Count("*")).values("n")
    )
    changes = (
        StatusChange.objects.filter(customer=OuterRef("pk"))
        .order_by().values("customer").annotate(n=Count("*")).values("n")
    )
    locked = list(Customer.objects.select_for_update().filter(pk__in=ids).order_by("pk")
                  .values_list("pk", flat=True))
    customers = Customer.objects.filter(pk__in=locked).annotate(
        changes=Subquery(changes), versions=Subquery(versions)).order_by("pk")
    for customer in customers:
        if customer.changes and customer.changes > 1:
            kept[_("its status was updated after the import")].append(customer.pk)
        elif customer.versions and customer.versions > 1:
            kept[_("it was edited or reassigned after the import")].append(customer.pk)
        else:
            customer._history_user = by
            customer._change_reason = _("Import reverted")
            pk = customer.pk
            customer.delete()
            deleted_ids.append(pk)
    return kept


def _revert_stopped(run: ImportRun, revert: dict, deleted_ids: list[int],
                    message: str) -> ImportRun:
    run.refresh_from_db()
    revert = {**revert, "stopped_at": timezone.now().isoformat()}
    run.state = revert.get("previous_state") or ImportRun.State.COMPLETED
    run.message = message
    run.settings = {**run.settings, "revert": revert}
    run.save(update_fields=["state", "message", "settings"])
    if deleted_ids:
        by = User.objects.filter(pk=revert.get("by")).first()
        activity_record(user=by, action=ActivityLog.Action.REVERT_IMPORT,
                        target=f"{run.original_name}: {message}", rows=len(deleted_ids),
                        details={"run": run.pk, "stopped": True, **ids_detail(deleted_ids)})
    return run


def import_revert_progress(run: ImportRun) -> dict:
    """The revert's progress and result as the progress page shows it."""
    revert = (run.settings or {}).get("revert") or {}
    total, done = revert.get("total"), revert.get("done", 0)
    return {**revert, "percent": min(100, round(100 * done / total)) if total else 0,
            "kept_reasons": [(reason, ids, (revert.get("kept_counts") or {}).get(reason, len(ids)))
                             for reason, ids in (revert.get("kept_ids") or {}).items()]}
