"""The customer list's filters for the API: the admin list's filters, by the
same rules (customers.filters, followups.attention, customers.selectors'
search), applied to what the caller may see. Unknown values are a 400 with
the reason, never silently ignored."""

import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backoffice.core.filters import local_midnight
from backoffice.customers.filters import FOLLOW_UP_CHOICES, follow_up_filtered
from backoffice.customers.selectors import customer_search
from backoffice.customers.statuses import Status
from backoffice.followups import attention

MAX_ID = 2**63 - 1


class CustomerFilters(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=200, trim_whitespace=True,
                              help_text=_("Search: name, phone (any way written), email."))
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=Status.choices), required=False, max_length=20,
        help_text=_("One or more statuses (repeat the parameter)."))
    counsellor = serializers.RegexField(
        r"^(none|[0-9]{1,18})$", required=False,
        help_text=_("A counsellor's user id, or “none” for unassigned customers."))
    area = serializers.CharField(required=False, max_length=120,
                                 help_text=_("Area contains this text."))
    data_source = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    follow_up = serializers.ChoiceField(choices=FOLLOW_UP_CHOICES, required=False)
    attention = serializers.ChoiceField(choices=[
        (attention.FIRST_CALL_LATE, _("First call late: past the first-call target")),
        (attention.NOT_REACHABLE, _("Not reachable: unanswered calls in a row")),
        (attention.AGED, _("Aged: idle in their status past its limit")),
    ], required=False)
    date_added_from = serializers.DateField(required=False)
    date_added_to = serializers.DateField(required=False)
    next_follow_up_from = serializers.DateField(required=False)
    next_follow_up_to = serializers.DateField(required=False)
    last_contacted_from = serializers.DateField(
        required=False, help_text=_("A day in the site's time zone."))
    last_contacted_to = serializers.DateField(required=False)

    def validate_last_contacted_from(self, day):
        return _day_in_range(day)

    def validate_last_contacted_to(self, day):
        return _day_in_range(day, days_after=1)

    @classmethod
    def from_request(cls, request) -> dict:
        params = request.query_params
        data = {name: params.get(name) for name in cls().fields if name in params}
        if "status" in params:
            data["status"] = params.getlist("status")
        filters = cls(data=data)
        filters.is_valid(raise_exception=True)
        return filters.validated_data


def _day_in_range(day: datetime.date, *, days_after: int = 0) -> datetime.date:
    """The day, if its local midnight (``days_after`` days on) is a moment the
    database can hold: 0001-01-01 in India is a moment of year 0 in UTC."""
    try:
        local_midnight(day + datetime.timedelta(days=days_after)).astimezone(datetime.UTC)
    except OverflowError:
        raise serializers.ValidationError(_("Out of range.")) from None
    return day


def customers_filtered(queryset, filters: dict):
    if filters.get("status"):
        queryset = queryset.filter(status__in=filters["status"])
    counsellor = filters.get("counsellor")
    if counsellor == "none":
        queryset = queryset.filter(assigned_to__isnull=True)
    elif counsellor:
        queryset = queryset.filter(assigned_to=int(counsellor))
    if filters.get("area"):
        queryset = queryset.filter(area__icontains=filters["area"])
    if filters.get("data_source"):
        queryset = queryset.filter(data_source=filters["data_source"])
    if filters.get("follow_up"):
        queryset = follow_up_filtered(queryset, filters["follow_up"])
    if filters.get("attention"):
        queryset = queryset.filter(attention.attention_q(filters["attention"]))
    for field in ("date_added", "next_follow_up"):
        if f"{field}_from" in filters:
            queryset = queryset.filter(**{f"{field}__gte": filters[f"{field}_from"]})
        if f"{field}_to" in filters:
            queryset = queryset.filter(**{f"{field}__lte": filters[f"{field}_to"]})
    if "last_contacted_from" in filters:
        queryset = queryset.filter(
            last_contacted__gte=local_midnight(filters["last_contacted_from"]))
    if "last_contacted_to" in filters:
        queryset = queryset.filter(last_contacted__lt=local_midnight(
            filters["last_contacted_to"] + datetime.timedelta(days=1)))
    if filters.get("q"):
        queryset = customer_search(queryset, filters["q"])
    return queryset
