"""Time the customer import (backoffice/imports) on the bench database.

    .venv/bin/python bench/imports.py                  # every figure, ~7 min
    .venv/bin/python bench/imports.py --million real   # the 1M-row CSV as a real import
    .venv/bin/python bench/imports.py --xlsx-million   # + the 1M rows as XLSX (dry run)
    .venv/bin/python bench/imports.py --profile        # + where the time goes (~15 min more)
    .venv/bin/python bench/imports.py --cprofile       # + cProfile dumps in bench/out/imports/

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/alims_bench, which
must hold the 1,000,000 customers of bench/generate.py.

In one run:
  1. writes lead files to bench/out/imports/: 100,000 rows as CSV and the same
     rows as XLSX (openpyxl write_only), and 1,000,000 rows as CSV. Messy like
     real lead lists: numbers written several ways (98765 43210,
     +91-9876543210, 09876543210, ...), ~2% invalid numbers, ~1% repeats of an
     earlier number written another way, names in odd case and spacing, areas,
     DD-MM-YYYY and DD/MM/YYYY dates, remarks with commas and line breaks, an
     unmapped column. Every number is new: the bench customers are all
     +919xxxxxxxxx; these files use +918 (100k), +916 (1M) and +917 (the
     import-export baseline);
  2. times `manage.py import_customers` as a subprocess (process start-up
     included) with the bench DATABASE_URL, each with its own max RSS
     (os.wait4): the CSV, the CSV again with --policy fill, the same with blanks
     to fill, the XLSX (after deleting the CSV's customers, so it creates the
     same 100k), a --dry-run (the whole-file preview) and the 1M-row CSV
     (--dry-run unless --million real);
  3. baselines in the same run: django-import-export's default ModelResource
     import of 10,000 of the same rows, and PostgreSQL COPY of the same
     customers into a scratch table (the ceiling) and, rolled back, into the
     real tables with their indexes;
  4. deletes everything it created (customers, status changes, history rows,
     import runs and their stored files), so the database keeps its 1,000,000
     customers, and VACUUMs the tables it touched (also between cases, so every
     case that writes starts from the same table).

--profile, after the figures: EXPLAIN ANALYZE of the classification query,
COPY into the real tables by index set, the imports again in this process with
their steps and every SQL statement timed (the app's functions are wrapped
here, never edited), the app's phone_normalize and parse_date against
libphonenumber and strptime alone (same answer on every cell, and their
times), and a set-based writer for new and updated customers (bench code).
"""

import argparse
import csv
import datetime
import io
import itertools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench import common  # noqa: E402

common.setup()

from django.core.files.storage import default_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from backoffice.accounts.models import User  # noqa: E402
from backoffice.customers.models import Customer, StatusChange  # noqa: E402
from backoffice.customers.phones import phone_try_normalize  # noqa: E402
from backoffice.customers.statuses import status_bit  # noqa: E402
from backoffice.imports.models import ImportRun  # noqa: E402
from bench.data import AREAS, COURSES, FIRST_NAMES, LAST_NAMES, SOURCES  # noqa: E402

OUT = common.ROOT / "bench" / "out" / "imports"
FILE_PREFIX = "bench-imports-"  # every file (and so every ImportRun) of this script
PREFIX_100K, PREFIX_1M, PREFIX_BASELINE = "8", "6", "7"  # first digit after +91
OUR_PREFIXES = ("+918", "+916", "+917")  # generate.py's customers are all +919
HEADERS = ["Sl No", "Student Name", "Mobile No.", "Location", "Enquiry Date", "Remarks",
           "Course Interested"]

BUDGET_CSV_S = 10.0
BUDGET_XLSX_S = 15.0
BUDGET_FILL_S = 10.0
BUDGET_PREVIEW_S = 5.0
BUDGET_RSS_MB = 400.0
LOCK_KEY = 0x1D9_1A9  # pg_try_advisory_lock key: one bench/imports.py per database
# A 1M-row CSV is ~90 MB (XLSX ~54 MB); the app refuses files over IMPORT_MAX_FILE_MB (default 50).
MILLION_FILE_MB = "1024"


# --- the lead files -----------------------------------------------------------


@dataclass
class LeadFile:
    rows: list[list]  # as written: Sl No, name, phone, area, date, remarks, course
    phones: list[str | None]  # E.164 per row, None when invalid
    invalid: int = 0
    duplicates: int = 0
    unique: list[int] = field(default_factory=list)  # row indexes the import creates

    @property
    def created(self) -> int:
        return len(self.unique)


def written(national: str, style: int) -> str:
    """A 10-digit mobile as people and spreadsheets write it."""
    match style:
        case 0:
            return f"{national[:5]} {national[5:]}"  # 98765 43210
        case 1:
            return f"+91-{national}"  # +91-9876543210
        case 2:
            return f"0{national}"  # 09876543210
        case 3:
            return national  # 9876543210
        case 4:
            return f"+91 {national[:5]} {national[5:]}"  # +91 98765 43210
        case _:
            return f"91{national}"  # 919876543210


STYLE_WEIGHTS = [30, 20, 15, 20, 10, 5]


def invalid_number(national: str, rng: random.Random) -> str:
    """Something in the phone column that is not a usable number."""
    kind = rng.randrange(7)
    if kind == 0:
        return national[:-1]  # a digit short
    if kind == 1:
        return national + str(rng.randrange(10))  # a digit too many
    if kind == 2:
        return f"{national[:5]} {national[5:9]}"  # 98765 4321
    if kind == 3:
        return rng.choice(["N/A", "-", "not given", "nil", "call office"])
    if kind == 4:
        return ""  # missing
    if kind == 5:
        return national[:5] + "-" + national[5:9] + "O"  # letter O for zero
    return str(rng.randrange(10_000, 99_999))  # an extension or pin code


def messy_name(rng: random.Random, first: str, last: str) -> str:
    name = f"{first} {last}"
    r = rng.random()
    if r < 0.05:
        return name.lower()
    if r < 0.07:
        return name.upper()
    if r < 0.10:
        return f" {first}  {last} "
    if r < 0.11:
        return first  # first name only
    return name


def messy_remark(rng: random.Random, course: str, area: str) -> str:
    r = rng.random()
    if r < 0.12:
        return ""
    if r < 0.45:
        return rng.choice(SOURCES)
    if r < 0.70:
        return f"Interested in {course}, asked about fees"
    if r < 0.85:
        return f"{rng.choice(SOURCES)}; wants a college near {area or 'home'}"
    if r < 0.995:
        return f"Call after 6 pm, parent: {rng.choice(FIRST_NAMES)}"
    return f"Interested in {course}\nAsked for hostel details"  # a line break in the cell


