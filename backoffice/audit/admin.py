import datetime
import json
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import (
    ChoicesDropdownFilter, DropdownFilter, RelatedDropdownFilter,
)
from unfold.decorators import display
from unfold.views import ChangeList

from backoffice.accounts.models import User
from backoffice.accounts.roles import is_manager
from backoffice.audit import selectors
from backoffice.audit.exports import CsvExportMixin
from backoffice.audit.exports import local_time as _local
from backoffice.audit.models import ActivityLog
from backoffice.audit.selectors import MATCHES_CAP, customer_ids_matching
from backoffice.core import words
from backoffice.core.admin_base import BaseAdmin, HiddenObjectsAnswer404Mixin, ReadOnlyAdminMixin
from backoffice.core.filters import LocalDateRangeFilter
from backoffice.customers.details import details_as_lines
from backoffice.customers.models import Customer
from backoffice.customers.pagination import LargeTablePaginator
from backoffice.customers.statuses import Status
from backoffice.imports.models import DataSource, ImportRun


@admin.register(ActivityLog)
class ActivityLogAdmin(CsvExportMixin, HiddenObjectsAnswer404Mixin, ReadOnlyAdminMixin,
                       BaseAdmin):
    """Read-only: the log is written by the app, never edited."""

    export_filename = "activity-log"

    list_display = ("at", "user", "action", "target", "rows", "via")
    list_filter = ("action", ("at", LocalDateRangeFilter), "via")
    list_filter_submit = True
    search_fields = ("target", "user__username", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    ordering = ("-at",)
    readonly_fields = ("at", "user", "action", "target", "details", "rows", "via")

    def export_headers(self):
        return ["At", "User", "Action", "What", "Rows", "Via", "Details"]

    def export_rows(self, records, request):
        for entry in records:
            yield [_local(entry.at), entry.user.username if entry.user else "",
                   entry.get_action_display(), entry.target, entry.rows, entry.via,
                   json.dumps(entry.details, ensure_ascii=False, sort_keys=True)]


def titled(filter_class, title):
    """A field filter shown under a title of our own (not "By history user")."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


FIELD_LABELS = {field: Customer._meta.get_field(field).verbose_name.capitalize()
                for field in selectors.REVIEWED_FIELDS}
CHANGE_LABELS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


class FieldChangedFilter(DropdownFilter):
    """Changes of one field. Each record is compared with the one before it,
    so over the whole history a rarely changed field means reading all of it:
    without a date range, a customer or an import run, the last
    REVIEW_FIELD_FILTER_DAYS are searched, and the page says so."""

    title = _("field changed")
    parameter_name = "field"
    NARROWING = ("history_date_from", "history_date_to", "q", "import_run")

    def lookups(self, request, model_admin):
        return list(FIELD_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() not in FIELD_LABELS:
            return queryset
        if not any(request.GET.get(name) for name in self.NARROWING):
            days = settings.REVIEW_FIELD_FILTER_DAYS
            queryset = queryset.filter(history_date__gte=timezone.now() - timedelta(days=days))
            messages.info(request, _("Changes of “%(field)s” in the last %(days)d days. Set a "
                                     "date range (or a customer) to look further back.")
                          % {"field": FIELD_LABELS[self.value()], "days": days})
        return selectors.history_changes_of_field(queryset, self.value())


class ImportRunFilter(DropdownFilter):
    """The writes of one import run (the latest runs are offered; any run
    by its number in the address)."""

    title = _("import run")
    parameter_name = "import_run"
    OFFERED = 50

    def lookups(self, request, model_admin):
        runs = ImportRun.objects.order_by("-created_at")[: self.OFFERED]
        return [(str(run.pk), f"#{run.pk} {run.original_name}") for run in runs]

    def queryset(self, request, queryset):
        value = self.value()
        if not (value and value.isascii() and value.isdecimal()):
            return queryset
        run = ImportRun.objects.filter(pk=int(value)).first()
        if run is None:
            return queryset.none()
        return selectors.history_changes_by_import(queryset, run)


class ReviewChangeList(ChangeList):
    """Each record on the page with its field-by-field changes, worked out
    for the whole page at once."""

    def get_results(self, request):
        super().get_results(request)
        records = list(self.result_list)
        previous = selectors.history_previous_of(records)
        changes = {r.history_id: selectors.history_field_changes(r, previous.get(r.history_id))
                   for r in records}
        users, sources = set(), set()
        for found in changes.values():
            for field, old, new in found:
                if field == "assigned_to":
                    users.update(v for v in (old, new) if v)
                elif field == "data_source":
                    sources.update(v for v in (old, new) if v)
        names = {
            "assigned_to": {u.pk: str(u) for u in User.objects.filter(pk__in=users)},
            "data_source": {d.pk: str(d) for d in DataSource.objects.filter(pk__in=sources)},
        }
        manager = is_manager(request.user)
        for record in records:
            # managers go to the customer's own history; a reviewer (who has
            # no customer list) to this review narrowed to the customer
            record.review_link = (
                reverse("admin:customers_customer_history", args=[record.id]) if manager
                else reverse("admin:customers_historicalcustomer_changelist") + f"?q={record.id}"
            )
            record.field_changes = [
                (FIELD_LABELS[field], review_value(field, old, names, on_screen=True),
                 review_value(field, new, names, on_screen=True))
                for field, old, new in changes[record.history_id]
            ]


def review_value(field: str, value, names: dict, *, on_screen: bool = False) -> str:
    """A field's value as a reviewer reads it: labels, names, local dates; on
    the screen phones as people write them (the CSV keeps the stored number,
    which a spreadsheet reads as text)."""
    if value is None or value == "" or value == {} or value == []:
        return "—"
    if field == "source_details":
        return "; ".join(details_as_lines(value).splitlines()) or "—"
    if field == "status":
        return str(Status(value).label) if value in Status.values else str(value)
    if field in names:
        return names[field].get(value, f"#{value}")
    if on_screen and field in ("phone", "alternate_phone"):
        from backoffice.customers.phones import phone_display

        return phone_display(str(value))  # +91 98765 43210, as every page writes it
    if isinstance(value, datetime.datetime):
        return words.local_datetime(value)
    if isinstance(value, datetime.date):
        return words.local_date(value)
    return str(value)


class CustomerChangeAdmin(CsvExportMixin, HiddenObjectsAnswer404Mixin, ReadOnlyAdminMixin,
                          BaseAdmin):
    """Every recorded change to every customer, newest first: the review
    screen for compliance and managers. Filter by customer (search), person,
    field changed, kind of change, date range and import run; each row shows
    its changes field by field, old → new. Read-only for everyone."""

    paginator = LargeTablePaginator
    show_full_result_count = False
    list_per_page = 50
    list_display = ("when", "customer", "change", "changes", "what", "by")
    list_filter = (
        FieldChangedFilter,
        ("history_type", titled(ChoicesDropdownFilter, _("kind of change"))),
        ("history_user", titled(RelatedDropdownFilter, _("person"))),
        ("history_date", titled(LocalDateRangeFilter, _("date"))),
        ImportRunFilter,
    )
    list_filter_submit = True
    list_select_related = ("history_user",)
    ordering = ("-history_date", "-history_id")
    search_fields = ("id",)  # shows the box; get_search_results does the work
    search_help_text = _("Customer number, phone (any format) or name")
    export_filename = "change-history"
    # one record, read-only: what was recorded, in words (not history_* names)
    fields = ("when", "change", "by", "what", "id", "name", "phone", "phone_raw",
              "alternate_phone", "email", "area", "status", "remarks", "next_follow_up",
              "assigned_to", "date_added", "data_source", "import_run", "source_details")
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.has_perm("customers.view_historicalcustomer")

    def get_changelist(self, request, **kwargs):
        return ReviewChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # a field filter compares each record with the one before: counted up to a cap
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page,
                              searching=FieldChangedFilter.parameter_name in request.GET)

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
        link = getattr(record, "review_link", "")
        return format_html('<a class="underline" href="{}">{}</a> <span class="text-xs">#{}</span>',
                           link, record.name, record.id)

    @display(description=_("When"), ordering="history_date")
    def when(self, record):
        return record.history_date

    @display(description=_("Changes"))
    def changes(self, record):
        found = getattr(record, "field_changes", None) or []
        lines = format_html_join(
            "", '<div class="alims-change"><span class="font-medium">{}</span>: {} → {}</div>',
            ((label, Truncator(old).chars(80), Truncator(new).chars(80))
             for label, old, new in found),
        )
        # one block (the phone layout lays a cell's children side by side)
        return format_html('<div class="alims-changes">{}</div>', lines) if lines else "—"

    @display(description=_("Reason"))
    def what(self, record):
        return record.history_change_reason

    @display(description=_("By"))
    def by(self, record):
        return record.history_user or "—"

    @display(description=_("Change"), label={"+": "success", "~": "info", "-": "danger"})
    def change(self, record):
        return record.history_type, CHANGE_LABELS.get(record.history_type, record.history_type)

    def export_headers(self):
        return ["When", "Customer number", "Customer", "Phone", "Change", "Field", "Old", "New",
                "By", "Reason"]

    def export_rows(self, records, request):
        """One line per field changed (a deletion: one line), old and new as
        the review shows them, only the filtered field's when the list is
        filtered by one; a chunk of records at a time."""
        only = request.GET.get(FieldChangedFilter.parameter_name)
        names = {"assigned_to": {u.pk: str(u) for u in User.objects.all()},
                 "data_source": {d.pk: str(d) for d in DataSource.objects.all()}}
        chunk = []
        for record in records:
            chunk.append(record)
            if len(chunk) == 500:
                yield from self._export_chunk(chunk, names, only)
                chunk = []
        yield from self._export_chunk(chunk, names, only)

    def _export_chunk(self, records, names, only=None):
        previous = selectors.history_previous_of(records)
        for record in records:
            base = [_local(record.history_date), record.id, record.name, record.phone,
                    str(CHANGE_LABELS.get(record.history_type, record.history_type))]
            tail = [str(record.history_user or ""), record.history_change_reason or ""]
            found = selectors.history_field_changes(record, previous.get(record.history_id))
            if only in FIELD_LABELS:
                found = [change for change in found if change[0] == only]
            if not found:
                yield [*base, "", "", "", *tail]
            for field, old, new in found:
                yield [*base, str(FIELD_LABELS[field]), review_value(field, old, names),
                       review_value(field, new, names), *tail]


admin.site.register(Customer.history.model, CustomerChangeAdmin)


# --- Login attempts (django-axes' records), read-only ------------------------

LOGIN_LABELS = {"attempt_time": _("When"), "logout_time": _("Signed out"),
                "username": _("Username typed"), "ip_address": _("Address"),
                "user_agent": _("Browser"), "path_info": _("Page"),
                "locked_out": _("Locked out"), "failures_since_start": _("Failed sign-ins")}

class _LoginRecordAdmin(CsvExportMixin, HiddenObjectsAnswer404Mixin, ReadOnlyAdminMixin, BaseAdmin):
    """Form data is never shown: it may hold what someone typed by mistake."""

    ordering = ("-attempt_time",)
    list_filter = (("attempt_time", LocalDateRangeFilter),)
    list_filter_submit = True
    search_fields = ("username", "ip_address")
    search_help_text = _("Username or address")

    def lookup_allowed(self, lookup, value, request=None):
        """Only the list's own filters: Django would take any field in the
        address, and PostgreSQL's inet refuses text that is no address (500)."""
        return lookup.split("__", 1)[0] in ("attempt_time", "locked_out")

    def export_headers(self):
        return [str(LOGIN_LABELS.get(name) or self.model._meta.get_field(name).verbose_name)
                for name in self.export_fields]

    @display(description=_("When"), ordering="attempt_time")
    def when(self, record):
        return record.attempt_time

    @display(description=_("Username typed"))
    def who(self, record):
        return record.username

    @display(description=_("Address"))
    def address(self, record):
        return record.ip_address

    @display(description=_("Browser"))
    def browser(self, record):
        return Truncator(record.user_agent).chars(60)

    def export_rows(self, records, request):
        for record in records:
            yield [_local(value) if hasattr(value, "tzinfo") else value
                   for value in (getattr(record, name) for name in self.export_fields)]


@admin.register(AccessLog)
class SignInAdmin(_LoginRecordAdmin):
    list_display = ("when", "who", "address", "signed_out", "browser")
    fields = readonly_fields = ("attempt_time", "logout_time", "username", "ip_address",
                                "user_agent", "path_info")
    export_fields = fields
    export_filename = "sign-ins"

    @display(description=_("Signed out"))
    def signed_out(self, record):
        return record.logout_time


@admin.register(AccessFailureLog)
class FailedSignInAdmin(_LoginRecordAdmin):
    list_display = ("when", "who", "address", "locked", "browser")
    list_filter = ("locked_out", ("attempt_time", LocalDateRangeFilter))
    fields = readonly_fields = ("attempt_time", "username", "ip_address", "locked_out",
                                "user_agent", "path_info")
    export_fields = fields
    export_filename = "failed-sign-ins"

    @display(description=_("Locked out"), boolean=True)
    def locked(self, record):
        return record.locked_out


@admin.register(AccessAttempt)
class LockoutCounterAdmin(_LoginRecordAdmin):
    """axes' counters of failed sign-ins. A superuser deletes one to let its
    person (or address) try again before the cool-off ends."""

    list_display = ("when", "who", "address", "failures")
    fields = readonly_fields = ("attempt_time", "username", "ip_address",
                                "failures_since_start", "user_agent", "path_info")
    export_fields = fields
    export_filename = "lockouts"

    @display(description=_("Failed sign-ins"))
    def failures(self, record):
        return record.failures_since_start

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
