"""Render a report as a given user sees it, for scheduled jobs and spreadsheets.

    manage.py report --list
    manage.py report IDENTIFIER [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--user USERNAME]
                     [--format csv|xlsx|json] [--output FILE]
"""

import datetime
import json
import shutil
import sys

from django.core.management.base import BaseCommand, CommandError

from backoffice.accounts.models import User
from backoffice.reports import exports
from backoffice.reports.params import DEFAULT_PRESET, ReportParams, preset_range
from backoffice.reports.registry import report_classes, report_get


class Command(BaseCommand):
    help = "Render a report (CSV, XLSX or JSON) exactly as the given user would see it."

    def add_arguments(self, parser):
        parser.add_argument("identifier", nargs="?")
        parser.add_argument("--list", action="store_true", help="List the report identifiers.")
        parser.add_argument("--from", dest="date_from", help="First day, YYYY-MM-DD "
                            "(default: the first of this month).")
        parser.add_argument("--to", dest="date_to", help="Last day, YYYY-MM-DD (default: today).")
        parser.add_argument("--user", help="Whose view (scope included). Default: everything, "
                            "as an administrator sees it.")
        parser.add_argument("--format", choices=sorted([*exports.FORMATS, "json"]), default="csv")
        parser.add_argument("--output", help="File to write (default: standard output; "
                            "XLSX needs a file).")

    def handle(self, *args, identifier, list, date_from, date_to, user, format, output,
               **options):
        if list:
            for cls in report_classes():
                self.stdout.write(f"{cls.identifier:<24} {cls.title}")
            return
        if not identifier:
            raise CommandError("Name a report (see --list).")
        try:
            report = report_get(identifier)()
        except LookupError as exc:
            raise CommandError(f"{exc} Known: {', '.join(c.identifier for c in report_classes())}.")
        viewer = self._viewer(user)
        if not report.visible_to(viewer):
            raise CommandError(f"{viewer} may not see the report “{identifier}”.")
        default_from, default_to = preset_range(DEFAULT_PRESET)
        start = self._date(date_from, "--from") or default_from
        end = self._date(date_to, "--to") or default_to
        if start > end:
            raise CommandError("--from is after --to.")
        if format == "xlsx" and not output:
            raise CommandError("XLSX is a binary file: give --output FILE.")
        params = ReportParams(user=viewer, date_from=start, date_to=end)
        table = report.table(params)
        exports.export_record(user=viewer, report=report, params=params, fmt=format,
                              rows=len(table.rows), via="command")
        if format == "json":
            text = json.dumps({
                "report": report.identifier, "title": str(report.title),
                "from": start.isoformat(), "to": end.isoformat(),
                "user": viewer.username or None,
                "columns": [{"key": c.key, "label": str(c.label)} for c in table.columns],
                "rows": table.rows, "totals": table.totals,
            }, default=_json_value, indent=2)
            self._write_text(text + "\n", output)
            return
        headers, rows = exports.report_export_rows(report, table)
        if format == "csv":
            self._write_text("".join(exports.table_lines(headers, rows, bom=bool(output))), output)
            return
        handle = exports.table_xlsx(headers, rows, title=str(report.title))
        with open(output, "wb") as target:
            shutil.copyfileobj(handle, target)

    def _viewer(self, username):
        if not username:
            return User(username="", is_superuser=True, is_active=True, is_staff=True)
        viewer = User.objects.filter(username=username).first()
        if viewer is None:
            raise CommandError(f"No user “{username}”.")
        if not viewer.is_active:
            raise CommandError(f"The user “{username}” is not active.")
        return viewer

    def _date(self, value, option):
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"{option} {value!r} is not a date like 2026-11-24.") from None

    def _write_text(self, text, output):
        if output:
            with open(output, "w", encoding="utf-8", newline="") as target:
                target.write(text)
        else:
            sys.stdout.write(text)


def _json_value(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)
