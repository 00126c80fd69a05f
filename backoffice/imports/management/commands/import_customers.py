"""Import a lead file from the command line, through the same pipeline as the
admin, and print a JSON summary."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from backoffice.accounts.models import User
from backoffice.imports import services
from backoffice.imports.models import DataSource, DateOrder, DuplicatePolicy, ImportRun
from backoffice.imports.readers import FileProblem
from backoffice.imports.words import PREVIEW_COUNT_FIELDS, counts_sentence


class Command(BaseCommand):
    help = ("Import customers from a spreadsheet (.xlsx, .xls, .ods) or delimited text "
            "(.csv, .tsv, .txt) and print a JSON summary (and the counts in words on "
            "stderr).")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source", help="Data source slug (default: detect the plugin).")
        parser.add_argument("--user", help="Username recorded as the importer "
                                           "(default: the first superuser).")
        parser.add_argument("--policy", choices=DuplicatePolicy.values, default=None,
                            help="Duplicate policy (default: the data source's, else skip).")
        parser.add_argument("--country", help="Two-letter country of numbers written without "
                                              "a country code (IN, US, GB, …).")
        parser.add_argument("--date-order", choices=DateOrder.values,
                            help="How dates written with numbers only are read "
                                 "(default: the data source's, else dmy).")
        parser.add_argument("--map", action="append", default=[], metavar="FIELD=HEADER",
                            help="Read FIELD from the column HEADER (repeatable), e.g. "
                                 "--map alternate_phone='Parent Mobile'.")
        parser.add_argument("--ignore", action="append", default=[], metavar="HEADER",
                            help="Leave the column HEADER out, not even as a source detail "
                                 "(repeatable).")
        parser.add_argument("--header-row", type=int, metavar="N",
                            help="The row number of the headers (default: found from them).")
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
        reading = self._reading_options(options)
        columns = self._columns(options["map"])
        run = None
        try:
            with path.open("rb") as handle:
                run = services.import_run_create(
                    upload=File(handle, name=path.name), by=by, data_source=data_source,
                    options=reading,
                )
            if columns:
                services.import_run_map_headers(run=run, columns=columns)
            if run.settings.get("needs_columns"):
                raise CommandError(_one_line(
                    f"{run.settings['needs_columns']} From the command line: "
                    "--map phone=HEADER."))
            question = services.import_run_country_question(run)
            if question:
                likely = run.settings["facts"]["likely_country"]
                raise CommandError(_one_line(
                    f"{question} Say which with --country {likely} (or --country with the country they "
                    f"are from)."))
            if dry_run:
                preview = services.import_preview(run=run)
                # before the run, updated and unchanged are one count: already customers
                summary = {
                    "rows": preview.rows, "created": preview.new, "existing": preview.existing,
                    "duplicates": preview.duplicates,
                    "invalid": preview.invalid, "warnings": preview.warnings,
                    "country": preview.plan.options.country, "run": run.pk, "dry_run": True,
                }
                self.stderr.write(counts_sentence(summary, PREVIEW_COUNT_FIELDS))
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
        finally:
            if run is not None and run.pk and run.state == ImportRun.State.UPLOADED:
                # a dry run, or a file refused before it ran: nothing of it is kept
                services.import_run_discard(run=run)
        if run.state != ImportRun.State.COMPLETED:
            raise CommandError(_one_line(run.message))
        # the same words as the pages for people; the JSON keys for scripts
        self.stderr.write(counts_sentence(run.counts()))
        self.stdout.write(json.dumps({**run.counts(), "run": run.pk}))

    @staticmethod
    def _reading_options(options) -> dict:
        import phonenumbers

        reading = {}
        if options.get("country"):
            country = options["country"].strip().upper()
            if country not in phonenumbers.SUPPORTED_REGIONS:
                raise CommandError(f"“{options['country']}” is not a two-letter country code "
                                   "(IN, US, GB, AE, …).")
            reading.update(country=country, country_confirmed=True)
        if options.get("date_order"):
            reading.update(date_order=options["date_order"], date_order_confirmed=True)
        if options.get("header_row") is not None:
            if options["header_row"] < 1:
                raise CommandError("--header-row counts from 1 (the first row of the file).")
            reading["header_row"] = options["header_row"]
        if options.get("ignore"):
            reading["ignored_headers"] = list(options["ignore"])
        return reading

    @staticmethod
    def _columns(pairs: list[str]) -> dict[str, str]:
        columns = {}
        for pair in pairs:
            field, sep, header = pair.partition("=")
            if not sep or not field.strip() or not header.strip():
                raise CommandError(f"--map takes FIELD=HEADER, e.g. phone='Mobile No.'; got “{pair}”.")
            columns[field.strip()] = header.strip()
        return columns

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
