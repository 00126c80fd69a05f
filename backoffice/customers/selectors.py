"""Reads of customers that carry a rule. ``customers_visible_to`` is the one
place that decides which customers a user may see; every page, export, filter,
autocomplete, action and report starts from it."""

import datetime
import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import BooleanField, Case, Count, Expression, F, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.accounts.roles import is_manager
from backoffice.customers.models import Customer, CustomerUserObjectPermission, StatusChange
from backoffice.customers.phones import phone_try_normalize
from backoffice.customers.statuses import Status


def customer_ids_shared_with(user) -> list[int]:
    """Customers explicitly shared with ``user`` (guardian, direct FK table).
    Cached on the user object for the request."""
    cached = getattr(user, "_shared_customer_ids", None)
    if cached is None:
        cached = list(
            CustomerUserObjectPermission.objects.filter(
                user=user, permission__codename="view_customer"
            ).values_list("content_object_id", flat=True)
        )
        user._shared_customer_ids = cached
    return cached


def customers_visible_to(user) -> QuerySet[Customer]:
    if not (user.is_authenticated and user.is_active):
        return Customer.objects.none()
    if is_manager(user):
        return Customer.objects.all()
    if not user.has_perm("customers.view_customer"):
        return Customer.objects.none()
    shared = customer_ids_shared_with(user)
    if shared:
        # Ids, not a subquery: PostgreSQL combines both indexes (BitmapOr).
        return Customer.objects.filter(Q(assigned_to=user) | Q(pk__in=shared))
    return Customer.objects.filter(assigned_to=user)


def customer_visible_to(*, user, pk) -> Customer | None:
    """The customer with this pk if ``user`` may see it, else None."""
    try:
        return customers_visible_to(user).filter(pk=pk).first()
    except (ValueError, TypeError):
        return None


def customer_phone_taken_message(*, phone: str, user, exclude_pk=None) -> str:
    """If a customer already has this phone (E.164), whose it is in words for
    ``user`` (the counsellor's name only, nothing of the customer), else "".
    What someone adding a walk-in enquiry sees; it opens nothing."""
    from django.utils.translation import gettext as _

    taken = Customer.objects.filter(phone=phone)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    holder = taken.select_related("assigned_to").only(
        "pk", "assigned_to__first_name", "assigned_to__last_name",
        "assigned_to__username").first()
    if holder is None:
        return ""
    counsellor = holder.assigned_to
    if counsellor is None:
        return _("This phone number is already a customer (not assigned to anyone yet).")
    if counsellor.pk == getattr(user, "pk", None):
        return _("This phone number is already one of your customers.")
    return _("This phone number is already a customer of %(counsellor)s.") % {
        "counsellor": str(counsellor)}


def status_changes_visible_to(user) -> QuerySet[StatusChange]:
    if is_manager(user):
        return StatusChange.objects.all()
    return StatusChange.objects.filter(customer__in=customers_visible_to(user))


_DIGITS = re.compile(r"\d")


def search_words(term: str) -> list[str]:
    """The words a search looks for, bounded whatever was sent: the term cut to
    SEARCH_MAX_TERM_CHARS characters, each word once (a word inside another
    adds nothing: every word must match), at most SEARCH_MAX_WORDS of them.
    Hundreds of repeated words were hundreds of LIKEs in one statement."""
    words: list[str] = []
    for word in term[: settings.SEARCH_MAX_TERM_CHARS].lower().split():
        if any(word in kept for kept in words):
            continue
        words = [kept for kept in words if kept not in word] + [word]
    return words[: settings.SEARCH_MAX_WORDS]