def lead_file(n: int, prefix: str, seed: int) -> LeadFile:
    """n rows with new numbers starting +91<prefix>, ~2% invalid, ~1% repeats."""
    rng = random.Random(seed)
    today = datetime.date.today()
    suffixes = rng.sample(range(10**9), n)
    styles = rng.choices(range(len(STYLE_WEIGHTS)), weights=STYLE_WEIGHTS, k=n)
    area_weights = [1 / (rank**0.9) for rank in range(1, len(AREAS) + 1)]
    areas = rng.choices(AREAS, weights=area_weights, k=n)
    firsts = rng.choices(FIRST_NAMES, k=n,
                         weights=[1 / (r**0.7) for r in range(1, len(FIRST_NAMES) + 1)])
    lasts = rng.choices(LAST_NAMES, k=n,
                        weights=[1 / (r**0.6) for r in range(1, len(LAST_NAMES) + 1)])
    out = LeadFile(rows=[], phones=[])
    valid_so_far: list[int] = []  # indexes of valid first occurrences
    for i in range(n):
        national = f"{prefix}{suffixes[i]:09d}"
        r = rng.random()
        if r < 0.02:
            phone_cell, phone = invalid_number(national, rng), None
            out.invalid += 1
        elif r < 0.03 and valid_so_far:
            # the same lead again, later in the file, its number written another way
            j = valid_so_far[rng.randrange(max(0, len(valid_so_far) - 5000), len(valid_so_far))]
            phone = out.phones[j]
            style = (styles[j] + 1 + rng.randrange(len(STYLE_WEIGHTS) - 1)) % len(STYLE_WEIGHTS)
            phone_cell = written(phone[3:], style)
            out.duplicates += 1
        else:
            phone_cell, phone = written(national, styles[i]), "+91" + national
            valid_so_far.append(i)
            out.unique.append(i)
        area = areas[i]
        a = rng.random()
        if a < 0.03:
            area = ""
        elif a < 0.06:
            area = area.lower()
        elif a < 0.08:
            area = area + " "
        d = rng.random()
        if d < 0.04:
            date = ""
        else:
            day = today - datetime.timedelta(days=int(90 * rng.random() ** 2))
            date = day.strftime("%d-%m-%Y" if d < 0.55 else "%d/%m/%Y")
        course = rng.choice(COURSES)
        out.rows.append([
            i + 1, messy_name(rng, firsts[i], lasts[i]), phone_cell, area, date,
            messy_remark(rng, course, area.strip()), course if rng.random() < 0.6 else "",
        ])
        out.phones.append(phone)
    return out


def check_sample(lead: LeadFile, rng: random.Random, k: int = 3000) -> None:
    """The app's normaliser agrees with the generator on a sample of rows."""
    for i in rng.sample(range(len(lead.rows)), min(k, len(lead.rows))):
        got = phone_try_normalize(lead.rows[i][2])
        assert got == lead.phones[i], (lead.rows[i][2], got, lead.phones[i])


def write_csv(lead: LeadFile, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(lead.rows)


# A Facebook Lead Ads download: the lead's own fields, and twelve columns no
# field of ours takes (ids, names of the ad, ad set, campaign and form, the
# platform, a custom question), which the import keeps as source details.
FB_HEADERS = ["id", "created_time", "ad_id", "ad_name", "adset_id", "adset_name", "campaign_id",
              "campaign_name", "form_id", "form_name", "is_organic", "platform",
              "which_course_are_you_interested_in?", "full_name", "phone_number", "email", "city"]
FB_EXTRA_COLUMNS = 12


def write_facebook_csv(lead: LeadFile, path: Path, seed: int) -> None:
    """The same leads as a Facebook Lead Ads CSV: numbers as ``p:+91…``,
    ISO created_time with offset, campaign fields per row."""
    rng = random.Random(seed)
    campaigns = [(f"23850{rng.randrange(10**9):09d}", f"Admissions {year} – {course}")
                 for year in (2025, 2026) for course in COURSES[:6]]
    now = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.timezone.utc)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FB_HEADERS)
        for index, row in enumerate(lead.rows):
            phone = lead.phones[index]
            cell = f"p:{phone}" if phone else row[2]
            campaign_id, campaign = campaigns[index % len(campaigns)]
            created = now - datetime.timedelta(minutes=7 * index)
            name = row[1]
            writer.writerow([
                f"l:{1200000000000000 + index}", created.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                f"ag:{campaign_id}01", f"{campaign} – video", f"as:{campaign_id}02",
                f"{campaign} – Kerala 18-24", f"c:{campaign_id}", campaign,
                f"f:{campaign_id}03", "Course enquiry form", "false",
                "fb" if index % 3 else "ig", row[6] or "Not sure yet", name, cell,
                f"lead{index}@example.com" if index % 4 else "", row[3],
            ])


def write_xlsx(lead: LeadFile, path: Path) -> None:
    """The same rows; a number written as bare digits is a number cell, as
    when someone types it into Excel."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Leads")
    sheet.append(HEADERS)
    for row in lead.rows:
        phone = row[2]
        if phone.isdigit() and not phone.startswith("0"):
            row = [*row[:2], int(phone), *row[3:]]
        sheet.append(row)
    workbook.save(path)


# --- the command line ---------------------------------------------------------


@dataclass
class Cli:
    label: str
    wall: float
    cpu: float
    maxrss_mb: float
    returncode: int
    summary: dict
    stderr: str
    run_split: dict = field(default_factory=dict)  # import_run_execute's seconds (run row)
    wal_mb: float = 0.0  # WAL the database wrote meanwhile
    checkpoints: int = 0  # checkpoints that started meanwhile (timed or requested)


# Runs the command as its child and reports the child's own rusage. A direct
# child of this script would not do: Linux carries the peak RSS of the process
# that forks (this one holds the 1M-row file) into the child's ru_maxrss
# across exec. This launcher is ~10 MB when it forks.
LAUNCHER = """
import json, os, sys, time
t = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump({"wall": time.perf_counter() - t, "cpu": ru.ru_utime + ru.ru_stime,
               "maxrss_kb": ru.ru_maxrss}, out)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def db_counters() -> tuple[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text, checkpoints_timed + checkpoints_req "
                       "FROM pg_stat_bgwriter")
        return cursor.fetchone()


def wal_since(lsn: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)", [lsn])
        return float(cursor.fetchone()[0]) / 1e6


def run_cli(label: str, args: list[str], env_extra: dict | None = None) -> Cli:
    """`manage.py import_customers ARGS` in a new process: wall time, CPU, max
    RSS, and the WAL written and checkpoints started meanwhile."""
    lsn, checkpoints = db_counters()
    env = os.environ.copy()
    env.update(env_extra or {})
    cmd = [sys.executable, str(common.ROOT / "manage.py"), "import_customers", *args]
    with tempfile.NamedTemporaryFile("r", suffix=".json") as usage_file:
        proc = subprocess.run([sys.executable, "-c", LAUNCHER, usage_file.name, *cmd],
                              cwd=common.ROOT, env=env, capture_output=True, text=True)
        usage = json.load(usage_file)
    wall, stdout, stderr = usage["wall"], proc.stdout, proc.stderr
    summary = {}
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            summary = json.loads(line)
            break
    cli = Cli(label, wall, usage["cpu"], usage["maxrss_kb"] / 1024, proc.returncode, summary,
              stderr, wal_mb=wal_since(lsn), checkpoints=db_counters()[1] - checkpoints)
    if proc.returncode:
        print(f"  ! {label}: exit {proc.returncode}\n{stderr[-3000:]}", flush=True)
    elif "run" in summary and not summary.get("dry_run"):
        run = ImportRun.objects.filter(pk=summary["run"]).first()
        if run and run.started_at and run.finished_at:
            cli.run_split = {"execute": (run.finished_at - run.started_at).total_seconds()}
    extra = ""
    if cli.run_split:
        extra = f" (import_run_execute {cli.run_split['execute']:.1f} s)"
    print(f"  {label:<46} {wall:6.1f} s  cpu {cli.cpu:5.1f} s  max RSS {cli.maxrss_mb:5.0f} MB"
          f"{extra}  WAL {cli.wal_mb:,.0f} MB, {cli.checkpoints} checkpoint(s)  "
          f"{json.dumps(summary)}", flush=True)
    return cli


