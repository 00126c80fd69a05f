"""The working rules in the admin: managers edit them (one row), the
holidays and the status ageing limits. Leave days: managers for any
counsellor, counsellors their own, compliance reads."""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.decorators import display
from unfold.views import ChangeList
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from backoffice.accounts.roles import is_compliance, is_counsellor, is_manager
from backoffice.accounts.selectors import counsellors_active
from backoffice.core.admin_base import BaseAdmin, HiddenObjectsAnswer404Mixin, ManagersOnlyMixin
from backoffice.followups import services
from backoffice.followups.models import (
    WEEKDAY_NAMES, Holiday, LeaveDay, StatusAgeing, WorkRules,
)


class _ManagersEdit(ManagersOnlyMixin, HiddenObjectsAnswer404Mixin, SimpleHistoryAdmin,
                    BaseAdmin):
    pass


class WorkRulesForm(forms.ModelForm):
    """Working days as a box per day (stored as the days' digits)."""

    working_days = forms.TypedMultipleChoiceField(
        label=_("Working days"), coerce=int, choices=[(number, name) for number, name in enumerate(WEEKDAY_NAMES)],
        error_messages={"required": _("Choose at least one working day.")})

    class Meta:
        model = WorkRules
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["working_days"].widget = UnfoldAdminCheckboxSelectMultipleWidget(
            choices=self.fields["working_days"].choices)
        if self.instance and self.instance.working_days:
            self.initial["working_days"] = [int(ch) for ch in self.instance.working_days]
        # hours and minutes ("09:00"), as people write them, not "09:00:00"
        for name in ("day_starts", "day_ends", "digest_time"):
            self.fields[name].widget.format = "%H:%M"
        # the words the counsellors read on "My calls"
        self.fields["cadence"].label = _("Call-back schedule")

    def clean_working_days(self):
        return "".join(str(day) for day in sorted(set(self.cleaned_data["working_days"])))


@admin.register(WorkRules)
class WorkRulesAdmin(_ManagersEdit):
    """One row: the list opens it."""

    form = WorkRulesForm

    fieldsets = (
        (_("Working time"), {"fields": ("working_days", "day_starts", "day_ends")}),
        (_("Calls"), {"fields": ("sla_minutes", "cadence", "max_attempts")}),
        (_("Notifications"), {"fields": ("digest_time", "escalate_after_days")}),
    )

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            return super().changelist_view(request, extra_context)
        # the one row, made with the settings' defaults the first time
        WorkRules.objects.get_or_create(pk=1)
        return redirect(reverse("admin:followups_workrules_change", args=[1]))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday)
class HolidayAdmin(_ManagersEdit):
    list_display = ("date", "name")
    ordering = ("-date",)
    fields = ("date", "name")


@admin.register(StatusAgeing)
class StatusAgeingAdmin(_ManagersEdit):
    list_display = ("status_label", "max_idle_days")
    list_editable = ("max_idle_days",)
    ordering = ("id",)
    fields = ("status", "max_idle_days")

    @display(description=_("Status"))
    def status_label(self, obj):
        return obj.get_status_display()


# --- leave days ---------------------------------------------------------------

def _sees_everyones_leave(user) -> bool:
    return is_manager(user) or is_compliance(user)


class LeaveDayForm(forms.ModelForm):
    """The service's rules (own leave only, no past days for counsellors) as
    form errors; the user field is left out for counsellors: it is them."""

    class Meta:
        model = LeaveDay
        fields = ("user", "date", "note")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if "user" in self.fields:
            self.fields["user"].queryset = counsellors_active()
        if not self.instance.pk and "user" not in self.fields:
            self.instance.user = request.user
        if "date" in self.fields:
            self.fields["date"].help_text = (
                _("No new leads go to the counsellor that day.") if "user" in self.fields
                else _("A day you are away: no new leads go to you that day. For a day "
                       "already past, ask a manager."))

    def clean(self):
        cleaned = super().clean()
        leave = self.instance
        if "user" in cleaned:
            leave.user = cleaned["user"]
        if cleaned.get("date"):
            leave.date = cleaned["date"]
        if leave.user_id and leave.date:
            try:
                services.leave_day_check(leave=leave, by=self.request.user)
            except PermissionDenied as exc:
                raise ValidationError(str(exc)) from exc
            clash = LeaveDay.objects.filter(user=leave.user_id, date=leave.date)
            if leave.pk:
                clash = clash.exclude(pk=leave.pk)
            if clash.exists():
                raise ValidationError(_("That day is already recorded as leave."))
        return cleaned


class _DatesInRangeChangeList(ChangeList):
    """Django's date drill-down computes the end of the year, month or day
    asked for outside its own check: ``?date__year=9999`` is 10000 and a
    500. Out-of-range dates are wrong parameters (the list opens unfiltered)."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


@admin.register(LeaveDay)
class LeaveDayAdmin(HiddenObjectsAnswer404Mixin, BaseAdmin):
    """Managers record leave for any counsellor; a counsellor sees and records
    only their own (today or later); compliance reads. No new leads go to a
    counsellor on a leave day."""

    form = LeaveDayForm
    list_display = ("date", "user", "note", "created_by")
    list_select_related = ("user", "created_by")
    search_fields = ("user__first_name", "user__last_name", "user__username", "note")
    date_hierarchy = "date"
    ordering = ("-date", "user__first_name")
    list_per_page = 50

    def get_changelist(self, request, **kwargs):
        return _DatesInRangeChangeList

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if _sees_everyones_leave(request.user) or request.user.is_superuser:
            return queryset
        if is_counsellor(request.user):
            return queryset.filter(user=request.user)
        return queryset.none()

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404  # another's leave answers like a missing one
        return obj

    def get_list_display(self, request):
        if is_counsellor(request.user) and not is_manager(request.user):
            return ("date", "note", "created_by")
        return self.list_display

    def get_list_filter(self, request):
        if is_counsellor(request.user) and not is_manager(request.user):
            return ()
        return (("user", admin.RelatedOnlyFieldListFilter),)  # those with leave, not everyone

    def get_fields(self, request, obj=None):
        if is_manager(request.user) or request.user.is_superuser:
            return ("user", "date", "note")
        if obj is not None and not self.has_change_permission(request, obj):
            return ("user", "date", "note")  # shown read-only
        return ("date", "note")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class RequestForm(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, request=request, **inner)

        return RequestForm

    def _own_and_ahead(self, request, obj) -> bool:
        if obj is None or is_manager(request.user) or request.user.is_superuser:
            return True
        return obj.user_id == request.user.pk and obj.date >= timezone.localdate()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._own_and_ahead(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._own_and_ahead(request, obj)

    def save_model(self, request, obj, form, change):
        services.leave_day_save(leave=obj, by=request.user)

    def delete_model(self, request, obj):
        services.leave_day_delete(leave=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for leave in queryset:
            services.leave_day_delete(leave=leave, by=request.user)
