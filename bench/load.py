"""Load test: counsellors and managers using the back-office at once, through
gunicorn on loopback, on the bench database (bench/generate.py: 1,000,000 customers).

    .venv/bin/python bench/load.py                  # the whole run (~12 min)
    .venv/bin/python bench/load.py --seconds 60 --no-saturation --no-import
    .venv/bin/python bench/load.py --pool           # the web processes on psycopg's pool

What it does:

  1. starts gunicorn (config/gunicorn.py, WEB_CONCURRENCY=2) and an rq worker on
     PostgreSQL (the bench database) and Redis;
  2. logs in 50 counsellors (bench.c001, …) and 2 managers before the clock starts;
  3. for 120 s each counsellor, in a loop: opens her list or "Follow-ups due", searches
     one of her customers' phone numbers, opens a customer, posts a status update with a
     remark and a follow-up (My calls' form) — waiting 5 s (± 2 s) between actions, as a
     person on the phone does; each manager opens the dashboard and a report, likewise;
  4. reports requests/s, median and p95 per kind of request, errors, and lost updates
     (every update a client saw succeed — a redirect — must be a status change in the
     database afterwards, found by its unique remark);
  5. raises the number of counsellors (60 s a step) until the counsellors' p95 passes
     500 ms: the saturation point, with requests/s per CPU core there;
  6. runs step 3 again while the worker imports a 100,000-row file, and reports the
     difference (the import is reverted afterwards).

The status updates change bench customers (statuses, remarks, follow-ups); the figures
of the other benches move a little after a run (`bench/generate.py --reset` restores).
The load generator shares the machine's CPUs with the server: its own CPU time is
printed, so that the figures can be read for what they are.
"""

import argparse
import contextlib
import csv
import http.client
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PORT = int(os.environ.get("LOAD_PORT", "18931"))
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/13")
DATA_DIR = os.environ.get("LOAD_DATA_DIR", "/tmp/alims-load-data")
os.environ.setdefault("REDIS_URL", REDIS_URL)
os.environ.setdefault("DATA_DIR", DATA_DIR)

from bench import common  # noqa: E402

common.setup()

from django.db import connection  # noqa: E402

from backoffice.accounts.models import User  # noqa: E402
from backoffice.customers.models import Customer, StatusChange  # noqa: E402

PASSWORD = "bench-password"
BUDGET_P95_MS = 500
COUNSELLOR_KINDS = ("list", "follow-ups due", "phone search", "customer page", "status update")
THINK = (3.0, 7.0)  # 5 s ± 2 s


# --- the server -----------------------------------------------------------------------

def server_env(pool: bool) -> dict:
    env = {**os.environ,
           "DATABASE_URL": os.environ.get("DATABASE_URL", common.DEFAULT_DATABASE_URL),
           "REDIS_URL": REDIS_URL, "DATA_DIR": DATA_DIR, "PORT": str(PORT),
           "WEB_CONCURRENCY": "2", "SECURE_HTTPS": "False", "ALLOWED_HOSTS": "*",
           "STATIC_MANIFEST": "False", "DEBUG": "False", "GUNICORN_ACCESS_LOG": "",
           "LOG_LEVEL": "WARNING", "SECRET_KEY": "load-test-" + "x" * 50,
           "DATABASE_POOL": "True" if pool else "False", "AXES_FAILURE_LIMIT": "1000",
           "AXES_ADDRESS_FAILURE_LIMIT": "100000", "DJANGO_SETTINGS_MODULE": "config.settings"}
    return env


