"""Fill the bench database: 1,000,000 customers over 100 counsellors and
3,000,000 status changes, with PostgreSQL COPY.

    .venv/bin/python bench/generate.py            # skips if data is there
    .venv/bin/python bench/generate.py --reset    # wipe the bench data, load again
    .venv/bin/python bench/generate.py --customers 20000 --changes 60000 --reset  # quick

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/alims_bench.

What is loaded, in one transaction:
  * users: bench.manager (Sales Manager) and bench.c001..c100 (Student
    Counsellor), created with bulk_create;
  * customers: unique valid Indian mobiles (+919xxxxxxxxx, each also written as
    in a spreadsheet in phone_raw), Kerala names and ~260 places, date_added
    over two years (more leads recently), all 14 statuses (by the demo data's
    weights and paths), ~10% unassigned, counsellors' loads uneven (0.5x-1.5x);
  * status changes: the "created" row plus the path to the current status,
    then same-status follow-up calls to make the total exact;
  * customer shares (the app's direct guardian table): 20 each for half the
    counsellors, so the counsellor list takes its "assigned OR shared" path;
  * guardian generic rows (guardian_userobjectpermission): view_customer on
    every assigned customer for its counsellor. The app never reads these
    (guardian resolves Customer to its direct table); changelist.py uses them
    for the get_objects_for_user baseline.
The indexes that are not constraints are dropped before COPY and recreated
after (same definitions, read from pg_index), FK triggers are off during the
load (session_replication_role = replica; the generator keeps every key
valid). History rows (simple-history) are not generated. VACUUM ANALYZE at
the end.
"""

import argparse
import datetime
import math
import os
import random
import sys
import tempfile
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench import common  # noqa: E402

common.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from backoffice.accounts.models import User  # noqa: E402
from backoffice.accounts.roles import SALES_MANAGER, STUDENT_COUNSELLOR  # noqa: E402
from backoffice.customers.demo import PATHS, WEIGHTS  # noqa: E402
from backoffice.customers.models import Customer  # noqa: E402
from backoffice.customers.statuses import (  # noqa: E402
    Status, funnel_rank, status_bit,
)
from bench.data import (  # noqa: E402
    AREAS,
    COURSES,
    FIRST_NAMES,
    FOLLOW_UP_REMARKS,
    LAST_NAMES,
    REMARKS,
)

IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
UTC = datetime.timezone.utc
DAY = 86400
BENCH_PASSWORD = "bench-password"
LOADED_TABLES = [
    "customers_customer",
    "customers_statuschange",
    "customers_customeruserobjectpermission",
    "guardian_userobjectpermission",
]


class Clock:
    def __init__(self):
        self.start = self.last = time.perf_counter()

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        print(f"  {what:<52} {now - self.last:7.1f} s", flush=True)
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.start


def zipf_weights(n: int, s: float = 0.9) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


def cumulative(weights):
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


# statuses that carry a follow-up date (a "Call not attended" gets one from the
# cadence in the product)
CALLS_BACK = {Status.CALL_LATER, Status.CALL_NOT_ATTENDED}
NOT_A_CONNECTION = {Status.NEW, Status.INVALID, Status.CALL_NOT_ATTENDED}
SLA_SECONDS = 2 * 3600  # first-call target; wall time here (the product counts working time)


def ts(epoch: float) -> str:
    return datetime.datetime.fromtimestamp(int(epoch), UTC).isoformat()


# --- users ------------------------------------------------------------------


