"""Reading lead files: workbooks (.xlsx, .xls, .ods) and delimited text, row by row.

What a file is comes from its content, never its name: a zip holding
``xl/workbook.xml`` is an Excel workbook, a zip whose ``mimetype`` is an
OpenDocument spreadsheet is .ods, an OLE2 compound file is a legacy .xls (or an
encrypted .xlsx), and anything else is text (a web page, a PDF or an image is
named as such and refused). Text is decoded by its content too (UTF-8 with or
without BOM, UTF-16 with BOM or by its NUL pattern, else Windows-1252), and its
delimiter is the candidate that parses the sample into the most consistent
columns, quoted line breaks included.

Every reader yields ``(row_number, cells)``: the row's number as the person
sees it in their spreadsheet (1-based, counting title and header rows), and
its cells as a list. Blank rows (every cell empty, including the formatted but
empty rows spreadsheets leave at the end) are skipped. A file that cannot be
read raises ``FileProblem`` with a message for the person who uploaded it.
"""

import codecs
import collections
import csv
import datetime
import io
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import python_calamine
from django.conf import settings

# The names an upload may have; what it is comes from its content.
EXTENSIONS = (".xlsx", ".xls", ".ods", ".csv", ".tsv", ".txt")
WORKBOOK_EXTENSIONS = (".xlsx", ".xls", ".ods")

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, or an encrypted .xlsx
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
SNIFF_BYTES = 64 * 1024
SNIFF_ROWS = 200
CSV_DELIMITERS = ",;\t|"
# a text file named as a workbook is read as delimited text only when this
# share of its sampled rows have the same width, of two columns or more
DELIMITED_SHARE = 0.8
MESSAGE_HEADER_CHARS = 100
MESSAGE_HEADERS = 20

INFLATE_CHUNK = 1024 * 1024
# Excel and LibreOffice never write a document type declaration; one in a
# workbook's XML is there for entity expansion (billion laughs) or external
# entities (XXE).
DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
# A loaded workbook (calamine) holds the whole sheet in memory: one whose XML
# is this many times the streaming threshold is streamed, whatever its file size.
LOADED_XML_PER_FILE_BYTE = 10
# What calamine holds per cell of a loaded sheet's range, empty cells included
# (measured: a 100,001 x 151 range took 500 MB).
LOADED_BYTES_PER_CELL = 32

