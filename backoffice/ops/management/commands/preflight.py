"""Is this installation ready to serve? For operators, before go-live and
after a deploy: `manage.py preflight` (exit status 1 when something is not)."""

from django.conf import settings
from django.core import checks
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = ("Check that this installation is ready: the deployment checks, the database and "
            "its migrations, cache, file storage, Redis and rq workers where configured.")

    def handle(self, *args, **options):
        failures = 0
        for label, problem in self._results():
            if problem:
                failures += 1
                self.stdout.write(self.style.ERROR(f"✗ {label}: {problem}"))
            else:
                self.stdout.write(self.style.SUCCESS(f"✓ {label}"))
        if failures:
            raise CommandError(f"{failures} check(s) failed.")
        self.stdout.write("Ready.")

    def _results(self):
        messages = checks.run_checks(include_deployment_checks=not settings.DEBUG)
        serious = [m for m in messages if m.level >= checks.ERROR]
        yield ("system checks" + ("" if settings.DEBUG else " (with --deploy)"),
               "; ".join(f"{m.id}: {m.msg}" for m in serious))
        try:
            connection.ensure_connection()
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            yield ("database and migrations",
                   f"{len(pending)} migration(s) not applied: run `manage.py migrate`"
                   if pending else "")
        except Exception as exc:  # the database is down or unreachable
            yield "database and migrations", str(exc)
        from backoffice.ops.health import health_checks_run

        yield from health_checks_run()
