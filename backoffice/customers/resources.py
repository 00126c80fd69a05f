"""Export of customers (django-import-export). Cells a spreadsheet would run
as a formula are written as text."""

import re

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from backoffice.core.words import moment_writer
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


# The file's column headers, in people's words (the fields keep their names:
# the export page's choices and a background export's saved choice use them).
HEADERS = {
    "id": _("Customer number"),
    "name": _("Name"),
    "phone": _("Phone"),
    "alternate_phone": _("Alternate phone"),
    "email": _("Email"),
    "area": _("Area"),
    "date_added": _("Date added"),
    "status": _("Status"),
    "remarks": _("Remarks"),
    "assigned_to": _("Counsellor"),
    "next_follow_up": _("Next follow-up"),
    "last_contacted": _("Last contacted"),
    "created_at": _("Entered on"),
    "source_details": _("What the source file said"),
}
# Moments in the site's time zone, as the pages write them ("12 Oct 2026, 17:51").
MOMENTS = ("last_contacted", "created_at")


class CustomerResource(resources.ModelResource):
    status = fields.Field(column_name="status")
    assigned_to = fields.Field(attribute="assigned_to", column_name="counsellor")
    # what the source file said, one "key: value" line each
    source_details = fields.Field(column_name="source_details")
    last_contacted = fields.Field(column_name="last_contacted")
    created_at = fields.Field(column_name="created_at")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name, field in self.fields.items():
            if name in HEADERS:
                field.column_name = str(HEADERS[name])
        # get_status_display() resolves the lazy labels on every call (a third
        # of a large export's time); the labels are read once per export.
        self._status_labels = {status.value: str(status.label) for status in Status}
        self._moment = moment_writer(empty="")

    def dehydrate_status(self, customer: Customer) -> str:
        return self._status_labels.get(customer.status, customer.status)

    def dehydrate_source_details(self, customer: Customer) -> str:
        return details_as_lines(customer.source_details)

    def dehydrate_last_contacted(self, customer: Customer) -> str:
        return self._moment(customer.last_contacted)

    def dehydrate_created_at(self, customer: Customer) -> str:
        return self._moment(customer.created_at)

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
