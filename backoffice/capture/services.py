"""Web forms: a website's enquiry form posts a lead to POST /capture/<key>/.

A submission is one row of its data source: its field names are read as the
source's headers and its values go through the same plugin and normalisation
as an imported row (``pipeline.record_from_fields``). A new number becomes a
customer, assigned by the source's rule with its first-call clock started,
as an import would; a number some customer already has (as phone or as
alternate phone, found as an import finds it) creates nothing: the
customer's history records the enquiry, the source's duplicate policy
applies, and the counsellor is told. Every outcome is counted on the source
with F() expressions (no lost counts between web processes).
"""

import logging
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.accounts.models import User
from backoffice.accounts.selectors import counsellors_active
from backoffice.customers.models import Customer, Enquiry
from backoffice.customers.services import customer_create
from backoffice.imports.models import AssignmentRule, DataSource
from backoffice.imports.normalise import ReadOptions, text
from backoffice.imports.pipeline import record_from_fields
from backoffice.imports.plugins import header_key, importer_get
from backoffice.imports.services import Assigner, customers_by_phone, duplicate_changes
from backoffice.notifications.services import web_lead_notify

logger = logging.getLogger(__name__)

# The hidden field of the snippet: people never see it, form-filling bots do.
HONEYPOT = "website"
MAX_FIELDS = 30
MAX_NAME_CHARS = 100
MAX_VALUE_CHARS = 2000
HISTORY_REASON_MAX = 100  # simple-history's change reason
ENQUIRY_DETAIL = "Web enquiry"
# A customer's source details keep this many enquiries, the latest (each one
# stays in the customer's history): a number posted without end from many
# addresses does not grow the customer without end.
ENQUIRIES_KEPT = 20

# A lone UTF-16 surrogate ("\ud800" in JSON) no database can store.
SURROGATE = re.compile("[\ud800-\udfff]")

COUNTERS = {"accepted": "captured", "duplicate": "capture_duplicates", "spam": "capture_spam",
            "refused": "capture_refused"}


class CaptureRefused(Exception):
    """A submission refused: ``error`` says why, ``fields`` which field."""

    def __init__(self, error: str, fields: Mapping[str, str] | None = None):
        super().__init__(error)
        self.error = error
        self.fields = dict(fields or {})


@dataclass
class CaptureResult:
    created: bool = False
    spam: bool = False
    customer_id: int | None = field(default=None, repr=False)


# --- the key, on the admin's buttons -------------------------------------------------


def capture_key_new(*, source: DataSource, by: User) -> str:
    """A fresh capture key for the source (the old one stops working)."""
    _check_may_change(source, by)
    source.capture_key = secrets.token_urlsafe(32)  # 43 url-safe characters
    source._history_user = by
    source._change_reason = _("New capture key")
    source.save()
    return source.capture_key


def capture_off(*, source: DataSource, by: User) -> None:
    """Turn the source's web form off: its key answers 404 from now on."""
    _check_may_change(source, by)
    source.capture_key = ""
    source._history_user = by
    source._change_reason = _("Capture turned off")
    source.save()


def _check_may_change(source: DataSource, by: User) -> None:
    if not by.has_perm("imports.change_datasource"):
        raise PermissionDenied(_("You may not change data sources."))


# --- counting and throttling ---------------------------------------------------------


def capture_count(source: DataSource, outcome: str) -> None:
    """One more of ``outcome`` on the source: an UPDATE with F(), never a
    read-modify-write that two web processes would both base on one value."""
    name = COUNTERS[outcome]
    DataSource.objects.filter(pk=source.pk).update(**{name: F(name) + 1})


def capture_throttle(source: DataSource, address: str) -> int:
    """0 when this post may go on, else the seconds until it may: at most
    CAPTURE_PER_MINUTE posts per source and client address, and at most
    CAPTURE_SOURCE_PER_MINUTE per source from all addresses together (a
    flood of new numbers from many addresses), in a clock minute (a shared
    cache counts them across web processes)."""
    now = time.time()
    window = int(now // 60)
    wait = max(1, 60 - int(now % 60))
    if _over(f"capture:{source.pk}:{address}:{window}", settings.CAPTURE_PER_MINUTE):
        return wait
    # an address over its own limit is not counted against the source's
    if _over(f"capture:{source.pk}:*:{window}", settings.CAPTURE_SOURCE_PER_MINUTE):
        return wait
    return 0


def _over(key: str, limit: int) -> bool:
    """One more under ``key`` in this minute's window: over ``limit`` (0: none)?"""
    if limit <= 0:
        return False
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, timeout=120)
        count = 1
    return count > limit


