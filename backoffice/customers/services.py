"""Every write to customers goes through these functions, each in one
transaction, each recording who did it (``by``) in the history."""

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Case, Exists, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from backoffice.accounts.models import User
from backoffice.accounts.roles import is_counsellor, is_manager
from backoffice.audit.models import ActivityLog
from backoffice.audit.services import activity_record, ids_detail
from backoffice.customers.contacts import alternate_phone_normalize, email_normalize
from backoffice.customers.models import Customer, StatusChange, Touch
from backoffice.customers.phones import phone_normalize
from backoffice.customers.statuses import NEEDS_FOLLOW_UP, Status, funnel_rank, status_bit
from backoffice.followups.calendar import work_calendar
from backoffice.followups.models import WorkRules
from backoffice.followups.rules import TAP_OUTCOME_WINDOW, cadence_follow_up
from backoffice.followups.sla import SLA_CLEARED, sla_fields
from backoffice.notifications.services import assignment_notify, customer_updated_notify
from backoffice.webhooks.models import EventKind
from backoffice.webhooks.services import event_emit

# Fields a user edits on the customer form; status, assignment and audit
# fields have services of their own.
EDITABLE_FIELDS = ("name", "phone", "alternate_phone", "email", "area", "date_added", "remarks",
                   "next_follow_up")
COUNSELLOR_EDITABLE_FIELDS = ("remarks", "next_follow_up")

HISTORY_BATCH = 1000
# Ids per IN (...) list: well under SQLite's variable limit.
ID_CHUNK = 900


def _chunks(items: Sequence, size: int = ID_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_follow_up(status: str, next_follow_up: datetime.date | None) -> None:
    """The follow-up rules, the same for every write: no date in the past, and
    a status that means "call again" needs a date."""
    if next_follow_up and next_follow_up < timezone.localdate():
        raise ValidationError({"next_follow_up": _("The follow-up date is in the past.")})
    if status in NEEDS_FOLLOW_UP and not next_follow_up:
        raise ValidationError(
            {"next_follow_up": _("“%s” needs a follow-up date.") % Status(status).label}
        )


def _save_with_history(customer: Customer, *, by: User | None, reason: str = "") -> None:
    customer._history_user = by
    if reason:
        customer._change_reason = reason
    customer.save()


def _alternate_phone_checked(alternate: str, phone: str) -> str:
    try:
        return alternate_phone_normalize(alternate, phone=phone)
    except ValidationError as exc:
        raise ValidationError({"alternate_phone": exc.messages}) from exc


@transaction.atomic
def customer_create(
    *,
    name: str,
    phone: str,
    by: User | None,
    area: str = "",
    date_added: datetime.date | None = None,
    remarks: str = "",
    status: str = Status.NEW,
    next_follow_up: datetime.date | None = None,
    assigned_to: User | None = None,
    email: str = "",
    alternate_phone: str = "",
    phone_raw: str = "",
    source_details: dict | None = None,
    data_source=None,
    reason: str = "",
    notify: bool = True,
) -> Customer:
    """One new customer. ``phone_raw`` is the number as written when
    ``phone`` was read from it already; ``reason`` the history's (default
    "Created"); ``notify=False``: the caller tells the counsellor itself."""
    customer = Customer(
        name=name,
        phone=phone_normalize(phone),
        phone_raw=(phone_raw or str(phone)).strip()[:64],
        source_details=source_details or {},
        data_source=data_source,
        email=email_normalize(email),
        alternate_phone=_alternate_phone_checked(alternate_phone, phone),
        area=area,
        remarks=remarks,
        status=Status(status),
        stage_reached=funnel_rank(status),
        statuses_seen=status_bit(status),
        next_follow_up=next_follow_up,
        created_by=by,
        updated_by=by,
    )
    if date_added:
        customer.date_added = date_added
    _check_follow_up(customer.status, next_follow_up)
    if assigned_to is not None:
        _check_assignee(assigned_to)
        customer.assigned_to = assigned_to
        customer.assigned_at = timezone.now()
        for field, value in sla_fields(customer.assigned_at).items():
            setattr(customer, field, value)
    customer.full_clean()
    try:
        with transaction.atomic():
            _save_with_history(customer, by=by, reason=reason or _("Created"))
    except IntegrityError as exc:
        # the same phone added by someone else between the check and the write
        if Customer.objects.filter(phone=customer.phone).exists():
            raise ValidationError({"phone": _("This phone number is already a customer.")}
                                  ) from exc
        raise
    StatusChange.objects.create(
        customer=customer,
        from_status="",
        to_status=customer.status,
        remark=remarks,
        next_follow_up=next_follow_up,
        changed_by=by,
    )
    if assigned_to is not None and notify:
        # a manager's new customer for a counsellor is an assignment: told like one
        assignment_notify(counsellor=assigned_to, count=1, by=by)
    event_emit(EventKind.CUSTOMER_CREATED, customer_ids=[customer.pk], by=by)
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, by: User, **changes) -> Customer:
    """Change the editable fields of one customer. A counsellor may change
    only remarks and follow-up, and only on a customer they may change."""
    allowed = EDITABLE_FIELDS if is_manager(by) else COUNSELLOR_EDITABLE_FIELDS
    refused = set(changes) - set(allowed)
    if refused:
        raise PermissionDenied(_("You may not change: %s") % ", ".join(sorted(refused)))
    # Lock and re-read the row: only the requested fields change, so a status
    # update committed meanwhile by someone else is kept.
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if not by.has_perm("customers.change_customer", locked):
        raise PermissionDenied(_("You may not change this customer."))
    if "phone" in changes and changes["phone"] != locked.phone:
        raw = changes["phone"]
        changes["phone"] = phone_normalize(raw)
        locked.phone_raw = str(raw).strip()[:64]
    if "email" in changes:
        changes["email"] = email_normalize(changes["email"])
    if "alternate_phone" in changes or ("phone" in changes and locked.alternate_phone):
        changes["alternate_phone"] = _alternate_phone_checked(
            changes.get("alternate_phone", locked.alternate_phone),
            changes.get("phone", locked.phone))
    if "next_follow_up" in changes and changes["next_follow_up"] != locked.next_follow_up:
        if changes["next_follow_up"] and changes["next_follow_up"] < timezone.localdate():
            raise ValidationError({"next_follow_up": _("The follow-up date is in the past.")})
    if "next_follow_up" in changes and changes["next_follow_up"] != locked.next_follow_up:
        locked.next_follow_up_time = None  # a time of day belonged to the old date
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.updated_by = by
    locked.last_activity_at = timezone.now()
    locked.full_clean()
    _save_with_history(locked, by=by)
    customer_updated_notify(customer=locked, by=by, what=sorted(changes))
    return locked


