"""CSV exports of the read-only review lists (change history, activity log,
sign-ins, import runs)."""

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.contrib import admin, messages
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.audit.models import ActivityLog
from backoffice.audit.services import activity_record
from backoffice.reports.exports import FORMATS, table_lines


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


class CsvExportMixin:
    """"Export as CSV" for a read-only review list: the selected rows, or every
    row the filters keep ("Select all"), cells a spreadsheet would execute
    neutralised, BOM first, recorded in the activity log. Bounded by
    AUDIT_EXPORT_MAX_ROWS so it always finishes within a request."""

    actions = ["export_csv"]
    export_filename = "export"

    def export_headers(self) -> list[str]:
        raise NotImplementedError

    def export_rows(self, records: Iterable, request) -> Iterator[list]:
        raise NotImplementedError

    @admin.action(description=_("Export as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        cap = settings.AUDIT_EXPORT_MAX_ROWS
        count = queryset.order_by()[: cap + 1].count()
        if count > cap:
            self.message_user(request, _("More than %(cap)s rows are selected: narrow the "
                                         "filters (a date range, a person) and export again.")
                              % {"cap": f"{cap:,}"}, messages.ERROR)
            return None
        activity_record(
            user=request.user, action=ActivityLog.Action.EXPORT,
            target=f"{self.model._meta.verbose_name_plural} (CSV)".capitalize(),
            details={"list": self.model._meta.label_lower,
                     "filters": request.GET.urlencode()[:1000]},
            rows=count,
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(
            table_lines(self.export_headers(), self.export_rows(queryset.iterator(2000), request)),
            content_type=FORMATS["csv"],
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{self.export_filename}-{stamp}.csv"')
        return response