def users_create(n_counsellors: int, rng: random.Random) -> tuple[User, list[User]]:
    password = make_password(BENCH_PASSWORD)
    manager = User(
        username=common.MANAGER_USERNAME, first_name="Maya", last_name="Menon (bench)",
        email="manager@bench.alims.invalid", password=password, is_staff=True,
    )
    counsellors = []
    for i in range(1, n_counsellors + 1):
        counsellors.append(
            User(
                username=f"{common.USERNAME_PREFIX}c{i:03d}",
                first_name=rng.choice(FIRST_NAMES[:60]),
                last_name=f"{rng.choice(LAST_NAMES[:30])} ({i:03d})",
                email=f"c{i:03d}@bench.alims.invalid",
                password=password,
                is_staff=True,  # bulk_create skips User.save(), which sets this
                monthly_target=rng.choice([None, 20, 30, 40]),
            )
        )
    manager, *counsellors = User.objects.bulk_create([manager, *counsellors])
    through = User.groups.through
    manager_group = Group.objects.get(name=SALES_MANAGER)
    counsellor_group = Group.objects.get(name=STUDENT_COUNSELLOR)
    through.objects.bulk_create(
        [through(user_id=manager.pk, group_id=manager_group.pk)]
        + [through(user_id=u.pk, group_id=counsellor_group.pk) for u in counsellors]
    )
    return manager, counsellors


# --- indexes ----------------------------------------------------------------


