"""What reading a lead file by its content costs: the delimiter detection
(parse-and-score over , ; TAB |) against csv.Sniffer on the same sample, and
open_table as a whole (encoding check + detection), on bench/imports.py's
100,000-row lead file written three ways: comma CSV (UTF-8), semicolon CSV
(cp1252), and Excel's "Unicode Text" (UTF-16 LE with BOM, TAB-separated).

    .venv/bin/python bench/readers.py

Budget: the detection adds < 50 ms to opening a file. No database is used.
"""

import codecs
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench.imports import HEADERS, lead_file  # noqa: E402  (sets Django up)

from backoffice.imports import readers  # noqa: E402

BUDGET_DETECTION_MS = 50.0
REPEAT = 20


def best_ms(function, repeat=REPEAT) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def sniffer(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=readers.CSV_DELIMITERS).delimiter
    except csv.Error:
        return "?"


def main() -> int:
    lead = lead_file(100_000, "8", seed=1)
    rows = [HEADERS, *lead.rows]
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for name, delimiter, encoding, bom in [("leads.csv", ",", "utf-8", b""),
                                               ("leads-semicolon.csv", ";", "cp1252", b""),
                                               ("leads-unicode.txt", "\t", "utf-16-le",
                                                codecs.BOM_UTF16_LE)]:
            path = Path(folder) / name
            with path.open("wb") as raw:
                raw.write(bom)
            with path.open("a", encoding=encoding, errors="replace", newline="") as handle:
                csv.writer(handle, delimiter=delimiter).writerows(rows)
            files.append((path, delimiter))
        print(f"{'file':24} {'MB':>6} {'detect ms':>10} {'Sniffer ms':>11} {'Sniffer says':>13} "
              f"{'open_table ms':>14} {'read all s':>10}")
        for path, delimiter in files:
            table = readers.open_table(path)
            with path.open("rb") as handle:
                head = handle.read(readers.SNIFF_BYTES)
            sample = head.decode(table.encoding, errors="replace")[:-1]
            detect_ms, found = best_ms(lambda: readers.csv_delimiter(sample, truncated=True))
            sniff_ms, sniffed = best_ms(lambda: sniffer(sample))
            open_ms, table = best_ms(lambda: readers.open_table(path), repeat=5)
            start = time.perf_counter()
            count = sum(1 for _ in readers.iter_rows(path, table))
            read_s = time.perf_counter() - start
            right = found[0] == delimiter and table.delimiter == delimiter and count == len(rows)
            ok &= right and detect_ms < BUDGET_DETECTION_MS
            print(f"{path.name:24} {path.stat().st_size / 1e6:6.1f} {detect_ms:10.1f} "
                  f"{sniff_ms:11.1f} {sniffed!r:>13} {open_ms:14.1f} {read_s:10.2f}"
                  f"{'' if right else '  WRONG'}")
    print(f"detection budget {BUDGET_DETECTION_MS:.0f} ms: {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
