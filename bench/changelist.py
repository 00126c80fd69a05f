"""Time the customer list (/customers/customer/) on the bench data.

    .venv/bin/python bench/changelist.py              # 30 timed requests per case
    .venv/bin/python bench/changelist.py -n 50 --explain   # EXPLAIN every case

Every case is a GET through Django's test client (force_login; the whole
stack: middleware, session, permissions, ChangeList, unfold's templates), on a
warm process and a warm PostgreSQL cache (--warmup requests first, not
timed). Each timed request runs inside CaptureQueriesContext: the query count
and the time spent in SQL are reported next to the wall time.

In the same run, the baseline for a counsellor's first page + count, outside
the admin (raw ORM):
  * plain: Customer.objects.filter(assigned_to=user), ordered like the list,
    first 50 rows + count (the (assigned_to, -date_added, -id) index);
  * guardian: guardian.shortcuts.get_objects_for_user(user,
    "customers.view_customer", Customer, accept_global_perms=False) over
    guardian's generic table (guardian_userobjectpermission; generate.py puts
    one view_customer row there per assigned customer). Customer has a direct
    permission table (CustomerUserObjectPermission), which guardian would pick
    on its own; for the baseline the script sets that model's ``enabled`` flag
    to False, guardian's documented switch, so guardian falls back to the
    generic tables. accept_global_perms=False because counsellors hold
    customers.view_customer as a model permission: with the default (True)
    guardian returns every customer.

Cases over budget get EXPLAIN (ANALYZE, BUFFERS) of their slowest SQL
statement printed after the table (--explain: for every case).
"""

import argparse
import os
import re
import statistics
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench import common  # noqa: E402

common.setup()
warnings.filterwarnings("ignore", message="No directory at")

from django.db import connection  # noqa: E402
from django.db.models import CharField, Count, Func, Value  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from backoffice.accounts.models import User  # noqa: E402
from backoffice.accounts.roles import STUDENT_COUNSELLOR  # noqa: E402
from backoffice.customers import selectors  # noqa: E402
from backoffice.customers.models import (  # noqa: E402
    Customer,
    CustomerUserObjectPermission,
    StatusChange,
)
from backoffice.customers.statuses import Status  # noqa: E402

URL = "/customers/customer/"
PAGE_BUDGET_MS = 150
SEARCH_BUDGET_MS = 300
QUERY_BUDGET = 12
HTML_BUDGET_KB = 200  # the first page's HTML, 50 rows
RATIO_BUDGET = 12  # the first page's time over the same rows + count through the raw ORM