csv.field_size_limit(1024 * 1024)


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why, for a person."""


@dataclass
class Table:
    kind: str  # "xlsx", "xls", "ods" or "csv" (any delimited text)
    sheet_names: list[str]
    sheet: str | None
    encoding: str | None = None
    delimiter: str | None = None
    # XLSX: read with openpyxl's streaming reader (big files) instead of calamine
    streamed: bool = False
    # workbooks through calamine: the sheet, loaded once and iterated as often as needed
    loaded: Any = field(default=None, repr=False, compare=False)
    # for the person, when the file was read other than its name says
    note: str = ""


def headers_for_message(cells: Iterable[Any]) -> str:
    """A row's cells for a message that quotes them: the non-empty ones,
    each cut to 100 characters with "…", at most 20 of them."""
    texts = []
    for cell in cells:
        if cell is None:
            continue
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        value = " ".join(str(cell).replace("\x00", "").split())
        if value:
            if len(value) > MESSAGE_HEADER_CHARS:
                value = value[:MESSAGE_HEADER_CHARS - 1].rstrip() + "…"
            texts.append(value)
    shown = ", ".join(texts[:MESSAGE_HEADERS])
    if len(texts) > MESSAGE_HEADERS:
        shown += f" and {len(texts) - MESSAGE_HEADERS} more"
    return shown or "none"


def _is_blank(cells: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _looks_binary(sample: bytes) -> bool:
    """A binary file has NULs all over; a text file with a stray NUL in a cell
    is text (the normaliser drops the NUL and the row imports). UTF-16 is
    recognised before this is asked."""
    nuls = sample.count(b"\x00")
    if not nuls:
        return False
    others = sum(sample.count(bytes([c])) for c in range(1, 32) if c not in (9, 10, 12, 13))
    return bool(others) or nuls > max(8, len(sample) // 100)


# --- what the file is -------------------------------------------------------------------

IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00",
               b"MM\x00*")
UPLOAD_AGAIN = "Open it and save it as an Excel workbook (.xlsx) or CSV, then upload that."


def _not_a_spreadsheet(filename: str, what: str) -> FileProblem:
    return FileProblem(f"“{filename}” is {what}, not a spreadsheet. {UPLOAD_AGAIN}")


def _binary_kind(head: bytes, filename: str) -> None:
    """Refuse the common files that are not spreadsheets, by their signature."""
    if b"%PDF-" in head[:1024]:
        raise _not_a_spreadsheet(filename, "a PDF document")
    if head.startswith(IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP") or (
            head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"avif")):
        raise _not_a_spreadsheet(filename, "an image")


def _markup_kind(text: str, filename: str) -> None:
    """Refuse a web page (a saved error or login page, or a system's "Excel"
    export that is really HTML) and other XML, by how the text starts."""
    start = text.lstrip("\ufeff \t\r\n")[:1024].lower()
    if not start.startswith("<"):
        return
    if "<html" in start or start.startswith(("<!doctype html", "<head", "<body", "<table")):
        raise FileProblem(
            f"“{filename}” is a web page (HTML), not a spreadsheet: it may be a login or error "
            "page saved instead of the file, or a system's “Excel” export that is really HTML. "
            "Open it in Excel and save it as .xlsx or CSV, then upload that."
        )
    raise _not_a_spreadsheet(filename, "an XML document")


def _zip_kind(path: Path, filename: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as handle:
                    mimetype = handle.read(100).strip()
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError,
            ValueError) as exc:
        raise FileProblem(
            f"“{filename}” is a damaged workbook or zip file (its contents do not match what it "
            "declares); open it in Excel and save it again, or export it as CSV."
        ) from exc
    if mimetype == ODS_MIMETYPE:
        return "ods"
    if mimetype.startswith(b"application/vnd.oasis.opendocument."):
        what = "an OpenDocument file (text or presentation)"
    elif "word/document.xml" in names:
        what = "a Word document"
    elif "ppt/presentation.xml" in names:
        what = "a PowerPoint presentation"
    else:
        what = "a zip archive"
    raise FileProblem(
        f"“{filename}” is {what}, not an Excel workbook (.xlsx) or OpenDocument spreadsheet "
        f"(.ods). {UPLOAD_AGAIN}"
    )


def detect_kind(path: Path, head: bytes, filename: str) -> str:
    """"xlsx", "xls", "ods" or "csv" (delimited text), by the file's content."""
    if not head:
        raise FileProblem("The file is empty.")
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(path, filename)
    if head.startswith(OLE2_MAGIC):
        return "xls"
    _binary_kind(head, filename)
    return "csv"


def open_table(
    path: Path | str, *, filename: str = "", sheet: str | None = None,
    stream_above: int | None = None,
) -> Table:
    """Look at the file and say how to read it, without reading it all.

    Workbooks larger than ``stream_above`` bytes are read row by row with
    openpyxl, in constant memory (.xlsx only: .xls and .ods are loaded whole by
    calamine); smaller ones are loaded whole by calamine, which is several
    times faster but holds the sheet in memory."""
    path = Path(path)
    filename = filename or path.name
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    kind = detect_kind(path, head, filename)
    if kind == "csv":
        return _open_text(path, head, filename)
    inflated = workbook_check(path, kind) if kind in ("xlsx", "ods") else 0
    names = _sheet_names(path, kind)
    if sheet is not None and sheet not in names:
        raise FileProblem(f"The workbook has no sheet “{sheet}”. Its sheets: {', '.join(names)}.")
    streamed = kind == "xlsx" and stream_above is not None and (
        path.stat().st_size > stream_above
        or inflated > stream_above * LOADED_XML_PER_FILE_BYTE
    )
    return Table(kind=kind, sheet_names=names, sheet=sheet or names[0], streamed=streamed)


def _too_many_columns(count: int) -> FileProblem:
    return FileProblem(
        f"A row has {count:,} columns or more; the limit is {settings.IMPORT_MAX_COLUMNS:,}. "
        "Remove the columns the import does not need and upload it again."
    )


def _check_width(cells: list[Any]) -> None:
    if len(cells) > settings.IMPORT_MAX_COLUMNS:
        raise _too_many_columns(len(cells))


# --- workbooks ---------------------------------------------------------------------


