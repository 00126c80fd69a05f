"""Callbacks that unfold's settings point at: the sidebar and the environment badge."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, reverse_lazy
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from backoffice.accounts.roles import is_manager


def environment_label(request: HttpRequest) -> list[str] | None:
    maintenance = getattr(request, "maintenance_mode", None)
    if maintenance is None:  # a request that did not pass the middleware
        from maintenance_mode.core import get_maintenance_mode

        maintenance = get_maintenance_mode()
    if maintenance:
        # only superusers (and allowlisted addresses) see pages meanwhile
        return [_("Maintenance mode: others see the maintenance page"), "danger"]
    if settings.DEMO_MODE:
        return [_("Demo"), "warning"]
    if settings.DEBUG:
        return [_("Development"), "info"]
    return None


def _saved_views(request: HttpRequest, customer_list: str,
                 on_list: bool) -> tuple[list[dict], bool]:
    """The person's saved views of the customer list, then the team's shared
    ones, as sidebar items; and whether the list shows one of them now."""
    from backoffice.savedviews.selectors import saved_views_for_request
    from backoffice.savedviews.services import view_query

    current = view_query(request.META.get("QUERY_STRING", "")) if on_list else None
    items, active_any = [], False
    for view in saved_views_for_request(request):
        active = current is not None and current == view.query
        active_any = active_any or active
        mine = view.owner_id == request.user.pk
        items.append({
            # unfold's sidebar prints titles with |safe: a person's words are
            # escaped here. A shared view says whose it is.
            "title": escape(view.name) if mine else escape(_("%(name)s (from %(owner)s)") % {
                "name": view.name, "owner": view.owner.get_full_name() or view.owner.username}),
            "icon": "bookmark" if mine else "group",
            "link": f"{customer_list}?{view.query}" if view.query else customer_list,
            "active": active,
        })
    return items, active_any


def sidebar_navigation(request: HttpRequest) -> list[dict]:
    """The sidebar by role. Links are hidden by permission here, but every view
    checks for itself: hiding a link protects nothing."""
    user = request.user
    customer_list = reverse("admin:customers_customer_changelist")
    on_list = request.path == customer_list
    unassigned = on_list and request.GET.get("counsellor") == "none"
    due = on_list and request.GET.get("follow_up") == "due"
    saved, saved_active = _saved_views(request, customer_list, on_list)
    my_calls = reverse("admin:customers_customer_my_calls")
    customers = [
        {
            "title": _("Customers"),
            "icon": "groups",
            "link": customer_list,
            "active": (request.path.startswith(customer_list)
                       and not (unassigned or due or saved_active)
                       and request.path != my_calls),
            "permission": lambda r: r.user.has_perm("customers.view_customer"),
        },
        {
            "title": _("Follow-ups due"),
            "icon": "event_upcoming",
            "link": customer_list + "?follow_up=due",
            "active": due,
            "permission": lambda r: r.user.has_perm("customers.view_customer"),
        },
        {
            "title": _("Status updates"),
            "icon": "timeline",
            "link": reverse_lazy("admin:customers_statuschange_changelist"),
            "permission": lambda r: r.user.has_perm("customers.view_statuschange"),
        },
        {
            "title": _("Leave days"),
            "icon": "beach_access",
            "link": reverse_lazy("admin:followups_leaveday_changelist"),
            "permission": lambda r: r.user.has_perm("followups.view_leaveday"),
        },
    ]
    if not is_manager(user):
        customers.insert(0, {
            "title": _("My calls"),
            "icon": "call",
            "link": my_calls,
            "active": request.path == my_calls,
            "permission": lambda r: r.user.has_perm("customers.change_customer"),
        })
    if is_manager(user):
        customers.insert(
            1,
            {
                "title": _("Unassigned"),
                "icon": "person_off",
                "link": customer_list + "?counsellor=none",
                "active": unassigned,
                "permission": lambda r: is_manager(r.user),
            },
        )
        attention = reverse("followups:attention")
        customers.insert(2, {
            "title": _("Needs attention"),
            "icon": "notification_important",
            "link": attention,
            "active": request.path == attention,
            "permission": lambda r: r.user.has_perm("customers.assign_customer"),
        })
    imports = [
        {
            "title": _("Import customers"),
            "icon": "upload_file",
            "link": reverse_lazy("admin:imports_importrun_add"),
            "permission": lambda r: r.user.has_perm("imports.add_importrun"),
        },
        {
            "title": _("Import history"),
            "icon": "history",
            "link": reverse_lazy("admin:imports_importrun_changelist"),
            "permission": lambda r: r.user.has_perm("imports.view_importrun"),
        },
    ]
    reports = [
        {
            "title": _("Dashboard"),
            "icon": "dashboard",
            "link": reverse_lazy("admin:index"),
            "active": request.path == reverse("admin:index"),
        },
        {
            "title": _("Reports"),
            "icon": "monitoring",
            "link": reverse_lazy("reports:index"),
            "active": request.path.startswith(reverse("reports:index")),
            "permission": lambda r: r.user.has_perm("customers.view_customer"),
        },
    ]
    compliance = [
        {
            "title": _("Change history"),
            "icon": "manage_history",
            "link": reverse_lazy("admin:customers_historicalcustomer_changelist"),
            "permission": lambda r: r.user.has_perm("customers.view_historicalcustomer"),
        },
        {
            "title": _("Exports"),
            "icon": "download",
            "link": reverse_lazy("admin:exports_exportjob_changelist"),
            "permission": lambda r: r.user.is_staff,
        },
        {
            "title": _("Activity log"),
            "icon": "policy",
            "link": reverse_lazy("admin:audit_activitylog_changelist"),
            "permission": lambda r: r.user.has_perm("audit.view_activitylog"),
        },
        {
            "title": _("Sign-ins"),
            "icon": "login",
            "link": reverse_lazy("admin:axes_accesslog_changelist"),
            "permission": lambda r: r.user.has_perm("axes.view_accesslog"),
        },
        {
            "title": _("Failed sign-ins"),
            "icon": "lock_person",
            "link": reverse_lazy("admin:axes_accessfailurelog_changelist"),
            "permission": lambda r: r.user.has_perm("axes.view_accessfailurelog"),
        },
        {
            "title": _("Lock-outs"),
            "icon": "lock_clock",
            "link": reverse_lazy("admin:axes_accessattempt_changelist"),
            "permission": lambda r: r.user.has_perm("axes.view_accessattempt"),
        },
    ]
    navigation = [
        {"title": _("Overview"), "separator": False, "items": reports},
        {"title": _("Work"), "separator": True, "items": customers},
        *([{"title": _("Saved views"), "separator": True, "items": saved}] if saved else []),
        {"title": _("Imports"), "separator": True, "items": imports},
        {"title": _("Compliance"), "separator": True, "items": compliance},
        {
            "title": _("Administration"),
            "separator": True,
            "collapsible": True,
            "items": [
                {
                    "title": _("Users"),
                    "icon": "manage_accounts",
                    "link": reverse_lazy("admin:accounts_user_changelist"),
                    "permission": lambda r: r.user.has_perm("accounts.view_user"),
                },
                {
                    "title": _("Data sources"),
                    "icon": "dataset",
                    "link": reverse_lazy("admin:imports_datasource_changelist"),
                    "permission": lambda r: r.user.has_perm("imports.view_datasource"),
                },
                {
                    "title": _("Working rules"),
                    "icon": "schedule",
                    "link": reverse_lazy("admin:followups_workrules_changelist"),
                    "permission": lambda r: is_manager(r.user),
                },
                {
                    "title": _("Holidays"),
                    "icon": "event_busy",
                    "link": reverse_lazy("admin:followups_holiday_changelist"),
                    "permission": lambda r: is_manager(r.user),
                },
                {
                    "title": _("Status ageing limits"),
                    "icon": "hourglass_bottom",
                    "link": reverse_lazy("admin:followups_statusageing_changelist"),
                    "permission": lambda r: is_manager(r.user),
                },
                {
                    "title": _("WhatsApp messages"),
                    "icon": "chat",
                    "link": reverse_lazy("admin:customers_messagetemplate_changelist"),
                    "permission": lambda r: is_manager(r.user),
                },
                {
                    "title": _("Webhooks"),
                    "icon": "webhook",
                    "link": reverse_lazy("admin:webhooks_endpoint_changelist"),
                    "permission": lambda r: r.user.has_perm("webhooks.view_endpoint"),
                },
                {
                    "title": _("Webhook deliveries"),
                    "icon": "outbox",
                    "link": reverse_lazy("admin:webhooks_delivery_changelist"),
                    "permission": lambda r: r.user.has_perm("webhooks.view_delivery"),
                },
                {
                    "title": _("Roles"),
                    "icon": "badge",
                    "link": reverse_lazy("admin:auth_group_changelist"),
                    "permission": lambda r: r.user.is_superuser,
                },
                {
                    "title": _("Background jobs"),
                    "icon": "work_history",
                    "link": reverse_lazy("django_rq:home"),
                    "permission": lambda r: r.user.is_superuser,
                },
            ],
        },
    ]
    return navigation


COMMAND_SEARCH_RESULTS = 10


def command_search(request: HttpRequest, search_term: str) -> list:
    """Customers for the command palette (Ctrl+K): the same search as the list
    (a number in any format, or words across name, area and remarks), among
    the customers this person may see, the ten most recent."""
    from unfold.dataclasses import SearchResult

    from backoffice.customers.selectors import customer_search, customers_visible_to

    if not request.user.has_perm("customers.view_customer"):
        return []
    customers = customer_search(customers_visible_to(request.user), search_term)
    found = customers.order_by("-date_added", "-id")[:COMMAND_SEARCH_RESULTS]
    return [
        SearchResult(
            title=str(customer),
            description=" · ".join(part for part in (customer.get_status_display(),
                                                      customer.area) if part),
            link=reverse("admin:customers_customer_change", args=[customer.pk]),
            icon="person",
        )
        for customer in found
    ]