def startup_time() -> Cli:
    """The floor of every CLI figure: python + django.setup() + the command's
    imports (``import_customers --help`` exits before touching the file)."""
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, str(common.ROOT / "manage.py"), "import_customers",
                        "--help"], cwd=common.ROOT, env=os.environ.copy(), check=True,
                       capture_output=True)
        times.append(time.perf_counter() - t)
    return min(times)


def expect(cli: Cli, **counts) -> None:
    """The command's summary matches what the generator wrote."""
    got = {k: cli.summary.get(k) for k in counts}
    if got != counts:
        print(f"  ! {cli.label}: expected {counts}, got {got}")


# --- clean-up -------------------------------------------------------------------


def storage_dirs() -> set[str]:
    try:
        return set(default_storage.listdir("imports")[0])
    except FileNotFoundError:
        return set()


def cleanup(keep_dirs: set[str] | None = None) -> dict:
    """Delete what this script creates: customers with its numbers (+916/7/8),
    their status changes and history rows, its import runs, their stored files
    (and those of dry runs, which the command leaves behind). Plain SQL, so it
    leaves no history of its own."""
    where = " OR ".join(f"phone LIKE '{p}%%'" for p in OUR_PREFIXES)
    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM customers_statuschange WHERE customer_id IN "
            f"(SELECT id FROM customers_customer WHERE {where})"
        )
        counts["status changes"] = cursor.rowcount
        cursor.execute(f"DELETE FROM customers_customer WHERE {where}")
        counts["customers"] = cursor.rowcount
        cursor.execute(f"DELETE FROM customers_historicalcustomer WHERE {where}")
        counts["history rows"] = cursor.rowcount
    runs = list(ImportRun.objects.filter(original_name__startswith=FILE_PREFIX))
    for run in runs:
        for stored in (run.file, run.error_report):
            if stored.name:
                stored.delete(save=False)
        # the folder upload_path() made for the run
        shutil.rmtree(default_storage.path(f"imports/{run.uuid}"), ignore_errors=True)
    counts["import runs"] = ImportRun.objects.filter(pk__in=[r.pk for r in runs]).delete()[0]
    removed = 0
    if keep_dirs is not None:
        for name in storage_dirs() - keep_dirs:
            shutil.rmtree(default_storage.path(f"imports/{name}"), ignore_errors=True)
            removed += 1
    counts["stored upload folders"] = removed
    return counts


def vacuum() -> None:
    with connection.cursor() as cursor:
        for table in ("customers_customer", "customers_statuschange",
                      "customers_historicalcustomer", "imports_importrun"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


# --- baselines --------------------------------------------------------------------


def baseline_import_export(lead: LeadFile, n: int, user: User) -> tuple[float, int, int]:
    """django-import-export, defaults: a ModelResource for Customer,
    import_data(dataset, dry_run=False). Its default does no normalisation and
    no duplicate handling (no id column: every row is a new Customer saved one
    by one, with its simple-history row), so it is given the rows our import
    creates: the number in E.164 (with +917 instead of +918, to keep apart from
    the other runs), the rest as written."""
    import tablib
    from import_export import resources

    class CustomerResource(resources.ModelResource):
        class Meta:
            model = Customer

    dataset = tablib.Dataset(headers=["name", "phone", "phone_raw", "area", "date_added",
                                      "remarks"])
    for i in lead.unique[:n]:
        _, name, phone_cell, area, date, remarks, _course = lead.rows[i]
        phone = "+91" + PREFIX_BASELINE + lead.phones[i][4:]
        dataset.append([name, phone, phone_cell, area, date, remarks])
    resource = CustomerResource()
    t = time.perf_counter()
    result = resource.import_data(dataset, dry_run=False)
    elapsed = time.perf_counter() - t
    created = Customer.objects.filter(phone__startswith="+91" + PREFIX_BASELINE).count()
    if result.has_errors() or result.has_validation_errors():
        first = (result.base_errors or [None])[0] or next(
            (e for _, errs in result.row_errors() for e in errs), None)
        print(f"  ! import-export reported errors: {getattr(first, 'error', first)}")
    return elapsed, len(dataset), created


def copy_lines(lead: LeadFile, user_id: int, first_id: int, now: datetime.datetime):
    """COPY text rows of the customers, status changes and history rows our
    import writes for this file (already normalised: COPY is the ceiling)."""
    ts = now.isoformat()
    customers, changes, history = [], [], []
    for k, i in enumerate(lead.unique):
        _, name, phone_cell, area, date, remarks, _course = lead.rows[i]
        name = " ".join(str(name).split())
        area = " ".join(area.split())
        day = (datetime.datetime.strptime(date, "%d-%m-%Y" if "-" in date else "%d/%m/%Y")
               .date().isoformat() if date else now.date().isoformat())
        remarks = remarks.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
        cid = first_id + k
        customers.append(
            f"{cid}\t{name}\t{lead.phones[i]}\t{phone_cell}\t{area}\t{day}\tnew\t{remarks}\t"
            f"{ts}\t{ts}\t{user_id}\t{user_id}\t0\t{NEW_BIT}\n"
        )
        changes.append(f"\tnew\t{remarks}\t{ts}\t{user_id}\t{cid}\n")
        history.append(
            f"{cid}\t{name}\t{lead.phones[i]}\t{phone_cell}\t{area}\t{day}\tnew\t{remarks}\t"
            f"{ts}\t{ts}\tImported from bench\t+\t{user_id}\t{user_id}\t{user_id}\t0\t{NEW_BIT}\n"
        )
    return "".join(customers).encode(), "".join(changes).encode(), "".join(history).encode()


CUSTOMER_COLS = ("id, name, phone, phone_raw, area, date_added, status, remarks, created_at,"
                 " updated_at, created_by_id, updated_by_id, stage_reached, statuses_seen")
NEW_BIT = status_bit("new")
CHANGE_COLS = "from_status, to_status, remark, changed_at, changed_by_id, customer_id"
HISTORY_COLS = ("id, name, phone, phone_raw, area, date_added, status, remarks, created_at,"
                " history_date, history_change_reason, history_type, created_by_id,"
                " updated_by_id, history_user_id, stage_reached, statuses_seen")


def baseline_copy(lead: LeadFile, user: User) -> dict:
    """PostgreSQL COPY of the customers the import creates: into a scratch
    table (same columns, no indexes: the ceiling), and, rolled back, into the
    real customer, status-change and history tables with all their indexes."""
    now = datetime.datetime.now(datetime.timezone.utc)
    customers, changes, history = copy_lines(lead, user.pk, 50_000_000, now)
    out = {"rows": lead.created}
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        cursor.execute("CREATE TEMP TABLE bench_import_copy (LIKE customers_customer "
                       "INCLUDING DEFAULTS) ON COMMIT DROP")
        t = time.perf_counter()
        with raw.copy(f"COPY bench_import_copy ({CUSTOMER_COLS}) FROM STDIN") as copy:
            copy.write(customers)
        out["scratch"] = time.perf_counter() - t
        cursor.execute("SELECT count(*) FROM bench_import_copy")
        assert cursor.fetchone()[0] == lead.created
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            t = time.perf_counter()
            with raw.copy(f"COPY customers_customer ({CUSTOMER_COLS}) FROM STDIN") as copy:
                copy.write(customers)
            out["real_customers"] = time.perf_counter() - t
            t = time.perf_counter()
            with raw.copy(f"COPY customers_statuschange ({CHANGE_COLS}) FROM STDIN") as copy:
                copy.write(changes)
            out["real_changes"] = time.perf_counter() - t
            t = time.perf_counter()
            with raw.copy(f"COPY customers_historicalcustomer ({HISTORY_COLS}) FROM STDIN") as copy:
                copy.write(history)
            out["real_history"] = time.perf_counter() - t
            raise _Rollback
    except _Rollback:
        pass
    return out


class _Rollback(Exception):
    pass


# --- profile (optional) -------------------------------------------------------------


class Phases:
    """Inclusive wall time of the pipeline's steps, by wrapping them in this
    process (no app code is changed), plus the time spent executing SQL by
    statement kind (connection.execute_wrapper)."""

    def __init__(self):
        from collections import defaultdict

        self.time: dict[str, list] = defaultdict(lambda: [0.0, 0])
        self.sql: dict[str, list] = defaultdict(lambda: [0.0, 0, 0])
        self._undo = []

    def add(self, label, seconds, n=1):
        entry = self.time[label]
        entry[0] += seconds
        entry[1] += n

    def wrap(self, owner, name, label):
        original = getattr(owner, name)
        phases = self

        def timed(*args, **kwargs):
            text = label(*args) if callable(label) else label
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                phases.add(text, time.perf_counter() - t)

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def wrap_generator(self, owner, name, label):
        original = getattr(owner, name)
        phases = self

        def timed(*args, **kwargs):
            iterator = original(*args, **kwargs)
            while True:
                t = time.perf_counter()
                try:
                    item = next(iterator)
                except StopIteration:
                    phases.add(label, time.perf_counter() - t, 0)
                    return
                phases.add(label, time.perf_counter() - t)
                yield item

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def undo(self):
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)

    @staticmethod
    def sql_kind(sql) -> str:
        s = " ".join((sql if isinstance(sql, str) else str(sql)).split())
        m = re.match(r'(INSERT INTO|UPDATE|DELETE FROM|COPY|CREATE TEMP TABLE|DROP TABLE'
                     r'|SELECT .*? FROM) "?(\w+)"?', s)
        kind = f"{m.group(1).replace(' TABLE', '').split()[0]} {m.group(2)}" if m else s[:40]
        if kind.startswith("SELECT customers_customer") and '"phone" IN' in s:
            kind += " WHERE phone IN (…)" + (" AND import_run_id" if 'import_run_id" =' in s
                                              else "") + (" FOR UPDATE" if "FOR UPDATE" in s
                                                          else "")
        elif kind.startswith("SELECT customers_customer") and "FOR UPDATE" in s:
            kind += " … FOR UPDATE (in_bulk)"
        if kind.startswith("UPDATE customers_customer") and "CASE WHEN" in s:
            kind += " SET … CASE WHEN (bulk_update)"
        if kind.startswith("INSERT") and " SELECT " in s:
            kind += " … SELECT … FROM " + s.split(" FROM ", 1)[1].split()[0]
        if kind.startswith("INSERT") and "ON CONFLICT" in s:
            kind += " … ON CONFLICT DO NOTHING"
        return kind

    def record_sql(self, sql, seconds: float) -> None:
        entry = self.sql[self.sql_kind(sql)]
        entry[0] += seconds
        entry[1] += 1
        entry[2] += len(sql if isinstance(sql, str) else str(sql))

    def patch_psycopg(self) -> None:
        """Time every statement at psycopg's level: the ORM's and the raw
        cursor's (COPY included, with the rows written into it)."""
        import contextlib

        import psycopg

        phases = self
        execute, copy = psycopg.Cursor.execute, psycopg.Cursor.copy

        def timed_execute(cursor, query, params=None, **kwargs):
            t = time.perf_counter()
            try:
                return execute(cursor, query, params, **kwargs)
            finally:
                phases.record_sql(query, time.perf_counter() - t)

        @contextlib.contextmanager
        def timed_copy(cursor, statement, params=None, **kwargs):
            t = time.perf_counter()
            try:
                with copy(cursor, statement, params, **kwargs) as inner:
                    yield inner
            finally:
                phases.record_sql(statement, time.perf_counter() - t)

        psycopg.Cursor.execute, psycopg.Cursor.copy = timed_execute, timed_copy
        self._undo += [(psycopg.Cursor, "execute", execute), (psycopg.Cursor, "copy", copy)]


