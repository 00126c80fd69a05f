"""The scheduler process: runs the sweeps (backoffice/core/scheduler.py)
every ``SWEEP_INTERVAL_SECONDS``.

- With Redis (``JOBS_RUN_IN_PROCESS`` off): rq's CronScheduler enqueues
  ``sweeps_run`` on the default queue every interval; the workers run it.
- Embedded (no Redis): runs ``sweeps_run()`` in this process every interval
  until SIGTERM or SIGINT.
- ``--once``: one pass in this process, then exit (tests, a system cron)."""

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from backoffice.core.scheduler import sweeps_run

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the periodic sweeps (digest, escalation, first-call targets) every interval."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="Run every sweep once in this process and exit.")

    def handle(self, *args, once=False, **options):
        interval = max(1, int(settings.SWEEP_INTERVAL_SECONDS))
        if once:
            self._report(sweeps_run())
            return
        if not settings.JOBS_RUN_IN_PROCESS:
            self._cron(interval)
        else:
            self._loop(interval)

    def _report(self, done: dict) -> None:
        for path, count in done.items():
            name = path.rsplit(".", 1)[-1]
            self.stdout.write(f"{name}: {'failed' if count is None else count}")

    def _cron(self, interval: int) -> None:
        scheduler = sweeps_cron(interval)
        self.stdout.write(f"Scheduling the sweeps on rq every {interval} s")
        scheduler.start()  # until SIGTERM/SIGINT (rq's own handlers)

    def _loop(self, interval: int) -> None:
        stop = threading.Event()

        def request_stop(signum, frame):
            stop.set()

        previous = {number: signal.signal(number, request_stop)
                    for number in (signal.SIGTERM, signal.SIGINT)}
        self.stdout.write(f"Running the sweeps in this process every {interval} s")
        try:
            while not stop.is_set():
                try:
                    self._report(sweeps_run())
                except Exception:  # a database that is away: try again next time
                    logger.exception("Sweeps not run")
                finally:
                    close_old_connections()
                stop.wait(interval)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
        self.stdout.write("Stopped")


def sweeps_cron(interval: int):
    """rq's CronScheduler with one job: ``sweeps_run`` on the default queue
    every ``interval`` seconds (the first at once)."""
    from django_rq import get_connection
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=get_connection("default"))
    scheduler.register(sweeps_run, queue_name="default", interval=interval,
                       job_timeout=max(interval, 60))
    return scheduler
