"""List filters shared by every admin list."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.validators import EMPTY_VALUES
from django.db.models import DateTimeField
from django.utils import timezone
from django.utils.translation import gettext as _
from unfold.contrib.filters.admin import RangeDateFilter
from unfold.utils import parse_date_str


class LocalDateRangeFilter(RangeDateFilter):
    """A From/To range of days, both included, as days of the site's time
    zone, on a date or a date-and-time field.

    unfold's own filters compare a date-and-time field with midnight of the
    "To" day (so the day itself is left out), and its date-and-time variant
    ignores a range typed without times. Here a date-and-time field is
    compared with the local midnights around the days, so its index serves the
    range, and a date that cannot be read is said, not silently ignored.
    On a date-and-time field the filter says which time zone its days are
    in (the browser's own warning about time zones is not shown)."""

    template = "admin/filters/local_date_range.html"

    @property
    def time_zone_note(self) -> str:
        if not isinstance(self.field, DateTimeField):
            return ""  # a day is a day: no time zone to say
        return _("Days in the site's time zone (%(zone)s).") % {"zone": settings.TIME_ZONE}

    def queryset(self, request, queryset):
        bounds = {}
        for end in ("from", "to"):
            raw = self.used_parameters.get(f"{self.parameter_name}_{end}")
            if raw in EMPTY_VALUES:
                continue
            day = parse_date_str(raw) if isinstance(raw, str) else None
            if day is None:
                messages.warning(request, _("“%(value)s” is not a date (day/month/year): that "
                                            "end of the range is not applied.") % {"value": raw})
                continue
            bounds[end] = day
        if not bounds:
            return queryset
        if not isinstance(self.field, DateTimeField):
            lookups = {"from": "gte", "to": "lte"}
            return queryset.filter(**{f"{self.field_path}__{lookups[end]}": day
                                      for end, day in bounds.items()})
        filters = {}
        if "from" in bounds:
            filters[f"{self.field_path}__gte"] = local_midnight(bounds["from"])
        if "to" in bounds:
            filters[f"{self.field_path}__lt"] = local_midnight(
                bounds["to"] + datetime.timedelta(days=1))
        return queryset.filter(**filters)


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