PHASE_ORDER = [
    "import_run_create (sha256, store, plan)",
    "import_preview",
    "read + map + normalise rows (iter_records)",
    "reading the file (readers.iter_rows)",
    "phone_normalize",
    "parse_date",
    "_Writer.write (a batch's DB work)",
    "error report rows (_ErrorReport.add)",
    "_create (new customers)",
    "bulk_create Customer",
    "pgcopy.customers_insert (COPY + INSERT … SELECT)",
    "bulk_create StatusChange",
    "_update (existing customers)",
    "in_bulk Customer",
    "bulk_update Customer",
    "bulk_history_create (incl. its bulk_create)",
    "bulk_create HistoricalCustomer",
    "ImportRun.save",
]


def instrument() -> Phases:
    from django.db.models.query import QuerySet
    from simple_history.manager import HistoryManager

    from backoffice.imports import normalise, pipeline, services

    phases = Phases()
    phases.wrap_generator(services, "iter_records", "read + map + normalise rows (iter_records)")
    phases.wrap_generator(pipeline, "iter_rows", "  reading the file (readers.iter_rows)")
    phases.wrap(normalise, "phone_normalize", "  phone_normalize")
    phases.wrap(normalise, "parse_date", "  parse_date")
    phases.wrap(services._Writer, "write", "_Writer.write (a batch's DB work)")
    phases.wrap(services._Writer, "_create", "  _create (new customers)")
    phases.wrap(services._Writer, "_update", "  _update (existing customers)")
    phases.wrap(QuerySet, "bulk_create", lambda qs, *a: (
        "      bulk_create HistoricalCustomer" if qs.model.__name__ == "HistoricalCustomer"
        else f"    bulk_create {qs.model.__name__}"))
    phases.wrap(QuerySet, "bulk_update",
                lambda qs, *a: f"    bulk_update {qs.model.__name__}")
    try:
        from backoffice.imports import pgcopy
    except ImportError:  # before the COPY path existed
        pgcopy = None
    if pgcopy is not None and hasattr(pgcopy, "customers_insert"):
        phases.wrap(pgcopy, "customers_insert",
                    "    pgcopy.customers_insert (COPY + INSERT … SELECT)")
    phases.wrap(QuerySet, "in_bulk", lambda qs, *a: f"    in_bulk {qs.model.__name__}")
    phases.wrap(HistoryManager, "bulk_history_create",
                "    bulk_history_create (incl. its bulk_create)")
    phases.wrap(services._ErrorReport, "add", "  error report rows (_ErrorReport.add)")
    phases.wrap(ImportRun, "save", "ImportRun.save")
    phases.wrap(services, "import_preview", "import_preview")
    phases.wrap(services, "import_run_create", "import_run_create (sha256, store, plan)")
    return phases


