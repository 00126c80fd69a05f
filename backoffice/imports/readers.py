"""Reading lead files: XLSX and CSV, row by row.

Every reader yields ``(row_number, cells)``: the row's number as the person
sees it in their spreadsheet (1-based, counting title and header rows), and
its cells as a list. Blank rows (every cell empty, including the formatted but
empty rows spreadsheets leave at the end) are skipped. A file that cannot be
read raises ``FileProblem`` with a message for the person who uploaded it.
"""

import codecs
import csv
import datetime
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import python_calamine
from django.conf import settings

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, or an encrypted .xlsx
SNIFF_BYTES = 64 * 1024
CSV_DELIMITERS = ",;\t|"

INFLATE_CHUNK = 1024 * 1024
# Excel never writes a document type declaration; one in a workbook's XML is
# there for entity expansion (billion laughs) or external entities (XXE).
DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
# A loaded workbook (calamine) holds the whole sheet in memory: one whose XML
# is this many times the streaming threshold is streamed, whatever its file size.
LOADED_XML_PER_FILE_BYTE = 10

csv.field_size_limit(1024 * 1024)


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why, for a person."""


@dataclass
class Table:
    kind: str  # "xlsx" or "csv"
    sheet_names: list[str]
    sheet: str | None
    encoding: str | None = None
    delimiter: str | None = None
    # XLSX: read with openpyxl's streaming reader (big files) instead of calamine
    streamed: bool = False
    # XLSX through calamine: the sheet, loaded once and iterated as often as needed
    loaded: Any = field(default=None, repr=False, compare=False)


def _is_blank(cells: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _looks_binary(sample: bytes) -> bool:
    """A binary file (an image, a PDF, UTF-16 without its mark) has NULs all
    over; a text file with a stray NUL in a cell is text (the normaliser drops
    the NUL and the row imports)."""
    nuls = sample.count(b"\x00")
    if not nuls:
        return False
    others = sum(sample.count(bytes([c])) for c in range(1, 32) if c not in (9, 10, 12, 13))
    return bool(others) or nuls > max(8, len(sample) // 100)


def detect_kind(head: bytes, filename: str) -> str:
    if not head:
        raise FileProblem("The file is empty.")
    named = Path(filename).suffix.lower()
    if head.startswith(XLSX_MAGIC):
        if named in (".csv", ".txt"):
            raise FileProblem(
                f"“{filename}” is named as a CSV file but is a workbook (or another zip file). "
                "Rename it to .xlsx if it is an Excel workbook, or save it as CSV."
            )
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        raise FileProblem(
            "This is a password-protected workbook or an old .xls file. Remove the "
            "password or save it as .xlsx (Excel Workbook) or CSV, then upload it again."
        )
    if _looks_binary(head[:SNIFF_BYTES]) and not head.startswith((codecs.BOM_UTF16_LE,
                                                                 codecs.BOM_UTF16_BE)):
        raise FileProblem(
            f"“{filename}” is not a spreadsheet this importer reads: upload an .xlsx or .csv file."
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem("This CSV is saved as UTF-16. Save it as “CSV UTF-8” and upload again.")
    if named == ".xlsx":
        raise FileProblem(
            f"“{filename}” is named as an Excel workbook but is not one (its content is text). "
            "Open it in Excel and save it as .xlsx, or rename it to .csv."
        )
    return "csv"


def open_table(
    path: Path | str, *, filename: str = "", sheet: str | None = None,
    stream_above: int | None = None,
) -> Table:
    """Look at the file and say how to read it, without reading it all.

    Workbooks larger than ``stream_above`` bytes are read row by row with
    openpyxl, in constant memory; smaller ones are loaded whole by calamine,
    which is several times faster but holds the sheet in memory."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    kind = detect_kind(head, filename or path.name)
    if kind == "xlsx":
        inflated = xlsx_check(path)
        names = _xlsx_sheet_names(path)
        if sheet is not None and sheet not in names:
            raise FileProblem(f"The workbook has no sheet “{sheet}”. Its sheets: {', '.join(names)}.")
        streamed = stream_above is not None and (
            path.stat().st_size > stream_above
            or inflated > stream_above * LOADED_XML_PER_FILE_BYTE
        )
        return Table(kind="xlsx", sheet_names=names, sheet=sheet or names[0], streamed=streamed)
    encoding = _csv_encoding(path, head)
    text = head.decode(encoding, errors="replace")
    delimiter = _csv_delimiter(text)
    _csv_check_columns(text, delimiter)
    return Table(kind="csv", sheet_names=[], sheet=None, encoding=encoding, delimiter=delimiter)


