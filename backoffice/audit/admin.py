from django.contrib import admin
from unfold.contrib.filters.admin import RangeDateTimeFilter

from backoffice.audit.models import ActivityLog
from backoffice.core.admin_base import BaseAdmin, ReadOnlyAdminMixin


@admin.register(ActivityLog)
class ActivityLogAdmin(ReadOnlyAdminMixin, BaseAdmin):
    """Read-only: the log is written by the app, never edited."""

    list_display = ("at", "user", "action", "target", "rows", "via")
    list_filter = ("action", ("at", RangeDateTimeFilter), "via")
    list_filter_submit = True
    search_fields = ("target", "user__username", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    ordering = ("-at",)
    readonly_fields = ("at", "user", "action", "target", "details", "rows", "via")
