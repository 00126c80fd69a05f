"""Time the scheduler's sweeps and the "Needs attention" figures on the bench
database (bench/generate.py: 1,000,000 customers over 100 counsellors).

    .venv/bin/python bench/sweeps.py            # every figure, ~1 min
    .venv/bin/python bench/sweeps.py --runs 5

Each sweep runs inside a transaction that is rolled back after it (the bench
data stays as generated), in two states of the data:

  * steady: as generated — the first-call clocks of old leads long told, the
    day's digest not sent yet, overdue follow-ups spread over two years;
  * burst: 10,000 leads assigned at once whose first-call target has just
    passed (a big import assigned in the morning), then the sweep that finds
    them.

Beside them, in the same run: a pass over every customer's row (what a sweep
that read every customer would cost at least), and the
Needs attention counts and page as a manager opens them. Budget: each sweep
at most 5 s (issue 12). Exit status 1 when a figure is over budget.
"""

import argparse
import datetime
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench import common  # noqa: E402

common.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from backoffice.accounts.models import User  # noqa: E402
from backoffice.customers.models import Customer  # noqa: E402
from backoffice.followups.attention import attention_counts  # noqa: E402

BUDGET_SWEEP_S = 5.0
BUDGET_PAGE_MS = 800
BURST = 10_000


def _sweeps():
    """The scheduler's sweeps, by name."""
    from backoffice.core.scheduler import SWEEPS, sweep_function

    return [(path.rsplit(".", 1)[-1], sweep_function(path)) for path in SWEEPS]


def _timed(func, *, runs: int, prepare=None) -> tuple[float, int, int]:
    """Median seconds, queries and result of ``func`` run ``runs`` times, each
    in a transaction rolled back after it."""
    seconds, queries, result = [], 0, 0
    for _ in range(runs):
        with transaction.atomic():
            if prepare:
                prepare()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = func()
                seconds.append(time.perf_counter() - started)
            queries = len(captured)
            transaction.set_rollback(True)
    return statistics.median(seconds), queries, result


def _burst() -> None:
    """10,000 assigned leads never called, their target passed a minute ago."""
    now = timezone.now()
    ids = list(Customer.objects.filter(assigned_to__isnull=False, status="new")
               .order_by("-id").values_list("id", flat=True)[:BURST])
    Customer.objects.filter(pk__in=ids).update(
        sla_due_at=now - datetime.timedelta(minutes=1),
        sla_warn_at=now - datetime.timedelta(minutes=31), sla_reached_at=None, sla_stage=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # the bench database may predate this code
    customers = Customer.objects.count()
    print(f"Database: {common.database_label()}, {customers:,} customers; "
          f"load average {os.getloadavg()[0]:.2f} at start")
    over = []

    # a condition no index answers: every customer's row is read
    baseline, _, _ = _timed(lambda: Customer.objects.filter(remarks__contains="\u00a7").count(),
                            runs=args.runs)
    print(f"\n  baseline: read every customer's row (one pass)  {baseline * 1000:8.0f} ms")

    print("\n  sweep                          state     seconds  queries  made   budget")
    for name, sweep in _sweeps():
        for state, prepare in (("steady", None), ("burst", _burst)):
            if state == "burst" and name != "sla_sweep":
                continue
            seconds, queries, made = _timed(lambda: sweep(timezone.now()), runs=args.runs,
                                            prepare=prepare)
            verdict = "ok" if seconds <= BUDGET_SWEEP_S else "OVER"
            if verdict == "OVER":
                over.append(name)
            print(f"  {name:30} {state:8} {seconds:8.2f} {queries:8} {made:5}   "
                  f"{BUDGET_SWEEP_S:.0f} s {verdict}")

    seconds, queries, counts = _timed(lambda: attention_counts(Customer.objects.all()),
                                      runs=args.runs)
    print(f"\n  Needs attention counts (dashboard)   {seconds * 1000:8.0f} ms {queries} queries "
          f"{counts}")
    manager = User.objects.get(username=common.MANAGER_USERNAME)
    client = Client()
    client.force_login(manager)
    for pool in ("first_call_late", "not_reachable", "aged"):
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get("/attention/", {"pool": pool})
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        ms = statistics.median(timings) * 1000
        verdict = "ok" if ms <= BUDGET_PAGE_MS else "OVER"
        if verdict == "OVER":
            over.append(f"page {pool}")
        print(f"  Needs attention page, {pool:16} {ms:8.0f} ms   budget {BUDGET_PAGE_MS} ms "
              f"{verdict}")
    print(f"\nload average {os.getloadavg()[0]:.2f} at end")
    if over:
        print("OVER BUDGET: " + ", ".join(over))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
