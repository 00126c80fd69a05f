"""The customer list's export: its columns and rows, for the inline export
(the admin's export page) and for the background export alike.

The rows are the list as its filters and search select them, among the
customers the user may see (``customers_visible_to``, through the admin's
queryset), optionally only the rows picked on the list."""

from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from backoffice.customers.models import Customer
from backoffice.customers.resources import CustomerResource

# Query parameters of the export page that are not the list's filters.
NOT_FILTERS = ("_changelist_filters",)


def customer_export_columns(fields: list[str] | None) -> tuple[CustomerResource, list[str], list]:
    resource = CustomerResource()
    headers = resource.get_export_headers(selected_fields=fields or None)
    columns = resource.get_export_fields(fields or None)  # once, not once per row
    return resource, headers, columns


def customer_export_rows(queryset, fields: list[str] | None, counted: dict | None = None
                         ) -> tuple[list[str], Iterator[list[Any]]]:
    """Headers, and the rows as the customers stream from the database."""
    resource, headers, columns = customer_export_columns(fields)

    def rows():
        customers = queryset.select_related("assigned_to").order_by("pk")
        for customer in customers.iterator(chunk_size=2000):
            if counted is not None:
                counted["rows"] += 1
            yield [resource.export_field(column, customer) for column in columns]

    return headers, rows()


def customer_export_params(*, query: str, fields: list[str] | None, items: list | None) -> dict:
    """What a background export keeps of the request: the list's query string
    as given, the columns and the picked rows (ids)."""
    return {
        "query": query,
        "fields": [str(f)[:60] for f in (fields or [])][:50],
        "items": [int(i) for i in items] if items else None,
    }


def customer_export_queryset(*, user, query: str, items: list | None):
    """The list's rows for ``user`` now, as the admin list filters them."""
    model_admin = admin.site._registry[Customer]
    # The list's filters and search are its admin's: the job asks the admin
    # for the list's queryset with a request of its own, as the owner.
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = reverse("admin:customers_customer_changelist")
    request.GET = QueryDict(query)
    request.user = user
    if not model_admin.has_export_permission(request):
        raise PermissionDenied(_("You may no longer export customers."))
    queryset = model_admin.get_export_queryset(request)
    if items is not None:
        queryset = queryset.filter(pk__in=items)
    return queryset


def customer_export_table(*, user, params: dict):
    from backoffice.exports.services import ExportTable

    queryset = customer_export_queryset(user=user, query=params.get("query", ""),
                                        items=params.get("items"))
    headers, rows = customer_export_rows(queryset, params.get("fields") or None)
    return ExportTable(headers=headers, rows=rows, total=queryset.count(),
                       sheet_title="Customers",
                       details={"filters": params.get("query", "")})
