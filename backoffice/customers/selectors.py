"""Reads of customers that carry a rule. ``customers_visible_to`` is the one
place that decides which customers a user may see; every page, export, filter,
autocomplete, action and report starts from it."""

import json
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import BooleanField, Expression, F, Q, QuerySet

from backoffice.accounts.roles import is_manager
from backoffice.customers.models import Customer, CustomerUserObjectPermission, StatusChange
from backoffice.customers.phones import phone_try_normalize


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
