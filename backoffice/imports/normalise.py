"""From a plugin's raw canonical values to values a customer can hold.

A row is refused (``RowProblem``, with the reason, in the error report next
to the original row) only when it has no usable phone number: none at all, one
a spreadsheet turned into scientific notation (digits lost), or one written
the way another country writes its numbers ("(807) 271-2192" in a file read as
Indian) when nobody confirmed the country and the row names none. The row's
country column, when it names a country, decides where its national numbers
are read. A cell may hold several numbers: the first readable one is the
phone, the next the alternate phone, the others are kept as written. Any other cell
that cannot be read — a date, a status the source does not translate, an
email, a second number — leaves the row in: the cell is kept as written in
the customer's source details and the row carries a warning, listed with the
problem rows as "kept with a warning". Nothing is guessed: an unreadable date
is kept as text, never stored as a silently wrong date.
"""

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from dateutil import parser as dateutil_parser

from backoffice.customers.phones import phone_normalize, phone_written_like
from backoffice.customers.statuses import Status
from backoffice.imports.countries import in_country, region_for_country
from backoffice.imports.plugins import header_key

DATE_ORDERS = ("dmy", "mdy", "ymd")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Excel serials between these are dates from 1954 to 2119: anything else in a
# date column is not a serial.
SERIAL_MIN, SERIAL_MAX = 20_000, 80_000
DATE_FORMATS = (
    "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d",
    "%d-%m-%y", "%d/%m/%y", "%d %b %Y", "%d-%b-%Y", "%d %B %Y", "%b %d, %Y",
)
MAX_LENGTHS = {"name": 200, "area": 120}

# Dates written with numbers only, read in the order the source writes them
# (day first unless it says otherwise): regexes and date() instead of
# strptime, which is slow enough to show in a large import. A year of four
# digits is a year wherever it stands; two-digit years are 2000-2069 for
# 00-69 and 1970-1999 for 70-99.
_NUMERIC_DATE = re.compile(r"(\d{1,4})([-/.])(\d{1,2})\2(\d{4}|\d{2})")
# the time of a date-time written as text: "07/05/2025, 23:57:03",
# "2/18/21, 11:08 AM", "2026-11-24 10:30", "2021-02-18T11:08:00"
_TIME = re.compile(r",?[ T]\s*\d{1,2}:\d{2}")
# a date-time with its offset (Facebook's created_time): read in our time zone
_ISO_AWARE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)")
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")
# "15 Apr, 2021", "15-Apr-21", "24 November 2026", "Apr 15 2021", "April 15, 2021"
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ -]([A-Za-z]{3,9})\.?,?[ -](\d{4}|\d{2})")
_MONTH_NAME_DAY = re.compile(r"([A-Za-z]{3,9})\.?[ -](\d{1,2})(?:st|nd|rd|th)?,?[ -](\d{4}|\d{2})")
_MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
_LETTER = re.compile(r"[A-Za-z]")
_DATE_HINTS = {
    "dmy": "dates are read day first: DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD",
    "mdy": "dates are read month first: MM/DD/YYYY, MM-DD-YYYY or YYYY-MM-DD",
    "ymd": "dates are read year first: YYYY-MM-DD or YY/MM/DD",
}

_STATUS_KEYS = {header_key(s.value): s for s in Status} | {header_key(s.label): s for s in Status}


class RowProblem(Exception):
    pass


