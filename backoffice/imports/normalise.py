"""From a plugin's raw canonical values to values a customer can hold.

Every function either returns a clean value or raises ``RowProblem`` with the
reason, which goes into the error report next to the original row. Nothing
is guessed: an unreadable date is a problem, never a silently wrong date.
"""

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

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


@dataclass(slots=True)
class CleanRow:
    phone: str
    phone_raw: str
    name: str
    area: str
    date_added: datetime.date | None
    remarks: str
    status: str | None


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


def parse_status(value: Any) -> str | None:
    raw = text(value)
    if not raw:
        return None
    try:
        return _STATUS_KEYS[header_key(raw)].value
    except KeyError:
        raise RowProblem(f"Unknown status “{raw}”.") from None


def clean_row(values: dict[str, Any]) -> CleanRow:
    raw_phone = values.get("phone")
    try:
        phone = phone_normalize(raw_phone)
    except ValidationError as exc:
        raise RowProblem(exc.messages[0]) from None
    name = text(values.get("name"))
    area = text(values.get("area"))
    for field, value in (("name", name), ("area", area)):
        if len(value) > MAX_LENGTHS[field]:
            raise RowProblem(f"The {field} is longer than {MAX_LENGTHS[field]} characters.")
    return CleanRow(
        phone=phone,
        phone_raw=text(raw_phone)[:64],
        name=name,
        area=area,
        date_added=parse_date(values.get("date_added")),
        remarks=multiline_text(values.get("remarks")),
        status=parse_status(values.get("status")),
    )