@transaction.atomic
def customer_change_status(
    *,
    customer: Customer,
    status: str,
    remark: str,
    next_follow_up: datetime.date | None = None,
    by: User,
    next_follow_up_time: datetime.time | None = None,
) -> StatusChange:
    """Record a status update: the StatusChange row for the timeline and the
    customer's history row for compliance, together or not at all.
    ``next_follow_up_time`` is the hour of a follow-up set for a time of day
    ("later today"); it needs a date."""
    try:
        status = Status(status)
    except ValueError as exc:
        raise ValidationError({"status": _("Unknown status “%s”.") % status}) from exc
    remark = (remark or "").strip()
    _check_follow_up(status, next_follow_up)
    if next_follow_up_time is not None and next_follow_up is None:
        raise ValidationError({"next_follow_up": _("A follow-up time needs a date.")})
    # Lock the row: two people updating the same customer at once are applied
    # one after the other, each seeing the other's status as "from".
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if not by.has_perm("customers.change_customer", locked):
        raise PermissionDenied(_("You may not change this customer."))
    # "Call not attended" without a date: the cadence gives one (below), so a
    # second submit of the same update is compared with the one made
    cadence = status == Status.CALL_NOT_ATTENDED and next_follow_up is None
    repeated = _status_change_just_made(
        locked, status=status, remark=remark,
        next_follow_up=locked.next_follow_up if cadence else next_follow_up,
        next_follow_up_time=locked.next_follow_up_time if cadence else next_follow_up_time,
        by=by)
    if repeated is not None:
        return repeated  # a double submit (a double tap on Save): recorded once
    if (status == locked.status and not remark and next_follow_up == locked.next_follow_up
            and next_follow_up_time == locked.next_follow_up_time):
        raise ValidationError(_("Nothing to update: choose a new status or write a remark."))
    now = timezone.now()
    _attempt_count(locked, status=status, by=by, now=now)
    if cadence:
        rules = WorkRules.current()
        next_follow_up, next_follow_up_time = cadence_follow_up(
            now=now, unanswered=locked.attempts_unanswered, steps=rules.cadence_steps,
            calendar=work_calendar(rules))

    change = StatusChange.objects.create(
        customer=locked,
        from_status=locked.status,
        to_status=status,
        remark=remark,
        next_follow_up=next_follow_up,
        changed_by=by,
        changed_at=now,
    )
    locked.status = status
    if remark:
        locked.remarks = remark
    locked.next_follow_up = next_follow_up
    locked.next_follow_up_time = next_follow_up_time
    locked.last_contacted = change.changed_at
    if locked.first_contacted is None:
        locked.first_contacted = change.changed_at
    locked.stage_reached = max(locked.stage_reached, funnel_rank(status))
    locked.statuses_seen |= status_bit(status)
    locked.last_activity_at = now
    # "New" (a remark on a lead left new) says nothing of a call: the
    # first-call clock keeps running
    if (locked.sla_due_at is not None and locked.sla_reached_at is None
            and status != Status.NEW):
        locked.sla_reached_at = now
    locked.updated_by = by
    _save_with_history(
        locked,
        by=by,
        reason=_("Status: %(from)s → %(to)s")
        % {"from": Status(change.from_status).label, "to": status.label},
    )
    # Hand the fresh state back to the caller's instance.
    for field in ("status", "remarks", "next_follow_up", "next_follow_up_time", "last_contacted",
                  "first_contacted", "stage_reached", "statuses_seen", "updated_at",
                  *ATTEMPT_FIELDS, "sla_reached_at", "last_activity_at"):
        setattr(customer, field, getattr(locked, field))
    customer_updated_notify(customer=locked, by=by, what=change)
    event_emit(EventKind.CUSTOMER_STATUS_CHANGED, customer_ids=[locked.pk], by=by,
               extra={"from_status": change.from_status, "to_status": change.to_status})
    return change


