from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backoffice.ops.backups import BackupProblem, database_restore


class Command(BaseCommand):
    help = ("Replace the database's contents with a backup made by backup_database. "
            "Switch maintenance mode on first; destructive, so it asks for --yes.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true",
                            help="Yes, replace everything in the database with the backup.")

    def handle(self, *args, file, yes, **options):
        if not yes:
            raise CommandError("This replaces the whole database; run again with --yes.")
        try:
            database_restore(Path(file))
        except BackupProblem as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored from {file}. Run `manage.py migrate` if the backup is older "
                          "than this version.")