def workbook_check(path: Path, kind: str = "xlsx") -> int:
    """Refuse a zipped workbook (.xlsx, .ods) that would cost far more to read
    than its size says, before any spreadsheet library parses it: by the sizes
    its zip declares, by the bytes actually inflated (zipfile stops at the
    declared size and the checksum then fails, so a lying header is caught),
    any document type declaration in its XML, and (.ods) the cells its
    repeat counts stand for. Returns the bytes inflated."""
    limit = settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES
    too_big = FileProblem(
        f"This workbook unpacks to more than {limit / 1024 / 1024:g} MB, far more than its "
        "file size suggests. Save it as CSV, or split it, and upload it again."
    )
    inflated = 0
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
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
                extent = _OdsExtent() if kind == "ods" and member.filename == "content.xml" else None
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
                        if extent is not None:
                            extent.feed(chunk)
                if extent is not None:
                    extent.feed(b"", final=True)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError,
            ValueError) as exc:
        raise FileProblem(
            "This workbook is damaged (its contents do not match what it declares); open it "
            "in Excel and save it again, or export it as CSV."
        ) from exc
    return inflated


class _OdsExtent:
    """The range calamine will build for each sheet of an .ods, from its
    content.xml as it streams: a cell or row may say it repeats a million
    times, so an 800-byte file can stand for gigabytes of cells. Only cells
    with content extend the range (LibreOffice ends every sheet with empty
    rows repeated to the last row, which calamine drops).

    A scan of the tags calamine reads, by the same prefixed names it matches
    (``table:table-row``, ``table:table-cell``), not an XML parser: a parser's
    callbacks cost 11 s on a 100,000-row sheet, this about one. A cell counts
    as having content when it has a value type or any content at all."""

    TAGS = re.compile(
        rb"<table:table-row(?=[\s/>])([^>]*)>|</table:table-row>"
        rb"|<table:(?:covered-)?table-cell(?=[\s/>])([^>]*)>"
        rb"|<table:table(?=[\s>])[^>]*?(/?)>|</table:table>"
    )
    ROWS_REPEATED = re.compile(rb'table:number-rows-repeated\s*=\s*["\']([^"\']*)')
    COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated\s*=\s*["\']([^"\']*)')

    def __init__(self):
        self.max_cells = settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES // LOADED_BYTES_PER_CELL
        self.max_columns = settings.IMPORT_MAX_COLUMNS
        self.pending = b""
        self.outer: list[tuple[int, int, int, int, int]] = []  # tables around a nested one
        self.row = self.rows = self.columns = self.column = 0
        self.row_repeat = 1
        self.row_used = False

    @staticmethod
    def _repeat(pattern: re.Pattern, attributes: bytes) -> int:
        found = pattern.search(attributes)
        if not found:
            return 1
        if not found.group(1).isdigit():
            raise ValueError(f"repeat count {found.group(1)!r}")
        return max(1, int(found.group(1)))

    def feed(self, data: bytes, final: bool = False) -> None:
        data = self.pending + data
        end = len(data) if final else data.rfind(b">") + 1
        self.pending = data[end:]
        if len(self.pending) > INFLATE_CHUNK:  # one tag a megabyte long
            raise ValueError("tag too long")
        for match in self.TAGS.finditer(data, 0, end):
            tag = match.group(0)
            if tag.startswith(b"<table:table-row"):
                self.row_repeat = self._repeat(self.ROWS_REPEATED, match.group(1))
                self.column = 0
                self.row_used = False
                if match.group(1).endswith(b"/"):
                    self.row += self.row_repeat
            elif tag == b"</table:table-row>":
                self.row += self.row_repeat
                if self.row_used:
                    self.rows = self.row
                    self._check()
            elif tag.startswith(b"<table:table-cell") or tag.startswith(b"<table:covered"):
                attributes = match.group(2)
                self.column += self._repeat(self.COLUMNS_REPEATED, attributes)
                if b"office:value-type" in attributes or not attributes.endswith(b"/"):
                    self.row_used = True
                    if self.column > self.columns:
                        self.columns = self.column
                        if self.columns > self.max_columns:
                            raise _too_many_columns(self.columns)
            elif tag == b"</table:table>":
                if self.outer:
                    self._restore()
            elif not match.group(3):  # a table starts (a nested one keeps its outer's place)
                self.outer.append((self.row, self.rows, self.columns, self.column,
                                   self.row_repeat))
                self.row = self.rows = self.columns = self.column = 0
                self.row_repeat = 1

    def _restore(self):
        inner_rows, inner_columns = self.rows, self.columns
        self.row, self.rows, self.columns, self.column, self.row_repeat = self.outer.pop()
        if inner_rows and inner_columns:  # a nested table's cells count in its sheet too
            self.row_used = True
            self.rows = max(self.rows, self.row + inner_rows)
            self.columns = max(self.columns, self.column + inner_columns)
            self._check()

    def _check(self):
        if self.rows * self.columns > self.max_cells:
            raise FileProblem(
                f"This spreadsheet stands for {self.rows:,} rows of {self.columns:,} columns "
                "once its repeated cells are counted, far more than its file size suggests. "
                "Save it as CSV, or split it, and upload it again."
            )


