from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import (
    ChoicesDropdownFilter, RangeDateTimeFilter, RelatedDropdownFilter,
)
from unfold.decorators import display

from backoffice.audit.models import ActivityLog
from backoffice.audit.selectors import MATCHES_CAP, customer_ids_matching
from backoffice.core.admin_base import BaseAdmin, HiddenObjectsAnswer404Mixin, ReadOnlyAdminMixin
from backoffice.customers.models import Customer
from backoffice.customers.pagination import LargeTablePaginator


@admin.register(ActivityLog)
class ActivityLogAdmin(HiddenObjectsAnswer404Mixin, ReadOnlyAdminMixin, BaseAdmin):
    """Read-only: the log is written by the app, never edited."""

    list_display = ("at", "user", "action", "target", "rows", "via")
    list_filter = ("action", ("at", RangeDateTimeFilter), "via")
    list_filter_submit = True
    search_fields = ("target", "user__username", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    ordering = ("-at",)
    readonly_fields = ("at", "user", "action", "target", "details", "rows", "via")


class CustomerChangeAdmin(HiddenObjectsAnswer404Mixin, ReadOnlyAdminMixin, BaseAdmin):
    """Every recorded change to every customer, newest first: the compliance
    view across customers (each customer's own history, with what changed,
    is one click away). Managers only."""

    paginator = LargeTablePaginator
    show_full_result_count = False
    list_per_page = 50
    list_display = ("when", "customer", "change", "what", "status", "assigned_to", "by")
    list_filter = (
        ("history_type", ChoicesDropdownFilter),
        ("history_user", RelatedDropdownFilter),
        ("history_date", RangeDateTimeFilter),
    )
    list_filter_submit = True
    list_select_related = ("history_user", "assigned_to")
    ordering = ("-history_date", "-history_id")
    search_fields = ("id",)  # shows the box; get_search_results does the work
    search_help_text = _("Customer number, phone (any format) or name")

    def has_module_permission(self, request):
        return request.user.has_perm("customers.view_historicalcustomer")

    def get_search_results(self, request, queryset, search_term):
        """Through the customers table, whose phone and name are indexed (the
        history is indexed by customer id), and the deletion records."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isascii() and term.isdecimal() and len(term) < 9:
            return queryset.filter(id=int(term)), False
        ids, capped = customer_ids_matching(term)
        if capped:
            messages.warning(request, _("More than %d customers match: the changes of %d of "
                                        "them are listed. Narrow the search.")
                             % (MATCHES_CAP, MATCHES_CAP))
        return queryset.filter(id__in=ids), False

    @display(description=_("Customer"))
    def customer(self, record):
        link = reverse("admin:customers_customer_history", args=[record.id])
        return format_html('<a class="underline" href="{}">{}</a> <span class="text-xs">#{}</span>',
                           link, record.name, record.id)

    @display(description=_("When"), ordering="history_date")
    def when(self, record):
        return record.history_date

    @display(description=_("What"))
    def what(self, record):
        return record.history_change_reason

    @display(description=_("By"))
    def by(self, record):
        return record.history_user or "—"

    @display(description=_("Change"), label={"+": "success", "~": "info", "-": "danger"})
    def change(self, record):
        return record.history_type, CHANGE_LABELS.get(record.history_type, record.history_type)


CHANGE_LABELS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
admin.site.register(Customer.history.model, CustomerChangeAdmin)