def percentile(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


class Case:
    def __init__(self, key, label, who, params, budget_ms, matches):
        self.key, self.label, self.who, self.params = key, label, who, params
        self.budget_ms, self.matches = budget_ms, matches
        self.times, self.sql_times, self.queries, self.cpu_times = [], [], [], []
        self.slowest_sql = None
        self.slowest_ms = 0.0
        self.count_kind = ""
        self.html_bytes = 0


# --- the bench data ---------------------------------------------------------


def actors():
    manager = User.objects.get(username=common.MANAGER_USERNAME)
    counsellors = User.objects.filter(
        username__startswith=common.USERNAME_PREFIX, groups__name=STUDENT_COUNSELLOR
    ).annotate(n=Count("assigned_customers")).order_by("-n", "pk")
    shared_ids = set(
        CustomerUserObjectPermission.objects.values_list("user_id", flat=True).distinct()
    )
    plain = next((u for u in counsellors if u.pk not in shared_ids), None)
    sharing = next((u for u in counsellors if u.pk in shared_ids), None)
    if plain is None:
        sys.exit("No bench counsellors: run bench/generate.py first.")
    return manager, plain, sharing


def written_like_a_person(e164: str) -> str:
    national = e164[3:]
    return f"0{national[:5]} {national[5:]}"


def most_common_first_name() -> str:
    row = (
        Customer.objects.annotate(first=Func(
            "name", Value(" "), Value(1), function="split_part", output_field=CharField()
        ))
        .values("first").annotate(n=Count("id")).order_by("-n").first()
    )
    return row["first"]


def matches(user, params) -> int:
    qs = selectors.customers_visible_to(user)
    if "q" in params:
        qs = selectors.customer_search(qs, params["q"])
    if "status__exact" in params:
        qs = qs.filter(status=params["status__exact"])
    return qs.count()


def page_sql(queryset):
    """The list's page query for ``queryset``: its ordering, first 50 rows."""
    sql, params = (
        queryset.select_related("assigned_to").order_by("-date_added", "-id")[:50]
        .query.sql_with_params()
    )
    return connection.ops.compose_sql(sql, params)


def uncommon_term() -> tuple[str, int, int]:
    """The uncommon search word (an area, name or course of the bench data)
    that the planner serves worst: its page query walks the date index
    (customer_date_added_idx) filtering row by row, on an estimate of a few
    thousand matches, and the word has the fewest real matches among those, so
    the walk is the longest. Which words qualify changes with every ANALYZE
    (the estimate comes from a 30,000-row sample)."""
    import json

    from bench.data import AREAS, COURSES, FIRST_NAMES, LAST_NAMES

    candidates = []
    with connection.cursor() as cursor:
        for word in dict.fromkeys(AREAS + FIRST_NAMES + LAST_NAMES + COURSES):
            if len(word) < 3:
                continue
            qs = selectors.customer_search(Customer.objects.all(), word)
            cursor.execute("EXPLAIN (FORMAT JSON) " + page_sql(qs))
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            text = json.dumps(plan)
            if '"customer_date_added_idx"' in text and '"Filter"' in text:
                node = plan[0]["Plan"]
                while node.get("Index Name") != "customer_date_added_idx" and node.get("Plans"):
                    node = node["Plans"][0]
                if node.get("Plan Rows", 10**9) < 10_000:
                    candidates.append((word, int(node["Plan Rows"])))
    best = None
    for word, estimate in candidates:
        n = selectors.customer_search(Customer.objects.all(), word).count()
        if best is None or n < best[2]:
            best = (word, estimate, n)
    return best or ("Delhi", 0, 0)


def build_cases(manager, plain, sharing):
    name = most_common_first_name()
    # A common area, the worst uncommon word and a remarks word.
    area, word = "Kakkanad", "hostel"
    rare, rare_estimate, rare_n = uncommon_term()
    print(f"Uncommon term: q={rare} ({rare_n:,} matches; the planner estimates "
          f"{rare_estimate:,} and walks the date index)")
    # A manager's customer in the middle of the table; a counsellor's own one.
    someone = Customer.objects.filter(pk__gte=Customer.objects.count() // 2).order_by("pk").first()
    theirs = Customer.objects.filter(assigned_to=plain).order_by("pk")[100]
    status = Status.CALL_LATER.value

    def both(key, label, params, budget, roles=("manager", "counsellor")):
        out = []
        for who in roles:
            user = {"manager": manager, "counsellor": plain, "counsellor+shares": sharing}[who]
            p = params(user) if callable(params) else params
            out.append(Case(key, label, who, p, budget, matches(user, p)))
        return out

    def phone_of(user):
        return someone if user == manager else theirs

    cases = []
    first_roles = ("manager", "counsellor") + (("counsellor+shares",) if sharing else ())
    cases += both("first", "first page (default order, count)", {}, PAGE_BUDGET_MS,
                  roles=first_roles)
    cases += both("phone", "phone search, written '0XXXXX XXXXX'",
                  lambda u: {"q": written_like_a_person(phone_of(u).phone)}, PAGE_BUDGET_MS)
    cases += both("digits", "partial-digits phone search (5 digits)",
                  lambda u: {"q": phone_of(u).phone[-5:]}, SEARCH_BUDGET_MS)
    cases += both("name", f"name search (q={name})", {"q": name}, SEARCH_BUDGET_MS)
    cases += both("area", f"text search, area (q={area})", {"q": area}, SEARCH_BUDGET_MS)
    cases += both("uncommon", f"text search, uncommon word (q={rare})", {"q": rare},
                  SEARCH_BUDGET_MS)
    cases += both("remarks", f"text search, remarks (q={word})", {"q": word}, SEARCH_BUDGET_MS)
    cases += both("status", f"status filter (status__exact={status})",
                  {"status__exact": status}, PAGE_BUDGET_MS)
    return cases


# --- measuring --------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def check_filter_parameter(client) -> str:
    """The status filter's real parameter name, read from the rendered form."""
    html = client.get(URL).content.decode()
    names = set(re.findall(r'name="(status[^"]*)"', html))
    if "status__exact" not in names:
        sys.exit(f"status filter parameter not found in the filter form (saw {names})")
    return "status__exact"


def run_case(case, client, n, warmup):
    for _ in range(warmup):
        response = client.get(URL, case.params)
        assert response.status_code == 200, (case.label, response.status_code)
    by_position = {}
    for _ in range(n):
        with CaptureQueriesContext(connection) as captured:
            t, cpu = time.perf_counter(), time.process_time()
            response = client.get(URL, case.params)
            elapsed = time.perf_counter() - t
            case.cpu_times.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, (case.label, response.status_code)
        case.html_bytes = len(response.content)
        case.times.append(elapsed * 1000)
        sql = [(float(q["time"]), q["sql"]) for q in captured.captured_queries]
        case.sql_times.append(sum(s for s, _ in sql) * 1000)
        case.queries.append(len(sql))
        for i, (seconds, statement) in enumerate(sql):
            by_position.setdefault(i, (statement, []))[1].append(seconds)
        kinds = []
        if any("reltuples" in s for _, s in sql):
            kinds.append("estimate")
        if any("COUNT(*)" in s for _, s in sql):
            kinds.append("exact")
        case.count_kind = "+".join(kinds) or "none"
    # The statement with the highest median time over the timed requests.
    if by_position:
        statement, times = max(by_position.values(), key=lambda st: statistics.median(st[1]))
        case.slowest_sql = statement
        case.slowest_ms = statistics.median(times) * 1000
    # What was measured is the real list: as many rows as the page should show.
    # (Counted by change links: counsellors have no bulk actions, so no checkboxes.)
    rendered = len(set(re.findall(r'/customers/customer/(\d+)/change/',
                                  response.content.decode())))
    if rendered != min(50, case.matches):
        print(f"  ! {case.label} [{case.who}]: {rendered} rows rendered, "
              f"expected {min(50, case.matches)}")


def time_call(fn, n, warmup):
    for _ in range(warmup):
        fn()
    times, queries = [], []
    for _ in range(n):
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        queries.append(len(captured.captured_queries))
    return times, queries, captured.captured_queries


def raw_first_page(manager, counsellor, n, warmup):
    """The rows the first page shows and its count, through the raw ORM: the
    manager's 50 newest customers + the count the list uses (the table's
    estimate), the counsellor's 50 newest own customers + COUNT(*)."""
    from backoffice.customers.pagination import LargeTablePaginator

    ordering = ("-date_added", "-id")

    def manager_page():
        qs = Customer.objects.select_related("assigned_to")
        page = list(qs.order_by(*ordering)[:50])
        return len(page), LargeTablePaginator(qs.order_by(*ordering), 50).count

    def counsellor_page():
        qs = Customer.objects.filter(assigned_to=counsellor).select_related("assigned_to")
        page = list(qs.order_by(*ordering)[:50])
        return len(page), qs.count()

    return {
        "manager": time_call(manager_page, n, warmup)[0],
        "counsellor": time_call(counsellor_page, n, warmup)[0],
    }


def baselines(counsellor, n, warmup):
    """A counsellor's first page + count: plain indexed filter vs guardian."""
    from guardian.shortcuts import get_objects_for_user

    ordering = ("-date_added", "-id")
    results = {}

    def plain():
        qs = Customer.objects.filter(assigned_to=counsellor).select_related("assigned_to")
        page = list(qs.order_by(*ordering)[:50])
        return len(page), qs.count()

    def guardian():
        qs = get_objects_for_user(
            counsellor, "customers.view_customer", Customer, accept_global_perms=False
        ).select_related("assigned_to")
        page = list(qs.order_by(*ordering)[:50])
        return len(page), qs.count()

    results["plain"] = (*time_call(plain, n, warmup), plain())
    saved = getattr(CustomerUserObjectPermission, "enabled", True)
    CustomerUserObjectPermission.enabled = False  # guardian: use the generic tables
    try:
        results["guardian"] = (*time_call(guardian, n, warmup), guardian())
        default_count = get_objects_for_user(
            counsellor, "customers.view_customer", Customer
        ).count()
    finally:
        CustomerUserObjectPermission.enabled = saved
    return results, default_count


# --- reporting --------------------------------------------------------------


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=30, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--explain", action="store_true",
                        help="EXPLAIN (ANALYZE, BUFFERS) the slowest query of every case")
    parser.add_argument("--only", help="run only the cases whose key contains this")
    args = parser.parse_args()

    total = Customer.objects.count()
    if not total:
        sys.exit("The bench database is empty: run bench/generate.py first.")
    manager, plain, sharing = actors()
    clients = {
        "manager": client_for(manager),
        "counsellor": client_for(plain),
        "counsellor+shares": client_for(sharing) if sharing else None,
    }
    param = check_filter_parameter(clients["manager"])
    mine = Customer.objects.filter(assigned_to=plain).count()
    print(f"Bench database: {common.database_label()}: {total:,} customers, "
          f"{StatusChange.objects.count():,} status changes")
    print(f"Manager: {manager.username}; counsellor: {plain.username} ({mine:,} customers, "
          f"no shares)" + (
              f"; counsellor+shares: {sharing.username} "
              f"({Customer.objects.filter(assigned_to=sharing).count():,} customers + "
              f"{len(selectors.customer_ids_shared_with(sharing))} shared)" if sharing else ""))
    print(f"Status filter parameter (from the rendered filter form): {param}")
    print(f"{args.n} timed requests per case after {args.warmup} warm-up requests. "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start.\n")

    cases = build_cases(manager, plain, sharing)
    if args.only:
        cases = [c for c in cases if args.only in c.key]
    for case in cases:
        run_case(case, clients[case.who], args.n, args.warmup)
        print(f"  {case.who:<18} {case.label:<45} median {statistics.median(case.times):6.1f} ms",
              flush=True)

    results, default_count = baselines(plain, args.n, args.warmup)
    raw = raw_first_page(manager, plain, args.n, args.warmup)

    # The table.
    print()
    header = (f"{'case':<45} {'role':<18} {'matches':>9} {'count':>8} {'median':>8} {'p90':>8} "
              f"{'sql med':>8} {'app med':>8} {'app cpu':>8} {'queries':>7} {'budget':>13}  result")
    print(header)
    print("-" * len(header))
    failures = []
    for case in cases:
        med = statistics.median(case.times)
        p90 = percentile(case.times, 90)
        sql_med = statistics.median(case.sql_times)
        app_med = statistics.median(t - q for t, q in zip(case.times, case.sql_times))
        cpu_med = statistics.median(case.cpu_times)
        queries = max(case.queries)
        ok_time = med <= case.budget_ms
        ok_queries = queries <= QUERY_BUDGET
        verdict = "PASS" if ok_time and ok_queries else "FAIL"
        if verdict == "FAIL":
            why = []
            if not ok_time:
                why.append("time")
            if not ok_queries:
                why.append("queries")
            verdict += f" ({', '.join(why)})"
            failures.append(case)
        budget = f"≤{case.budget_ms}ms ≤{QUERY_BUDGET}q"
        print(f"{case.label:<45} {case.who:<18} {case.matches:>9,} {case.count_kind:>8} "
              f"{med:>6.1f}ms {p90:>6.1f}ms {sql_med:>6.1f}ms {app_med:>6.1f}ms "
              f"{cpu_med:>6.1f}ms {queries:>7} {budget:>13}  {verdict}")
    print("matches: rows the list matches; count: how the paginator counted them (estimate = "
          "pg_class.reltuples, exact = COUNT(*)); sql med: time in SQL; app med: the rest "
          "(middleware, ChangeList, template rendering), both medians; app cpu: CPU time of this "
          "process per request (median; unlike wall time it hardly moves when other work "
          "shares the CPUs).")
    print()
    print("Baseline, same run: a counsellor's first page (50 rows) + count, raw ORM, "
          f"counsellor {plain.username}")
    expected = {"plain": "expected ~3 ms", "guardian": "expected 210–250 ms"}
    labels = {
        "plain": "plain indexed filter assigned_to = user",
        "guardian": "guardian get_objects_for_user (generic tables)",
    }
    for key in ("plain", "guardian"):
        times, queries, _captured, (rows, count) = results[key]
        print(f"  {labels[key]:<48} median {statistics.median(times):7.1f} ms  "
              f"p90 {percentile(times, 90):7.1f} ms  {max(queries)} queries  "
              f"{rows} rows, count {count:,}  ({expected[key]})")
    print(f"  (get_objects_for_user with its default accept_global_perms=True returns "
          f"{default_count:,} customers: the counsellor role holds view_customer globally.)")

    firsts = [c for c in cases if c.key == "first" and c.who in raw]
    if firsts:
        print("\nThe first page itself, same run: its HTML and its time over the same 50 rows + "
              "count through the raw ORM (no middleware, admin or templates)")
        for case in firsts:
            med = statistics.median(case.times)
            raw_med = statistics.median(raw[case.who])
            ratio = med / raw_med
            kb = case.html_bytes / 1024
            # The ratio's budget is the counsellor's (her list against the plain
            # indexed filter above); the manager's is shown beside it, against the
            # cheapest raw reading of his page (50 rows + the table's estimate).
            budgeted = case.who == "counsellor"
            ok = kb <= HTML_BUDGET_KB and (ratio <= RATIO_BUDGET or not budgeted)
            if not ok:
                failures.append(case)
            budget = f"≤{RATIO_BUDGET}×" if budgeted else "shown"
            print(f"  {case.who:<18} HTML {kb:6.1f} KB (≤{HTML_BUDGET_KB})   page {med:6.1f} ms / raw "
                  f"ORM {raw_med:5.1f} ms = {ratio:5.1f}× ({budget})   "
                  f"{'PASS' if ok else 'FAIL'}")

    if failures or args.explain:
        print("\nEXPLAIN (ANALYZE, BUFFERS) of the slowest statement of "
              + ("every case" if args.explain else "each case over budget") + ":")
        for case in cases if args.explain else failures:
            if not case.slowest_sql:
                continue
            med = statistics.median(case.times)
            sql_med = statistics.median(case.sql_times)
            print(f"\n=== {case.label} [{case.who}]: {med:.0f} ms, of which SQL {sql_med:.0f} ms; "
                  f"slowest statement {case.slowest_ms:.0f} ms (median)")
            if sql_med < med / 4 and not args.explain:
                print("    SQL is under a quarter of the time, so no EXPLAIN: the rest is Python "
                      "(middleware, ChangeList, template rendering); see bench/README.md.")
                continue
            print(f"{case.slowest_sql}\n")
            print(explain(case.slowest_sql))
        if args.explain:
            times, queries, captured, _ = results["guardian"]
            sql = max(captured, key=lambda q: float(q["time"]))["sql"]
            print(f"\n=== baseline: guardian get_objects_for_user\n{sql}\n")
            print(explain(sql))

    print(f"\n{len(cases) - len(set(failures))}/{len(cases)} cases within budget. "
          f"Load average {os.getloadavg()[0]:.2f} at the end (1-minute; above "
          f"{os.cpu_count()} other work was competing for the CPUs and wall times are inflated).")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