@contextlib.contextmanager
def running(pool: bool):
    """gunicorn (2 workers) and one rq worker, stopped on the way out."""
    Path(DATA_DIR).mkdir(parents=True, exist_ok=True)
    env = server_env(pool)
    venv = Path(sys.executable).parent
    log = open(Path(tempfile.gettempdir()) / "alims-load-server.log", "w")
    web = subprocess.Popen([str(venv / "gunicorn"), "config.wsgi", "-c", "config/gunicorn.py"],
                           cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = subprocess.Popen([sys.executable, "manage.py", "rqworker", "default"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
                conn.request("GET", "/login/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or web.poll() is not None:
                raise SystemExit(f"gunicorn did not start (see {log.name})")
            time.sleep(0.5)
        yield web
    finally:
        for process in (web, worker):
            process.send_signal(signal.SIGTERM)
        for process in (web, worker):
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def server_cpu_seconds(pid: int) -> float:
    """CPU time of gunicorn's master and workers so far (from /proc)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        ppid = int(fields[1])
        if int(entry.name) == pid or ppid == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


# --- a person with a browser ------------------------------------------------------------

class Person:
    def __init__(self, username: str, results: list, lock: threading.Lock):
        self.username = username
        self.cookies: dict[str, str] = {}
        self.results = results
        self.lock = lock
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)

    def _send(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), data

    def request(self, kind, method, path, body=None, headers=None, ok=(200,)):
        started = time.perf_counter()
        try:
            status, location, data = self._send(method, path, body, headers)
        except Exception as exc:  # noqa: BLE001 — a refused or reset connection is an error
            status, location, data = 0, "", str(exc).encode()
        elapsed = time.perf_counter() - started
        with self.lock:
            self.results.append((kind, elapsed, status in ok, status))
        return status, location, data

    def login(self):
        status, _, _ = self._send("GET", "/login/")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
                                       "username": self.username, "password": PASSWORD,
                                       "next": "/"})
        status, location, _ = self._send(
            "POST", "/login/", body,
            {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise SystemExit(f"{self.username} could not log in ({status})")

    def post(self, kind, path, fields, ok=(302,)):
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.cookies["csrftoken"], **fields})
        return self.request(kind, "POST", path, body,
                            {"Content-Type": "application/x-www-form-urlencoded"}, ok=ok)


def think(stop: threading.Event) -> bool:
    return not stop.wait(random.uniform(*THINK))


def counsellor_loop(person: Person, customers: list[tuple[int, str]], stop: threading.Event,
                    updates: list, lock: threading.Lock):
    stop.wait(random.uniform(0, THINK[1]))  # not everyone at the same second
    turn = 0
    while not stop.is_set():
        turn += 1
        if turn % 2:
            person.request("list", "GET", "/customers/customer/")
        else:
            person.request("follow-ups due", "GET", "/customers/customer/?follow_up=due")
        if not think(stop):
            break
        pk, phone = random.choice(customers)
        person.request("phone search", "GET", "/customers/customer/?" + urllib.parse.urlencode(
            {"q": phone[-10:]}))
        if not think(stop):
            break
        person.request("customer page", "GET", f"/customers/customer/{pk}/change/")
        if not think(stop):
            break
        token = f"load {uuid.uuid4().hex}"
        status, location, _ = person.post(
            "status update", f"/customers/customer/my-calls/{pk}/",
            {"status": random.choice(["call_not_attended", "call_later", "valid"]),
             "remark": token, "preset": random.choice(["tomorrow", "3days", "week"])})
        if status == 302:
            with lock:
                updates.append(token)
        if not think(stop):
            break


def manager_loop(person: Person, stop: threading.Event):
    stop.wait(random.uniform(0, THINK[1]))
    while not stop.is_set():
        person.request("dashboard", "GET", "/")
        if not think(stop):
            break
        person.request("report", "GET", "/reports/status_distribution/")
        if not think(stop):
            break


def warm_up(person: Person, customers, boss: "Person | None") -> None:
    """Every page once per gunicorn worker before the clock starts (templates
    compiled, caches filled), not counted."""
    kept = person.results
    person.results = []
    if boss:
        boss.results = person.results
    for _ in range(4):
        pk, phone = random.choice(customers)
        for path in ("/customers/customer/", "/customers/customer/?follow_up=due",
                     "/customers/customer/?q=" + phone[-10:], f"/customers/customer/{pk}/change/",
                     "/customers/customer/my-calls/"):
            person.request("warm-up", "GET", path)
        if boss:
            boss.request("warm-up", "GET", "/")
            boss.request("warm-up", "GET", "/reports/status_distribution/")
    person.results = kept
    if boss:
        boss.results = kept


def customers_of(usernames: list[str]) -> dict[str, list[tuple[int, str]]]:
    """A sample of each counsellor's own customers (id, phone) to search and update."""
    found = {}
    for username in usernames:
        user = User.objects.get(username=username)
        rows = list(Customer.objects.filter(assigned_to=user).order_by("?")
                    .values_list("pk", "phone")[:200])
        if not rows:
            raise SystemExit(f"{username} has no customers: run bench/generate.py first")
        found[username] = rows
    return found


def run_phase(label: str, counsellors: int, seconds: int, web_pid: int, managers: int = 2) -> dict:
    usernames = [f"bench.c{n:03d}" for n in range(1, counsellors + 1)]
    if counsellors > 100:  # 100 bench counsellors: the rest log in again as them
        usernames = [f"bench.c{(n % 100) + 1:03d}" for n in range(counsellors)]
    samples = customers_of(sorted(set(usernames)))
    results: list = []
    updates: list = []
    lock = threading.Lock()
    people = [Person(u, results, lock) for u in usernames]
    bosses = [Person(common.MANAGER_USERNAME, results, lock) for _ in range(managers)]
    for person in people + bosses:  # before the clock starts
        person.login()
    warm_up(people[0], samples[people[0].username], bosses[0] if bosses else None)
    stop = threading.Event()
    threads = [threading.Thread(target=counsellor_loop, args=(p, samples[p.username], stop,
                                                              updates, lock), daemon=True)
               for p in people]
    threads += [threading.Thread(target=manager_loop, args=(p, stop), daemon=True) for p in bosses]
    cpu_before = server_cpu_seconds(web_pid)
    own_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(60)
    wall = time.monotonic() - started
    own_after = resource.getrusage(resource.RUSAGE_SELF)
    server_cpu = server_cpu_seconds(web_pid) - cpu_before
    with lock:
        done = list(results)
        succeeded = list(updates)
    found = StatusChange.objects.filter(remark__in=succeeded).count() if succeeded else 0
    connection.close()
    summary = summarise(label, counsellors, done, wall, succeeded, found, server_cpu,
                        (own_after.ru_utime + own_after.ru_stime)
                        - (own_before.ru_utime + own_before.ru_stime))
    return summary


def pct(values, q):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def summarise(label, counsellors, results, wall, succeeded, found, server_cpu, own_cpu) -> dict:
    kinds = {}
    for kind, elapsed, ok, status in results:
        kinds.setdefault(kind, []).append((elapsed, ok, status))
    errors = sum(1 for _, _, ok, _ in results if not ok)
    counsellor_times = [e for k, e, _, _ in results if k in COUNSELLOR_KINDS]
    print(f"\n{label}: {counsellors} counsellors + managers, {wall:.0f} s, "
          f"{len(results)} requests = {len(results) / wall:.1f} requests/s; "
          f"server CPU {server_cpu:.0f} s ({server_cpu / wall / os.cpu_count():.0%} of "
          f"{os.cpu_count()} cores), load generator CPU {own_cpu:.0f} s")
    print(f"  {'request':<18} {'count':>6} {'median':>9} {'p95':>9} {'max':>9} {'errors':>7}")
    for kind in (*COUNSELLOR_KINDS, "dashboard", "report"):
        rows = kinds.get(kind, [])
        if not rows:
            continue
        times = [e for e, _, _ in rows]
        bad = [s for _, ok, s in rows if not ok]
        print(f"  {kind:<18} {len(rows):>6} {statistics.median(times) * 1000:>7.0f}ms "
              f"{pct(times, .95) * 1000:>7.0f}ms {max(times) * 1000:>7.0f}ms {len(bad):>7}"
              + (f"  statuses {sorted(set(bad))}" if bad else ""))
    p95 = pct(counsellor_times, .95) * 1000
    lost = len(succeeded) - found
    verdict = "PASS" if p95 <= BUDGET_P95_MS and errors == 0 and lost == 0 else "FAIL"
    print(f"  counsellors' p95 {p95:.0f} ms (budget ≤ {BUDGET_P95_MS}), errors {errors}, "
          f"status updates seen to succeed {len(succeeded)}, found in the database {found}, "
          f"lost {lost}: {verdict}")
    return {"label": label, "counsellors": counsellors, "rps": len(results) / wall, "p95": p95,
            "errors": errors, "lost": lost, "verdict": verdict, "server_cpu": server_cpu,
            "wall": wall}


# --- an import in progress ------------------------------------------------------------------

def import_start(rows: int):
    from django.core.files import File

    from backoffice.imports import services

    manager = User.objects.get(username=common.MANAGER_USERNAME)
    path = Path(tempfile.gettempdir()) / f"alims-load-{rows}.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Phone", "Area", "Remarks"])
        base = random.randrange(10_000_000, 80_000_000)
        for n in range(rows):  # +91 8…: numbers the bench's customers (+91 9…) do not use
            writer.writerow([f"Load Test {n}", f"+91 8{base + n:09d}"[:15], "Kochi",
                             "walk-in enquiry"])
    with path.open("rb") as handle:
        run = services.import_run_create(upload=File(handle, name=path.name), by=manager)
    run = services.import_run_confirm(run=run, by=manager, policy="skip")
    connection.close()
    return run


def import_state(run) -> tuple[str, int, int]:
    run.refresh_from_db()
    connection.close()
    return run.state, run.rows_done, run.rows_total or 0


def import_cleanup(run) -> None:
    from backoffice.imports import services

    deadline = time.monotonic() + 1800
    while import_state(run)[0] not in ("completed", "failed") and time.monotonic() < deadline:
        time.sleep(5)
    if run.state == "completed":
        manager = User.objects.get(username=common.MANAGER_USERNAME)
        services.import_run_revert(run=run, by=manager)
    connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counsellors", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--step-seconds", type=int, default=60)
    parser.add_argument("--pool", action="store_true", help="DATABASE_POOL=True on gunicorn")
    parser.add_argument("--no-saturation", action="store_true")
    parser.add_argument("--no-import", action="store_true")
    parser.add_argument("--import-rows", type=int, default=100_000)
    args = parser.parse_args()

    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    load = os.getloadavg()[0]
    print(f"Load test on {connection.settings_dict['NAME']}: "
          f"{Customer.objects.order_by().count():,} customers; gunicorn 2 workers "
          f"({'psycopg pool' if args.pool else 'persistent connections'}), "
          f"{os.cpu_count()} CPUs, load average {load:.2f} at the start.")
    connection.close()
    verdicts = []
    with running(args.pool) as web:
        base = run_phase("Baseline", args.counsellors, args.seconds, web.pid)
        verdicts.append(base["verdict"])

        if not args.no_saturation:
            print("\nSaturation: more counsellors, "
                  f"{args.step_seconds} s a step, until their p95 passes {BUDGET_P95_MS} ms")
            n = args.counsellors
            last_ok = base if base["p95"] <= BUDGET_P95_MS else None
            while base["p95"] <= BUDGET_P95_MS:
                n = int(n * 1.5)
                step = run_phase("Step", n, args.step_seconds, web.pid)
                if step["p95"] > BUDGET_P95_MS or step["errors"] or n >= 600:
                    print(f"\nSaturation point: {n} counsellors (p95 {step['p95']:.0f} ms); "
                          + (f"the last step within budget: {last_ok['counsellors']} counsellors, "
                             f"{last_ok['rps']:.1f} requests/s = "
                             f"{last_ok['rps'] / os.cpu_count():.1f} requests/s per core"
                             if last_ok else "none within budget"))
                    break
                last_ok = step

        if not args.no_import:
            print(f"\nDuring an import of {args.import_rows:,} rows (run by the worker)")
            run = import_start(args.import_rows)
            started = time.monotonic()
            during = run_phase("During the import", args.counsellors, args.seconds, web.pid)
            state, done, total = import_state(run)
            print(f"  the import: {state}, {done:,} of {total:,} rows after "
                  f"{time.monotonic() - started:.0f} s")
            print(f"  against the baseline: requests/s {during['rps']:.1f} vs {base['rps']:.1f}, "
                  f"counsellors' p95 {during['p95']:.0f} vs {base['p95']:.0f} ms")
            verdicts.append(during["verdict"])
            print("  (waiting for the import to finish, then reverting it)")
            import_cleanup(run)
    print(f"\nLoad average {os.getloadavg()[0]:.2f} at the end.")
    return 0 if all(v == "PASS" for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