class CellProblem(ValueError):
    """One cell could not be read; the row is kept with a warning."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How a file's values are read: its source's settings, the run's choices."""

    country: str = "IN"  # the region of numbers written without a country code
    # a person chose the country (data source, preview, --country): the file's
    # own numbers do not change it
    country_confirmed: bool = False
    date_order: str = "dmy"  # dmy, mdy or ymd, for dates written with numbers only
    # a person chose the date order for this file (preview, --date-order): dates
    # of the file that prove another order do not change it
    date_order_confirmed: bool = False
    # header_key(the file's status) -> one of ours (Status value)
    status_map: Mapping[str, str] = field(default_factory=dict)
    ignored_headers: tuple[str, ...] = ()
    header_row: int | None = None

    def __post_init__(self):
        # the translation table is looked up by header_key, however it was given
        object.__setattr__(self, "status_map",
                           {header_key(k): v for k, v in self.status_map.items()})
        if self.date_order not in DATE_ORDERS:
            raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)}")

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> "ReadOptions":
        """From a run's (or a data source's) settings; absent keys keep the defaults."""
        from django.conf import settings as django_settings

        settings = settings or {}
        return cls(
            country=(settings.get("country") or django_settings.PHONE_DEFAULT_REGION).upper(),
            country_confirmed=bool(settings.get("country_confirmed")),
            date_order_confirmed=bool(settings.get("date_order_confirmed")),
            date_order=(settings.get("date_order") if settings.get("date_order") in DATE_ORDERS
                        else "dmy"),
            status_map={k: v for k, v in (settings.get("status_map") or {}).items()
                        if v in Status.values},
            ignored_headers=tuple(settings.get("ignored_headers") or ()),
            header_row=settings.get("header_row") or None,
        )


DEFAULT_OPTIONS = ReadOptions()

# Where a cell that could not be read is kept, in the source details.
KEPT_AS = {
    "alternate_phone": "Alternate phone (as written)",
    "email": "Email (as written)",
    "date_added": "Date (as written)",
    "name": "Name (as written)",
    "area": "Area (as written)",
}
COUNTRY_DETAIL = "Country"
OTHER_NUMBERS = "Other phone numbers"
# Several numbers in one cell: Google's ":::", slashes, commas, semicolons,
# bars, line breaks, " or ", " & ". Never spaces, dots, dashes or brackets:
# those are how one number is written.
_NUMBER_SEPARATORS = re.compile(r"\s*(?::::|[/,;|\n]|\s(?:or|OR|Or|&)\s)\s*")
_SCIENTIFIC = re.compile(r"\+?\d{1,3}(?:[.,]\d*)?[eE]\+?\d{1,2}")
_IDD_00 = re.compile(r"\s*00(?=[1-9])")
_SPLIT_HINT = re.compile(r"[:/,;|\n&]|\sor\s", re.IGNORECASE)


@dataclass(slots=True)
class CleanRow:
    phone: str
    phone_raw: str
    name: str
    area: str
    date_added: datetime.date | None
    remarks: str
    status: str | None
    email: str = ""
    alternate_phone: str = ""
    details: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def text(value: Any) -> str:
    """A cell as trimmed, whitespace-collapsed text (``12.0`` -> ``12``)."""
    if type(value) is str:  # most cells: the short way
        if "\x00" in value:
            value = value.replace("\x00", "")
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    # NUL is never text (PostgreSQL refuses it): dropped (docs/decisions.md)
    return " ".join(str(value).replace("\x00", "").split())


def multiline_text(value: Any) -> str:
    """Like text(), but keeps line breaks (remarks)."""
    if value is None:
        return ""
    value = str(value).replace("\x00", "").replace("\r\n", "\n")
    lines = [" ".join(line.split()) for line in value.split("\n")]
    return "\n".join(line for line in lines if line).strip()


