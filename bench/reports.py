"""Time the dashboards, the report pages and a 100,000-row XLSX export on the
bench database (bench/generate.py: 1,000,000 customers, 3,000,000 status changes).

    .venv/bin/python bench/reports.py           # every figure, ~3 min
    .venv/bin/python bench/reports.py --runs 9  # more requests per figure

Through the test client (the whole middleware and template stack), as the
bench manager and as a counsellor:

  * the manager's dashboard cold (the dashboard cache cleared before every
    request: every figure computed) and warm (cached figures, the lists read
    afresh); the counsellor's dashboard, cold and warm;
  * every report page for the last 365 days, cold (reports are not cached);
  * the customer export as XLSX of 100,000 customers (the admin's export code,
    streamed) in a child process, for its time and peak memory, beside
    django-import-export's own XLSX export of the same rows (the baseline);

and prints medians, query counts and the budgets of issue 4. Exit status 1 when
a figure is over budget.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench import common  # noqa: E402

common.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from backoffice.accounts.models import User  # noqa: E402
from backoffice.customers.models import Customer  # noqa: E402
from backoffice.reports.registry import reports  # noqa: E402

BUDGET_DASHBOARD_COLD_MS = 400
BUDGET_DASHBOARD_WARM_MS = 100
BUDGET_COUNSELLOR_MS = 150
BUDGET_REPORT_MS = 800
BUDGET_EXPORT_S = 15
BUDGET_EXPORT_MB = 300
EXPORT_ROWS = 100_000

# The export, in a child process of its own (so its peak memory is its own):
# argv: mode (ours | import_export), manager username, first id, last id.
CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, os.getcwd())
from bench import common
common.setup()
from django.contrib import admin
from django.test import RequestFactory
from import_export.formats.base_formats import XLSX
from backoffice.accounts.models import User
from backoffice.customers.models import Customer
from backoffice.customers.resources import CustomerResource
mode, username, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
request = RequestFactory().post("/customers/customer/export/")
request.user = User.objects.get(username=username)
customers = Customer.objects.filter(pk__gte=first, pk__lte=last)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
if mode == "ours":
    data = admin.site._registry[Customer].get_export_data(XLSX(), request, customers)
else:
    dataset = CustomerResource().export(queryset=customers)
    data = XLSX().export_data(dataset)
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "bytes": len(data),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_before_mb": before / 1024}))
"""


def timed(client, url, n, before=None):
    times, queries = [], []
    for _ in range(n):
        if before:
            before()
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(captured.captured_queries))
    return statistics.median(times), max(queries), times


def export_child(mode, username, first, last):
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(CHILD)
    try:
        result = subprocess.run([sys.executable, handle.name, mode, username, str(first),
                                 str(last)], cwd=common.ROOT, capture_output=True, text=True,
                                env=os.environ.copy())
    finally:
        os.unlink(handle.name)
    if result.returncode:
        sys.exit(f"export child ({mode}) failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()

    print(f"Bench database: {common.database_label()}")
    total = Customer.objects.count()
    manager = User.objects.filter(username=common.MANAGER_USERNAME).first()
    if manager is None or total < 1:
        sys.exit("The bench database is empty: run bench/generate.py first.")
    counsellor = (User.objects.filter(username__startswith=common.USERNAME_PREFIX + "c")
                  .order_by("pk").first())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM customers_statuschange")
        changes = cursor.fetchone()[0]
    mine = Customer.objects.filter(assigned_to=counsellor).count()
    print(f"{total:,} customers, {changes:,} status changes; counsellor {counsellor.username} "
          f"holds {mine:,}. Cache: {cache.__class__.__name__}. {os.cpu_count()} CPUs, load "
          f"{os.getloadavg()[0]:.2f}.")

    clients = {}
    for user in (manager, counsellor):
        client = Client()
        client.force_login(user)
        clients[user.pk] = client
    results = []  # (label, median ms, max queries, budget ms)

    def record(label, median, queries, budget):
        results.append((label, median, queries, budget))
        verdict = "PASS" if median <= budget else "FAIL"
        print(f"  {label:<52} {median:8.1f} ms  {queries:3d} queries  budget {budget:5.0f}  "
              f"{verdict}", flush=True)

    print("\nDashboards (median of", args.runs, "requests after one warm-up):")
    for user, cold_budget, warm_budget, label in (
        (manager, BUDGET_DASHBOARD_COLD_MS, BUDGET_DASHBOARD_WARM_MS, "manager"),
        (counsellor, BUDGET_COUNSELLOR_MS, BUDGET_COUNSELLOR_MS, "counsellor"),
    ):
        client = clients[user.pk]
        client.get("/")
        median, queries, _ = timed(client, "/", args.runs, before=cache.clear)
        record(f"{label} dashboard, cold (cache cleared)", median, queries, cold_budget)
        client.get("/")
        median, queries, _ = timed(client, "/", args.runs)
        record(f"{label} dashboard, warm", median, queries, warm_budget)

    today = timezone.localdate()
    year = f"?preset=custom&date_from={today - datetime.timedelta(days=364)}&date_to={today}"
    print(f"\nReport pages, the last 365 days (median of {args.runs}, after one warm-up):")
    for identifier in sorted(reports()):
        url = f"/reports/{identifier}/{year}"
        clients[manager.pk].get(url)
        median, queries, _ = timed(clients[manager.pk], url, args.runs)
        record(f"{identifier} (manager)", median, queries, BUDGET_REPORT_MS)
    for identifier in ("conversion_funnel", "counsellor_performance", "trends"):
        url = f"/reports/{identifier}/{year}"
        clients[counsellor.pk].get(url)
        median, queries, _ = timed(clients[counsellor.pk], url, args.runs)
        record(f"{identifier} (counsellor)", median, queries, BUDGET_REPORT_MS)

    failures = sum(1 for _, median, _, budget in results if median > budget)
    if not args.skip_export:
        first = Customer.objects.order_by("pk").values_list("pk", flat=True).first()
        last = (Customer.objects.order_by("pk").values_list("pk", flat=True)
                [EXPORT_ROWS - 1])
        print(f"\nXLSX export of {EXPORT_ROWS:,} customers (ids {first}–{last}), each in a "
              "child process:")
        ours = export_child("ours", manager.username, first, last)
        ok = ours["seconds"] <= BUDGET_EXPORT_S and ours["rss_mb"] <= BUDGET_EXPORT_MB
        failures += not ok
        print(f"  ours (admin export, streamed)        {ours['seconds']:6.1f} s  peak RSS "
              f"{ours['rss_mb']:5.0f} MB (Django loaded: {ours['rss_before_mb']:.0f} MB)  "
              f"{ours['bytes'] / 1e6:.1f} MB file  budget {BUDGET_EXPORT_S} s / "
              f"{BUDGET_EXPORT_MB} MB  {'PASS' if ok else 'FAIL'}", flush=True)
        base = export_child("import_export", manager.username, first, last)
        print(f"  baseline: django-import-export XLSX  {base['seconds']:6.1f} s  peak RSS "
              f"{base['rss_mb']:5.0f} MB  {base['bytes'] / 1e6:.1f} MB file  "
              f"(ours: {base['seconds'] / ours['seconds']:.1f}x faster, "
              f"{base['rss_mb'] / ours['rss_mb']:.1f}x less memory)")
    print(f"\n{'all within budget' if not failures else f'{failures} over budget'}.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
