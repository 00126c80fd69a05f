"""Reading values: parse_date and the phone cell, before and after dates in
the source's order, month names, offsets and several numbers per cell.

    .venv/bin/python bench/values.py [--cells 1000000]

Times the foundation's parse_date (copied below, as it was) and today's on
the same typical cells (day-first dates written as the lead files write them:
DD-MM-YYYY, DD/MM/YYYY, YYYY-MM-DD and a date-time), checking both give the
same date on every cell; then today's on the long tail (month names,
Facebook's created_time, month-first date-times) that the old one refused.
Then the phone cell: the foundation's path (phone_normalize alone) against
today's (split_numbers + read_number: the grouping check, then
phone_normalize) on Indian numbers written the five usual ways. No database.
"""

import argparse
import datetime
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from backoffice.customers.phones import phone_normalize  # noqa: E402
from backoffice.imports import normalise  # noqa: E402
from backoffice.imports.normalise import RowProblem, text  # noqa: E402

# --- the foundation's parse_date, as it was (bench code, not the app) -----------------
OLD_FORMATS = (
    "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d",
    "%d-%m-%y", "%d/%m/%y", "%d %b %Y", "%d-%b-%Y", "%d %B %Y", "%b %d, %Y",
)
_OLD_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_OLD_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def old_parse_date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    if not raw:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", raw):
        return normalise._from_serial(float(raw))
    candidate = re.split(r"[ T]\d{1,2}:\d{2}", raw)[0].strip()
    quick = _OLD_DAY_FIRST.fullmatch(candidate) or _OLD_ISO.fullmatch(candidate)
    if quick:
        parts = [int(p) for p in quick.groups()]
        year, month, day = parts if quick.re is _OLD_ISO else parts[::-1]
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise RowProblem(raw) from None
    for fmt in OLD_FORMATS:
        try:
            return datetime.datetime.strptime(candidate, fmt).date()
        except ValueError:
            continue
    raise RowProblem(raw)


def typical_dates(count: int, rng: random.Random) -> list[str]:
    start = datetime.date(2024, 1, 1)
    cells = []
    for _ in range(count):
        day = start + datetime.timedelta(days=rng.randrange(730))
        r = rng.random()
        if r < 0.5:
            cells.append(day.strftime("%d-%m-%Y"))
        elif r < 0.9:
            cells.append(day.strftime("%d/%m/%Y"))
        elif r < 0.95:
            cells.append(day.isoformat())
        else:
            cells.append(day.strftime("%d/%m/%Y ") + f"{rng.randrange(24):02d}:{rng.randrange(60):02d}")
    return cells


LONG_TAIL = ["15 Apr, 2021", "Apr 15 2021", "April 15, 2021", "15-Apr-21",
             "2021-02-18T11:08:00+0000", "07/05/2025, 23:57:03", "Thursday, 18 February 2021"]


def typical_phones(count: int, rng: random.Random) -> list[str]:
    cells = []
    for _ in range(count):
        n = f"9{rng.randrange(10**9):09d}"
        cells.append(rng.choice((n, f"0{n[:5]} {n[5:]}", f"+91-{n}", f"+91 {n[:5]} {n[5:]}",
                                 f"{n}.0")))
    return cells


def timed(fn, cells) -> tuple[float, list]:
    out = []
    t = time.perf_counter()
    for cell in cells:
        try:
            out.append(fn(cell))
        except Exception:  # RowProblem / ValidationError
            out.append("error")
    return time.perf_counter() - t, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = random.Random(9)
    print(f"machine load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f} on {os.cpu_count()} CPUs")

    dates = typical_dates(args.cells, rng)
    old_t, old_out = timed(old_parse_date, dates)
    new_t, new_out = timed(normalise.parse_date, dates)
    assert old_out == new_out, "the old and the new parse_date disagree on a typical cell"
    assert "error" not in new_out
    print(f"parse_date, {args.cells:,} typical day-first cells: "
          f"old {old_t:.2f} s, new {new_t:.2f} s (same date on every cell)")

    tail = [LONG_TAIL[i % len(LONG_TAIL)] for i in range(max(args.cells // 10, len(LONG_TAIL)))]
    old_t, old_out = timed(old_parse_date, tail)
    new_t, new_out = timed(normalise.parse_date, tail)
    print(f"parse_date, {len(tail):,} long-tail cells ({', '.join(LONG_TAIL)}): "
          f"old {old_t:.2f} s ({old_out.count('error'):,} refused), "
          f"new {new_t:.2f} s ({new_out.count('error'):,} refused)")

    phones = typical_phones(args.cells, rng)
    old_t, old_out = timed(phone_normalize, phones)

    def new_phone(cell):
        return [normalise.read_number(part, "IN", sure=False)
                for part in normalise.split_numbers(cell)][0]

    new_t, new_out = timed(new_phone, phones)
    assert old_out == new_out, "the old and the new phone reading disagree on a typical cell"
    print(f"phone cell, {args.cells:,} Indian mobiles written five ways: "
          f"old (phone_normalize) {old_t:.2f} s, new (split_numbers + read_number) {new_t:.2f} s "
          "(same number on every cell)")


if __name__ == "__main__":
    main()
