"""Recycling: a manager hands customers nobody is working (not reachable,
past the first-call target, aged) to other counsellors, by the distribution
plan (nobody on leave, inactive or above a cap), with a reason that the
history and the activity log keep. What nobody may take stays with its
counsellor."""

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from backoffice.accounts.models import User
from backoffice.customers.models import Customer
from backoffice.customers.services import customer_assign
from backoffice.followups.services import DistributionPlan, distribution_plan

REASON_MAX = 200
# customers recycled at once (a page of the Needs attention list is 50)
MAX_AT_ONCE = 1000


def recycle_reason_clean(reason: str) -> str:
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why these customers are recycled.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason under %d characters.") % REASON_MAX})
    return reason


def _movable(customers: QuerySet[Customer] | Iterable, counsellors: Sequence[User], *,
             lock: bool, assigned_before: datetime.datetime | None = None) -> list[int]:
    """The customers' ids, less those already with the one counsellor chosen
    (they stay: recycling moves a customer to someone else), and less those
    assigned since ``assigned_before`` (the moment the plan was shown: they
    were moved since, by this very plan applied twice or by someone else)."""
    ids = [c.pk if isinstance(c, Customer) else c for c in customers] \
        if not isinstance(customers, QuerySet) else list(customers.values_list("pk", flat=True))
    queryset = Customer.objects.filter(pk__in=ids[:MAX_AT_ONCE]).order_by("pk")
    if len(counsellors) == 1:
        queryset = queryset.exclude(assigned_to=counsellors[0])
    if assigned_before is not None:
        queryset = queryset.filter(Q(assigned_at__isnull=True)
                                   | Q(assigned_at__lte=assigned_before))
    if lock:
        queryset = queryset.select_for_update()
    return list(queryset.values_list("pk", flat=True))


def _away_from_their_own(plan: DistributionPlan, ids: list[int]) -> DistributionPlan:
    """Make the plan give no customer back to the counsellor it is with now:
    each counsellor's share is filled with others' customers (those who hold
    most of the chosen choose first); what only its own counsellor could
    take stays with them and counts as staying."""
    owners = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "assigned_to"))
    held = {user: sum(1 for owner in owners.values() if owner == user.pk) for user in plan.shares}
    left = list(ids)
    batches: dict[User, list[int]] = {}
    for counsellor in sorted(plan.shares, key=lambda user: (-held[user], user.pk)):
        share = plan.shares[counsellor]
        take = [pk for pk in left if owners.get(pk) != counsellor.pk][:share]
        if take:
            taken = set(take)
            left = [pk for pk in left if pk not in taken]
            batches[counsellor] = take
    plan.batches = batches
    plan.shares = {user: len(batches.get(user, ())) for user in plan.shares}
    plan.unassigned = len(left)
    return plan


def _plan(ids: list[int], counsellors: Sequence[User], *, lock: bool) -> DistributionPlan:
    plan = distribution_plan(customer_ids=ids, counsellors=counsellors, lock=lock)
    return _away_from_their_own(plan, ids) if len(counsellors) > 1 else plan


def recycle_plan(*, customers: QuerySet[Customer] | Iterable, counsellors: Sequence[User]
                 ) -> DistributionPlan:
    """What recycling would do, for the preview (writes nothing)."""
    return _plan(_movable(customers, counsellors, lock=False), counsellors, lock=False)


@transaction.atomic
def customers_recycle(*, customers: QuerySet[Customer] | Iterable, counsellors: Sequence[User],
                      reason: str, by: User,
                      assigned_before: datetime.datetime | None = None) -> DistributionPlan:
    """Reassign ``customers`` over ``counsellors`` by the plan: each moved
    one starts a new first-call clock and a new run of calls. Returns the
    plan carried out (``plan.unassigned``: stayed with their counsellor).
    ``assigned_before``: when the plan was shown; a customer assigned since
    stays where it is (a second Apply of a shared plan moves nobody again)."""
    if not by.has_perm("customers.assign_customer"):
        raise PermissionDenied(_("You may not recycle customers."))
    reason = recycle_reason_clean(reason)
    if not counsellors:
        raise ValidationError(_("Choose a counsellor."))
    ids = _movable(customers, counsellors, lock=True, assigned_before=assigned_before)
    plan = _plan(ids, counsellors, lock=True)
    for counsellor, batch in plan.batches.items():
        customer_assign(customers=batch, counsellor=counsellor, by=by, check_room=False,
                        reason=_("Recycled to %(who)s: %(why)s") % {"who": counsellor,
                                                                   "why": reason})
    return plan
