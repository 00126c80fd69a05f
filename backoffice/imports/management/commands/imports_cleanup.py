"""Delete stored import files (and their problem-row reports) older than
IMPORT_RETENTION_DAYS. The runs' records and counts stay. Run it daily."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from backoffice.imports.models import ImportRun


class Command(BaseCommand):
    help = "Delete stored import files older than IMPORT_RETENTION_DAYS (records stay)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days, **options):
        days = settings.IMPORT_RETENTION_DAYS if days is None else days
        cutoff = timezone.now() - datetime.timedelta(days=days)
        removed = 0
        old = ImportRun.objects.filter(created_at__lt=cutoff).exclude(
            state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING]
        ).exclude(file="")
        for run in old.iterator():
            for field in (run.file, run.error_report):
                if field:
                    field.delete(save=False)
            run.save(update_fields=["file", "error_report"])
            removed += 1
        self.stdout.write(f"Removed the files of {removed} imports older than {days} days.")
