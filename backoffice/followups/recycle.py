"""Recycling: a manager hands customers nobody is working (not reachable,
past the first-call target, aged) to another counsellor, with a reason that
the history and the activity log keep."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from backoffice.accounts.models import User
from backoffice.customers.models import Customer
from backoffice.customers.services import customer_assign

REASON_MAX = 200


@transaction.atomic
def customers_recycle(*, customers: QuerySet[Customer] | Iterable, counsellor: User,
                      reason: str, by: User) -> int:
    """Reassign ``customers`` to ``counsellor``: a new first-call clock and a
    new run of calls. Returns how many moved (those already the counsellor's
    stay)."""
    if not by.has_perm("customers.assign_customer"):
        raise PermissionDenied(_("You may not recycle customers."))
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why these customers are recycled.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason under %d characters.") % REASON_MAX})
    return customer_assign(
        customers=customers, counsellor=counsellor, by=by,
        reason=_("Recycled to %(who)s: %(why)s") % {"who": counsellor, "why": reason})
