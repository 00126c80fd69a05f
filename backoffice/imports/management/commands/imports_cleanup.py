"""Delete uploads never started (older than IMPORT_UNSTARTED_KEEP_HOURS: their
file and record), and stored import files (and their problem-row reports)
older than IMPORT_RETENTION_DAYS (the runs' records and counts stay); mark
imports and reverts whose worker stopped as failed. Run it hourly or daily."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from backoffice.imports import services
from backoffice.imports.models import ImportRun


class Command(BaseCommand):
    help = ("Delete uploads never started after IMPORT_UNSTARTED_KEEP_HOURS, and stored import "
            "files older than IMPORT_RETENTION_DAYS (records stay); mark dead imports failed.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days, **options):
        stale = services.import_runs_mark_stale()
        unstarted = services.import_runs_discard_unstarted()
        days = settings.IMPORT_RETENTION_DAYS if days is None else days
        cutoff = timezone.now() - datetime.timedelta(days=days)
        removed = 0
        old = ImportRun.objects.filter(created_at__lt=cutoff).exclude(
            state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING,
                       ImportRun.State.REVERTING]
        ).exclude(file="")
        for run in old.iterator():
            for field in (run.file, run.error_report):
                if field:
                    field.delete(save=False)
            run.save(update_fields=["file", "error_report"])
            removed += 1
        self.stdout.write(
            f"Removed the files of {removed} imports older than {days} days; discarded "
            f"{unstarted} uploads never started; {stale} imports whose worker stopped "
            "marked failed.")