def droppable_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of each index of ``table`` that backs no
    constraint."""
    cursor.execute(
        """
        SELECT c.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = %s::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        ORDER BY c.relname
        """,
        [table],
    )
    return cursor.fetchall()


# --- the load ---------------------------------------------------------------


def phone_numbers(n: int, rng: random.Random) -> list[int]:
    """n distinct 9-digit suffixes: +919 followed by them is a valid Indian
    mobile (every 9xxxxxxxxx is, per libphonenumber; checked on a sample)."""
    return rng.sample(range(10**9), n)


def phone_check_sample(phones: list[str], rng: random.Random) -> None:
    from backoffice.customers.phones import phone_normalize

    for phone in rng.sample(phones, min(2000, len(phones))):
        assert phone_normalize(phone) == phone, phone


def phone_written(national: str, style: int) -> str:
    """The number as a spreadsheet or a form would have it."""
    match style:
        case 0:
            return national
        case 1:
            return f"0{national[:5]} {national[5:]}"
        case 2:
            return f"+91-{national}"
        case 3:
            return f"+91 {national[:5]} {national[5:]}"
        case _:
            return f"{national}.0"


def load(args, rng: random.Random, clock: Clock) -> dict:
    now = time.time()
    today = datetime.datetime.now(IST).date()
    today_epoch_ist = datetime.datetime.combine(today, datetime.time(), IST).timestamp()
    n = args.customers

    manager, counsellors = users_create(args.counsellors, rng)
    counsellor_ids = [u.pk for u in counsellors]
    clock.lap(f"users: 1 manager, {len(counsellors)} counsellors")

    # Per-customer decisions, vectorised where random.choices allows.
    statuses = list(WEIGHTS)
    status_pick = rng.choices(statuses, cum_weights=cumulative(WEIGHTS[s] for s in statuses), k=n)
    first = rng.choices(FIRST_NAMES, cum_weights=cumulative(zipf_weights(len(FIRST_NAMES), 0.7)), k=n)
    last = rng.choices(LAST_NAMES, cum_weights=cumulative(zipf_weights(len(LAST_NAMES), 0.6)), k=n)
    area_pick = rng.choices(AREAS, cum_weights=cumulative(zipf_weights(len(AREAS), 0.9)), k=n)
    loads = [rng.uniform(0.5, 1.5) for _ in counsellor_ids]
    counsellor_pick = rng.choices(counsellor_ids, cum_weights=cumulative(loads), k=n)
    suffixes = phone_numbers(n, rng)

    # Age in days: half uniform over two years, half weighted to recent leads.
    ages = [
        int(730 * (1 - math.sqrt(rng.random()))) if rng.random() < 0.5 else rng.randrange(730)
        for _ in range(n)
    ]
    final = []
    assigned = []
    for i in range(n):
        unassigned = rng.random() < args.unassigned
        status = status_pick[i]
        if unassigned or (ages[i] < 7 and rng.random() < 0.6):
            status = Status.NEW
        final.append(status)
        assigned.append(None if unassigned else counsellor_pick[i])

    # Status changes: one "created" row each, the path to the current status,
    # then same-status follow-up calls to make the total exact.
    base = sum(1 + (len(PATHS[final[i]]) if assigned[i] else 0) for i in range(n))
    extra_total = args.changes - base
    extras = Counter()
    if extra_total < 0:
        print(f"  ! {base} changes are needed for the paths alone; generating {base}.")
    elif extra_total:
        eligible = [i for i in range(n) if assigned[i] and final[i] != Status.NEW]
        extras = Counter(rng.choices(eligible, k=extra_total)) if eligible else Counter()
    clock.lap("decided statuses, owners, numbers")

    def remark_for(status, area):
        text = rng.choice(REMARKS[status])
        if "{" in text:
            course, course2 = rng.sample(COURSES, 2)
            text = text.format(course=course, course2=course2, area=area)
        return text

    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor, for COPY
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        dropped = []
        for table in ("customers_customer", "customers_statuschange",
                      "guardian_userobjectpermission"):
            for name, definition in droppable_indexes(cursor, table):
                cursor.execute(f'DROP INDEX "{name}"')
                dropped.append((name, definition))
        clock.lap(f"dropped {len(dropped)} non-constraint indexes")

        changes_file = tempfile.TemporaryFile(mode="w+b")
        change_id = 0
        phones_sample = []
        customer_cols = (
            "id, name, phone, phone_raw, area, date_added, status, remarks, assigned_at,"
            " next_follow_up, last_contacted, created_at, updated_at, assigned_to_id,"
            " created_by_id, updated_by_id, first_contacted, stage_reached, statuses_seen,"
            " attempts, attempts_unanswered, last_attempt_at, connected_at, attempts_to_connect,"
            " sla_due_at, sla_warn_at, sla_reached_at, sla_stage, last_activity_at"
        )
        with raw.copy(f"COPY customers_customer ({customer_cols}) FROM STDIN") as copy:
            rows, lines = 0, []
            for i in range(n):
                cid = i + 1
                national = f"9{suffixes[i]:09d}"
                phone = "+91" + national
                if i % 500 == 0:
                    phones_sample.append(phone)
                area = area_pick[i] if rng.random() > 0.03 else ""
                age = ages[i]
                date_added = today - datetime.timedelta(days=age)
                created = today_epoch_ist - age * DAY + rng.randrange(9 * 3600, 20 * 3600)
                created = min(created, now - 60)
                owner = assigned[i]
                status = final[i]
                by_manager = rng.random() < 0.7
                creator = manager.pk if by_manager else None
                path = PATHS[status] if owner else []
                source_remark = remark_for(Status.NEW, area) if rng.random() < 0.7 else ""
                # "created" change
                change_id += 1
                changes = [
                    f"{change_id}\t\t{Status.NEW}\t{source_remark}\t\\N\t{ts(created)}\t"
                    f"{creator if creator else chr(92) + 'N'}\t{cid}\n"
                ]
                remarks = source_remark
                assigned_at = last_contacted = first_contacted = None
                stage_reached = max(funnel_rank(step) for step in [*path, status])
                statuses_seen = status_bit(Status.NEW) | status_bit(status)
                for step in path:
                    statuses_seen |= status_bit(step)
                updated = created
                follow_up = None
                attempts = unanswered = 0
                last_attempt = connected = to_connect = None
                if owner:
                    assigned_at = min(created + rng.randrange(0, 2 * DAY), now - 30)
                    updated = assigned_at
                    steps = len(path) + extras.get(i, 0)
                    if steps:
                        span = min(now - assigned_at, rng.uniform(0.5, 120) * DAY)
                        moments = sorted(
                            assigned_at + span * rng.random() for _ in range(steps)
                        )
                        previous = Status.NEW
                        for k, moment in enumerate(moments):
                            step_status = path[k] if k < len(path) else status
                            if k < len(path):
                                remark = remark_for(step_status, area_pick[i])
                            else:
                                remark = rng.choice(FOLLOW_UP_REMARKS)
                            last_step = k == steps - 1
                            step_follow = None
                            if last_step:
                                if status in CALLS_BACK or (
                                    status.startswith("waiting") and rng.random() < 0.7
                                ):
                                    follow_up = today + datetime.timedelta(
                                        days=rng.randint(-10, 14)
                                    )
                                step_follow = follow_up
                            elif step_status in CALLS_BACK:
                                step_follow = datetime.date.fromtimestamp(moment) + (
                                    datetime.timedelta(days=rng.randint(1, 3))
                                )
                            change_id += 1
                            changes.append(
                                f"{change_id}\t{previous}\t{step_status}\t{remark}\t"
                                f"{step_follow.isoformat() if step_follow else chr(92) + 'N'}\t"
                                f"{ts(moment)}\t{owner}\t{cid}\n"
                            )
                            previous = step_status
                            remarks = remark
                            # call attempts: each unanswered call, and the call
                            # that first reached the customer (or ended a run)
                            if step_status == Status.CALL_NOT_ATTENDED:
                                attempts += 1
                                unanswered += 1
                                last_attempt = moment
                            elif step_status not in NOT_A_CONNECTION:
                                if connected is None or unanswered:
                                    attempts += 1
                                    last_attempt = moment
                                unanswered = 0
                                if connected is None:
                                    connected, to_connect = moment, max(attempts, 1)
                        last_contacted = moments[-1]
                        first_contacted = moments[0]
                        updated = moments[-1]
                changes_file.write("".join(changes).encode())
                sla_due = sla_warn = None
                sla_stage = 0
                if owner:
                    sla_due = assigned_at + SLA_SECONDS
                    sla_warn = assigned_at + SLA_SECONDS * 3 // 4
                    if first_contacted is None and sla_due <= now:
                        sla_stage = 2  # told long ago
                    elif first_contacted is None and sla_warn <= now:
                        sla_stage = 1

                def opt(value):
                    return ts(value) if value is not None else chr(92) + "N"

                lines.append(
                    f"{cid}\t{first[i]} {last[i]}\t{phone}\t"
                    f"{phone_written(national, i % 5)}\t{area}\t{date_added.isoformat()}\t"
                    f"{status}\t{remarks}\t{ts(assigned_at) if assigned_at else chr(92) + 'N'}\t"
                    f"{follow_up.isoformat() if follow_up else chr(92) + 'N'}\t"
                    f"{ts(last_contacted) if last_contacted else chr(92) + 'N'}\t"
                    f"{ts(created)}\t{ts(updated)}\t"
                    f"{owner if owner else chr(92) + 'N'}\t"
                    f"{creator if creator else chr(92) + 'N'}\t"
                    f"{(owner if last_contacted else creator) or chr(92) + 'N'}\t"
                    f"{ts(first_contacted) if first_contacted else chr(92) + 'N'}\t"
                    f"{stage_reached}\t{statuses_seen}\t"
                    f"{attempts}\t{unanswered}\t{opt(last_attempt)}\t{opt(connected)}\t"
                    f"{to_connect if to_connect is not None else chr(92) + 'N'}\t"
                    f"{opt(sla_due)}\t{opt(sla_warn)}\t{opt(first_contacted)}\t{sla_stage}\t"
                    f"{ts(updated)}\n"
                )
                rows += 1
                if len(lines) >= 5000:
                    copy.write("".join(lines).encode())
                    lines = []
                if rows % 200_000 == 0:
                    print(f"    … {rows:,} customers", flush=True)
            if lines:
                copy.write("".join(lines).encode())
        clock.lap(f"COPY {n:,} customers")

        changes_file.seek(0)
        cols = "id, from_status, to_status, remark, next_follow_up, changed_at, changed_by_id, customer_id"
        with raw.copy(f"COPY customers_statuschange ({cols}) FROM STDIN") as copy:
            while block := changes_file.read(1 << 20):
                copy.write(block)
        changes_file.close()
        clock.lap(f"COPY {change_id:,} status changes")

        # Shares (the app's direct table): half the counsellors get 20 each.
        ct = ContentType.objects.get_for_model(Customer)
        view = Permission.objects.get(content_type=ct, codename="view_customer")
        share_rows = []
        sharing = counsellor_ids[: len(counsellor_ids) // 2]
        for user_id in sharing:
            picked = set()
            while len(picked) < min(20, n // 10 or 1):
                i = rng.randrange(n)
                if assigned[i] and assigned[i] != user_id:
                    picked.add(i + 1)
            share_rows += [f"{user_id}\t{view.pk}\t{cid}\n" for cid in sorted(picked)]
        with raw.copy(
            "COPY customers_customeruserobjectpermission (user_id, permission_id,"
            " content_object_id) FROM STDIN"
        ) as copy:
            copy.write("".join(share_rows).encode())
        clock.lap(f"COPY {len(share_rows):,} customer shares (direct table)")

        # Generic guardian rows for the baseline: set-based, server side.
        cursor.execute(
            "DELETE FROM guardian_userobjectpermission WHERE content_type_id = %s", [ct.pk]
        )
        cursor.execute(
            """
            INSERT INTO guardian_userobjectpermission
                (object_pk, content_type_id, permission_id, user_id)
            SELECT id::text, %s, %s, assigned_to_id
            FROM customers_customer WHERE assigned_to_id IS NOT NULL
            """,
            [ct.pk, view.pk],
        )
        generic = cursor.rowcount
        clock.lap(f"INSERT…SELECT {generic:,} guardian generic rows")

        for table in ("customers_customer", "customers_statuschange",
                      "customers_customeruserobjectpermission"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" COALESCE((SELECT max(id) FROM {table}), 1))"
            )
        for name, definition in dropped:
            t = time.perf_counter()
            cursor.execute(definition)
            print(f"    {name:<48} {time.perf_counter() - t:6.1f} s", flush=True)
        clock.lap(f"recreated {len(dropped)} indexes")

    phone_check_sample(phones_sample, rng)
    return {
        "customers": n,
        "changes": change_id,
        "shares": len(share_rows),
        "generic": generic,
        "counsellors": len(counsellors),
    }


def reset() -> None:
    ct = ContentType.objects.get_for_model(Customer)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE customers_statuschange, customers_touch, customers_customeruserobjectpermission,"
            " customers_historicalcustomer, customers_customer RESTART IDENTITY"
        )
        cursor.execute(
            "DELETE FROM guardian_userobjectpermission WHERE content_type_id = %s", [ct.pk]
        )
        User.objects.filter(username__startswith=common.USERNAME_PREFIX).delete()


def vacuum_analyze() -> None:
    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
        for table in LOADED_TABLES + ["accounts_user", "accounts_user_groups"]:
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=None,
                        help="status changes in all (default: 3 per customer)")
    parser.add_argument("--counsellors", type=int, default=100)
    parser.add_argument("--unassigned", type=float, default=0.10)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true",
                        help="delete the bench data first (customers, changes, bench users)")
    parser.add_argument("--any-database", action="store_true",
                        help="allow a database whose name does not contain 'bench'")
    args = parser.parse_args()
    if args.changes is None:
        args.changes = 3 * args.customers

    clock = Clock()
    print(f"Bench database: {common.database_label()}")
    if "bench" not in connection.settings_dict["NAME"] and not args.any_database:
        sys.exit(
            "Refusing to load bench data into a database whose name does not contain "
            "'bench' (--reset truncates the customer tables). Use --any-database to insist."
        )
    common.database_create_if_missing()
    call_command("migrate", interactive=False, verbosity=0)
    clock.lap("migrate")

    existing = Customer.objects.count()
    bench_users = User.objects.filter(username__startswith=common.USERNAME_PREFIX).exists()
    if existing or bench_users:
        if not args.reset:
            print(
                f"Bench data is already there ({existing:,} customers). "
                "Nothing to do; run with --reset to generate it again."
            )
            return
        reset()
        clock.lap("reset: removed the previous bench data")

    rng = random.Random(args.seed)
    counts = load(args, rng, clock)
    vacuum_analyze()
    clock.lap("VACUUM ANALYZE")

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    print(
        f"\nGenerated {counts['customers']:,} customers, {counts['changes']:,} status changes, "
        f"{counts['counsellors']} counsellors + 1 manager, {counts['shares']:,} shares, "
        f"{counts['generic']:,} guardian generic rows in {clock.total():.0f} s "
        f"({clock.total() / 60:.1f} min). Database size {size}."
    )


if __name__ == "__main__":
    main()
