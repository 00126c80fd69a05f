"""The REST API and the web forms' endpoint on the bench data
(bench/generate.py: 1,000,000 customers).

    .venv/bin/python bench/api.py                 # both parts (~2 min)
    .venv/bin/python bench/api.py --skip-capture  # the list only

1. GET /api/v1/customers/ — the first page (50 customers) through Django's test
   client with a personal token (the whole stack: middleware, token lookup,
   throttle, DRF, the serializer), for a manager and a counsellor; then a page
   deep in the list (a cursor 20,000 rows in, or half their list) to show the keyset pagination's
   cost does not grow with the depth. Baseline, in the same run: the raw ORM's
   same 50 customers with their counsellor and source (select_related), as
   model instances — what any framework must at least read.
   Budget: each first page ≤ 5× its baseline and ≤ 150 ms.

2. POST /capture/<key>/ — on gunicorn (2 workers, config/gunicorn.py) on
   loopback: requests/s for new leads posted by 8 clients at once, then rounds of
   20 concurrent posts of one new number (released together by a barrier):
   every round must create exactly one customer (201 once, 200 for the rest).
   The customers it creates are deleted afterwards. The client threads share
   the machine's CPUs with the server.
"""

import argparse
import base64
import concurrent.futures
import contextlib
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench import common  # noqa: E402

common.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from backoffice.accounts.models import User  # noqa: E402
from backoffice.api.models import ApiToken  # noqa: E402
from backoffice.api.services import api_token_create  # noqa: E402
from backoffice.customers.models import Customer  # noqa: E402
from backoffice.customers.selectors import customers_visible_to  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PORT = 8097
PAGE_BUDGET_MS = 150
PAGE_BUDGET_RATIO = 5.0


def _ms(seconds: float) -> float:
    return seconds * 1000


def timed_get(client, url, token, runs):
    times, queries = [], 0
    for _ in range(3):
        client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        queries = len(captured)
    return statistics.median(times), queries, response


def baseline(user, runs, offset_after=None):
    times = []
    for _ in range(runs + 3):
        start = time.perf_counter()
        queryset = customers_visible_to(user).select_related("assigned_to", "data_source")
        queryset = queryset.order_by("-date_added", "-id")
        list(queryset[:51])
        times.append(time.perf_counter() - start)
    return statistics.median(times[3:])