# --- a submission --------------------------------------------------------------------


def capture_fields_check(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The submitted fields within bounds (count, name and value lengths),
    as text (NUL dropped, as imports drop it; a lone surrogate, which JSON
    may carry and no database stores, is U+FFFD); CaptureRefused otherwise."""
    if len(fields) > MAX_FIELDS:
        raise CaptureRefused(_("Too many fields: at most %d.") % MAX_FIELDS)
    checked: dict[str, Any] = {}
    for name, value in fields.items():
        name = SURROGATE.sub("\ufffd", str(name).replace("\x00", ""))
        if len(name) > MAX_NAME_CHARS:
            raise CaptureRefused(_("A field name is longer than %d characters.") % MAX_NAME_CHARS,
                                 {name[:MAX_NAME_CHARS]: _("Name too long.")})
        if value is not None and not isinstance(value, (str, int, float)) or isinstance(
                value, bool):
            raise CaptureRefused(_("Every field must be text."), {name: _("Not text.")})
        if isinstance(value, str):
            value = SURROGATE.sub("\ufffd", value.replace("\x00", ""))
            if len(value) > MAX_VALUE_CHARS:
                raise CaptureRefused(
                    _("A field is longer than %d characters.") % MAX_VALUE_CHARS,
                    {name: _("Longer than %d characters.") % MAX_VALUE_CHARS})
        checked[name] = value
    return checked


def capture_is_spam(fields: Mapping[str, Any]) -> bool:
    """The hidden field filled in: a bot."""
    return any(header_key(name) == HONEYPOT and text(value) for name, value in fields.items())


def capture_submit(*, source: DataSource, fields: Mapping[str, Any]) -> CaptureResult:
    """Take one web form's submission for ``source``. CaptureRefused (counted
    as refused) when it cannot be a lead: no valid phone, out of bounds."""
    try:
        fields = capture_fields_check(fields)
    except CaptureRefused:
        capture_count(source, "refused")
        raise
    if capture_is_spam(fields):
        capture_count(source, "spam")
        return CaptureResult(spam=True)
    fields = {name: value for name, value in fields.items() if header_key(name) != HONEYPOT}
    options = ReadOptions.from_settings({**source.read_options(), "country_confirmed": True,
                                         "date_order_confirmed": True})
    try:
        importer = importer_get(source.importer, source.importer_config())
    except LookupError:  # its plugin was uninstalled
        capture_count(source, "refused")
        logger.error("Web form of data source %s: no importer plugin %r", source.pk,
                     source.importer)
        raise CaptureRefused(_("This form cannot take enquiries at the moment.")) from None
    record = record_from_fields(fields, importer=importer, options=options)
    if record.problem:
        capture_count(source, "refused")
        names = list(fields)
        mapping = importer.map_headers(names)
        where = next((names[mapping[name]] for name in importer.required_fields()
                      if name in mapping), "phone")
        raise CaptureRefused(record.problem, {where: record.problem})
    row = record.clean
    existing = customers_by_phone([row.phone]).for_row(row)
    if existing is None:
        try:
            customer = _lead_create(source, row)
        except ValidationError as exc:
            if not Customer.objects.filter(phone=row.phone).exists():
                # a customer's own rules (a name is required, as on the admin's form)
                capture_count(source, "refused")
                problems = getattr(exc, "message_dict", {})
                raise CaptureRefused(
                    _("The enquiry could not be taken: %s") % " ".join(exc.messages),
                    {name: " ".join(messages) for name, messages in problems.items()},
                ) from exc
            # the same number sent at the same moment: the other post created it
            existing = customers_by_phone([row.phone]).for_row(row)
        else:
            capture_count(source, "accepted")
            return CaptureResult(created=True, customer_id=customer.pk)
    customer = _enquiry_record(source, existing.id, row, fields)
    if customer is None:  # deleted since it was found: the number is new again
        customer = _lead_create(source, row)
        capture_count(source, "accepted")
        return CaptureResult(created=True, customer_id=customer.pk)
    capture_count(source, "duplicate")
    return CaptureResult(created=False, customer_id=customer.pk)


def capture_reason(source: DataSource) -> str:
    """The history's reason for a web form's writes (no user makes them)."""
    return (_("Web enquiry from %s") % source.name)[:HISTORY_REASON_MAX]


def _counsellor_for(source: DataSource, area: str) -> User | None:
    """The source's assignment rule over the active counsellors, as an import
    would apply it to a file of one row; round-robin goes on from one post
    to the next (the turn follows the source's count of leads taken)."""
    if source.assignment_rule == AssignmentRule.NONE:
        return None
    ids = list(counsellors_active().order_by("pk").values_list("pk", flat=True))
    if not ids:
        return None
    turn = source.captured % len(ids)
    assigner = Assigner(source.assignment_rule, ids[turn:] + ids[:turn])
    pk = assigner.choose(area)
    return User.objects.filter(pk=pk).first() if pk else None


def _lead_create(source: DataSource, row) -> Customer:
    area = row.area or source.default_area
    counsellor = _counsellor_for(source, area)
    with transaction.atomic():
        customer = customer_create(
            name=row.name, phone=row.phone, phone_raw=row.phone_raw, by=None, area=area,
            date_added=row.date_added, remarks=row.remarks,
            # never the form's own status: a stranger does not say how far a lead got
            status=source.default_status, assigned_to=counsellor,
            email=row.email, alternate_phone=row.alternate_phone,
            source_details=row.details, data_source=source, reason=capture_reason(source),
            notify=False,
        )
        web_lead_notify(customer=customer, source_name=source.name, known=False)
    return customer


def _enquiry_order(name: str) -> tuple[str, int]:
    """"Web enquiry 2026-12-02 15:26:01 (2)" -> ("2026-12-02 15:26:01", 2)."""
    stamp, _space, number = name[len(ENQUIRY_DETAIL) + 1:].partition(" (")
    return stamp, int(number.rstrip(")")) if number.rstrip(")").isdigit() else 1


def _enquiry_record(source: DataSource, customer_id: int, row, fields: Mapping[str, Any]
                    ) -> Customer | None:
    """A known customer sent the form: its page lists the enquiry beside its
    calls and messages, its history records it (what the form said is kept
    in the source details too), the source's duplicate
    policy takes what it takes, status and assignment stay; its counsellor
    is told."""
    with transaction.atomic():
        customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
        if customer is None:  # a manager deleted it a moment ago
            return None
        changes = duplicate_changes(source.duplicate_policy, customer, row)
        for name, value in changes.items():
            setattr(customer, name, value)
        details = dict(customer.source_details or {})
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
        # a number after the others of the same second (the oldest may be gone)
        same = [_enquiry_order(name)[1] for name in details
                if name.startswith(f"{ENQUIRY_DETAIL} {stamp}")]
        n = max(same, default=0) + 1
        key = f"{ENQUIRY_DETAIL} {stamp}" + (f" ({n})" if n > 1 else "")
        while key in details:
            n += 1
            key = f"{ENQUIRY_DETAIL} {stamp} ({n})"
        said = "; ".join(f"{name}: {text(value)}" for name, value in fields.items()
                         if text(value))
        details[key] = said
        # oldest first by their time (PostgreSQL's jsonb keeps no key order)
        enquiries = sorted((name for name in details if name.startswith(f"{ENQUIRY_DETAIL} ")),
                           key=_enquiry_order)
        for name in enquiries[:-ENQUIRIES_KEPT]:
            del details[name]
        customer.source_details = details
        customer.updated_by = None
        customer._history_user = None
        customer._change_reason = capture_reason(source)
        customer.save()
        # on the customer's page, beside its calls and messages: the latest few
        Enquiry.objects.create(customer=customer, data_source=source,
                               source_name=source.name[:200], text=said)
        older = (Enquiry.objects.filter(customer=customer).order_by("-at", "-pk")
                 .values_list("pk", flat=True)[ENQUIRIES_KEPT:])
        Enquiry.objects.filter(pk__in=list(older)).delete()
        web_lead_notify(customer=customer, source_name=source.name, known=True)
    return customer