def profile_import(path: Path, user: User, args: list[str], label: str) -> None:
    """Run the command in this process with its steps and SQL timed."""
    phases = instrument()
    stdout = io.StringIO()
    t = time.perf_counter()
    phases.patch_psycopg()
    try:
        call_command("import_customers", str(path), "--user", user.username, *args,
                     stdout=stdout)
    finally:
        phases.undo()
    wall = time.perf_counter() - t
    print(f"\n=== profile: {label}: {wall:.1f} s in this process (steps timed; "
          f"the timers add well under a second) {stdout.getvalue().strip()}")
    order = {label.strip(): k for k, label in enumerate(PHASE_ORDER)}
    for name, (seconds, count) in sorted(phases.time.items(),
                                         key=lambda kv: order.get(kv[0].strip(), 99)):
        print(f"    {name:<52} {seconds:7.2f} s  {count:8,d} calls")
    total_sql = sum(v[0] for v in phases.sql.values())
    print(f"  SQL (psycopg execute and COPY; {total_sql:.1f} s of {wall:.1f} s):")
    for name, (seconds, count, size) in sorted(phases.sql.items(), key=lambda kv: -kv[1][0])[:10]:
        print(f"    {name[:86]:<86} {seconds:6.2f} s {count:5d}×  "
              f"{size / max(count, 1) / 1024:4.0f} KB")


def cprofile_import(path: Path, user: User, args: list[str], label: str, top: int = 30) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    stdout = io.StringIO()
    profiler.enable()
    call_command("import_customers", str(path), "--user", user.username, *args, stdout=stdout)
    profiler.disable()
    name = "".join(c if c.isalnum() else "-" for c in label).strip("-")
    target = OUT / f"cprofile-{name}.txt"
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(60)
    target.write_text(buffer.getvalue())
    print(f"\n=== cProfile: {label} (own time, top {top}; cumulative in "
          f"{target.relative_to(common.ROOT)})")
    import sysconfig

    site = sysconfig.get_paths()["purelib"] + "/"
    stdlib = sysconfig.get_paths()["stdlib"] + "/"
    own = buffer.getvalue().split("Ordered by: cumulative")[0]
    for line in own.splitlines():
        if "function calls" in line or "ncalls" in line or "(" in line and ":" in line:
            print("    " + line.replace(site, "").replace(stdlib, "").replace(
                str(common.ROOT) + "/", ""))


def explain_classification(lead: LeadFile) -> None:
    """EXPLAIN ANALYZE of one batch's lookup (2,000 phones), for new numbers
    (the CSV's) and for numbers that are all customers (a sample of the bench's)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM customers_customer TABLESAMPLE SYSTEM (1) LIMIT 2000")
        existing = [r[0] for r in cursor.fetchall()]
        for label, phones in (("2,000 new numbers", [lead.phones[i] for i in lead.unique[:2000]]),
                              ("2,000 existing customers", existing)):
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM customers_customer WHERE phone = ANY(%s)",
                [phones],
            )
            print(f"\n=== EXPLAIN ANALYZE: one batch's classification, {label} "
                  "(Customer.objects.filter(phone__in=…))")
            for (line,) in cursor.fetchall():
                print("    " + re.sub(r"'\{[^}]*\}'", "'{…}'", line))


def index_costs(lead: LeadFile, user: User) -> None:
    """COPY the import's customers and history rows into the real tables by
    index set, each in a transaction that is rolled back: what index
    maintenance costs per 100k rows."""
    now = datetime.datetime.now(datetime.timezone.utc)
    customers, _, history = copy_lines(lead, user.pk, 50_000_000, now)

    def indexes(table):
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT c.relname, am.amname,
                          EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
                   FROM pg_index i
                   JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
                   WHERE i.indrelid = %s::regclass""", [table])
            return cursor.fetchall()

    customer_indexes = indexes("customers_customer")
    droppable = [n for n, _, constraint in customer_indexes if not constraint]
    gin = [n for n, am, _ in customer_indexes if am == "gin"]
    # btree indexes that duplicate a trigram index's column or that neither the
    # customer list (bench/changelist.py) nor an import ever scans
    # (pg_stat_user_indexes.idx_scan = 0 on the bench database)
    unscanned = [n for n in ("customer_area_idx", "customer_name_idx", "customer_created_at_idx",
                             "customer_updated_at_idx") if n in droppable]
    # Django's extra varchar_pattern_ops index for a unique CharField: equality
    # lookups are served as well by the unique index
    like = [n for n in droppable if n.startswith("customers_customer_phone_") and
            n.endswith("_like")]
    history_indexes = indexes("customers_historicalcustomer")
    keep = ("_pkey", "_id_", "_history_date_")
    history_extra = [n for n, _, constraint in history_indexes
                     if not constraint and not any(k in n + "_" for k in keep)]
    cases = [
        ("customers_customer", CUSTOMER_COLS, customers,
         f"all {len(customer_indexes)} indexes", []),
        ("customers_customer", CUSTOMER_COLS, customers,
         f"without the {len(gin)} trigram GIN indexes", gin),
        ("customers_customer", CUSTOMER_COLS, customers,
         f"without the {len(unscanned)} btrees no bench query scans", unscanned),
        ("customers_customer", CUSTOMER_COLS, customers,
         "… and without the phone _like index too", unscanned + like),
        ("customers_customer", CUSTOMER_COLS, customers,
         "only the primary key and the phone unique index", droppable),
        ("customers_historicalcustomer", HISTORY_COLS, history,
         f"all {len(history_indexes)} indexes", []),
        ("customers_historicalcustomer", HISTORY_COLS, history,
         f"only history_id, id, history_date (without {len(history_extra)})", history_extra),
    ]
    print(f"\n=== COPY the import's {lead.created:,} rows into the real tables, by index set "
          "(each rolled back)")
    for table, cols, data, label, drop in cases:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for name in drop:
                    cursor.execute(f'DROP INDEX "{name}"')
                t = time.perf_counter()
                with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    copy.write(data)
                print(f"    {table:<30} {label:<56} {time.perf_counter() - t:6.2f} s")
                raise _Rollback
        except _Rollback:
            pass
    print(f"    (left out: {', '.join(unscanned + like + history_extra)})")


# --- what the suggested fixes would give (--profile; bench code, not the app) ---------

