"""Delete the files of background exports past their time (EXPORT_KEEP_HOURS),
and mark exports whose worker died as failed. The records stay (who exported
what is also in the activity log). Run it hourly or daily."""

from django.core.management.base import BaseCommand

from backoffice.exports import services


class Command(BaseCommand):
    help = "Delete expired export files (records stay); mark dead exports failed."

    def handle(self, *args, **options):
        stale = services.export_jobs_mark_stale()
        expired = services.export_jobs_expire()
        self.stdout.write(f"Deleted the files of {expired} expired exports; "
                          f"{stale} exports whose worker stopped marked failed.")