def parse_date(value: Any, order: str = "dmy") -> datetime.date | None:
    """A date from a cell: a date or date-time cell, an Excel serial, or text.
    Text written with numbers only is read in ``order`` (dmy, mdy or ymd),
    strictly: 2/18/21 read day first is a problem, never 18 February. Month
    names, ISO date-times (with their offset, read in our time zone) and
    date-times with a time after the date are read in any order; a
    four-digit year is a year wherever it stands (18/02/2021 read year first
    is read day first). RowProblem when the value is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return _local_date(value)
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(value)
    raw = text(value)
    if not raw:
        return None
    candidate = raw
    if ":" in raw:
        if _ISO_AWARE.fullmatch(raw):
            try:
                return _local_date(datetime.datetime.fromisoformat(raw))
            except ValueError:
                raise _unreadable(raw, order) from None
        candidate = _TIME.split(raw, 1)[0]
    quick = _NUMERIC_DATE.fullmatch(candidate)
    if quick:
        first, _, second, last = quick.groups()
        if len(first) == 4:
            year, month, day = first, second, last
        elif len(first) == 3:
            raise _unreadable(raw, order)
        elif order == "mdy":
            month, day, year = first, second, last
        elif order == "ymd" and len(last) == 2:
            year, month, day = first, second, last
        else:
            day, month, year = first, second, last
        if len(day) > 2:
            raise _unreadable(raw, order)
        return _date(_year(year), int(month), int(day), raw, order)
    if _SERIAL_TEXT.fullmatch(candidate):
        return _from_serial(float(candidate))
    named = _DAY_MONTH_NAME.fullmatch(candidate)
    if named and named.group(2).lower() in _MONTHS:
        day, month, year = named.groups()
        return _date(_year(year), _MONTHS[month.lower()], int(day), raw, order)
    named = _MONTH_NAME_DAY.fullmatch(candidate)
    if named and named.group(1).lower() in _MONTHS:
        month, day, year = named.groups()
        return _date(_year(year), _MONTHS[month.lower()], int(day), raw, order)
    return _long_tail_date(raw, order)


def _year(written: str) -> int:
    year = int(written)
    if len(written) == 2:
        return year + (2000 if year < 70 else 1900)
    return year


def _date(year: int, month: int, day: int, raw: str, order: str) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise _unreadable(raw, order) from None


def _unreadable(raw: str, order: str) -> RowProblem:
    return RowProblem(f"Unreadable date “{raw[:80]}” ({_DATE_HINTS.get(order, _DATE_HINTS['dmy'])}).")


def _local_date(value: datetime.datetime) -> datetime.date:
    """The date of a date-time; one with an offset is read in our time zone
    (a lead of 19 February 01:00 in India is 18 February 19:30 UTC)."""
    if value.tzinfo is not None:
        from django.utils import timezone

        value = timezone.localtime(value)
    return value.date()


# Two different defaults: a date the parser completed from the default (no
# day, no year) reads differently with each and is not a date.
_DEFAULTS = (datetime.datetime(2000, 1, 1), datetime.datetime(2001, 2, 2))


def _long_tail_date(raw: str, order: str) -> datetime.date:
    """Dates written with words we have no pattern for ("Thursday, 18
    February 2021", "Feb 18th 2021 11:08"), read by dateutil. Only text with
    a word in it: numbers only are read strictly by parse_date."""
    if not _LETTER.search(raw):
        raise _unreadable(raw, order)
    try:
        first, second = (
            dateutil_parser.parse(raw, default=default, dayfirst=order == "dmy",
                                  yearfirst=order == "ymd")
            for default in _DEFAULTS)
    except (dateutil_parser.ParserError, ValueError, OverflowError):
        raise _unreadable(raw, order) from None
    if first != second:
        raise _unreadable(raw, order)
    return _local_date(first)


def _from_serial(serial: float) -> datetime.date:
    if not SERIAL_MIN <= serial <= SERIAL_MAX:
        raise RowProblem(f"Unreadable date “{text(serial)}”.")
    return EXCEL_EPOCH + datetime.timedelta(days=int(serial))


def parse_status(value: Any, status_map: Mapping[str, str] | None = None) -> str | None:
    """One of our statuses, from ours (value or label) or the source's
    translation table; CellProblem for a status neither knows."""
    raw = text(value)
    if not raw:
        return None
    key = header_key(raw)
    if status_map and key in status_map:
        return status_map[key]
    try:
        return _STATUS_KEYS[key].value
    except KeyError:
        raise CellProblem(f"Unknown status “{raw}”") from None


EMAIL_MAX_LENGTH = 254  # Customer.email


def _put(details: dict[str, str], key: str, value: str) -> None:
    """A detail the import adds, under ``key`` or, when the file has a column
    of that name already, a numbered key beside it: nothing the file said is
    overwritten."""
    name, n = key, 2
    while name in details:
        name, n = f"{key} ({n})", n + 1
    details[name] = value


def parse_email(value: Any) -> str:
    raw = text(value)
    if not raw:
        return ""
    if raw.lower().startswith("mailto:"):
        raw = raw[7:]
    if len(raw) > EMAIL_MAX_LENGTH:
        raise CellProblem(f"The email address is longer than {EMAIL_MAX_LENGTH} characters")
    try:
        validate_email(raw)
    except ValidationError:
        raise CellProblem(f"“{raw[:80]}” is not an email address") from None
    local, _, domain = raw.rpartition("@")
    return f"{local}@{domain.lower()}"


def split_numbers(value: Any) -> list[Any]:
    """The numbers of a phone cell: one, or several written in one cell
    ("+91 98765 43210 ::: +91 70123 45678", "9876543210 / 9123456780"), as
    written. A number cell is one number; so is "9,19877E+11" (a number a
    spreadsheet mangled, refused with its own reason)."""
    if not isinstance(value, str):
        return [] if value is None else [value]
    if not _SPLIT_HINT.search(value):
        return [value] if value and not value.isspace() else []
    value = value.replace("\x00", "").strip()
    if _SCIENTIFIC.fullmatch(value):
        return [value]
    return [part for part in _NUMBER_SEPARATORS.split(value) if part.strip()]


def read_number(value: Any, region: str, *, sure: bool) -> str:
    """One number as E.164, read in ``region`` when written without a country
    code; ValidationError with the reason otherwise. Unless the region is
    ``sure`` (a person chose it, or the row names its country), a number
    written the way another country groups its digits is refused rather than
    read as a number of ``region`` it may not be."""
    if not sure and isinstance(value, str):
        like = phone_written_like(value, region)
        if like:
            other, grouping = like
            raise ValidationError(
                f"“{text(value)}” is written the way numbers are written {in_country(other)} "
                f"({grouping}), not {in_country(region)}: set the file's country "
                "(or give the rows a country column) to import it",
                code="foreign")
    if isinstance(value, str) and _IDD_00.match(value):
        # "0044 7911 123456": the international prefix of most of the world,
        # whatever the row's country dials
        value = "+" + _IDD_00.sub("", value, count=1)
    return phone_normalize(value, region=region)


def _row_region(values: Mapping[str, Any], options: ReadOptions,
                warnings: list[str]) -> tuple[str, bool]:
    """The region of the row's national numbers and whether it is sure: the
    row's country when it names one we know, else the options' country."""
    written = text(values.get("country"))
    if not written:
        return options.country, options.country_confirmed
    region = region_for_country(written)
    if region is None:
        warnings.append(f"Unknown country “{written[:80]}”: numbers without a country code "
                        f"were read as numbers {in_country(options.country)}")
        return options.country, options.country_confirmed
    return region, True


PHONE_KEPT_AS = "Phone (as written)"
EXTENSION_KEPT_AS = "Phone extension"
_EXTENSION = re.compile(r"(?:\bx|\bext\.?|\bextn\.?|\bextension)\s*(\d{1,6})\s*$", re.IGNORECASE)


def _has_number(raw: Any, region: str, sure: bool) -> bool:
    for part in split_numbers(raw):
        try:
            read_number(part, region, sure=sure)
        except ValidationError:
            continue
        return True
    return False


def clean_row(values: Mapping[str, Any], options: ReadOptions = DEFAULT_OPTIONS) -> CleanRow:
    """A row's canonical values (as the plugin gives them) as a customer's
    values; RowProblem when the phone cell holds no number we can store."""
    warnings: list[str] = []
    region, sure = _row_region(values, options, warnings)
    raw_phone = values.get("phone")
    numbers: dict[str, str] = {}  # E.164 -> as written, in the cell's order
    others: list[str] = []  # numbers kept as written in the source details
    problem: str | None = None
    for part in split_numbers(raw_phone):
        try:
            number = read_number(part, region, sure=sure)
        except ValidationError as exc:
            problem = problem or exc.messages[0]
            others.append(text(part))
            continue
        numbers.setdefault(number, text(part))
    if not numbers:
        if problem is None:
            try:
                phone_normalize(raw_phone, region=region)  # the reason a cell is empty
            except ValidationError as exc:
                problem = exc.messages[0]
        problem = problem or "Phone number is missing."
        if _has_number(values.get("alternate_phone"), region, sure):
            # the phone cell is unusable but the second number is not: the
            # customer is reachable, so the row is kept on that number
            row = clean_row({**values, "phone": values.get("alternate_phone"),
                             "alternate_phone": None}, options)
            if text(raw_phone):
                _put(row.details, PHONE_KEPT_AS, multiline_text(raw_phone))
            row.warnings.insert(0, f"{problem.rstrip('.')}: the alternate number is the phone"
                                + (" and the cell is kept in the source details"
                                   if text(raw_phone) else ""))
            return row
        raise RowProblem(problem)
    if others:
        warnings.append(f"{problem.rstrip('.')}: kept in the source details")
    phone = next(iter(numbers))
    details = {str(k): written for k, v in (values.get("details") or {}).items()
               if (written := text(v))}
    if country_written := text(values.get("country")):
        details.setdefault(COUNTRY_DETAIL, country_written)
    if isinstance(raw_phone, str) and (extension := _EXTENSION.search(raw_phone)):
        # an office number's extension is no part of the number a counsellor dials
        _put(details, EXTENSION_KEPT_AS, extension.group(1))
        warnings.append(f"The extension “{extension.group(0).strip()}” is not part of the "
                        "number: kept in the source details")

    def kept(field: str, raw: Any, reason: str) -> None:
        warnings.append(f"{reason}: kept in the source details")
        _put(details, KEPT_AS[field], multiline_text(raw))

    name = text(values.get("name"))
    area = text(values.get("area"))
    if len(name) > MAX_LENGTHS["name"]:
        kept("name", name, f"The name is longer than {MAX_LENGTHS['name']} characters")
        name = name[:MAX_LENGTHS["name"]]
    if not name:
        # kept (the number is what a counsellor needs), and said: a nameless
        # customer is easy to miss in a list
        warnings.append("No name in the file")
    if len(area) > MAX_LENGTHS["area"]:
        kept("area", area, f"The area is longer than {MAX_LENGTHS['area']} characters")
        area = area[:MAX_LENGTHS["area"]]
    try:
        date_added = parse_date(values.get("date_added"), options.date_order)
    except RowProblem as exc:
        kept("date_added", values.get("date_added"), str(exc).rstrip("."))
        date_added = None
    email = ""
    try:
        email = parse_email(values.get("email"))
    except CellProblem as exc:
        kept("email", values.get("email"), str(exc))
    alternates: dict[str, str] = {}
    raw_alternate = values.get("alternate_phone")
    if text(raw_alternate):
        alternate_problem = None
        unread: list[str] = []
        for part in split_numbers(raw_alternate):
            try:
                number = read_number(part, region, sure=sure)
            except ValidationError as exc:
                alternate_problem = alternate_problem or exc.messages[0]
                unread.append(text(part))
                continue
            if number not in numbers:
                alternates.setdefault(number, text(part))
        if not alternates and alternate_problem:
            kept("alternate_phone", raw_alternate, alternate_problem.rstrip("."))
        elif unread:
            warnings.append(f"{alternate_problem.rstrip('.')}: kept in the source details")
            others.extend(unread)
    extra = list(numbers.items())[1:]
    if not alternates and extra:
        alternates = dict(extra[:1])
        extra = extra[1:]
    others = [*(written for _, written in extra), *list(alternates.values())[1:], *others]
    if others:
        _put(details, OTHER_NUMBERS, ", ".join(others))
    remarks = multiline_text(values.get("remarks"))
    try:
        status = parse_status(values.get("status"), options.status_map)
    except CellProblem as exc:
        status = None
        warnings.append(f"{exc}: the default status was given and the file's status kept "
                        "in the remarks")
        note = f"Status in the file: {text(values.get('status'))}"
        remarks = f"{remarks}\n{note}" if remarks else note
    return CleanRow(
        phone=phone,
        phone_raw=text(raw_phone)[:64],
        name=name,
        area=area,
        date_added=date_added,
        remarks=remarks,
        status=status,
        email=email,
        alternate_phone=next(iter(alternates), ""),
        details=details,
        warnings=warnings,
    )
