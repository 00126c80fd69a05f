"""Values as people read them: one place that turns a stored value into
words — status labels instead of internal codes, dates and times in the
site's time zone, day first ("12 Oct 2026, 17:51").

The templates use the same helpers through the ``words`` filters
(``{% load words %}``: ``local_datetime``, ``local_date``, ``status_label``);
the admin's own rendering of dates follows the same formats
(config/formats/en_GB)."""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format

EMPTY = "—"


def local_datetime(value: datetime.datetime | None, *, empty: str = EMPTY) -> str:
    """A moment in the site's time zone: "12 Oct 2026, 17:51"."""
    if value is None:
        return empty
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "DATETIME_FORMAT")


def moment_writer(*, empty: str = EMPTY):
    """``local_datetime`` for many moments at once (an export's rows): the
    format, the time zone and the month names are read once, not per value
    (Django's date_format parses its format on every call: a third of a large
    export's time). Any other format than the site's falls back to it."""
    from django.utils.dates import MONTHS_3
    from django.utils.formats import get_format

    if get_format("DATETIME_FORMAT") != "j M Y, H:i":
        return lambda value: local_datetime(value, empty=empty)
    months = {number: str(name).title() for number, name in MONTHS_3.items()}
    zone = timezone.get_current_timezone()

    def write(value: datetime.datetime | None) -> str:
        if value is None:
            return empty
        if timezone.is_aware(value):
            value = value.astimezone(zone)
        return f"{value.day} {months[value.month]} {value.year}, {value.hour:02d}:{value.minute:02d}"

    return write


def local_date(value: datetime.date | datetime.datetime | None, *, empty: str = EMPTY) -> str:
    """A day: "12 Oct 2026" (a moment is first put in the site's time zone)."""
    if value is None:
        return empty
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return date_format(value, "DATE_FORMAT")


def short_date(value: datetime.date | None, *, empty: str = "") -> str:
    """A day as a date box writes it: "12/10/2026"."""
    if value is None:
        return empty
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return date_format(value, "SHORT_DATE_FORMAT")


def status_label(code: str | None, *, empty: str = EMPTY) -> str:
    """A customer status's label ("Call not attended"); an unknown code as it is."""
    from backoffice.customers import statuses

    if not code:
        return empty
    return statuses.status_label(str(code))


def value_for_people(value: Any, *, field=None, empty: str = EMPTY) -> str:
    """Any stored value in words: a field's choice as its label, a moment in
    local time, a day day-first, yes/no; ``field`` is the model field the
    value belongs to (its choices and kind), when known."""
    if value is None or value == "" or value == [] or value == {}:
        return empty
    choices = getattr(field, "flatchoices", None)
    if choices:
        labels = {str(key): label for key, label in choices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return local_datetime(value, empty=empty)
    if isinstance(value, datetime.date):
        return local_date(value, empty=empty)
    return str(value)


def duration_short(delta: datetime.timedelta) -> str:
    """How long, compactly, for lists and notifications: "2 d 3 h",
    "1 h 35 min", "5 min" (never negative). Sentences about a wait use the
    long form (accounts.selectors.duration_words: "1 hour 30 minutes")."""
    from django.utils.translation import gettext as _

    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 60 * 24)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return _("%d min") % minutes