ATTEMPT_FIELDS = ("attempts", "attempts_unanswered", "last_attempt_at", "connected_at",
                  "attempts_to_connect")


def _tap_awaiting_outcome(locked: Customer, *, by: User, now: datetime.datetime) -> bool:
    """Did ``by`` tap Call or WhatsApp on this customer moments ago, with no
    status update since? Then the update being recorded is that call's
    outcome, not another attempt."""
    since = now - TAP_OUTCOME_WINDOW
    last_update = (StatusChange.objects.filter(customer=locked)
                   .aggregate(at=Max("changed_at"))["at"])
    if last_update is not None and last_update > since:
        since = last_update
    return Touch.objects.filter(customer=locked, by=by, at__gt=since).exists()


def _attempt_count(locked: Customer, *, status: str, by: User,
                   now: datetime.datetime) -> None:
    """Count the call attempt a status update records. "Call not attended" is
    an unanswered attempt; an update that says the customer was reached is an
    attempt when it is the first reach or ends a run of unanswered calls; a
    tap on Call/WhatsApp just before is the same attempt. New and Invalid say
    nothing about a call."""
    if status in (Status.NEW, Status.INVALID):
        return
    unanswered = status == Status.CALL_NOT_ATTENDED
    counts = unanswered or locked.connected_at is None or locked.attempts_unanswered > 0
    if counts and not _tap_awaiting_outcome(locked, by=by, now=now):
        locked.attempts += 1
        locked.last_attempt_at = now
    if unanswered:
        locked.attempts_unanswered += 1
        return
    locked.attempts_unanswered = 0
    if locked.connected_at is None:
        locked.connected_at = now
        locked.attempts_to_connect = max(locked.attempts, 1)


# The same update or tap by the same person again within this many seconds is
# the same one sent twice (a double tap, a resent form), not a new one.
REPEAT_WINDOW_SECONDS = 10


