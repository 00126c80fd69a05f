"""Reads for the compliance views."""

from django.db.models import BooleanField, Case, F, OuterRef, Q, Subquery, Value, When

from backoffice.customers.models import Customer
from backoffice.customers.phones import phone_try_normalize
from backoffice.customers.selectors import customer_search, search_words

MATCHES_CAP = 500


def customer_ids_matching(term: str, *, cap: int = MATCHES_CAP) -> tuple[set[int], bool]:
    """Ids of the customers, present or deleted, that a search term names
    (number in any format, or words of the name), and whether more matched
    than ``cap``. Present ones through the customers table's indexes; deleted
    ones through their deletion records (a partial index holds only those)."""
    present = list(customer_search(Customer.objects.all(), term).order_by()
                   .values_list("pk", flat=True)[: cap + 1])
    deleted = Customer.history.filter(history_type="-")
    e164 = phone_try_normalize(term)
    if e164:
        deleted = deleted.filter(phone=e164)
    elif term.replace(" ", "").isdecimal():
        deleted = deleted.filter(phone__contains=term.replace(" ", ""))
    else:
        for word in search_words(term):  # bounded, like the list's search
            deleted = deleted.filter(name__icontains=word)
    gone = list(deleted.order_by().values_list("id", flat=True)[: cap + 1])
    capped = len(present) > cap or len(gone) > cap
    return set(present[:cap]) | set(gone[:cap]), capped


# --- The change-history review -------------------------------------------------

# The customer's fields a reviewer asks "who changed this?" about, in the order
# the review shows them. Bookkeeping fields (reporting bits, timestamps) are left out.
REVIEWED_FIELDS = (
    "status", "assigned_to", "next_follow_up", "remarks", "name", "phone", "alternate_phone",
    "email", "area", "date_added", "data_source", "source_details",
    # a call or a WhatsApp message tapped (a Touch) changes only this
    "last_contacted",
)


def _blank(value) -> bool:
    """No value: nothing, empty text, or empty source details."""
    return value is None or value == "" or value == {} or value == []


def _history_model():
    return Customer.history.model


def _previous_records():
    """The record just before the outer one, of the same customer."""
    history = _history_model()
    return history.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    ).order_by("-history_date", "-history_id")


def history_changes_of_field(queryset, field: str):
    """Changes ("~" records) that gave ``field`` another value than it had in
    the customer's record before (NULL-safe). Each candidate looks up its own
    previous record through the (customer, date) index."""
    column = _history_model()._meta.get_field(field).attname
    before = Subquery(_previous_records().values(column)[:1])
    same = Case(
        When(Q(**{column: F("_before")}), then=Value(True)),
        When(Q(**{f"{column}__isnull": True}, _before__isnull=True), then=Value(True)),
        default=Value(False), output_field=BooleanField(),
    )
    return (queryset.filter(history_type="~").alias(_before=before).alias(_same=same)
            .filter(_same=False))


def history_changes_by_import(queryset, run):
    """What an import run wrote: its records carry the run's importer as their
    user, its reason, and a date within the run."""
    from backoffice.imports.services import import_history_reason

    start = run.started_at or run.created_at
    queryset = queryset.filter(history_user_id=run.created_by_id,
                               history_change_reason=import_history_reason(run),
                               history_date__gte=start)
    if run.finished_at:
        queryset = queryset.filter(history_date__lte=run.finished_at)
    return queryset


def history_previous_of(records) -> dict[int, object]:
    """history_id -> the record before it (same customer), for a page of
    records, in two queries whatever the page's size."""
    records = list(records)
    if not records:
        return {}
    history = _history_model()
    pairs = dict(
        history.objects.filter(history_id__in=[r.history_id for r in records])
        .annotate(_before_id=Subquery(_previous_records().values("history_id")[:1]))
        .values_list("history_id", "_before_id")
    )
    before = history.objects.in_bulk([pk for pk in pairs.values() if pk], field_name="history_id")
    return {hid: before.get(prev) for hid, prev in pairs.items() if prev}


def history_field_changes(record, previous) -> list[tuple[str, object, object]]:
    """(field, old, new) for each reviewed field ``record`` changed; on a
    creation every field it set, on a deletion nothing."""
    if record.history_type == "-":
        return []
    changes = []
    for field in REVIEWED_FIELDS:
        attname = record._meta.get_field(field).attname
        new = getattr(record, attname)
        old = getattr(previous, attname) if previous is not None else None
        if previous is None and record.history_type == "+" and _blank(new):
            continue
        if new != old and not (_blank(new) and _blank(old)):
            changes.append((field, old, new))
    return changes
