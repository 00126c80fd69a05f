"""The working rules in the admin: managers edit them (one row), the
holidays and the status ageing limits. Everyone else has no page here."""

from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.decorators import display
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from backoffice.accounts.roles import is_manager
from backoffice.core.admin_base import BaseAdmin, HiddenObjectsAnswer404Mixin
from backoffice.followups.models import WEEKDAY_NAMES, Holiday, StatusAgeing, WorkRules


class _ManagersEdit(HiddenObjectsAnswer404Mixin, SimpleHistoryAdmin, BaseAdmin):
    def has_module_permission(self, request):
        return is_manager(request.user)

    def has_view_permission(self, request, obj=None):
        return is_manager(request.user)

    def has_change_permission(self, request, obj=None):
        return is_manager(request.user)

    def has_add_permission(self, request):
        return is_manager(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_manager(request.user)


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
