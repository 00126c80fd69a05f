"""The customer pages. Thin: reads come from selectors, writes go to services.

Every view that takes an object id looks the customer up through
``customers_visible_to``; a customer the user may not see answers 404, on the
change, delete, history, history-detail and action URLs alike.
"""

from html import escape as html_escape

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ExportActionMixin
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import (
    FieldTextFilter,
    MultipleChoicesDropdownFilter,
    RangeDateFilter,
    RelatedDropdownFilter,
)
from unfold.contrib.import_export.forms import SelectableFieldsExportForm
from unfold.decorators import action, display

from backoffice.accounts.roles import is_manager
from backoffice.core.admin_base import (
    BaseAdmin,
    BulkActionFormMixin,
    HiddenObjectsAnswer404Mixin,
    ManagersOnlyMixin,
    ReadOnlyAdminMixin,
    ReadOnlyHistoryMixin,
)
from backoffice.core.filters import LocalDateRangeFilter
from backoffice.core.words import local_date
from backoffice.customers import exports as customer_exports
from backoffice.customers import queue, selectors, services
from backoffice.customers.details import details_shown
from backoffice.customers.filters import (
    AttentionFilter,
    ChangedByFilter,
    CounsellorFilter,
    FollowUpFilter,
)
from backoffice.customers.forms import (
    REMARK_MAX_CHARS,
    AssignForm,
    BulkStatusForm,
    CustomerAdminForm,
    DistributeForm,
    ShareForm,
    StatusUpdateForm,
)
from backoffice.customers.history import CustomerHistoryHelper
from backoffice.customers.models import (
    Customer,
    CustomerUserObjectPermission,
    MessageTemplate,
    StatusChange,
)
from backoffice.customers.pagination import LargeTablePaginator
from backoffice.customers.phones import phone_display
from backoffice.customers.resources import CustomerResource
from backoffice.customers.statuses import (
    BADGE_OF_STAGE,
    STAGE_OF,
    Status,
    status_label,
    status_rank,
)

STATUS_BADGES = {status.value: BADGE_OF_STAGE[stage] for status, stage in STAGE_OF.items()}


def _dialog_done(request) -> HttpResponse:
    """Close an unfold dialog by reloading the page it was opened from (htmx
    follows HX-Redirect), where the success message shows as a toast."""
    # without its #fragment: going to the same address with one only scrolls,
    # and the dialog would stay open over the old page
    back = request.headers.get("HX-Current-URL", "").split("#", 1)[0]
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("admin:customers_customer_changelist")
    return HttpResponse(headers={"HX-Redirect": back})


class StatusChangeInline(TabularInline):
    model = StatusChange
    fk_name = "customer"
    fields = ("changed_at", "status_move", "remark", "next_follow_up", "by")
    readonly_fields = fields
    ordering = ("-changed_at", "-id")
    extra = 0
    per_page = 10
    can_delete = False
    show_change_link = False
    verbose_name = _("status update")
    verbose_name_plural = _("Timeline")
    tab = True
    # each row says what happened once (in its Status column), not again as a title
    hide_title = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @display(description=_("Status"))
    def status_move(self, obj):
        return str(obj)

    @display(description=_("By"))
    def by(self, obj):
        return str(obj.changed_by) if obj.changed_by else "—"


