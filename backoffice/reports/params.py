"""What a report is asked for: the viewer, a date range and the filters.

``ReportFilterForm`` reads them from a query string (the report page, the
dashboard's links) and the ``report`` command builds the same thing from its
options, so a report reads the same wherever it is asked for.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

from backoffice.accounts.roles import is_manager
from backoffice.accounts.selectors import counsellors_for_filter
from backoffice.core.forms import DAY_FIRST, DayFirstDateField
from backoffice.core.words import local_date

PRESETS = [
    ("today", _("Today")),
    ("this_week", _("This week")),
    ("this_month", _("This month")),
    ("last_30_days", _("Last 30 days")),
    ("this_year", _("This year")),
    ("custom", _("Custom")),
]
GRANULARITIES = [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))]
DEFAULT_PRESET = "this_month"
YEARS = (1900, 2999)  # the dates a report may be asked about


def preset_range(preset: str, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    if preset == "today":
        return today, today
    if preset == "this_week":
        return today - datetime.timedelta(days=today.weekday()), today
    if preset == "last_30_days":
        return today - datetime.timedelta(days=29), today
    if preset == "this_year":
        return today.replace(month=1, day=1), today
    return today.replace(day=1), today  # this month


@dataclass
class ReportParams:
    user: object
    date_from: datetime.date
    date_to: datetime.date
    counsellor_id: int | None = None
    area: str = ""
    data_source_id: int | None = None
    granularity: str = ""

    @property
    def period_granularity(self) -> str:
        """The granularity asked for, else one that gives a readable chart."""
        if self.granularity:
            return self.granularity
        days = (self.date_to - self.date_from).days
        return "day" if days <= 62 else "week" if days <= 200 else "month"

    def as_query(self) -> dict[str, str]:
        query = {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat(),
                 "preset": "custom"}
        if self.counsellor_id:
            query["counsellor"] = str(self.counsellor_id)
        if self.area:
            query["area"] = self.area
        if self.data_source_id:
            query["data_source"] = str(self.data_source_id)
        if self.granularity:
            query["granularity"] = self.granularity
        return query

    def describe(self) -> str:
        return f"{local_date(self.date_from)} – {local_date(self.date_to)}"


def time_zone_note() -> str:
    """Said once in a date filter: the days are the site's, whatever the
    browser's time zone."""
    return _("Days are counted in the site's time zone (%(zone)s).") % {
        "zone": settings.TIME_ZONE}


class ReportFilterForm(forms.Form):
    preset = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False,
                               widget=UnfoldAdminSelectWidget)
    date_from = DayFirstDateField(label=_("From"), required=False)
    date_to = DayFirstDateField(label=_("To"), required=False)
    counsellor = forms.TypedChoiceField(label=_("Counsellor"), required=False, coerce=int,
                                        empty_value=None, widget=UnfoldAdminSelectWidget)
    area = forms.CharField(label=_("Area"), required=False, max_length=120,
                           widget=UnfoldAdminTextInputWidget)
    data_source = forms.TypedChoiceField(label=_("Data source"), required=False, coerce=int,
                                         empty_value=None, widget=UnfoldAdminSelectWidget)
    granularity = forms.ChoiceField(label=_("Per"), required=False,
                                    choices=[("", _("Automatic")), *GRANULARITIES],
                                    widget=UnfoldAdminSelectWidget)

    def __init__(self, *args, user, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.data.get("preset") not in (None, "", *dict(PRESETS)):
            # a period this version no longer knows (an old link): this month
            self.data = self.data.copy()
            self.data["preset"] = DEFAULT_PRESET
        applies = set(report.filters) if report else {"counsellor", "area", "data_source"}
        manager = is_manager(user)
        if manager and "counsellor" in applies:
            self.fields["counsellor"].choices = [("", _("All counsellors"))] + [
                (u.pk, str(u)) for u in counsellors_for_filter()]
        else:
            del self.fields["counsellor"]
        if manager and "data_source" in applies:
            from backoffice.imports.models import DataSource

            self.fields["data_source"].choices = [("", _("All sources"))] + [
                (s.pk, s.name) for s in DataSource.objects.order_by("name")]
        else:
            del self.fields["data_source"]
        if "area" not in applies:
            del self.fields["area"]
        if not (report and report.has_granularity):
            del self.fields["granularity"]

    def clean(self):
        data = super().clean()
        preset = data.get("preset") or ("custom" if data.get("date_from") or data.get("date_to")
                                        else DEFAULT_PRESET)
        if preset == "custom":
            today = timezone.localdate()
            date_from = data.get("date_from") or today.replace(day=1)
            date_to = data.get("date_to") or today
        else:
            date_from, date_to = preset_range(preset)
        if date_from > date_to:
            raise forms.ValidationError(
                _("Nothing is shown: the start date (%(start)s) is after the end date "
                  "(%(end)s). Change one of them.")
                % {"start": local_date(date_from), "end": local_date(date_to)},
                code="range_reversed")
        if (date_to - date_from).days > 366 * 5:
            raise forms.ValidationError(_("Choose a range of five years or less."))
        if date_from.year < YEARS[0] or date_to.year > YEARS[1]:
            # the reports step a day or a period past the range: year 1 or 9999 would overflow
            raise forms.ValidationError(_("Choose dates between %(first)d and %(last)d.")
                                        % {"first": YEARS[0], "last": YEARS[1]})
        data["preset"], data["date_from"], data["date_to"] = preset, date_from, date_to
        self._show_dates(preset, date_from, date_to)
        return data

    def _show_dates(self, preset, date_from, date_to):
        """The boxes show the days the period means ("This month": the 1st to
        today), and the period chosen."""
        shown = self.data.copy()
        shown["preset"] = preset
        shown[self.add_prefix("date_from")] = date_from.strftime(DAY_FIRST)
        shown[self.add_prefix("date_to")] = date_to.strftime(DAY_FIRST)
        self.data = shown

    def params(self) -> ReportParams:
        data = self.cleaned_data
        return ReportParams(
            user=self.user, date_from=data["date_from"], date_to=data["date_to"],
            counsellor_id=data.get("counsellor"), area=(data.get("area") or "").strip(),
            data_source_id=data.get("data_source"), granularity=data.get("granularity") or "",
        )


def params_default(user, **overrides) -> ReportParams:
    date_from, date_to = preset_range(DEFAULT_PRESET)
    return ReportParams(user=user, date_from=date_from, date_to=date_to, **overrides)
