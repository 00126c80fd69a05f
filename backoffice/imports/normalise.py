"""From a plugin's raw canonical values to values a customer can hold.

A row is refused (``RowProblem``, with the reason, in the error report next
to the original row) only when it has no usable phone number. Any other cell
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

from backoffice.customers.phones import phone_normalize
from backoffice.customers.statuses import Status
from backoffice.imports.plugins import header_key

EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Excel serials between these are dates from 1954 to 2119: anything else in a
# date column is not a serial.
SERIAL_MIN, SERIAL_MAX = 20_000, 80_000
DATE_FORMATS = (
    "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d",
    "%d-%m-%y", "%d/%m/%y", "%d %b %Y", "%d-%b-%Y", "%d %B %Y", "%b %d, %Y",
)
MAX_LENGTHS = {"name": 200, "area": 120}

# Day first, the way the files are written: a regex and date() instead of
# strptime, which is slow enough to show in a large import.
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")

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
    # header_key(the file's status) -> one of ours (Status value)
    status_map: Mapping[str, str] = field(default_factory=dict)
    ignored_headers: tuple[str, ...] = ()
    header_row: int | None = None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> "ReadOptions":
        """From a run's (or a data source's) settings; absent keys keep the defaults."""
        from django.conf import settings as django_settings

        settings = settings or {}
        return cls(
            country=(settings.get("country") or django_settings.PHONE_DEFAULT_REGION).upper(),
            country_confirmed=bool(settings.get("country_confirmed")),
            date_order=settings.get("date_order") or "dmy",
            status_map={header_key(k): v for k, v in (settings.get("status_map") or {}).items()
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


def parse_date(value: Any) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(value)
    raw = text(value)
    if not raw:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", raw):
        return _from_serial(float(raw))
    # a date-time written as text: keep the date part
    candidate = re.split(r"[ T]\d{1,2}:\d{2}", raw)[0].strip()
    quick = _DAY_FIRST.fullmatch(candidate) or _ISO.fullmatch(candidate)
    if quick:
        parts = [int(p) for p in quick.groups()]
        year, month, day = parts if quick.re is _ISO else parts[::-1]
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise RowProblem(
                f"Unreadable date “{raw}” (use DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD)."
            ) from None
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(candidate, fmt).date()
        except ValueError:
            continue
    raise RowProblem(f"Unreadable date “{raw}” (use DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD).")


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


def parse_email(value: Any) -> str:
    raw = text(value)
    if not raw:
        return ""
    if raw.lower().startswith("mailto:"):
        raw = raw[7:]
    try:
        validate_email(raw)
    except ValidationError:
        raise CellProblem(f"“{raw[:80]}” is not an email address") from None
    local, _, domain = raw.rpartition("@")
    return f"{local}@{domain.lower()}"


def clean_row(values: Mapping[str, Any], options: ReadOptions = DEFAULT_OPTIONS) -> CleanRow:
    raw_phone = values.get("phone")
    try:
        phone = phone_normalize(raw_phone, region=options.country)
    except ValidationError as exc:
        raise RowProblem(exc.messages[0]) from None
    details = {str(k): text(v) for k, v in (values.get("details") or {}).items() if text(v)}
    warnings: list[str] = []

    def kept(field: str, raw: Any, reason: str) -> None:
        warnings.append(f"{reason}: kept in the source details")
        details[KEPT_AS[field]] = multiline_text(raw)

    name = text(values.get("name"))
    area = text(values.get("area"))
    if len(name) > MAX_LENGTHS["name"]:
        kept("name", name, f"The name is longer than {MAX_LENGTHS['name']} characters")
        name = name[:MAX_LENGTHS["name"]]
    if len(area) > MAX_LENGTHS["area"]:
        kept("area", area, f"The area is longer than {MAX_LENGTHS['area']} characters")
        area = area[:MAX_LENGTHS["area"]]
    try:
        date_added = parse_date(values.get("date_added"))
    except RowProblem as exc:
        kept("date_added", values.get("date_added"), str(exc).rstrip("."))
        date_added = None
    email = ""
    try:
        email = parse_email(values.get("email"))
    except CellProblem as exc:
        kept("email", values.get("email"), str(exc))
    alternate = ""
    raw_alternate = values.get("alternate_phone")
    if text(raw_alternate):
        try:
            alternate = phone_normalize(raw_alternate, region=options.country)
        except ValidationError as exc:
            kept("alternate_phone", raw_alternate, exc.messages[0].rstrip("."))
        if alternate == phone:
            alternate = ""
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
        alternate_phone=alternate,
        details=details,
        warnings=warnings,
    )
