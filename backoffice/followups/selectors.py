"""Who can take new leads today, and how many: leave days, daily caps and
the most open leads a counsellor may hold. Every way of handing out leads
(distribution, the import's assignment rules, recycling) reads this."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.accounts.models import User
from backoffice.accounts.roles import STUDENT_COUNSELLOR
from backoffice.customers.models import Customer
from backoffice.customers.statuses import Status
from backoffice.followups.models import LeaveDay

# A customer in one of these is no longer open: it does not count against
# a counsellor's "open leads at most".
CLOSED_STATUSES = (Status.JOINED, Status.DROPPED, Status.INVALID, Status.NOT_INTERESTED)


@dataclass
class Capacity:
    """One counsellor's room for new leads on one day."""

    user: User
    available: bool  # active, a counsellor, not on leave
    reason: str  # why they take nothing ("" when they may take some)
    assigned_today: int
    open_leads: int
    remaining: int | None  # new leads they may still take that day; None: no limit

    @property
    def can_take(self) -> bool:
        return self.available and (self.remaining is None or self.remaining > 0)


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The local day as an aware [start, end) range."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    return start, end


def counsellor_capacity(counsellors: Iterable[User | int], *,
                        day: datetime.date | None = None,
                        lock: bool = False) -> dict[int, Capacity]:
    """For each counsellor (users or ids): available or not, and how many new
    leads they may still take on ``day`` (today by default): the smaller of
    their daily cap less the leads assigned to them that day, and their
    "open leads at most" less their open customers. Two queries, whatever
    the number of counsellors. ``lock`` (inside a transaction) locks the
    counsellors' rows until it ends, so two distributions at once cannot
    both fill the same room."""
    day = day or timezone.localdate()
    ids = list(dict.fromkeys(c.pk if isinstance(c, User) else int(c) for c in counsellors))
    if not ids:
        return {}
    users = User.objects.filter(pk__in=ids).annotate(
        in_role=Exists(Group.objects.filter(name=STUDENT_COUNSELLOR, user=OuterRef("pk"))),
        on_leave=Exists(LeaveDay.objects.filter(user=OuterRef("pk"), date=day)),
    ).order_by("pk")
    if lock:
        users = users.select_for_update()
    start, end = day_bounds(day)
    counts = {
        row["assigned_to"]: row
        for row in Customer.objects.filter(assigned_to__in=ids).order_by()
        .values("assigned_to")
        .annotate(
            today=Count("pk", filter=Q(assigned_at__gte=start, assigned_at__lt=end)),
            open=Count("pk", filter=~Q(status__in=CLOSED_STATUSES)),
        )
    }
    result: dict[int, Capacity] = {}
    position = {pk: i for i, pk in enumerate(ids)}
    for user in sorted(users, key=lambda u: position[u.pk]):
        row = counts.get(user.pk, {})
        today, open_leads = row.get("today", 0), row.get("open", 0)
        reason = ""
        remaining = None
        if not user.is_active:
            reason = _("inactive")
        elif not user.in_role:
            reason = _("not a Student Counsellor")
        elif user.on_leave:
            reason = _("on leave")
        else:
            if user.daily_new_cap is not None:
                remaining = max(user.daily_new_cap - today, 0)
                if remaining == 0:
                    reason = _("daily cap reached (%d)") % user.daily_new_cap
            if user.max_open_leads is not None:
                room = max(user.max_open_leads - open_leads, 0)
                if room == 0 and not reason:
                    reason = _("open leads at most (%d)") % user.max_open_leads
                remaining = room if remaining is None else min(remaining, room)
        available = user.is_active and user.in_role and not user.on_leave
        result[user.pk] = Capacity(
            user=user, available=available, reason=reason, assigned_today=today,
            open_leads=open_leads, remaining=remaining if available else 0,
        )
    return result