def _status_change_just_made(locked: Customer, *, status, remark, next_follow_up,
                             next_follow_up_time, by: User) -> StatusChange | None:
    """The customer's latest status update if it is this very one, made by
    ``by`` moments ago and already applied (the customer is locked)."""
    if (locked.status != status or locked.next_follow_up != next_follow_up
            or locked.next_follow_up_time != next_follow_up_time):
        return None
    last = (StatusChange.objects.filter(customer=locked).order_by("-changed_at", "-pk")
            .first())
    if (last is None or last.changed_by_id != by.pk or last.to_status != status
            or last.remark != remark or last.next_follow_up != next_follow_up
            or timezone.now() - last.changed_at
            > datetime.timedelta(seconds=REPEAT_WINDOW_SECONDS)):
        return None
    return last


@transaction.atomic
def customer_touch_record(*, customer: Customer, kind: str, by: User) -> Touch:
    """A tap on Call or WhatsApp: a contact attempt. Recorded as a Touch (the
    timeline, attempt counts) and, like a status update, it makes the customer
    contacted now (``last_contacted``, and ``first_contacted`` the first time)."""
    try:
        kind = Touch.Kind(kind)
    except ValueError as exc:
        raise ValidationError(_("Unknown kind of contact “%s”.") % kind) from exc
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if not by.has_perm("customers.change_customer", locked):
        raise PermissionDenied(_("You may not change this customer."))
    since = timezone.now() - datetime.timedelta(seconds=REPEAT_WINDOW_SECONDS)
    repeated = (Touch.objects.filter(customer=locked, kind=kind, by=by, at__gte=since)
                .order_by("-at").first())
    if repeated is not None:
        return repeated  # the same tap sent twice (a double tap): one attempt
    touch = Touch.objects.create(customer=locked, kind=kind, by=by)
    locked.last_contacted = touch.at
    if locked.first_contacted is None:
        locked.first_contacted = touch.at
    locked.attempts += 1
    locked.last_attempt_at = touch.at
    locked.last_activity_at = touch.at
    if locked.sla_due_at is not None and locked.sla_reached_at is None:
        locked.sla_reached_at = touch.at
    locked.updated_by = by
    _save_with_history(locked, by=by, reason=str(kind.label))
    for field in ("last_contacted", "first_contacted", "attempts", "last_attempt_at",
                  "last_activity_at", "sla_reached_at"):
        setattr(customer, field, getattr(locked, field))
    return touch


def _check_assignee(counsellor: User) -> None:
    if not counsellor.is_active:
        raise ValidationError(_("%s is not an active user.") % counsellor)
    if not is_counsellor(counsellor):
        raise ValidationError(_("%s is not a Student Counsellor.") % counsellor)


def _check_room(counsellor: User, adding: int) -> None:
    """New leads go to nobody on leave today, and to nobody above a cap
    (their daily cap of new leads, or their "open leads at most")."""
    from backoffice.followups.selectors import counsellor_capacity

    # locked while the assignment's transaction lasts: two at once cannot
    # both fill the same room
    capacity = counsellor_capacity(
        [counsellor], lock=transaction.get_connection().in_atomic_block)[counsellor.pk]
    if not capacity.available:
        raise ValidationError(
            _("%(who)s is %(why)s today: no new leads go to them.")
            % {"who": counsellor, "why": capacity.reason})
    if capacity.remaining is not None and adding > capacity.remaining:
        raise ValidationError(
            _("%(who)s may take %(room)d more new leads today (%(why)s), not %(n)d. "
              "Choose fewer customers, another counsellor, or raise their cap.")
            % {"who": counsellor, "room": capacity.remaining, "n": adding,
               "why": capacity.reason or _capacity_limits(counsellor)})


def _capacity_limits(counsellor: User) -> str:
    limits = []
    if counsellor.daily_new_cap is not None:
        limits.append(_("new leads a day at most %d") % counsellor.daily_new_cap)
    if counsellor.max_open_leads is not None:
        limits.append(_("open leads at most %d") % counsellor.max_open_leads)
    return ", ".join(limits)