@admin.register(Customer)
class CustomerAdmin(ReadOnlyHistoryMixin, SimpleHistoryAdmin, ExportActionMixin, BulkActionFormMixin,
                    BaseAdmin):
    form = CustomerAdminForm
    resource_classes = [CustomerResource]
    # get_export_data writes these two itself, streaming
    formats = [base_formats.CSV, base_formats.XLSX]
    export_form_class = SelectableFieldsExportForm
    paginator = LargeTablePaginator
    list_per_page = 50
    list_max_show_all = 500
    show_full_result_count = False
    list_filter_submit = True
    list_fullwidth = True
    ordering = ("-date_added", "-id")
    search_fields = ("name",)  # shows the search box; customer_search does the work
    search_help_text = _("Name, phone (any format), email, area, remarks or what the source "
                         "file said")
    inlines = [StatusChangeInline]
    actions = [
        "assign_to_counsellor",
        "distribute_evenly",
        "change_status",
        "delete_selected",
    ]
    actions_row = ["update_status"]
    actions_detail = ["update_status", "share"]
    list_before_template = "admin/customers/customer/count_note.html"
    # what the source file said, under the timeline (read-only for everyone)
    change_form_outer_after_template = "admin/customers/customer/after_form.html"
    # Call and WhatsApp at hand above the form (recorded as touches)
    change_form_outer_before_template = "admin/customers/customer/contact_bar.html"

    fieldsets = (
        (None, {"fields": ("name", "phone", "alternate_phone", "email", "contact_links", "area",
                           "date_added")}),
        (_("Work"), {"fields": ("current_status", "calls", "remarks", "next_follow_up",
                                "assigned_to")}),
        (
            _("Record"),
            {
                "classes": ("collapse",),
                "fields": (
                    "phone_raw",
                    "assigned_at",
                    "last_contacted",
                    "origin",
                    "created_at",
                    "created_by_name",
                    "updated_at",
                    "updated_by_name",
                ),
            },
        ),
    )

    # --- what each role sees ------------------------------------------------

    def get_queryset(self, request):
        return (
            selectors.customers_visible_to(request.user)
            .select_related("assigned_to")
            .order_by(*self.ordering)
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No such customer."))
        return obj

    def _customer_or_404(self, request, object_id) -> Customer:
        customer = selectors.customer_visible_to(user=request.user, pk=object_id)
        if customer is None:
            raise Http404(_("No such customer."))
        return customer

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request)
        return request.user.has_perm("customers.view_customer", obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return request.user.has_perm("customers.change_customer", obj)

    def has_delete_permission(self, request, obj=None):
        if not is_manager(request.user):
            return False
        if obj is None:
            return super().has_delete_permission(request)
        return request.user.has_perm("customers.delete_customer", obj)

    def has_export_permission(self, request):
        return request.user.has_perm("customers.export_customer")

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        """Every export of the list passes here (the export page, the action on
        picked rows). Up to EXPORT_INLINE_MAX_ROWS rows the file is the answer;
        above, a background job writes it and the page shows its progress."""
        from backoffice.exports import services as export_services

        if not self.has_export_permission(request):
            raise PermissionDenied
        limit = export_services.export_inline_max_rows()
        if export_services.export_runs_inline(
                queryset.order_by().values("pk")[:limit + 1].count()):
            return super()._do_file_export(file_format, request, queryset, export_form)
        items = None
        if export_form is not None and "export_items" in export_form.changed_data:
            items = export_form.cleaned_data["export_items"]
        job = export_services.export_job_start(
            by=request.user, kind="customers", fmt=file_format.get_extension(),
            title=_("Customers"),
            params=customer_exports.customer_export_params(
                query=request.GET.urlencode(),
                fields=self.get_export_resource_fields_from_form(export_form), items=items),
        )
        messages.info(request, _("More than %(limit)s customers: the file is written in the "
                                 "background. It will be ready to download here.")
                      % {"limit": f"{limit:,}"})
        return redirect("admin:exports_exportjob_progress", job.pk)

    def get_export_filename(self, request, queryset, file_format):
        """customers-<day and time here>.csv: the site's day, not UTC's (just
        after midnight here, UTC is still on yesterday)."""
        return f"customers-{timezone.localtime():%Y-%m-%d-%H%M}.{file_format.get_extension()}"

    def get_export_queryset(self, request):
        """The list's filters from the export page's address; one the list
        does not know (``?page=2``, ``?counsellor=²``) is a bad request (the
        library lets it through as a 500), never an export of everything."""
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as exc:
            raise BadRequest(_("The export's filters are not ones the list knows.")) from exc

    def get_valid_export_item_pks(self, request):
        """The picked rows this person may see, of those posted (the library's
        default lists every customer's id, a million choices on a big base)."""
        posted = [value for value in request.POST.getlist("export_items")
                  if value.isascii() and value.isdigit() and len(value) < 19][:10_000]
        return list(selectors.customers_visible_to(request.user).filter(pk__in=posted)
                    .values_list("pk", flat=True))

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """The Resource's columns and values, written row by row as the
        customers stream from the database (import-export would build the
        whole file in memory first), and recorded in the activity log."""
        from backoffice.audit.models import ActivityLog
        from backoffice.audit.services import activity_record
        from backoffice.reports import exports

        if not self.has_export_permission(request):
            raise PermissionDenied
        export_form = kwargs.get("export_form")
        fields = self.get_export_resource_fields_from_form(export_form)
        counted = {"rows": 0}
        headers, rows = customer_exports.customer_export_rows(queryset, fields, counted)
        extension = file_format.get_extension()
        if extension == "xlsx":
            with exports.table_xlsx(headers, rows, title="Customers") as handle:
                data = handle.read()
        else:
            data = "".join(exports.table_lines(headers, rows))
            data = data.encode(kwargs.get("encoding") or "utf-8")
        activity_record(user=request.user, action=ActivityLog.Action.EXPORT,
                        target=f"Customers ({extension.upper()})", rows=counted["rows"],
                        details={"format": extension, "filters": request.GET.urlencode()})
        return data

    def get_list_display(self, request):
        columns = ["name", "phone_link", "area", "status_badge"]
        if is_manager(request.user):
            columns.append("assigned_to")
        columns += ["follow_up_when", "date_added"]
        return columns

    def get_list_display_links(self, request, list_display):
        return ["name"]

    def get_sortable_by(self, request):
        return ["name", "phone_link", "area", "status_badge", "assigned_to",
                "follow_up_when", "date_added"]

    def get_list_filter(self, request):
        filters = [
            ("status", MultipleChoicesDropdownFilter),
            ("area", FieldTextFilter),
            ("date_added", RangeDateFilter),
            FollowUpFilter,
            AttentionFilter,
            ("next_follow_up", LocalDateRangeFilter),
            ("last_contacted", LocalDateRangeFilter),
        ]
        if is_manager(request.user):
            filters.insert(1, CounsellorFilter)
            filters.append(("data_source", RelatedDropdownFilter))
        return filters

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("customers.assign_customer"):
            for name in ("assign_to_counsellor", "distribute_evenly"):
                actions.pop(name, None)
        if not is_manager(request.user):
            actions.pop("change_status", None)
        if not self.has_export_permission(request):
            actions.pop("export_admin_action", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        audit = ["phone_raw", "assigned_at", "last_contacted", "origin", "created_at",
                 "created_by_name", "updated_at", "updated_by_name"]
        if obj is None:
            return audit
        if not is_manager(request.user):
            return ["name", "phone_link", "alternate_phone_link", "email_link", "area",
                    "date_added", "current_status", "calls", "counsellor_name", *audit]
        return ["current_status", "calls", "contact_links", *audit]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        remarks = form.base_fields.get("remarks")
        if remarks is not None:
            remarks.widget.attrs["rows"] = 3
            remarks.max_length = REMARK_MAX_CHARS
            remarks.validators.append(MaxLengthValidator(REMARK_MAX_CHARS))
            remarks.widget.attrs["maxlength"] = REMARK_MAX_CHARS
        counsellor = form.base_fields.get("assigned_to")
        if counsellor is not None and hasattr(counsellor.widget, "can_add_related"):
            # Counsellors are chosen here, not created or edited from this form.
            for flag in ("can_add_related", "can_change_related", "can_delete_related",
                         "can_view_related"):
                setattr(counsellor.widget, flag, False)
        return form

    def get_fieldsets(self, request, obj=None):
        if obj is None and not is_manager(request.user):
            # A counsellor's walk-in or phoned-in enquiry: theirs, added today.
            return (
                (None, {"fields": ("name", "phone", "alternate_phone", "email", "area")}),
                (_("Work"), {"fields": ("status", "remarks", "next_follow_up")}),
            )
        if obj is None:
            return (
                (None, {"fields": ("name", "phone", "alternate_phone", "email", "area",
                                   "date_added")}),
                (_("Work"), {"fields": ("status", "remarks", "next_follow_up", "assigned_to")}),
            )
        fieldsets = super().get_fieldsets(request, obj)
        if is_manager(request.user):
            return fieldsets
        # Counsellors call and write from links (they change none of these),
        # and see who the customer is with as text, not a user link.
        shown_as = {"assigned_to": "counsellor_name", "phone": "phone_link",
                    "alternate_phone": "alternate_phone_link", "email": "email_link"}
        return [
            (title, {**options, "fields": tuple(
                shown_as.get(f, f) for f in options["fields"] if f != "contact_links")})
            for title, options in fieldsets
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None and not add:
            shown = details_shown(obj.source_details)
            context["source_details"] = shown if shown.items else None
            context["source_details_origin"] = self._source_details_origin(obj)
            # the taps on Call and WhatsApp and the web enquiries (status
            # updates: the Timeline tab)
            context["activity"] = selectors.customer_activity(obj)
            context["contact"] = queue.contact_links(obj, user=request.user)
        if not is_manager(request.user):
            # one button: "Save" goes on to the customer (see response_post_save_add)
            context["show_save_and_add_another"] = False
            context["show_save_and_continue"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_post_save_add(self, request, obj):
        """A new customer — a walk-in, an enquiry on the phone — is called or
        updated next: "Save" goes on to their page, not back to the list."""
        return redirect(reverse("admin:customers_customer_change", args=[obj.pk]))

    def _source_details_origin(self, obj) -> str:
        parts = []
        if obj.data_source_id:
            parts.append(_("Data source: %s") % obj.data_source)
        if obj.import_run_id:
            run = obj.import_run
            parts.append(_("import #%(number)s of %(file)s, %(date)s") % {
                "number": run.pk, "file": run.original_name,
                "date": local_date(run.created_at)})
        return " · ".join(str(part) for part in parts)

    @display(description=_("Alternate phone"))
    def alternate_phone_link(self, obj):
        return self._tel_link(obj.alternate_phone)

    @display(description=_("Email"))
    def email_link(self, obj):
        if not obj.email:
            return "—"
        return format_html('<a class="text-primary-600" href="mailto:{}">{}</a>', obj.email,
                           obj.email)

    @display(description=_("Call or write"))
    def contact_links(self, obj):
        links = [self._tel_link(number) for number in (obj.phone, obj.alternate_phone) if number]
        if obj.email:
            links.append(self.email_link(obj))
        return format_html_join(" · ", "{}", ((link,) for link in links)) or "—"

    @staticmethod
    def _tel_link(number: str):
        if not number:
            return "—"
        # (on every row of a list: escaped here rather than through format_html)
        return mark_safe(f'<a class="alims-phone text-primary-600" href="tel:{html_escape(number)}">'
                         f"{html_escape(phone_display(number))}</a>")

    @display(description=_("Counsellor"))
    def counsellor_name(self, obj):
        return str(obj.assigned_to) if obj.assigned_to else "—"

    @display(description=_("Created by"))
    def created_by_name(self, obj):
        return str(obj.created_by) if obj.created_by else "—"

    @display(description=_("Updated by"))
    def updated_by_name(self, obj):
        return str(obj.updated_by) if obj.updated_by else "—"

    @display(description=_("Origin"))
    def origin(self, obj):
        if obj.import_run_id:
            return _("Imported from %s") % obj.import_run.original_name
        return _("Entered by hand")

    def get_deleted_objects(self, objs, request):
        """The timeline and shares go with their customer: deleting is the
        service's job and needs only the permission to delete customers."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed -= {
            str(StatusChange._meta.verbose_name),
            str(CustomerUserObjectPermission._meta.verbose_name),
        }
        return deleted, model_count, perms_needed, protected

    def has_view_history_or_change_history_permission(self, request, obj=None):
        # A history version is a past state: judge access by the customer as
        # it is now (its counsellor then may not be its counsellor now).
        if obj is not None:
            current = selectors.customer_visible_to(user=request.user, pk=obj.pk)
            if current is None:
                return is_manager(request.user)
            obj = current
        return super().has_view_history_or_change_history_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            from backoffice.accounts.selectors import counsellors_active

            kwargs["queryset"] = counsellors_active()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        return selectors.customer_search(queryset, search_term), False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return self.paginator(
            queryset, per_page, orphans, allow_empty_first_page,
            searching=bool(request.GET.get(SEARCH_VAR, "").strip()),
        )

    # --- the follow-up worklists (the sidebar's "Follow-ups due") ----------

    FOLLOW_UP_TITLES = {
        "due": _("Follow-ups due"),
        "overdue": _("Overdue follow-ups"),
        "today": _("Follow-ups today"),
        "week": _("Follow-ups in the next 7 days"),
    }

    def get_ordering(self, request):
        # a follow-up list is worked through by date (the partial follow-up index)
        if request.GET.get(FollowUpFilter.parameter_name) in self.FOLLOW_UP_TITLES:
            return ("next_follow_up", "id")
        return super().get_ordering(request)

    def changelist_view(self, request, extra_context=None):
        title = self.FOLLOW_UP_TITLES.get(request.GET.get(FollowUpFilter.parameter_name))
        if title:
            extra_context = {**(extra_context or {}), "title": title}
        return super().changelist_view(request, extra_context)

    # --- columns ------------------------------------------------------------

    @display(description=_("Next follow-up"), ordering="next_follow_up")
    def follow_up_when(self, obj):
        """The date, day first, marked when it has passed."""
        if obj.next_follow_up is None:
            return "—"
        text = date_format(obj.next_follow_up)
        if obj.next_follow_up < timezone.localdate():
            return format_html('<span class="alims-overdue">{} · {}</span>', text, _("overdue"))
        return text

    @display(description=_("Phone"), ordering="phone")
    def phone_link(self, obj):
        return self._tel_link(obj.phone)

    # sorted in pipeline order (New, Invalid, Valid, …, Joined, Dropped), not by code;
    # one short badge (theme.css, .alims-tag) rather than unfold's label template,
    # rendered 50 times a page
    @display(description=_("Status"), ordering=status_rank())
    def status_badge(self, obj):
        return mark_safe(
            f'<span class="alims-tag alims-tag-{STATUS_BADGES.get(obj.status, "default")}">'
            f"{html_escape(status_label(obj.status))}</span>"
        )

    @display(description=_("Calls"))
    def calls(self, obj):
        from backoffice.followups.words import call_summary

        return call_summary(obj)

    @display(description=_("Status"))
    def current_status(self, obj):
        return render_to_string(
            "unfold/helpers/label.html",
            {"text": obj.get_status_display(), "type": STATUS_BADGES[obj.status]},
        )

    # --- writes go through the services -------------------------------------

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if not change:
                created = services.customer_create(
                    name=data["name"],
                    phone=data["phone"],
                    area=data.get("area", ""),
                    date_added=data.get("date_added"),
                    remarks=data.get("remarks", ""),
                    status=data.get("status") or Status.NEW,
                    next_follow_up=data.get("next_follow_up"),
                    # a counsellor's own enquiry is theirs, whatever was posted
                    assigned_to=(data.get("assigned_to") if is_manager(request.user)
                                 else request.user),
                    email=data.get("email", ""),
                    alternate_phone=data.get("alternate_phone", ""),
                    by=request.user,
                )
                obj.__dict__.update(created.__dict__)
                return
            # The form already copied its values onto obj; the services decide
            # what is written, so start again from the stored row.
            stored = Customer.objects.get(pk=obj.pk)
            editable = [f for f in form.changed_data if f in services.EDITABLE_FIELDS]
            if editable:
                services.customer_update(
                    customer=stored,
                    by=request.user,
                    **{field: data[field] for field in editable},
                )
            if "assigned_to" in form.changed_data:
                services.customer_assign(
                    customers=[obj.pk], counsellor=data.get("assigned_to"), by=request.user
                )
            obj.refresh_from_db()
        except ValidationError as exc:
            # The form validated the same rules; this is a race with another user.
            raise PermissionDenied("; ".join(exc.messages)) from exc

    def delete_model(self, request, obj):
        services.customer_delete(customers=[obj.pk], by=request.user)

    def delete_queryset(self, request, queryset):
        services.customer_delete(customers=queryset, by=request.user)

    # --- history: scoped like every other object URL ------------------------

    def history_view(self, request, object_id, extra_context=None):
        if not is_manager(request.user):
            self._customer_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return CustomerHistoryHelper(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not is_manager(request.user):
            self._customer_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    # --- one customer: "Update status" --------------------------------------

    @action(
        description=_("Update status"),
        icon="edit_note",
        url_path="update-status",
        dialog={
            "title": _("Update status"),
            "description": _("Record the call: the new status, what was said, when to call back."),
            "form_class": StatusUpdateForm,
            "form_submit_text": _("Save update"),
        },
    )
    def update_status(self, request, form, object_id):
        customer = form.customer  # looked up through customers_visible_to
        if not self.has_change_permission(request, customer):
            raise Http404
        try:
            services.customer_change_status(
                customer=customer,
                status=form.cleaned_data["status"],
                remark=form.cleaned_data["remark"],
                next_follow_up=form.cleaned_data["next_follow_up"],
                by=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return TemplateResponse(
                request,
                "unfold/helpers/dialog.html",
                {"dialog": self.update_status.dialog, "form": form},
            )
        # the new status, and when to call again (the call-back schedule's
        # date when "Call not attended" was saved without one)
        by_rules = (form.cleaned_data["status"] == Status.CALL_NOT_ATTENDED
                    and form.cleaned_data["next_follow_up"] is None)
        messages.success(request, queue.saved_text(customer, by_rules=by_rules))
        return _dialog_done(request)

    @action(
        description=_("Share"),
        icon="share",
        url_path="share",
        dialog={
            "title": _("Share with another counsellor"),
            "description": _(
                "The counsellor can then see this customer and update its status, "
                "while it stays assigned to its own counsellor."
            ),
            "form_class": ShareForm,
            "form_submit_text": _("Save"),
        },
    )
    def share(self, request, form, object_id):
        customer = form.customer
        counsellor = form.cleaned_data["counsellor"]
        if form.cleaned_data["stop"]:
            services.customer_unshare(customer=customer, user=counsellor, by=request.user)
            text = _("%(name)s is no longer shared with %(who)s.")
        else:
            services.customer_share(customer=customer, user=counsellor, by=request.user)
            text = _("%(name)s is now shared with %(who)s.")
        messages.success(request, text % {"name": customer.name, "who": counsellor})
        return _dialog_done(request)

    def get_actions_detail(self, request, object_id):
        actions = super().get_actions_detail(request, object_id)
        if not request.user.has_perm("customers.assign_customer"):
            actions = [a for a in actions if a.action_name != "customers_customer_share"]
        return actions

    # --- bulk actions (managers) --------------------------------------------

    def bulk_action_preview(self, queryset):
        return [
            (customer.name, customer.get_status_display()
             + (f" · {customer.assigned_to}" if customer.assigned_to else ""))
            for customer in queryset.select_related("assigned_to")[:10]
        ]

    @admin.action(description=_("Assign to a counsellor"), permissions=["assign"])
    def assign_to_counsellor(self, request, queryset):
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            counsellor = form.cleaned_data["counsellor"]
            try:
                changed = services.customer_assign(
                    customers=queryset, counsellor=counsellor, by=request.user
                )
            except ValidationError as exc:
                # on leave today, or above a cap: said on the form, nothing assigned
                form.add_error("counsellor", exc)
                changed = None
            if changed is not None:
                if counsellor:
                    text = ngettext(
                        "%(n)d customer assigned to %(who)s.",
                        "%(n)d customers assigned to %(who)s.",
                        changed,
                    ) % {"n": changed, "who": counsellor}
                else:
                    text = ngettext(
                        "%(n)d customer unassigned.", "%(n)d customers unassigned.", changed
                    ) % {"n": changed}
                self.message_user(request, text, messages.SUCCESS)
                return None
        return self.bulk_form_page(
            request, queryset, form, "assign_to_counsellor",
            _("Assign customers to a counsellor"), _("Assign"),
        )

    @admin.action(description=_("Distribute evenly between counsellors"), permissions=["assign"])
    def distribute_evenly(self, request, queryset):
        """Three steps: choose the counsellors; see the plan (who gets how
        many, who is skipped and why, how many stay unassigned); Apply."""
        from backoffice.followups.services import distribution_plan

        form = DistributeForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            counsellors = list(form.cleaned_data["counsellors"])
            if "confirm" in request.POST:
                selected = queryset.count()  # before: a filtered list changes with it
                try:
                    plan = services.customers_distribute(
                        customers=queryset, counsellors=counsellors, by=request.user,
                    )
                except ValidationError as exc:
                    self.message_user(request, " ".join(exc.messages), messages.ERROR)
                    return None
                self._distributed_message(request, plan, selected)
                return None
            selected = queryset.count()
            free = queryset.filter(assigned_to__isnull=True).count()
            plan = distribution_plan(count=free, counsellors=counsellors)
            return TemplateResponse(request, "admin/customers/customer/distribute_preview.html", {
                **self.admin_site.each_context(request),
                "title": _("Distribute customers evenly"),
                "opts": self.model._meta,
                "plan": plan,
                "selected_count": selected,
                "already_assigned": selected - free,
                "counsellors": counsellors,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
            })
        return self.bulk_form_page(
            request, queryset, form, "distribute_evenly",
            _("Distribute customers evenly"), _("Show the plan"),
        )

    def _distributed_message(self, request, plan, selected: int) -> None:
        given = [f"{who}: {n}" for who, n in plan.shares.items() if n]
        if given:
            text = _("Customers distributed — %s.") % ", ".join(given)
            level = messages.SUCCESS
        else:
            text = _("No customers distributed.")
            level = messages.WARNING
        if plan.unassigned and plan.nobody_available:
            text += " " + ngettext(
                "%(n)d stays unassigned: none of the chosen counsellors can take new leads "
                "today.",
                "%(n)d stay unassigned: none of the chosen counsellors can take new leads "
                "today.",
                plan.unassigned,
            ) % {"n": plan.unassigned}
        elif plan.unassigned:
            text += " " + ngettext(
                "%(n)d stays unassigned: everyone available reached their cap.",
                "%(n)d stay unassigned: everyone available reached their cap.",
                plan.unassigned,
            ) % {"n": plan.unassigned}
            level = messages.WARNING
        kept = selected - plan.total
        if kept:
            text += " " + ngettext(
                "%(n)d already had a counsellor and was left as it is.",
                "%(n)d already had a counsellor and were left as they are.",
                kept,
            ) % {"n": kept}
        self.message_user(request, text, level)

    @admin.action(description=_("Change status"), permissions=["change"])
    def change_status(self, request, queryset):
        form = BulkStatusForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, skipped = 0, 0
            today = timezone.localdate()
            with transaction.atomic():
                for customer in queryset.order_by("pk").iterator(chunk_size=500):
                    # An empty date keeps each customer's own upcoming follow-up.
                    follow_up = form.cleaned_data["next_follow_up"] or (
                        customer.next_follow_up
                        if customer.next_follow_up and customer.next_follow_up >= today
                        else None
                    )
                    try:
                        services.customer_change_status(
                            customer=customer,
                            status=form.cleaned_data["status"],
                            remark=form.cleaned_data["remark"],
                            next_follow_up=follow_up,
                            by=request.user,
                        )
                        done += 1
                    except ValidationError:
                        skipped += 1
            self.message_user(
                request,
                _("Status changed on %(done)d customers; %(skipped)d already had it.")
                % {"done": done, "skipped": skipped},
                messages.SUCCESS,
            )
            return None
        return self.bulk_form_page(
            request, queryset, form, "change_status", _("Change status"), _("Change status"),
        )

    def has_assign_permission(self, request):
        return request.user.has_perm("customers.assign_customer")

    # --- "My calls" (backoffice/customers/views.py) -------------------------

    def get_urls(self):
        from backoffice.customers import views

        own = [
            path("my-calls/", self.admin_site.admin_view(views.my_calls),
                 name="customers_customer_my_calls"),
            path("my-calls/<int:pk>/", self.admin_site.admin_view(views.my_calls_update),
                 name="customers_customer_my_calls_update"),
            path("<int:pk>/touch/<str:kind>/", self.admin_site.admin_view(views.customer_touch),
                 name="customers_customer_touch"),
        ]
        return own + super().get_urls()


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdminMixin, BaseAdmin):
    list_display = ("changed_at", "customer_link", "move", "remark_short", "changed_by")
    list_select_related = ("customer", "changed_by")
    list_filter_submit = True
    ordering = ("-changed_at", "-id")
    show_full_result_count = False
    paginator = LargeTablePaginator
    list_per_page = 50
    list_before_template = "admin/customers/customer/count_note.html"

    def get_queryset(self, request):
        return selectors.status_changes_visible_to(request.user)

    def get_list_filter(self, request):
        filters = [("to_status", MultipleChoicesDropdownFilter), ("changed_at", LocalDateRangeFilter)]
        if is_manager(request.user):
            filters.append(ChangedByFilter)
        return filters

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    @display(description=_("Customer"), ordering="customer__name")
    def customer_link(self, obj):
        url = reverse("admin:customers_customer_change", args=[obj.customer_id])
        return format_html('<a class="text-primary-600" href="{}">{}</a>', url, obj.customer.name)

    @display(description=_("Status"), label=STATUS_BADGES)
    def move(self, obj):
        return obj.to_status, str(obj)

    @display(description=_("Remark"))
    def remark_short(self, obj):
        return (obj.remark[:80] + "…") if len(obj.remark) > 80 else obj.remark


@admin.register(MessageTemplate)
class MessageTemplateAdmin(ManagersOnlyMixin, HiddenObjectsAnswer404Mixin, BaseAdmin):
    """The WhatsApp text per status, which managers edit (one per status,
    made by the migration: none is added or deleted here)."""

    list_display = ("status_label", "text")
    ordering = ("id",)
    fields = ("status_label", "text")
    readonly_fields = ("status_label",)

    @display(description=_("Status"))
    def status_label(self, obj):
        return obj.get_status_display()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
