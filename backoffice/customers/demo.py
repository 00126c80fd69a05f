"""Believable demo data: customers spread over every status, each with the
status history that would have led there. Used by ``manage.py seed_demo`` and
by the benchmarks' small runs."""

import datetime
import random
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from backoffice.accounts.models import User
from backoffice.customers.models import Customer, Enquiry, StatusChange
from backoffice.customers.statuses import Status
from backoffice.customers.services import customers_reporting_fields_refresh

FIRST_NAMES = [
    "Aarav", "Abhinav", "Adithya", "Akhil", "Amal", "Ananya", "Anjali", "Arjun", "Aswin",
    "Athira", "Devika", "Diya", "Fathima", "Gokul", "Gopika", "Hari", "Irfan", "Jithin",
    "Kavya", "Krishna", "Lakshmi", "Meera", "Midhun", "Nandana", "Neha", "Nikhil", "Priya",
    "Rahul", "Reshma", "Riya", "Sandra", "Sneha", "Sreya", "Vishnu", "Zainab", "Joel",
]
LAST_NAMES = [
    "Nair", "Menon", "Pillai", "Kurian", "Thomas", "Varghese", "Joseph", "George", "Kumar",
    "Krishnan", "Rajan", "Mathew", "Das", "Ali", "Rahman", "Jose", "Babu", "Iyer",
]
AREAS = [
    "Kochi", "Ernakulam", "Aluva", "Thrissur", "Kozhikode", "Thiruvananthapuram", "Kottayam",
    "Kollam", "Palakkad", "Malappuram", "Kannur", "Alappuzha", "Pathanamthitta", "Idukki",
]
REMARKS = {
    Status.CALL_NOT_ATTENDED: ["Rang, no answer", "Switched off", "Busy, will retry"],
    Status.CALL_LATER: ["Asked to call in the evening", "In exams, call next week"],
    Status.VALID: ["Interested in BSc Nursing", "Wants MBA details", "Asked about fees"],
    Status.WAITING_FOR_DECISION: ["Discussing with parents", "Comparing two colleges"],
    Status.WAITING_FOR_DOCUMENTS: ["Sending +2 mark list", "Transfer certificate pending"],
    Status.WAITING_FOR_FEES: ["Arranging first instalment", "Education loan in process"],
    Status.WAITING_FOR_CONFIRMATION: ["Seat offered, awaiting confirmation"],
    Status.WAITING_FOR_JOINING: ["Joining date given"],
    Status.ADMISSION: ["Admission confirmed"],
    Status.JOINED: ["Joined the course"],
    Status.NOT_INTERESTED: ["Chose another college", "Not planning to study this year"],
    Status.INVALID: ["Wrong number"],
    Status.DROPPED: ["Dropped after admission"],
}

# The road each final status is reached by.
PATHS: dict[str, list[str]] = {
    Status.NEW: [],
    Status.INVALID: [Status.INVALID],
    Status.CALL_NOT_ATTENDED: [Status.CALL_NOT_ATTENDED],
    Status.CALL_LATER: [Status.CALL_NOT_ATTENDED, Status.CALL_LATER],
    Status.VALID: [Status.VALID],
    Status.NOT_INTERESTED: [Status.VALID, Status.NOT_INTERESTED],
    Status.WAITING_FOR_DECISION: [Status.VALID, Status.WAITING_FOR_DECISION],
    Status.WAITING_FOR_DOCUMENTS: [Status.VALID, Status.WAITING_FOR_DECISION,
                                   Status.WAITING_FOR_DOCUMENTS],
    Status.WAITING_FOR_FEES: [Status.VALID, Status.WAITING_FOR_DOCUMENTS,
                              Status.WAITING_FOR_FEES],
    Status.WAITING_FOR_CONFIRMATION: [Status.VALID, Status.WAITING_FOR_FEES,
                                      Status.WAITING_FOR_CONFIRMATION],
    Status.ADMISSION: [Status.VALID, Status.WAITING_FOR_DOCUMENTS, Status.WAITING_FOR_FEES,
                       Status.ADMISSION],
    Status.WAITING_FOR_JOINING: [Status.VALID, Status.WAITING_FOR_FEES, Status.ADMISSION,
                                 Status.WAITING_FOR_JOINING],
    Status.JOINED: [Status.VALID, Status.WAITING_FOR_FEES, Status.ADMISSION,
                    Status.WAITING_FOR_JOINING, Status.JOINED],
    Status.DROPPED: [Status.VALID, Status.ADMISSION, Status.DROPPED],
}
# How common each final status is: most leads are early in the funnel.
WEIGHTS = {
    Status.NEW: 22, Status.INVALID: 5, Status.CALL_NOT_ATTENDED: 12, Status.CALL_LATER: 8,
    Status.VALID: 9, Status.NOT_INTERESTED: 9, Status.WAITING_FOR_DECISION: 6,
    Status.WAITING_FOR_DOCUMENTS: 5, Status.WAITING_FOR_FEES: 4,
    Status.WAITING_FOR_CONFIRMATION: 3, Status.ADMISSION: 4, Status.WAITING_FOR_JOINING: 3,
    Status.JOINED: 7, Status.DROPPED: 3,
}


