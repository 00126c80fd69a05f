from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backoffice.ops.backups import BackupProblem, database_backup


class Command(BaseCommand):
    help = ("Back up the database to a file: pg_dump's custom format on PostgreSQL, an "
            "SQLite copy otherwise. Uploaded files (DATA_DIR/private) are backed up separately.")

    def add_arguments(self, parser):
        parser.add_argument("--output", help="The file (default: DATA_DIR/backups/alims-<time>.*)")

    def handle(self, *args, output, **options):
        try:
            path = database_backup(Path(output) if output else None)
        except BackupProblem as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backed up to {path} ({path.stat().st_size / 1e6:.1f} MB).")