def iter_rows(path: Path | str, table: Table) -> Iterator[tuple[int, list[Any]]]:
    if table.kind == "xlsx" and table.streamed:
        yield from _xlsx_rows_streamed(Path(path), table.sheet)
    elif table.kind in ("xlsx", "xls", "ods"):
        yield from _workbook_rows(Path(path), table)
    else:
        yield from _csv_rows(Path(path), table.encoding, table.delimiter)


PASSWORD = "This workbook is password-protected. Remove the password and upload it again."


def _calamine_open(path: Path, kind: str):
    """calamine chooses its reader by the file's extension: a workbook with
    another name is opened through a link named for what it is."""
    if path.suffix.lower() == f".{kind}":
        return python_calamine.CalamineWorkbook.from_path(str(path))
    with tempfile.TemporaryDirectory() as folder:
        named = Path(folder) / f"workbook.{kind}"
        named.symlink_to(path.resolve())
        return python_calamine.CalamineWorkbook.from_path(str(named))


CALAMINE_ERRORS = (python_calamine.CalamineError, python_calamine.ZipError,
                   python_calamine.XmlError, ValueError, OSError)


def _workbook(path: Path, kind: str):
    """calamine's workbook, read as ``kind``. A password-protected .xlsx is an
    OLE2 file like a legacy .xls: when the .xls reader finds no workbook in
    one, the .xlsx reader tells whether it is encrypted."""
    try:
        try:
            return _calamine_open(path, kind)
        except CALAMINE_ERRORS:
            if kind != "xls":
                raise
            _calamine_open(path, "xlsx")  # PasswordError when encrypted
            raise
    except python_calamine.PasswordError as exc:
        raise FileProblem(PASSWORD) from exc
    except CALAMINE_ERRORS as exc:
        if kind == "xls":
            raise FileProblem(
                "This file is damaged or is not an Excel workbook (it may be another Office "
                "document); open it in Excel and save it as .xlsx or CSV, then upload that."
            ) from exc
        raise FileProblem(
            "This workbook is damaged or not really a workbook; open it in Excel and save it "
            "again, or export it as CSV."
        ) from exc


def _sheet_names(path: Path, kind: str) -> list[str]:
    workbook = _workbook(path, kind)
    names = list(workbook.sheet_names)
    if not names:
        raise FileProblem("The workbook has no sheets.")
    return names


def _calamine_cell(cell: Any) -> Any:
    """calamine's value as the rest of the import expects it, whatever the
    format: numbers as float (.xls gives whole numbers as int), empty as None."""
    if cell == "":
        return None
    if type(cell) is int:
        return float(cell)
    return cell


def _workbook_rows(path: Path, table: Table) -> Iterator[tuple[int, list[Any]]]:
    try:
        if table.loaded is None:
            workbook = _workbook(path, table.kind)
            table.loaded = (workbook.get_sheet_by_name(table.sheet) if table.sheet
                            else workbook.get_sheet_by_index(0))
        worksheet = table.loaded
        # calamine's range starts at the first used cell; keep spreadsheet row numbers.
        first_row = worksheet.start[0] if worksheet.start else 0
        if worksheet.width > settings.IMPORT_MAX_COLUMNS:  # every row is this wide
            raise _too_many_columns(worksheet.width)
        for offset, cells in enumerate(worksheet.iter_rows()):
            cells = [_calamine_cell(cell) for cell in cells]
            if not _is_blank(cells):
                yield first_row + offset + 1, cells
    except (python_calamine.CalamineError, python_calamine.XmlError, ValueError) as exc:
        raise FileProblem(
            "Part of this workbook could not be read; open it in Excel and save it again."
        ) from exc


def _xlsx_rows_streamed(path: Path, sheet: str | None) -> Iterator[tuple[int, list[Any]]]:
    """The same rows and cell values as ``_workbook_rows``, read in constant memory."""
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


# --- delimited text ------------------------------------------------------------------