def demo_phone(n: int) -> str:
    """The n-th demo mobile number: +91 9xxxxxxxxx, unique for n < 10**9."""
    return f"+919{n:09d}"


CALL_FIELDS = ["attempts", "attempts_unanswered", "last_attempt_at", "connected_at",
               "attempts_to_connect", "sla_due_at", "sla_warn_at", "sla_reached_at", "sla_stage",
               "last_activity_at"]


def _calls_and_clock(customer: Customer, route: list[str], *, start, span, now, rng, calendar,
                     rules) -> None:
    """Call attempts as the route's updates would have counted them, a run of
    unanswered calls for some, and a first-call clock for the last three
    days' assignments."""
    from backoffice.followups.rules import NOT_A_CONNECTION, sla_times

    for step, status in enumerate(route, start=1):
        moment = start + datetime.timedelta(seconds=span * step / (len(route) + 1))
        if status == Status.CALL_NOT_ATTENDED:
            customer.attempts += 1
            customer.attempts_unanswered += 1
            customer.last_attempt_at = moment
        elif status not in NOT_A_CONNECTION:
            if customer.connected_at is None or customer.attempts_unanswered:
                customer.attempts += 1
                customer.last_attempt_at = moment
            customer.attempts_unanswered = 0
            if customer.connected_at is None:
                customer.connected_at = moment
                customer.attempts_to_connect = max(customer.attempts, 1)
    if customer.status == Status.CALL_NOT_ATTENDED and rng.random() < 0.3:
        extra = rng.randint(4, 6)  # not reachable: five or more in a row
        customer.attempts += extra
        customer.attempts_unanswered += extra
    customer.last_activity_at = (customer.last_contacted or customer.assigned_at
                                 or now - datetime.timedelta(days=1))
    if customer.assigned_at and now - customer.assigned_at <= datetime.timedelta(days=3):
        due, warn = sla_times(assigned_at=customer.assigned_at, minutes=rules.sla_minutes,
                              calendar=calendar)
        customer.sla_due_at, customer.sla_warn_at = due, warn
        first = start + datetime.timedelta(seconds=span / (len(route) + 1)) if route else None
        customer.sla_reached_at = first
        customer.sla_stage = 2 if first is None and due <= now else 0