def deep_cursor(user, depth: int) -> str:
    row = (customers_visible_to(user).order_by("-date_added", "-id")
           .values("date_added", "id")[depth:depth + 1].first())
    if row is None:
        return ""
    raw = json.dumps(["-date_added", row["date_added"].isoformat(), row["id"]])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def part_list(runs: int) -> bool:
    manager = User.objects.get(username=common.MANAGER_USERNAME)
    counsellor = (User.objects.filter(username__startswith=common.USERNAME_PREFIX + "c")
                  .order_by("username").first())
    client = Client()
    ok = True
    print(f"\n1. GET /api/v1/customers/ — median of {runs}, warm "
          f"({Customer.objects.order_by().count():,} customers)")
    print(f"   {'case':<34}{'API ms':>9}{'queries':>9}{'KB':>7}{'ORM ms':>9}{'ratio':>7}  verdict")
    for label, user in (("manager", manager), ("counsellor", counsellor)):
        ApiToken.objects.filter(user=user, name__startswith="bench").delete()
        _, token = api_token_create(user=user, name="bench")
        orm = baseline(user, runs)
        cases = [(f"{label}: first page", "/api/v1/customers/")]
        depth = min(20_000, customers_visible_to(user).count() // 2)
        cursor = deep_cursor(user, depth)
        if cursor:
            cases.append((f"{label}: {depth:,} rows in", f"/api/v1/customers/?cursor={cursor}"))
        for case, url in cases:
            median, queries, response = timed_get(client, url, token, runs)
            ratio = median / orm
            verdict = "—"
            if case.endswith("first page"):
                good = _ms(median) <= PAGE_BUDGET_MS and ratio <= PAGE_BUDGET_RATIO
                ok &= good
                verdict = "PASS" if good else "OVER"
            print(f"   {case:<34}{_ms(median):>9.1f}{queries:>9}{len(response.content) / 1024:>7.1f}"
                  f"{_ms(orm):>9.1f}{ratio:>6.1f}×  {verdict}")
    print(f"   budget: first page ≤ {PAGE_BUDGET_MS} ms and ≤ {PAGE_BUDGET_RATIO:.0f}× the raw "
          "ORM's 50 customers with counsellor and source")
    return ok


# --- capture ---------------------------------------------------------------------------

@contextlib.contextmanager
def gunicorn():
    env = {**os.environ, "PORT": str(PORT), "WEB_CONCURRENCY": "2", "SECURE_HTTPS": "False",
           "ALLOWED_HOSTS": "*", "STATIC_MANIFEST": "False", "DEBUG": "False",
           "GUNICORN_ACCESS_LOG": "", "LOG_LEVEL": "WARNING", "CAPTURE_PER_MINUTE": "0", "CAPTURE_SOURCE_PER_MINUTE": "0",
           "SECRET_KEY": "bench-" + "x" * 50, "REDIS_URL": "",
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    log = open(Path(tempfile.gettempdir()) / "alims-bench-api.log", "w")
    web = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "config.wsgi",
                            "-c", "config/gunicorn.py"], cwd=ROOT, env=env, stdout=log,
                           stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
                conn.request("GET", "/health/live/")
                if conn.getresponse().status in (200, 500, 503):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or web.poll() is not None:
                raise SystemExit(f"gunicorn did not start (see {log.name})")
            time.sleep(0.5)
        yield web
    finally:
        web.send_signal(signal.SIGTERM)
        try:
            web.wait(30)
        except subprocess.TimeoutExpired:
            web.kill()
        log.close()


def post(key: str, fields: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    conn.request("POST", f"/capture/{key}/", body=json.dumps(fields),
                 headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def part_capture(posts: int, rounds: int) -> bool:
    from backoffice.imports.models import DataSource

    source, _ = DataSource.objects.get_or_create(
        slug="bench-web-form", defaults={"name": "Bench web form", "importer": "standard"})
    source.capture_key = "bench-capture-key-" + "k" * 30
    source.is_active = True
    source.save()
    prefix = "+9170"  # numbers the bench data does not use: +9170 0000 0000 and on
    Customer.objects.filter(phone__startswith=prefix).delete()
    ok = True
    print("\n2. POST /capture/<key>/ — gunicorn, 2 workers, loopback")
    with gunicorn():
        for n in range(10):  # warm both workers
            post(source.capture_key, {"name": "Warm", "phone": f"{prefix}99{n:06d}"})
        start = time.perf_counter()
        cpu_start = time.process_time()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(
                lambda n: post(source.capture_key, {"name": f"Lead {n}", "email": f"l{n}@x.invalid",
                                                    "phone": f"{prefix}{n:08d}"}), range(posts)))
        wall = time.perf_counter() - start
        created = sum(s == 201 for s in statuses)
        print(f"   new leads, 8 clients: {posts} posts in {wall:.1f} s = "
              f"{posts / wall:.1f} requests/s ({created} created, "
              f"{sum(s not in (200, 201) for s in statuses)} errors; "
              f"client CPU {time.process_time() - cpu_start:.1f} s)")
        ok &= created == posts
        duplicates, wrong = 0, 0
        for r in range(rounds):
            phone = f"{prefix}88{r:06d}"
            barrier = threading.Barrier(20)

            def one(_):
                barrier.wait()
                return post(source.capture_key, {"name": "Same person", "phone": phone})

            with concurrent.futures.ThreadPoolExecutor(20) as pool:
                answers = list(pool.map(one, range(20)))
            count = Customer.objects.filter(phone=phone).count()
            duplicates += max(0, count - 1)
            wrong += (answers.count(201) != 1) + sum(a not in (200, 201) for a in answers)
        print(f"   20 concurrent posts of one new number, {rounds} rounds: "
              f"{duplicates} duplicates created, {wrong} rounds with other than one 201 "
              f"and nineteen 200s")
        ok &= duplicates == 0 and wrong == 0
    removed = Customer.objects.filter(phone__startswith=prefix).count()
    Customer.history.filter(phone__startswith=prefix).delete()
    Customer.objects.filter(phone__startswith=prefix).delete()
    print(f"   ({removed} bench leads removed)")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=30)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--skip-capture", action="store_true")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at the start")
    ok = part_list(args.runs)
    if not args.skip_capture:
        ok &= part_capture(args.posts, args.rounds)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at the end")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
