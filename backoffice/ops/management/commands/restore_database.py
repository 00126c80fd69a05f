from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backoffice.ops.backups import BackupProblem, database_restore


class Command(BaseCommand):
    help = ("Replace the database's contents with a backup made by backup_database. "
            "Needs maintenance mode on and --yes; backs up the database as it was first.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true",
                            help="Yes, replace everything in the database with the backup.")

    def handle(self, *args, file, yes, **options):
        if not yes:
            raise CommandError("This replaces the whole database; run again with --yes.")
        try:
            before = database_restore(Path(file))
        except BackupProblem as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored from {file}. The database as it was is in {before}. Run "
                          "`manage.py migrate` if the backup is older than this version, then "
                          "`manage.py maintenance_mode off`.")