def _customer_queryset(customers: QuerySet[Customer] | Iterable) -> QuerySet[Customer]:
    if isinstance(customers, QuerySet):
        return customers
    ids = [c.pk if isinstance(c, Customer) else c for c in customers]
    return Customer.objects.filter(pk__in=ids)


@transaction.atomic
def customer_assign(
    *, customers: QuerySet[Customer] | Iterable, counsellor: User | None, by: User,
    check_room: bool = True, reason: str = "",
) -> int:
    """Assign customers to a counsellor (None unassigns). Returns how many
    changed. A few statements for thousands of customers: the UPDATE and the
    history rows go in batches. Refused for a counsellor on leave today or
    whom these customers would take above a cap (``check_room=False``: the
    caller planned within the caps, as distribution does)."""
    if not by.has_perm("customers.assign_customer"):
        raise PermissionDenied(_("You may not assign customers."))
    if counsellor is not None:
        _check_assignee(counsellor)
    target_id = counsellor.pk if counsellor else None

    def not_yet(queryset):
        queryset = queryset.select_related(None).order_by("pk")
        if target_id:
            return queryset.exclude(assigned_to=target_id)
        return queryset.filter(assigned_to__isnull=False)

    if isinstance(customers, QuerySet):
        changing = list(not_yet(customers).select_for_update(of=("self",)))
    else:
        ids = [c.pk if isinstance(c, Customer) else c for c in customers]
        changing = []
        for chunk in _chunks(ids):
            changing += not_yet(Customer.objects.filter(pk__in=chunk)).select_for_update()
    if not changing:
        return 0
    if counsellor is not None and check_room:
        _check_room(counsellor, len(changing))
    now = timezone.now()
    # a new owner starts a new first-call clock and a new run of calls
    fields = {
        "assigned_to_id": target_id,
        "assigned_at": now if target_id else None,
        "updated_by_id": by.pk if by else None,
        "updated_at": now,
        "last_activity_at": now,
        "attempts_unanswered": 0,
        **(sla_fields(now) if target_id else SLA_CLEARED),
    }
    for chunk in _chunks([c.pk for c in changing]):
        Customer.objects.filter(pk__in=chunk).update(**fields)
    for customer in changing:
        for field, value in fields.items():
            setattr(customer, field, value)
    reason = reason or (
        _("Assigned to %s") % counsellor if counsellor else _("Unassigned")
    )
    Customer.history.bulk_history_create(
        changing,
        batch_size=HISTORY_BATCH,
        update=True,
        default_user=by,
        default_change_reason=reason,
        default_date=now,
    )
    activity_record(user=by, action=ActivityLog.Action.ASSIGN,
                    target=f"{len(changing)} customers: {reason}", rows=len(changing),
                    details={"counsellor": target_id, **ids_detail(c.pk for c in changing)})
    assignment_notify(counsellor=counsellor, count=len(changing), by=by)
    event_emit(EventKind.CUSTOMER_ASSIGNED, customer_ids=[c.pk for c in changing], by=by,
               extra={"reason": str(reason)})
    return len(changing)


@transaction.atomic
def customers_distribute(
    *, customers: QuerySet[Customer] | Iterable, counsellors: Sequence[User], by: User,
    day: datetime.date | None = None,
):
    """Share the customers among them that have no counsellor yet out evenly
    over the chosen counsellors, by the distribution plan
    (``backoffice.followups.services.distribution_plan``): the same number
    each, give or take one, the extra ones to whoever has the fewest open
    leads; nobody on leave, inactive or above a cap. Customers that already
    have a counsellor are left as they are (use "Assign" to move them), so
    doing it twice hands nobody out twice. Returns the plan carried out;
    ``plan.unassigned`` stay without a counsellor."""
    from backoffice.followups.services import distribution_plan

    if not by.has_perm("customers.assign_customer"):
        raise PermissionDenied(_("You may not assign customers."))
    if not counsellors:
        raise ValidationError(_("Choose at least one counsellor."))
    ids = []
    for chunk in _chunks(list(_customer_queryset(customers).order_by("pk")
                              .values_list("pk", flat=True))):
        # locked: a second click waits for the first and then finds them assigned
        ids += (Customer.objects.filter(pk__in=chunk, assigned_to__isnull=True)
                .select_for_update().order_by("pk").values_list("pk", flat=True))
    plan = distribution_plan(customer_ids=ids, counsellors=counsellors, day=day, lock=True)
    for counsellor, batch in plan.batches.items():
        customer_assign(customers=batch, counsellor=counsellor, by=by, check_room=False)
    return plan