def _too_many_columns(count: int) -> FileProblem:
    return FileProblem(
        f"A row has {count:,} columns or more; the limit is {settings.IMPORT_MAX_COLUMNS:,}. "
        "Remove the columns the import does not need and upload it again."
    )


def _check_width(cells: list[Any]) -> None:
    if len(cells) > settings.IMPORT_MAX_COLUMNS:
        raise _too_many_columns(len(cells))


# --- XLSX -----------------------------------------------------------------------


def xlsx_check(path: Path) -> int:
    """Refuse a workbook that would cost far more to read than its size says,
    before any spreadsheet library parses it: by the sizes its zip declares,
    by the bytes actually inflated (zipfile stops at the declared size and
    the checksum then fails, so a lying header is caught), and any document
    type declaration in its XML. Returns the bytes inflated."""
    limit = settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES
    too_big = FileProblem(
        f"This workbook unpacks to more than {limit / 1024 / 1024:g} MB, far more than its "
        "file size suggests. Save it as CSV, or split it, and upload it again."
    )
    inflated = 0
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if not any(m.filename == "xl/workbook.xml" for m in members):
                raise FileProblem(
                    "This file is a zip archive but not an Excel workbook (.xlsx): save the "
                    "sheet from Excel as .xlsx or CSV, then upload it again."
                )
            declared = sum(member.file_size for member in members)
            if declared > limit:
                raise too_big
            # Real workbooks unpack to about 5-30 times their size; a zip bomb to
            # hundreds. Beyond the ratio, refuse before anything parses it.
            ratio = declared / max(1, path.stat().st_size)
            if (declared > settings.IMPORT_XLSX_RATIO_CHECK_ABOVE_BYTES
                    and ratio > settings.IMPORT_XLSX_MAX_RATIO):
                raise FileProblem(
                    f"This workbook unpacks to {declared / 1024 / 1024:.0f} MB, {ratio:.0f} "
                    "times its file size; real spreadsheets are far less repetitive. Save it "
                    "as CSV, or split it, and upload it again."
                )
            for member in members:
                xml = member.filename.endswith((".xml", ".rels", ".vml"))
                tail = b""
                with archive.open(member) as handle:
                    while chunk := handle.read(INFLATE_CHUNK):
                        inflated += len(chunk)
                        if inflated > limit:
                            raise too_big
                        if xml:
                            window = tail + chunk
                            if any(marker in window for marker in DTD_MARKERS):
                                raise FileProblem(
                                    "This workbook's XML declares entities (a document type "
                                    "declaration), which Excel never writes; it is refused. "
                                    "Save the sheet again from Excel, or as CSV."
                                )
                            tail = window[-32:]
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError,
            ValueError) as exc:
        raise FileProblem(
            "This .xlsx file is damaged (its contents do not match what it declares); open it "
            "in Excel and save it again, or export it as CSV."
        ) from exc
    return inflated


def iter_rows(path: Path | str, table: Table) -> Iterator[tuple[int, list[Any]]]:
    if table.kind == "xlsx" and table.streamed:
        yield from _xlsx_rows_streamed(Path(path), table.sheet)
    elif table.kind == "xlsx":
        yield from _xlsx_rows(Path(path), table)
    else:
        yield from _csv_rows(Path(path), table.encoding, table.delimiter)