def _open_text(path: Path, head: bytes, filename: str) -> Table:
    encoding = _text_encoding(path, head)
    if not encoding.startswith("utf-16") and _looks_binary(head):
        raise FileProblem(
            f"“{filename}” is not a spreadsheet this importer reads: upload an .xlsx, .xls, "
            ".ods or .csv file."
        )
    text = head.decode(encoding, errors="replace")
    _markup_kind(text, filename)
    truncated = path.stat().st_size > len(head)
    if truncated:  # the sample ends mid-row (and, in UTF-16, maybe mid-character)
        text = text[:-1]
    preferred = "\t" if Path(filename).suffix.lower() == ".tsv" else None
    delimiter, width, share = csv_delimiter(text, truncated=truncated, preferred=preferred)
    _csv_check_first_line(text, delimiter)
    note = ""
    if Path(filename).suffix.lower() in WORKBOOK_EXTENSIONS:
        if width < 2 or share < DELIMITED_SHARE:
            raise FileProblem(
                f"“{filename}” is a text file, not an Excel workbook. Open it in Excel and save "
                "it as .xlsx, or save it as CSV, then upload it again."
            )
        note = (f"“{filename}” is named as a workbook but is delimited text; it was read as "
                "CSV.")
    return Table(kind="csv", sheet_names=[], sheet=None, encoding=encoding, delimiter=delimiter,
                 note=note)


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 saved without its byte order mark: Latin text then has a NUL in
    every other byte (the high byte of each character)."""
    sample = sample[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sample[0:pairs * 2:2].count(0)
    odd = sample[1:pairs * 2:2].count(0)
    if odd >= pairs * 0.5 and even <= pairs * 0.05:
        return "utf-16-le"
    if even >= pairs * 0.5 and odd <= pairs * 0.05:
        return "utf-16-be"
    return None


def _text_encoding(path: Path, head: bytes) -> str:
    """By the content: a byte order mark (UTF-8, UTF-16 LE or BE, as Excel's
    "Unicode Text" writes), else UTF-16's NUL pattern, else UTF-8 when the
    whole file is valid UTF-8, else Windows-1252, which is what Excel on
    Windows writes as "CSV"."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # the codec reads the mark and drops it
    if utf16 := _utf16_without_bom(head):
        return utf16
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"

SEP_LINE = re.compile(r"\Asep=(.)\r?\n", re.IGNORECASE)


def csv_delimiter(sample: str, *, truncated: bool = False,
                  preferred: str | None = None) -> tuple[str, int, float]:
    """The delimiter that parses the sample into the most consistent columns,
    with the width most rows have and the share of rows that have it.

    Each candidate parses the sample with the csv module (so quoted fields
    may hold delimiters and line breaks) and is scored by the share of rows
    at its most common width, times how much more than one column that width
    is (``1 - 1/width``): one column scores 0. Ties go to the candidate named
    first in ``CSV_DELIMITERS``; ``preferred`` (tab for a .tsv) wins whenever
    it splits the rows consistently. Excel's ``sep=;`` first line is obeyed."""
    if declared := SEP_LINE.match(sample):
        if declared.group(1) in CSV_DELIMITERS:
            return declared.group(1), 2, 1.0
    scored = {}
    for delimiter in CSV_DELIMITERS:
        widths = []
        reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
        complete = True
        try:
            for cells in reader:
                if _is_blank(cells):
                    continue
                widths.append(len(cells))
                if len(widths) > SNIFF_ROWS:
                    complete = False
                    break
        except csv.Error:
            complete = False
        if widths and complete and truncated and len(widths) > 1:
            widths.pop()  # the row the sample cut
        if not widths:
            continue
        width, count = max(collections.Counter(widths).items(), key=lambda item: (item[1], item[0]))
        share = count / len(widths)
        scored[delimiter] = (share * (1 - 1 / width), width, share)
    if not scored:
        raise FileProblem("The file has no rows.")
    if preferred in scored and scored[preferred][1] > 1 and scored[preferred][2] >= DELIMITED_SHARE:
        best = preferred
    else:
        best = max(scored, key=lambda d: (scored[d][0], -CSV_DELIMITERS.index(d)))
    if scored[best][1] < 2:  # one column whichever way: a list of numbers, say
        return ",", 1, scored[best][2]
    return best, scored[best][1], scored[best][2]


def _csv_check_first_line(sample: str, delimiter: str) -> None:
    """The first line's width, from the sample, before the file is parsed: a
    line of 100,000 columns is refused without building it."""
    first = sample.split("\n", 1)[0]
    if first.count(delimiter) >= settings.IMPORT_MAX_COLUMNS:
        raise _too_many_columns(first.count(delimiter) + 1)


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[Any]]]:
    # text mode decodes as it reads: UTF-16 and the rest stream alike
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