def phonenumbers_only(raw) -> str:
    """phone_normalize as it was before its Indian-mobile fast path (64a41ef):
    libphonenumber for every cell."""
    import phonenumbers
    from django.conf import settings
    from django.core.exceptions import ValidationError

    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = "" if raw is None else str(raw).strip()
    if not text:
        raise ValidationError("Phone number is missing.")
    try:
        number = phonenumbers.parse(text, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError("not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def strptime_only(value):
    """parse_date's text path as it was before its day-first fast path: every
    format tried with strptime."""
    from backoffice.imports.normalise import DATE_FORMATS, RowProblem

    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise RowProblem(value)


def check_normalisers(lead: LeadFile) -> dict[str, float]:
    """The app's phone_normalize and parse_date against libphonenumber and
    strptime alone: the same answer on every cell of the file (a value or an
    error), and the time each takes over the file's cells."""
    from backoffice.imports import normalise

    def outcome(fn, value):
        try:
            return fn(value)
        except Exception:  # ValidationError / RowProblem
            return "error"

    phones = [row[2] for row in lead.rows]
    dates = [row[4] for row in lead.rows]
    for value in phones:
        assert outcome(normalise.phone_normalize, value) == outcome(phonenumbers_only, value), value
    for value in dates:
        assert outcome(normalise.parse_date, value) == outcome(strptime_only, value), value
    timings = {}
    for name, fn, values in (("phonenumbers", phonenumbers_only, phones),
                             ("phone_normalize", normalise.phone_normalize, phones),
                             ("strptime", strptime_only, dates),
                             ("parse_date", normalise.parse_date, dates)):
        t = time.perf_counter()
        for value in values:
            try:
                fn(value)
            except Exception:
                pass
        timings[name] = time.perf_counter() - t
    return timings


STAGE_COLS = "phone, phone_raw, name, area, date_added, status, remarks"
INSERT_NEW = """
WITH new AS (
    INSERT INTO customers_customer (name, phone, phone_raw, area, date_added, status, remarks,
        created_at, updated_at, created_by_id, updated_by_id, import_run_id)
    SELECT name, phone, phone_raw, area, date_added, status, remarks, %(now)s, %(now)s,
        %(user)s, %(user)s, %(run)s
    FROM bench_stage
    ON CONFLICT (phone) DO NOTHING
    RETURNING *
), changes AS (
    INSERT INTO customers_statuschange (from_status, to_status, remark, changed_at,
        changed_by_id, customer_id)
    SELECT '', status, remarks, %(now)s, %(user)s, id FROM new
)
INSERT INTO customers_historicalcustomer (id, name, phone, phone_raw, area, date_added, status,
    remarks, assigned_at, next_follow_up, last_contacted, created_at, history_date,
    history_change_reason, history_type, assigned_to_id, created_by_id, history_user_id,
    updated_by_id, data_source_id, import_run_id)
SELECT id, name, phone, phone_raw, area, date_added, status, remarks, assigned_at,
    next_follow_up, last_contacted, created_at, %(now)s, %(reason)s, '+', assigned_to_id,
    created_by_id, %(user)s, updated_by_id, data_source_id, import_run_id
FROM new
"""
UPDATE_CHANGED = """
WITH changed AS (
    UPDATE customers_customer c
    SET name = s.name, area = s.area, date_added = s.date_added, remarks = s.remarks,
        updated_by_id = %(user)s, updated_at = %(now)s
    FROM bench_update s WHERE c.id = s.id
    RETURNING c.*
)
INSERT INTO customers_historicalcustomer (id, name, phone, phone_raw, area, date_added, status,
    remarks, assigned_at, next_follow_up, last_contacted, created_at, history_date,
    history_change_reason, history_type, assigned_to_id, created_by_id, history_user_id,
    updated_by_id, data_source_id, import_run_id)
SELECT id, name, phone, phone_raw, area, date_added, status, remarks, assigned_at,
    next_follow_up, last_contacted, created_at, %(now)s, %(reason)s, '~', assigned_to_id,
    created_by_id, %(user)s, updated_by_id, data_source_id, import_run_id
FROM changed
"""


def sketch_import(path: Path, user: User, policy: str) -> dict:
    """The same file through the app's reader and normalisation, written
    set-based: per 2,000-row batch one SELECT of the matching numbers (only the
    columns the policy needs), one COPY of the new rows into a temporary table
    and one statement that inserts the customers, their first status change
    and their history row from it (INSERT … SELECT … ON CONFLICT DO NOTHING
    RETURNING, in a CTE); for fill, one COPY of the changed rows and one
    UPDATE … FROM with its history rows. Each batch is a transaction, as in
    the app. No ImportRun and no assignment; the rows are the app's otherwise."""
    from backoffice.imports.pipeline import iter_records, plan_file

    counts = {"rows": 0, "created": 0, "updated": 0, "unchanged": 0, "duplicates": 0,
              "invalid": 0}
    t = time.perf_counter()
    plan = plan_file(path)
    seen: set[int] = set()
    today = datetime.date.today()
    now = datetime.datetime.now(datetime.timezone.utc)
    params = {"now": now, "user": user.pk, "run": None,
              "reason": f"Imported from {path.name}"}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS bench_stage (phone text, "
                       "phone_raw text, name text, area text, date_added date, status text,"
                       " remarks text) ON COMMIT DELETE ROWS")
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS bench_update (id bigint, name text, "
                       "area text, date_added date, remarks text) ON COMMIT DELETE ROWS")
        records = iter_records(path, plan)
        while batch := list(itertools.islice(records, 2000)):
            valid = []
            for record in batch:
                counts["rows"] += 1
                if record.problem:
                    counts["invalid"] += 1
                    continue
                key = int(record.clean.phone[1:])
                if key in seen:
                    counts["duplicates"] += 1
                    continue
                seen.add(key)
                valid.append(record.clean)
            with transaction.atomic():
                cursor.execute(
                    "SELECT phone, id, name, area, date_added, remarks FROM customers_customer"
                    " WHERE phone = ANY(%s)", [[r.phone for r in valid]])
                existing = {row[0]: row for row in cursor.fetchall()}
                new = [r for r in valid if r.phone not in existing]
                if new:
                    statement = f"COPY bench_stage ({STAGE_COLS}) FROM STDIN"
                    with cursor.cursor.copy(statement) as copy:
                        for r in new:
                            copy.write_row((r.phone, r.phone_raw, r.name, r.area,
                                            r.date_added or today, r.status or "new",
                                            r.remarks))
                    cursor.execute(INSERT_NEW, params)
                    counts["created"] += cursor.rowcount
                changed = []
                for r in valid:
                    row = existing.get(r.phone)
                    if row is None:
                        continue
                    current = dict(zip(("name", "area", "date_added", "remarks"), row[2:]))
                    merged = dict(current)
                    if policy != "skip":
                        for name in ("name", "area", "date_added", "remarks"):
                            value = getattr(r, name)
                            if value in (None, ""):
                                continue
                            if policy == "fill" and current[name] not in (None, ""):
                                continue
                            merged[name] = value
                    if merged != current:
                        changed.append((row[1], merged["name"], merged["area"],
                                        merged["date_added"], merged["remarks"]))
                    else:
                        counts["unchanged"] += 1
                if changed:
                    with cursor.cursor.copy("COPY bench_update FROM STDIN") as copy:
                        for values in changed:
                            copy.write_row(values)
                    cursor.execute(UPDATE_CHANGED, params)
                    counts["updated"] += cursor.rowcount
    counts["seconds"] = time.perf_counter() - t
    return counts


def sketches(lead: LeadFile, csv_path: Path, user: User) -> None:
    print("\n=== Normalisation, and a set-based writer (bench code; in this process, so add "
          "~0.7 s of start-up for the command line)")
    t = check_normalisers(lead)
    n = len(lead.rows)
    print(f"  {n:,} phone cells: libphonenumber alone {t['phonenumbers']:.2f} s, the app's "
          f"phone_normalize {t['phone_normalize']:.2f} s (same answer on every cell)")
    print(f"  {n:,} date cells: strptime over DATE_FORMATS {t['strptime']:.2f} s, the app's "
          f"parse_date {t['parse_date']:.2f} s (same answer on every cell)")
    for label, policy, blank in (
        ("set-based writer: CSV, new numbers", "skip", False),
        ("set-based writer: CSV again, fill, nothing to fill", "fill", False),
        ("set-based writer: fill, half with blanks", "fill", True),
    ):
        if blank:
            with connection.cursor() as cursor:
                cursor.execute("UPDATE customers_customer SET area = '', remarks = '' "
                               "WHERE phone LIKE %s AND id %% 2 = 0", ["+918%"])
        if policy == "skip":
            cleanup()
            vacuum()
        got = sketch_import(csv_path, user, policy)
        print(f"  {label:<52} {got.pop('seconds'):6.1f} s  {got}", flush=True)
    cleanup()


# --- report -----------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--million-rows", type=int, default=1_000_000)
    parser.add_argument("--million", choices=("dry", "real", "skip"), default="dry",
                        help="the 1M-row CSV as a dry run (default), a real import, or not")
    parser.add_argument("--xlsx-million", action="store_true",
                        help="also write the 1M rows as XLSX and dry-run it, for memory")
    parser.add_argument("--baseline-rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2611)
    parser.add_argument("--profile", action="store_true",
                        help="also time the steps of the imports in-process, EXPLAIN the "
                             "classification query and COPY by index set")
    parser.add_argument("--cprofile", action="store_true",
                        help="--profile, and cProfile the CSV import and the fill")
    parser.add_argument("--keep-files", action="store_true",
                        help="keep the generated lead files in bench/out/imports/")
    args = parser.parse_args()

    print(f"Bench database: {common.database_label()}")
    with connection.cursor() as cursor:
        # Two runs at once would import the same numbers and delete each
        # other's runs; the lock is held until this process exits.
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        if not cursor.fetchone()[0]:
            sys.exit("Another bench/imports.py is running on this database; wait for it.")
    call_command("migrate", interactive=False, verbosity=0)
    total = Customer.objects.count()
    manager = User.objects.filter(username=common.MANAGER_USERNAME).first()
    if manager is None or total < 1:
        sys.exit("The bench database is empty: run bench/generate.py first.")
    left = cleanup()
    if any(left.values()):
        print(f"Removed the leftovers of an earlier run: {left}")
        total = Customer.objects.count()
    vacuum()
    kept_dirs = storage_dirs()
    changes_before = StatusChange.objects.count()
    print(f"{total:,} customers, {changes_before:,} status changes. {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f} at start. Importing as {manager.username}.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, current_setting(name) FROM unnest(%s::text[]) AS name",
                       [["server_version", "shared_buffers", "max_wal_size", "autovacuum",
                         "synchronous_commit"]])
        print("PostgreSQL: " + ", ".join(f"{k} {v}" for k, v in cursor.fetchall()))
    try:
        head = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=common.ROOT,
                              capture_output=True, text=True).stdout.strip()
        print(f"Code: {head}")
    except OSError:
        pass

    # 1. files
    OUT.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    lead = lead_file(args.rows, PREFIX_100K, args.seed)
    check_sample(lead, random.Random(1))
    csv_path = OUT / f"{FILE_PREFIX}{args.rows // 1000}k.csv"
    xlsx_path = OUT / f"{FILE_PREFIX}{args.rows // 1000}k.xlsx"
    write_csv(lead, csv_path)
    t_csv = time.perf_counter()
    write_xlsx(lead, xlsx_path)
    t_xlsx = time.perf_counter()
    million = None
    million_path = OUT / f"{FILE_PREFIX}{args.million_rows // 1000}k.csv"
    if args.million != "skip":
        million = lead_file(args.million_rows, PREFIX_1M, args.seed + 1)
        check_sample(million, random.Random(2))
        write_csv(million, million_path)
    print(f"\nFiles ({time.perf_counter() - t:.0f} s to generate; XLSX written in "
          f"{t_xlsx - t_csv:.0f} s):")
    for path, data in ((csv_path, lead), (xlsx_path, lead), (million_path, million)):
        if data is None:
            continue
        print(f"  {path.relative_to(common.ROOT)}  {path.stat().st_size / 1e6:6.1f} MB  "
              f"{len(data.rows):,} rows: {data.created:,} new numbers, "
              f"{data.duplicates:,} repeats in the file, {data.invalid:,} invalid")

    rows, created, dups, invalid = len(lead.rows), lead.created, lead.duplicates, lead.invalid
    user_args = ["--user", manager.username]
    results: dict[str, Cli] = {}
    baseline: dict = {}
    try:
        print("\nCommand line (manage.py import_customers in a new process, "
              "DATABASE_URL = the bench database):")
        startup = startup_time()
        print(f"  {'process start-up (import_customers --help)':<46} {startup:6.1f} s")

        # a. the CSV: 100k rows, every valid number new
        results["csv"] = cli = run_cli("a. CSV, new numbers", [str(csv_path), *user_args])
        expect(cli, rows=rows, created=created, duplicates=dups, invalid=invalid)

        # c. the same CSV again, --policy fill: every number is a customer now
        results["fill"] = cli = run_cli("c. same CSV again, --policy fill",
                                        [str(csv_path), *user_args, "--policy", "fill"])
        expect(cli, rows=rows, created=0, updated=0, unchanged=created)

        # c'. the same, with blanks to fill on half of them
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE customers_customer SET area = '', remarks = '' "
                "WHERE import_run_id = %s AND id %% 2 = 0 AND (area <> '' OR remarks <> '')",
                [results["csv"].summary["run"]],
            )
            blanked = cursor.rowcount
        results["fill_work"] = cli = run_cli(
            f"c'. same, {blanked // 1000}k with area+remarks blank",
            [str(csv_path), *user_args, "--policy", "fill"])

        # b. the XLSX: the same rows, after deleting the CSV run's customers
        cleanup()
        vacuum()  # every case that writes starts from the same table
        results["xlsx"] = cli = run_cli("b. XLSX, same rows, new numbers",
                                        [str(xlsx_path), *user_args])
        expect(cli, rows=rows, created=created, duplicates=dups, invalid=invalid)
        cleanup()
        vacuum()

        # d. preview of the whole 100k file (--dry-run = import_preview)
        results["preview"] = cli = run_cli("d. CSV --dry-run (whole-file preview)",
                                           [str(csv_path), *user_args, "--dry-run"])
        expect(cli, rows=rows, created=created, duplicates=dups, invalid=invalid)

        # f. Facebook Lead Ads layout: the same leads, 12 columns kept as source details
        fb_path = OUT / f"{FILE_PREFIX}{args.rows // 1000}k-facebook.csv"
        write_facebook_csv(lead, fb_path, args.seed)
        results["facebook"] = cli = run_cli(
            f"f. Facebook CSV, +{FB_EXTRA_COLUMNS} columns", [str(fb_path), *user_args])
        expect(cli, rows=rows, created=created, duplicates=dups, invalid=invalid)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FILTER (WHERE (SELECT count(*) FROM jsonb_object_keys("
                "source_details)) >= %s), count(*) FILTER (WHERE email <> '') "
                "FROM customers_customer WHERE import_run_id = %s",
                [FB_EXTRA_COLUMNS, cli.summary["run"]])
            with_details, with_email = cursor.fetchone()
        print(f"    {with_details:,} customers with >= {FB_EXTRA_COLUMNS} source details, "
              f"{with_email:,} with an email")
        assert with_details == created, (with_details, created)
        cleanup()
        vacuum()
        if not args.keep_files:
            fb_path.unlink(missing_ok=True)

        # e. the 1M-row CSV, for memory
        if million is not None:
            extra = {"IMPORT_MAX_FILE_MB": MILLION_FILE_MB}
            margs = [str(million_path), *user_args] + (
                ["--dry-run"] if args.million == "dry" else [])
            results["million"] = cli = run_cli(
                f"e. {len(million.rows) // 1000}k-row CSV"
                + (" --dry-run" if args.million == "dry" else ", real import"), margs, extra)
            expect(cli, rows=len(million.rows), created=million.created,
                   duplicates=million.duplicates, invalid=million.invalid)
            cleanup()
            vacuum()
            if args.xlsx_million:
                million_xlsx = million_path.with_suffix(".xlsx")
                t = time.perf_counter()
                write_xlsx(million, million_xlsx)
                print(f"  ({million_xlsx.name}: {million_xlsx.stat().st_size / 1e6:.1f} MB, "
                      f"written in {time.perf_counter() - t:.0f} s)")
                results["million_xlsx"] = cli = run_cli(
                    f"e'. {len(million.rows) // 1000}k-row XLSX --dry-run",
                    [str(million_xlsx), *user_args, "--dry-run"], extra)
                expect(cli, rows=len(million.rows), created=million.created,
                       duplicates=million.duplicates, invalid=million.invalid)
                if not args.keep_files:
                    million_xlsx.unlink(missing_ok=True)

        # 3. baselines
        print("\nBaselines (in this process):")
        t_ie, n_ie, c_ie = baseline_import_export(lead, args.baseline_rows, manager)
        baseline["ie"] = (t_ie, n_ie, c_ie)
        print(f"  django-import-export default ModelResource, {n_ie:,} rows: {t_ie:.1f} s, "
              f"{c_ie:,} customers created ({n_ie / t_ie:,.0f} rows/s)", flush=True)
        cleanup()
        vacuum()
        baseline["copy"] = cp = baseline_copy(lead, manager)
        real = cp["real_customers"] + cp["real_changes"] + cp["real_history"]
        print(f"  COPY {cp['rows']:,} customers into a scratch table (no indexes): "
              f"{cp['scratch']:.2f} s ({cp['rows'] / cp['scratch']:,.0f} rows/s)")
        print(f"  COPY into the real tables, rolled back: customers {cp['real_customers']:.2f} s, "
              f"status changes {cp['real_changes']:.2f} s, history {cp['real_history']:.2f} s "
              f"= {real:.2f} s ({cp['rows'] / real:,.0f} customers/s)")

        if args.profile or args.cprofile:
            vacuum()
            explain_classification(lead)
            index_costs(lead, manager)
            vacuum()
            profile_import(csv_path, manager, [], "CSV import (a)")
            run_id = ImportRun.objects.filter(original_name__startswith=FILE_PREFIX).latest("pk").pk
            profile_import(csv_path, manager, ["--policy", "fill"], "fill, nothing to fill (c)")
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE customers_customer SET area = '', remarks = '' "
                    "WHERE import_run_id = %s AND id %% 2 = 0", [run_id])
            profile_import(csv_path, manager, ["--policy", "fill"], "fill with blanks (c')")
            cleanup()
            profile_import(csv_path, manager, ["--dry-run"], "dry run (d)")
            vacuum()
            profile_import(xlsx_path, manager, [], "XLSX import (b)")
            cleanup()
            sketches(lead, csv_path, manager)
            if args.cprofile:
                cleanup()
                vacuum()
                cprofile_import(csv_path, manager, [], "CSV import (a)")
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE customers_customer SET area = '', remarks = '' "
                        "WHERE phone LIKE %s AND id %% 2 = 0", ["+918%"])
                cprofile_import(csv_path, manager, ["--policy", "fill"], "fill with blanks (c')")
            cleanup()
    finally:
        removed = cleanup(kept_dirs)
        vacuum()
        after = Customer.objects.count()
        changes_after = StatusChange.objects.count()
        print(f"\nClean-up: {removed}. Now {after:,} customers, {changes_after:,} status changes"
              + ("" if (after, changes_after) == (total, changes_before) else
                 f"  ! expected {total:,} and {changes_before:,}"))
        if not args.keep_files:
            for path in (csv_path, xlsx_path, million_path, million_path.with_suffix(".xlsx")):
                path.unlink(missing_ok=True)

    # 5. the table
    def rate(cli: Cli) -> float:
        return cli.summary.get("created", 0) / cli.wall if cli.wall else 0.0

    t_ie, n_ie, c_ie = baseline["ie"]
    ie_rate = n_ie / t_ie
    cp = baseline["copy"]
    copy_rate = cp["rows"] / cp["scratch"]
    real_rate = cp["rows"] / (cp["real_customers"] + cp["real_changes"] + cp["real_history"])
    print("\nFigures (wall: the whole command, process start-up included, start-up alone "
          f"{startup:.1f} s; cpu: the command's own CPU time, so wall - cpu is mostly waiting "
          "on PostgreSQL; WAL: written by the database meanwhile):\n")
    header = (f"{'case':<44} {'rows':>9} {'created':>8} {'upd/unch':>13} {'wall':>7} "
              f"{'cpu':>6} {'RSS':>7} {'WAL':>8} {'budget':>9}  result")
    print(header)
    print("-" * len(header))
    failures = 0
    k, m = f"{args.rows // 1000}k", f"{args.million_rows / 1e6:g}M"
    lines = [
        (f"a. {k} CSV, new numbers", results.get("csv"), BUDGET_CSV_S, "s"),
        (f"b. {k} XLSX, new numbers", results.get("xlsx"), BUDGET_XLSX_S, "s"),
        (f"c. {k} CSV again, --policy fill", results.get("fill"), BUDGET_FILL_S, "s"),
        ("c'. fill, half with blanks (extra)", results.get("fill_work"), BUDGET_FILL_S, "s"),
        (f"d. {k} preview (--dry-run)", results.get("preview"), BUDGET_PREVIEW_S, "s"),
        (f"f. {k} Facebook CSV, +{FB_EXTRA_COLUMNS} columns kept", results.get("facebook"),
         BUDGET_CSV_S, "s"),
        (f"e. {m} CSV {'dry run' if args.million == 'dry' else 'import'}, max RSS",
         results.get("million"), BUDGET_RSS_MB, "MB"),
        (f"e'. {m} XLSX dry run, max RSS (extra)", results.get("million_xlsx"), BUDGET_RSS_MB,
         "MB"),
    ]
    for label, cli, budget, unit in lines:
        if cli is None:
            continue
        value = cli.maxrss_mb if unit == "MB" else cli.wall
        ok = cli.returncode == 0 and (value < budget if unit == "MB" else value <= budget)
        failures += not ok
        s = cli.summary
        upd = f"{s.get('updated', 0):,}/{s.get('unchanged', 0):,}"
        budget_text = f"<{budget:.0f} MB" if unit == "MB" else f"≤{budget:.0f} s"
        print(f"{label:<44} {s.get('rows', 0):>9,} {s.get('created', 0):>8,} {upd:>13} "
              f"{cli.wall:>6.1f}s {cli.cpu:>5.1f}s {cli.maxrss_mb:>5.0f}MB "
              f"{cli.wal_mb:>6,.0f}MB {budget_text:>9}  {verdict(ok)}")
    print()
    csv_cli = results["csv"]
    ours = rate(csv_cli)
    print(f"Speed, customers written per second (a: {csv_cli.summary.get('created', 0):,} "
          f"in {csv_cli.wall:.1f} s, start-up included):")
    print(f"  ours (CSV, command line)                  {ours:>9,.0f}/s")
    if csv_cli.run_split:
        inner = csv_cli.summary.get("created", 0) / csv_cli.run_split["execute"]
        print(f"  ours, import_run_execute alone            {inner:>9,.0f}/s")
    print(f"  django-import-export default ({n_ie:,} rows) {ie_rate:>8,.0f}/s"
          f"   ours = {ours / ie_rate:.1f}× import-export")
    print(f"  COPY into a scratch table (ceiling)       {copy_rate:>9,.0f}/s"
          f"   ours = {ours / copy_rate:.1%} of COPY")
    print(f"  COPY into the real 3 tables (rolled back) {real_rate:>9,.0f}/s"
          f"   ours = {ours / real_rate:.1%} of it")
    print(f"\n{len([x for x in lines if x[1]]) - failures}/{len([x for x in lines if x[1]])} "
          f"within budget. Load average {os.getloadavg()[0]:.2f} at the end.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
