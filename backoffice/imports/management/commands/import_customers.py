"""Import a lead file from the command line, through the same pipeline as the
admin, and print a JSON summary."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from backoffice.accounts.models import User
from backoffice.imports import services
from backoffice.imports.models import DataSource, DuplicatePolicy, ImportRun
from backoffice.imports.readers import FileProblem


class Command(BaseCommand):
    help = ("Import customers from a workbook (.xlsx, .xls, .ods) or delimited text (.csv, "
            ".tsv, .txt) and print a JSON summary.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source", help="Data source slug (default: detect the plugin).")
        parser.add_argument("--user", help="Username recorded as the importer "
                                           "(default: the first superuser).")
        parser.add_argument("--policy", choices=DuplicatePolicy.values, default=None,
                            help="Duplicate policy (default: the data source's, else skip).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Read and classify the whole file; write nothing.")

    def handle(self, *args, file, source, user, policy, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        by = self._user(user)
        data_source = None
        if source:
            data_source = DataSource.objects.filter(slug=source, is_active=True).first()
            if data_source is None:
                raise CommandError(f"No active data source “{source}”.")
        try:
            with path.open("rb") as handle:
                run = services.import_run_create(
                    upload=File(handle, name=path.name), by=by, data_source=data_source
                )
            if dry_run:
                preview = services.import_preview(run=run)
                summary = {
                    "rows": preview.rows, "created": preview.new, "updated": 0,
                    "unchanged": preview.existing, "duplicates": preview.duplicates,
                    "invalid": preview.invalid, "run": run.pk, "dry_run": True,
                }
                services.import_run_discard(run=run)
                self.stdout.write(json.dumps(summary))
                return
            run.settings = {
                **run.settings,
                "policy": policy or (data_source.duplicate_policy if data_source else "skip"),
                "default_area": data_source.default_area if data_source else "",
                "default_status": data_source.default_status if data_source else "new",
            }
            run.state = ImportRun.State.QUEUED
            run.save(update_fields=["settings", "state"])
            run = services.import_run_execute(run=run)
        except (FileProblem, ValidationError) as exc:
            raise CommandError(_one_line(exc)) from exc
        if run.state != ImportRun.State.COMPLETED:
            raise CommandError(_one_line(run.message))
        self.stdout.write(json.dumps({**run.counts(), "run": run.pk}))

    def _user(self, username):
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user “{username}”.")
            return user
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("Name the importing user with --user.")
        return user


def _one_line(exc) -> str:
    text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    return " ".join(text.split())
