"""Fair distribution: how many new leads each counsellor gets, within their
leave days and caps. ``distribution_plan`` only plans (it writes nothing):
``customers_distribute``, the import's assignment rules and recycling hand
leads out by it."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.accounts.models import User
from backoffice.followups.selectors import Capacity, counsellor_capacity

RULES = ("even",)


@dataclass
class DistributionPlan:
    day: datetime.date
    total: int  # leads to hand out
    shares: dict[User, int]  # every counsellor asked for, in the order given
    skipped: dict[User, str]  # those who get none because they may not take any: why
    unassigned: int  # leads nobody may take (everyone available reached a cap)
    capacities: dict[int, Capacity]
    batches: dict[User, list[int]] = field(default_factory=dict)  # with customer ids

    @property
    def assigned(self) -> int:
        return self.total - self.unassigned

    @property
    def nobody_available(self) -> bool:
        """Not one of the counsellors asked for may take a new lead today."""
        return len(self.skipped) == len(self.shares)

    def rows(self) -> list[tuple[User, int, str, Capacity]]:
        """(counsellor, leads they get, why none, their capacity), for pages."""
        return [(user, n, self.skipped.get(user, ""), self.capacities[user.pk])
                for user, n in self.shares.items()]


def _shares(order: list[Capacity], count: int) -> dict[int, int]:
    """Even shares of ``count`` over ``order`` (least loaded first), none above
    what each may still take: the extra ones go to the least loaded."""
    given = {c.user.pk: 0 for c in order}
    open_ = [c for c in order if c.can_take]
    left = count

    def room(c: Capacity) -> int | None:
        return None if c.remaining is None else c.remaining - given[c.user.pk]

    while left and open_:
        each = left // len(open_)
        if each == 0:
            for c in open_[:left]:
                given[c.user.pk] += 1
            left = 0
            break
        for c in open_:
            space = room(c)
            take = each if space is None else min(each, space)
            given[c.user.pk] += take
            left -= take
        open_ = [c for c in open_ if room(c) is None or room(c) > 0]
    return given


def distribution_plan(*, counsellors: Sequence[User | int], customer_ids: Iterable[int] | None = None,
                      count: int | None = None, day: datetime.date | None = None,
                      rule: str = "even", lock: bool = False) -> DistributionPlan:
    """Plan how ``count`` new leads (or the customers ``customer_ids``, in
    that order) are shared out between ``counsellors`` on ``day`` (today):
    the same number each, give or take one, the extra ones to those with the
    fewest open leads; nobody on leave, inactive or above a cap; what nobody
    may take stays unassigned and is counted. Writes nothing (``lock``: the
    counsellors' rows stay locked to the end of the caller's transaction)."""
    if rule not in RULES:
        raise ValidationError(_("Unknown distribution rule: %s") % rule)
    if (customer_ids is None) == (count is None):
        raise TypeError("give customer_ids or count")
    day = day or timezone.localdate()
    ids = list(customer_ids) if customer_ids is not None else None
    total = len(ids) if ids is not None else max(int(count), 0)
    capacities = counsellor_capacity(counsellors, day=day, lock=lock)
    asked = list(capacities.values())
    order = sorted(asked, key=lambda c: (c.open_leads, c.user.pk))
    given = _shares(order, total)
    plan = DistributionPlan(
        day=day, total=total,
        shares={c.user: given[c.user.pk] for c in asked},
        skipped={c.user: c.reason for c in asked if not c.can_take},
        unassigned=total - sum(given.values()), capacities=capacities,
    )
    if ids is not None:
        start = 0
        for c in order:
            n = given[c.user.pk]
            if n:
                plan.batches[c.user] = ids[start:start + n]
                start += n
    return plan


# --- leave days ------------------------------------------------------------------

def _may_record_leave_for_anyone(by: User) -> bool:
    from backoffice.accounts.roles import is_manager

    return is_manager(by)


def leave_day_check(*, leave, by: User) -> None:
    """Managers record leave for any counsellor, past days included; a
    counsellor only their own, today or later."""
    from backoffice.accounts.roles import is_counsellor

    if _may_record_leave_for_anyone(by):
        if leave.user_id and not is_counsellor(leave.user):
            raise ValidationError({"user": _("%s is not a Student Counsellor.") % leave.user})
        return
    if not is_counsellor(by) or leave.user_id != by.pk:
        raise PermissionDenied(_("You may record only your own leave."))
    if leave.date and leave.date < timezone.localdate():
        raise ValidationError({"date": _("A day in the past cannot be entered: ask a manager.")})


def leave_day_save(*, leave, by: User):
    """Record (or change) a leave day, with who entered it in the history."""
    if not by.has_perm("followups.change_leaveday" if leave.pk else "followups.add_leaveday"):
        raise PermissionDenied(_("You may not record leave."))
    leave_day_check(leave=leave, by=by)
    if not leave.pk:
        leave.created_by = by
    leave._history_user = by
    leave.full_clean()
    leave.save()
    return leave


def leave_day_delete(*, leave, by: User) -> None:
    if not by.has_perm("followups.delete_leaveday"):
        raise PermissionDenied(_("You may not delete leave."))
    leave_day_check(leave=leave, by=by)
    leave._history_user = by
    leave.delete()
