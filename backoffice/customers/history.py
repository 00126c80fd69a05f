"""A customer's history page (simple-history) in people's words: each
change's old and new values as labels, names and local dates instead of
internal codes and raw timestamps; bookkeeping fields left out."""

import dataclasses

from django.utils.translation import gettext as _
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from backoffice.core.words import EMPTY, value_for_people
from backoffice.customers.details import details_as_lines
from backoffice.customers.statuses import FUNNEL, Status

# Kept for the reports, not something a person changed: not listed.
HIDDEN_FIELDS = {"statuses_seen", "updated_at"}


def history_value(field_name: str, value, *, field=None) -> str:
    """One stored value of a customer field as the history shows it."""
    if isinstance(value, DeletedObject):  # no one, or someone since deleted
        if value.pk is None:
            return EMPTY
        return _("a deleted %(what)s") % {"what": value.model._meta.verbose_name}
    if field_name == "source_details":
        return "; ".join(details_as_lines(value).splitlines()) or EMPTY
    if field_name == "stage_reached" and isinstance(value, int):
        return str(FUNNEL[value].label) if 0 <= value < len(FUNNEL) else str(value)
    if field_name == "status":
        return str(Status(value).label) if value in Status.values else (str(value) or EMPTY)
    return value_for_people(value, field=field)


class CustomerHistoryHelper(HistoricalRecordContextHelper):
    def context_for_delta_changes(self, delta):
        shown = [change for change in delta.changes if change.field not in HIDDEN_FIELDS]
        context = super().context_for_delta_changes(dataclasses.replace(delta, changes=shown))
        # a change people cannot see (seconds of the same minute) is not listed
        return [change for change in context if change["old"] != change["new"]]

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return history_value(change.field, value, field=self.model._meta.get_field(change.field))
