"""Reads of import runs that follow a rule."""

import csv
import io
from collections.abc import Iterator

from backoffice.imports.models import ImportRun


def import_run_problem_rows(run: ImportRun) -> tuple[list[str], Iterator[list[str]]]:
    """The run's stored problem rows: the header, then the rows as they are
    read from storage (the file is closed when the rows are exhausted)."""
    handle = run.error_report.open("rb")
    # newline="": a carriage return inside a cell is kept, not turned into a line end
    reader = csv.reader(io.TextIOWrapper(handle, encoding="utf-8", newline=""))
    headers = next(reader, [])

    def rows() -> Iterator[list]:
        try:
            for row in reader:
                # the row number is a number (a spreadsheet sorts it as one)
                if row and row[0].isdigit():
                    row[0] = int(row[0])
                yield row
        finally:
            handle.close()

    return headers, rows()
