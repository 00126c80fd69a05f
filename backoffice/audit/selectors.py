"""Reads for the compliance views."""

from backoffice.customers.models import Customer
from backoffice.customers.phones import phone_try_normalize
from backoffice.customers.selectors import customer_search

MATCHES_CAP = 500


def customer_ids_matching(term: str, *, cap: int = MATCHES_CAP) -> tuple[set[int], bool]:
    """Ids of the customers, present or deleted, that a search term names
    (number in any format, or words of the name), and whether more matched
    than ``cap``. Present ones through the customers table's indexes; deleted
    ones through their deletion records (a partial index holds only those)."""
    present = list(customer_search(Customer.objects.all(), term).order_by()
                   .values_list("pk", flat=True)[: cap + 1])
    deleted = Customer.history.filter(history_type="-")
    words = term.split()
    e164 = phone_try_normalize(term)
    if e164:
        deleted = deleted.filter(phone=e164)
    elif term.replace(" ", "").isdecimal():
        deleted = deleted.filter(phone__contains=term.replace(" ", ""))
    else:
        for word in words:
            deleted = deleted.filter(name__icontains=word)
    gone = list(deleted.order_by().values_list("id", flat=True)[: cap + 1])
    capped = len(present) > cap or len(gone) > cap
    return set(present[:cap]) | set(gone[:cap]), capped