class SourceDetailValueIs(Expression):
    """True when a value of the customer's source details is ``value``,
    exactly as written (never a key): how a lead id, a campaign or a course
    from the source file is found. On PostgreSQL a jsonpath test that the GIN
    index on source_details serves; on SQLite, json_each."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, value: str, column: str = "source_details"):
        super().__init__(output_field=BooleanField())
        self.value = value
        self.column = F(column)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_postgresql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        # the value as a jsonpath string literal (JSON's quoting), bound as a parameter
        # (strict: a list or a single value is no object of details, and has none)
        path = f"strict $.* ? (@ == {json.dumps(self.value, ensure_ascii=False)})"
        return f"({column} @? %s::jsonpath)", (*params, path)

    def as_sql(self, compiler, connection):
        # SQLite (JSON1): json_each walks an object's values
        column, params = compiler.compile(self.column)
        sql = (f"(json_type({column}) = 'object' AND EXISTS (SELECT 1 FROM json_each({column}) "
               f"AS detail WHERE detail.type = 'text' AND detail.value = %s))")
        return sql, (*params, *params, self.value)


def _looks_like_email(term: str) -> bool:
    if " " in term or "@" not in term:
        return False
    try:
        validate_email(term)
    except ValidationError:
        return False
    return True


def customer_search(queryset: QuerySet[Customer], term: str) -> QuerySet[Customer]:
    """Search name, phone, email, area, remarks and source details (the
    list's search and Ctrl+K).

    A term that is a phone number, however written, matches that number as
    the phone or the alternate phone, or a phone containing its digits; a run
    of digits matches numbers containing it; an email address
    matches that email exactly (or a source detail that is it); anything
    else is a case-insensitive match on every word (``search_words``) across
    name, email, area and remarks, or a source detail whose value is the term
    as written (a lead id, a campaign, a course).
    """
    term = " ".join(term[: settings.SEARCH_MAX_TERM_CHARS].split())
    if not term:
        return queryset
    digits = "".join(_DIGITS.findall(term))
    is_numberish = digits and not re.search(r"[^\d\s()+\-./]", term)
    if is_numberish:
        # the number as the default country reads it, as either number of a
        # customer; or its digits inside a stored number (a foreign number
        # typed as its own country writes it: "(816) 555-0199")
        matches = Q(phone__contains=digits)
        e164 = phone_try_normalize(term)
        if e164:
            matches |= Q(phone=e164) | Q(alternate_phone=e164)
        return queryset.filter(matches)
    if _looks_like_email(term):
        return queryset.filter(Q(email__iexact=term) | Q(SourceDetailValueIs(term)))
    words = Q()
    for word in search_words(term):
        words &= (Q(name__icontains=word) | Q(email__icontains=word) | Q(area__icontains=word)
                  | Q(remarks__icontains=word))
    return queryset.filter(words | Q(SourceDetailValueIs(term)))


# --- "My calls": a counsellor's work queue -----------------------------------

QUEUE_GROUP_FIRST = 10     # entries a group shows at first
QUEUE_GROUP_MORE = 20      # "Show more" adds this many
QUEUE_GROUP_MAX = 100      # never more than this per group on one page


@dataclass
class QueueGroup:
    key: str
    title: str
    count: int
    limit: int
    entries: list = field(default_factory=list)

    @property
    def more(self) -> int:
        """How many "Show more" would add (0: all shown, or the page's bound)."""
        if self.limit >= QUEUE_GROUP_MAX:
            return 0
        return max(0, min(self.count, QUEUE_GROUP_MAX, self.limit + QUEUE_GROUP_MORE)
                   - len(self.entries))


def queue_limit(value) -> int:
    """A group's length asked for in the address, bounded."""
    try:
        wanted = int(value)
    except (TypeError, ValueError):
        return QUEUE_GROUP_FIRST
    return max(QUEUE_GROUP_FIRST, min(wanted, QUEUE_GROUP_MAX))


def calls_queue(user, *, limits: dict[str, int] | None = None,
                today: datetime.date | None = None) -> list[QueueGroup]:
    """The counsellor's calls for today, in the order to make them: follow-ups
    due today (those without a time first, then by time), overdue ones (oldest
    first), then new leads nobody has called back with a status yet (those
    with a first-call target still to meet first, by target, then the oldest
    assignment first). Only customers ``customers_visible_to(user)``; each
    group is cut at its limit (at most QUEUE_GROUP_MAX) and counted whole."""
    limits = limits or {}
    today = today or timezone.localdate()
    visible = customers_visible_to(user)
    new_leads = Q(status=Status.NEW, next_follow_up__isnull=True)
    counts = visible.aggregate(
        today=Count("pk", filter=Q(next_follow_up=today)),
        overdue=Count("pk", filter=Q(next_follow_up__lt=today)),
        new=Count("pk", filter=new_leads),
    )
    plan = [
        ("today", _("Due today"), Q(next_follow_up=today),
         (F("next_follow_up_time").asc(nulls_first=True), "pk")),
        ("overdue", _("Overdue"), Q(next_follow_up__lt=today),
         ("next_follow_up", F("next_follow_up_time").asc(nulls_first=True), "pk")),
        # a lead with a first-call target still to meet comes first (the
        # nearest, or longest past, target first): a fresh lead is not to wait
        # behind old ones that have none
        ("new", _("New leads, not called yet"), new_leads,
         (Case(When(sla_due_at__isnull=False, sla_reached_at__isnull=True,
                    then=F("sla_due_at"))).asc(nulls_last=True),
          F("assigned_at").asc(nulls_last=True), "pk")),
    ]
    groups = []
    for key, title, condition, ordering in plan:
        limit = queue_limit(limits.get(key))
        group = QueueGroup(key=key, title=str(title), count=counts[key], limit=limit)
        if group.count:
            group.entries = list(visible.filter(condition).order_by(*ordering)[:limit])
        groups.append(group)
    return groups


def message_templates() -> dict[str, str]:
    """The WhatsApp text per status (managers edit them); a status without a
    row gets the default text."""
    from backoffice.customers.models import MessageTemplate
    from backoffice.customers.whatsapp import DEFAULT_TEXTS

    texts = {str(status): text for status, text in DEFAULT_TEXTS.items()}
    texts.update(MessageTemplate.objects.values_list("status", "text"))
    return texts


def customer_activity(customer: Customer, *, limit: int = 30) -> list:
    """The latest taps on Call or WhatsApp of one customer and the web
    enquiries it sent, newest first, ``limit`` at most (its status updates
    are on the customer page's Timeline tab). Each has ``kind`` and ``at``."""
    from backoffice.customers.models import Enquiry, Touch

    touches = list(Touch.objects.filter(customer=customer).select_related("by")
                   .order_by("-at", "-pk")[:limit])
    enquiries = list(Enquiry.objects.filter(customer=customer).order_by("-at", "-pk")[:limit])
    return sorted(touches + enquiries, key=lambda item: item.at, reverse=True)[:limit]
