"""Reads of customers that carry a rule. ``customers_visible_to`` is the one
place that decides which customers a user may see; every page, export, filter,
autocomplete, action and report starts from it."""

import re

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


def customer_search(queryset: QuerySet[Customer], term: str) -> QuerySet[Customer]:
    """Search name, phone, area and remarks.

    A term that is a phone number, however written, matches that number
    exactly; a run of digits matches numbers containing it; anything else is a
    case-insensitive match on every word across name, area and remarks.
    """
    term = " ".join(term.split())
    if not term:
        return queryset
    digits = "".join(_DIGITS.findall(term))
    is_numberish = digits and not re.search(r"[^\d\s()+\-./]", term)
    if is_numberish:
        e164 = phone_try_normalize(term)
        if e164:
            return queryset.filter(phone=e164)
        return queryset.filter(phone__contains=digits)
    for word in term.split():
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(area__icontains=word) | Q(remarks__icontains=word)
        )
    return queryset
