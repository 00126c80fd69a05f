"""List filters whose choices must not leak: they list counsellors (for
managers only) or fixed buckets, never values read from other people's
customers."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import DropdownFilter

from backoffice.accounts.selectors import counsellors_for_filter

UNASSIGNED = "none"


def _counsellor_choices():
    return [
        (str(user.pk), str(user) if user.is_active else _("%s (inactive)") % user)
        for user in counsellors_for_filter().only(
            "pk", "first_name", "last_name", "username", "is_active")
    ]


class CounsellorFilter(DropdownFilter):
    title = _("counsellor")
    parameter_name = "counsellor"
    field = "assigned_to"

    def lookups(self, request, model_admin):
        return [(UNASSIGNED, _("— Unassigned —"))] + _counsellor_choices()

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value == UNASSIGNED:
            return queryset.filter(**{f"{self.field}__isnull": True})
        # ASCII digits, short enough for a bigint: "²".isdigit() is true and
        # int("²") fails; 25 nines overflow the database's integer
        if not (value.isascii() and value.isdigit() and len(value) < 19):
            return queryset.none()
        return queryset.filter(**{self.field: int(value)})


class ChangedByFilter(CounsellorFilter):
    title = _("by")
    parameter_name = "by"
    field = "changed_by"

    def lookups(self, request, model_admin):
        return _counsellor_choices()


class FollowUpFilter(DropdownFilter):
    title = _("follow-up")
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return FOLLOW_UP_CHOICES

    def queryset(self, request, queryset):
        return follow_up_filtered(queryset, self.value())


FOLLOW_UP_CHOICES = [
    ("due", _("Due (today or overdue)")),
    ("overdue", _("Overdue")),
    ("today", _("Today")),
    ("week", _("In the next 7 days")),
    ("none", _("None planned")),
]


def follow_up_filtered(queryset, value):
    """Customers by their next follow-up: due, overdue, today, in the next
    7 days, none planned (the list's filter and the API's)."""
    today = timezone.localdate()
    match value:
        case "due":
            return queryset.filter(next_follow_up__lte=today)
        case "overdue":
            return queryset.filter(next_follow_up__lt=today)
        case "today":
            return queryset.filter(next_follow_up=today)
        case "week":
            return queryset.filter(
                next_follow_up__gte=today,
                next_follow_up__lte=today + datetime.timedelta(days=7),
            )
        case "none":
            return queryset.filter(next_follow_up__isnull=True)
    return queryset


class AttentionFilter(DropdownFilter):
    """Customers past their first-call target, not reachable, or aged."""

    title = _("attention needed")  # "By attention needed" in the filters
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        from backoffice.followups import attention

        return [
            (attention.FIRST_CALL_LATE, _("First call late")),
            (attention.NOT_REACHABLE, _("Not reachable")),
            (attention.AGED, _("Aged in their status")),
        ]

    def queryset(self, request, queryset):
        from backoffice.followups import attention

        value = self.value()
        if value in (attention.FIRST_CALL_LATE, attention.NOT_REACHABLE, attention.AGED):
            return queryset.filter(attention.attention_q(value))
        return queryset