@transaction.atomic
def demo_customers_create(
    *, count: int, counsellors: Sequence[User], by: User, seed: int = 2026,
    unassigned_share: float = 0.12, phone_offset: int = 100_000_000,
) -> int:
    from backoffice.followups.calendar import work_calendar
    from backoffice.followups.models import WorkRules

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    rules = WorkRules.current()
    calendar = work_calendar(rules)
    statuses = list(WEIGHTS)
    weights = [WEIGHTS[s] for s in statuses]
    customers: list[Customer] = []
    routes: list[list[str]] = []
    for i in range(count):
        final = rng.choices(statuses, weights)[0]
        age_days = rng.randint(0, 150)
        added = today - datetime.timedelta(days=age_days)
        counsellor = (
            None if (final == Status.NEW and rng.random() < unassigned_share * 4)
            or rng.random() < unassigned_share / 3
            else rng.choice(counsellors)
        )
        route = PATHS[final] if counsellor else []
        status = route[-1] if route else Status.NEW
        follow_up = None
        if status in (Status.CALL_LATER, Status.CALL_NOT_ATTENDED) or (
            status.startswith("waiting") and rng.random() < 0.7
        ):
            follow_up = today + datetime.timedelta(days=rng.randint(-3, 10))
        phone = demo_phone(phone_offset + i)
        customers.append(
            Customer(
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                phone=phone,
                phone_raw=f"0{phone[3:8]} {phone[8:]}",
                area=rng.choice(AREAS),
                date_added=added,
                status=status,
                remarks=rng.choice(REMARKS.get(status, [""])) if route else "",
                assigned_to=counsellor,
                assigned_at=(now - datetime.timedelta(days=age_days)) if counsellor else None,
                next_follow_up=follow_up,
                created_by=by,
                updated_by=by,
            )
        )
        routes.append(route)
    Customer.objects.bulk_create(customers, batch_size=1000)
    # bulk_create on SQLite and PostgreSQL both return the primary keys.
    changes: list[StatusChange] = []
    for customer, route in zip(customers, routes, strict=True):
        # 9:30 local time on the day it was added, and never in the future
        start = min(
            datetime.datetime.combine(customer.date_added, datetime.time(9, 30),
                                      tzinfo=timezone.get_current_timezone()),
            now - datetime.timedelta(hours=2),
        )
        changes.append(
            StatusChange(customer=customer, from_status="", to_status=Status.NEW,
                         changed_by=by, changed_at=start)
        )
        previous = Status.NEW
        moment = start
        span = max((now - start).total_seconds(), 3600)
        for step, status in enumerate(route, start=1):
            moment = start + datetime.timedelta(seconds=span * step / (len(route) + 1))
            changes.append(
                StatusChange(
                    customer=customer, from_status=previous, to_status=status,
                    remark=rng.choice(REMARKS.get(status, [""])),
                    changed_by=customer.assigned_to, changed_at=moment,
                )
            )
            previous = status
        if route:
            customer.last_contacted = moment
        _calls_and_clock(customer, route, start=start, span=span, now=now, rng=rng,
                         calendar=calendar, rules=rules)
    StatusChange.objects.bulk_create(changes, batch_size=2000)
    customers_reporting_fields_refresh(Customer.objects.filter(pk__in=[c.pk for c in customers]))
    Customer.objects.bulk_update(customers, ["last_contacted", *CALL_FIELDS], batch_size=500)
    Customer.history.bulk_history_create(
        customers, batch_size=1000, default_user=by, default_change_reason="Demo data"
    )
    _enquiries_create(customers, rng=rng, now=now)
    return len(customers)


ENQUIRY_MESSAGES = [
    "Is the hostel available for first-year students?",
    "Please call after 6 pm, I am at work.",
    "What are the fees for the MBA programme?",
    "Can I still apply for the January intake?",
    "Sent the form again, nobody called me back.",
]


def _enquiries_create(customers: Sequence[Customer], *, rng: random.Random, now) -> None:
    """Some assigned customers sent the website's form again (web enquiries,
    on their pages beside their calls)."""
    enquiries = []
    for customer in customers:
        if customer.assigned_to_id is None or rng.random() > 0.03:
            continue
        for _n in range(rng.randint(1, 2)):
            enquiries.append(Enquiry(
                customer=customer, source_name="Website enquiry form",
                at=now - datetime.timedelta(hours=rng.randint(1, 24 * 20)),
                text=f"name: {customer.name}; message: {rng.choice(ENQUIRY_MESSAGES)}"))
    Enquiry.objects.bulk_create(enquiries, batch_size=1000)
