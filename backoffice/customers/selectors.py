"""Reads of customers that carry a rule. ``customers_visible_to`` is the one
place that decides which customers a user may see; every page, export, filter,
autocomplete, action and report starts from it."""

import re

from django.conf import settings
from django.db.models import Q, QuerySet

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


def customer_search(queryset: QuerySet[Customer], term: str) -> QuerySet[Customer]:
    """Search name, phone, area and remarks (the list's search and Ctrl+K).

    A term that is a phone number, however written, matches that number
    exactly; a run of digits matches numbers containing it; anything else is a
    case-insensitive match on every word (``search_words``) across name, area
    and remarks.
    """
    term = " ".join(term[: settings.SEARCH_MAX_TERM_CHARS].split())
    if not term:
        return queryset
    digits = "".join(_DIGITS.findall(term))
    is_numberish = digits and not re.search(r"[^\d\s()+\-./]", term)
    if is_numberish:
        e164 = phone_try_normalize(term)
        if e164:
            return queryset.filter(phone=e164)
        return queryset.filter(phone__contains=digits)
    for word in search_words(term):
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(area__icontains=word) | Q(remarks__icontains=word)
        )
    return queryset
