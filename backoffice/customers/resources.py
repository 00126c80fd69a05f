"""Export of customers (django-import-export). Cells a spreadsheet would run
as a formula are written as text."""

import re

from import_export import fields, resources

from backoffice.customers.details import details_as_lines
from backoffice.customers.models import Customer
from backoffice.customers.statuses import Status

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?[\d\s.]+$")


def spreadsheet_safe(value):
    """Prefix a quote to text a spreadsheet would execute (=, +, -, @ first);
    plain numbers such as +919876543210 are left alone."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not PLAIN_NUMBER.match(value)
    ):
        return "'" + value
    return value


class CustomerResource(resources.ModelResource):
    status = fields.Field(column_name="status")
    assigned_to = fields.Field(attribute="assigned_to", column_name="counsellor")
    # what the source file said, one "key: value" line each
    source_details = fields.Field(column_name="source_details")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # get_status_display() resolves the lazy labels on every call (a third
        # of a large export's time); the labels are read once per export.
        self._status_labels = {status.value: str(status.label) for status in Status}

    def dehydrate_status(self, customer: Customer) -> str:
        return self._status_labels.get(customer.status, customer.status)

    def dehydrate_source_details(self, customer: Customer) -> str:
        return details_as_lines(customer.source_details)

    class Meta:
        model = Customer
        fields = (
            "id", "name", "phone", "alternate_phone", "email", "area", "date_added", "status",
            "remarks", "assigned_to", "next_follow_up", "last_contacted", "created_at",
            "source_details",
        )
        export_order = fields

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))

    def get_export_queryset(self, request):
        # The admin hands over the scoped queryset; this is only a fallback.
        from backoffice.customers.selectors import customers_visible_to

        return customers_visible_to(request.user)