def _workbook(path: Path):
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as exc:
        raise FileProblem("This workbook is password-protected. Remove the password and upload it again.") from exc
    except (python_calamine.CalamineError, python_calamine.ZipError,
            python_calamine.XmlError, ValueError, OSError) as exc:
        raise FileProblem(
            "This .xlsx file is damaged or not really a workbook; open it in Excel and save it "
            "again, or export it as CSV."
        ) from exc


def _xlsx_sheet_names(path: Path) -> list[str]:
    workbook = _workbook(path)
    names = list(workbook.sheet_names)
    if not names:
        raise FileProblem("The workbook has no sheets.")
    return names


def _xlsx_rows(path: Path, table: Table) -> Iterator[tuple[int, list[Any]]]:
    try:
        if table.loaded is None:
            workbook = _workbook(path)
            table.loaded = (workbook.get_sheet_by_name(table.sheet) if table.sheet
                            else workbook.get_sheet_by_index(0))
        worksheet = table.loaded
        # calamine's range starts at the first used cell; keep spreadsheet row numbers.
        first_row = worksheet.start[0] if worksheet.start else 0
        if worksheet.width > settings.IMPORT_MAX_COLUMNS:  # every row is this wide
            raise _too_many_columns(worksheet.width)
        for offset, cells in enumerate(worksheet.iter_rows()):
            cells = [None if cell == "" else cell for cell in cells]
            if not _is_blank(cells):
                yield first_row + offset + 1, cells
    except (python_calamine.CalamineError, python_calamine.XmlError, ValueError) as exc:
        raise FileProblem(
            "Part of this workbook could not be read; open it in Excel and save it again."
        ) from exc


def _xlsx_rows_streamed(path: Path, sheet: str | None) -> Iterator[tuple[int, list[Any]]]:
    """The same rows and cell values as ``_xlsx_rows``, read in constant memory."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise FileProblem(
            "This .xlsx file is damaged or not really a workbook; open it in Excel and save it "
            "again, or export it as CSV."
        ) from exc
    try:
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        # The sheet's declared size (<dimension>) may be stale: read every row there is.
        worksheet.reset_dimensions()
        for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = [_openpyxl_cell(cell) for cell in row]
            while cells and cells[-1] is None:
                cells.pop()
            _check_width(cells)
            if cells and not _is_blank(cells):
                yield number, cells
    except (KeyError, ValueError, TypeError) as exc:
        raise FileProblem(
            "Part of this workbook could not be read; open it in Excel and save it again."
        ) from exc
    finally:
        workbook.close()


def _openpyxl_cell(value: Any) -> Any:
    """openpyxl's cell value as calamine gives it: numbers as float, dates
    without a time as dates, empty text as None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date()
    return value


# --- CSV ------------------------------------------------------------------------


def _csv_encoding(path: Path, head: bytes) -> str:
    """UTF-8 (with or without BOM) when the whole file is valid UTF-8, else
    Windows-1252, which is what Excel on Windows writes as "CSV"."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def _csv_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if not lines:
        raise FileProblem("The file has no rows.")
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sum(line.count(d) for line in lines) for d in CSV_DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _csv_check_columns(sample: str, delimiter: str) -> None:
    """The first line's width, from the sniffed sample, before the CSV is
    parsed: a line of 100,000 columns is refused without building it."""
    first = sample.split("\n", 1)[0]
    if first.count(delimiter) >= settings.IMPORT_MAX_COLUMNS:
        raise _too_many_columns(first.count(delimiter) + 1)


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[Any]]]:
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        max_columns = settings.IMPORT_MAX_COLUMNS
        try:
            for number, cells in enumerate(reader, start=1):
                if len(cells) > max_columns:
                    raise _too_many_columns(len(cells))
                if not _is_blank(cells):
                    yield number, cells
        except csv.Error as exc:
            raise FileProblem(f"The CSV could not be read after row {reader.line_num}: {exc}.") from exc


def sha256_of(handle: IO[bytes]) -> str:
    import hashlib

    digest = hashlib.sha256()
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()