@transaction.atomic
def customer_delete(*, customers: QuerySet[Customer] | Iterable, by: User) -> int:
    """Delete customers (managers only). The history keeps a deletion record
    of each, with who deleted it."""
    if not (is_manager(by) and by.has_perm("customers.delete_customer")):
        raise PermissionDenied(_("You may not delete customers."))
    doomed = list(_customer_queryset(customers))
    if doomed:
        activity_record(user=by, action=ActivityLog.Action.DELETE,
                        target=f"{len(doomed)} customers deleted", rows=len(doomed),
                        details=ids_detail(c.pk for c in doomed))
    for customer in doomed:
        customer._history_user = by
        customer.delete()
    return len(doomed)


@transaction.atomic
def customer_share(*, customer: Customer, user: User, by: User) -> None:
    """Let ``user`` see and work one customer that is not assigned to them."""
    if not by.has_perm("customers.assign_customer"):
        raise PermissionDenied(_("You may not share customers."))
    _check_assignee(user)
    for perm in ("customers.view_customer", "customers.change_customer"):
        assign_perm(perm, user, customer)
    activity_record(user=by, action=ActivityLog.Action.SHARE,
                    target=f"{customer} shared with {user}", rows=1,
                    details={"customer": customer.pk, "with": user.pk})


@transaction.atomic
def customer_unshare(*, customer: Customer, user: User, by: User) -> None:
    if not by.has_perm("customers.assign_customer"):
        raise PermissionDenied(_("You may not share customers."))
    for perm in ("customers.view_customer", "customers.change_customer"):
        remove_perm(perm, user, customer)
    activity_record(user=by, action=ActivityLog.Action.UNSHARE,
                    target=f"{customer} no longer shared with {user}", rows=1,
                    details={"customer": customer.pk, "with": user.pk})


def customers_reporting_fields_refresh(customers: QuerySet[Customer] | None = None,
                                       *, models=None) -> int:
    """Recompute ``stage_reached``, ``statuses_seen`` and ``first_contacted``
    from the status history, for customers written without the services (bulk
    loads, the migrations that added the fields). ``models`` = (Customer,
    StatusChange), for a migration's historical models."""
    customer_model, change_model, *rest = models or (Customer, StatusChange, Touch)
    touch_model = rest[0] if rest else None
    if customers is None:
        customers = customer_model.objects.all()

    def rank_of(field: str):
        return Case(*[When(**{field: s.value}, then=Value(funnel_rank(s))) for s in Status],
                    default=Value(0), output_field=IntegerField())

    def bit_of(field: str):
        return Case(*[When(**{field: s.value}, then=Value(status_bit(s))) for s in Status],
                    default=Value(0), output_field=IntegerField())

    changes = change_model.objects.filter(customer=OuterRef("pk")).order_by().values("customer")
    stage = changes.annotate(m=Max(rank_of("to_status"))).values("m")
    first = changes.exclude(from_status="").annotate(m=Min("changed_at")).values("m")
    first_contacted = Subquery(first)
    if touch_model is not None:
        # a tap on Call or WhatsApp is a contact too: the earlier of the two
        touches = (touch_model.objects.filter(customer=OuterRef("pk")).order_by()
                   .values("customer").annotate(m=Min("at")).values("m"))
        first_contacted = Case(
            When(Q(Exists(first)) & Q(Exists(touches)),
                 then=Least(Subquery(first), Subquery(touches))),
            default=Coalesce(Subquery(first), Subquery(touches)),
        )
    # the sum of the distinct bits of the statuses it went through is their OR
    seen = changes.annotate(m=Sum(bit_of("to_status"), distinct=True)).values("m")
    return customers.update(
        stage_reached=Greatest(Coalesce(Subquery(stage), Value(0)), rank_of("status")),
        first_contacted=first_contacted,
        statuses_seen=Coalesce(Subquery(seen), Value(0)).bitor(bit_of("status")),
    )
