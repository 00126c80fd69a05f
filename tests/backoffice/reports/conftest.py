"""A small team with known histories; every expected number in the report
tests is worked out by hand from this table.

| customer | counsellor | area     | added     | status path (all today)                              | furthest  |
|----------|------------|----------|-----------|------------------------------------------------------|-----------|
| c1       | alice      | Kochi    | today     | new → call_not_attended → valid → admission          | Admission |
| c2       | alice      | Kochi    | today     | new → valid → waiting_for_fees → admission → joined  | Joined    |
| c3       | alice      | Thrissur | today     | new → call_later → not_interested                    | Contact   |
| c4       | bob        | Kochi    | today     | new → valid → dropped                                | Engaged   |
| c5       | bob        | Kollam   | today     | new                                                  | New       |
| c6       | —          | Kollam   | today     | new → invalid (by the manager)                       | New       |
| c7       | alice      | Kochi    | 400 days  | new → admission                                      | Admission |

c2 never went through "Contact attempted": the funnel still counts it there.
"""

import datetime

import pytest
from django.utils import timezone

from backoffice.customers import services
from backoffice.reports.params import ReportParams

PATHS = {
    "c1": ("alice", "Kochi", 0, ["call_not_attended", "valid", "admission"]),
    "c2": ("alice", "Kochi", 0, ["valid", "waiting_for_fees", "admission", "joined"]),
    "c3": ("alice", "Thrissur", 0, ["call_later", "not_interested"]),
    "c4": ("bob", "Kochi", 0, ["valid", "dropped"]),
    "c5": ("bob", "Kollam", 0, []),
    "c6": (None, "Kollam", 0, ["invalid"]),
    "c7": ("alice", "Kochi", 400, ["admission"]),
}
FOLLOW_UP_NEEDED = {"call_not_attended", "call_later"}


@pytest.fixture
def team(manager, alice, bob):
    """The customers of the table above, written through the services."""
    alice.monthly_target = 4
    alice.save()
    people = {"alice": alice, "bob": bob}
    today = timezone.localdate()
    customers = {}
    for n, (key, (who, area, age, path)) in enumerate(PATHS.items()):
        customer = services.customer_create(
            name=key, phone=f"+91970000{n:04d}", by=manager, area=area,
            date_added=today - datetime.timedelta(days=age),
            assigned_to=people.get(who),
        )
        worker = people.get(who, manager)
        for status in path:
            follow_up = today + datetime.timedelta(days=1) if status in FOLLOW_UP_NEEDED else None
            services.customer_change_status(customer=customer, status=status, remark="",
                                            next_follow_up=follow_up, by=worker)
        customers[key] = customer
    return customers


def params_for(user, *, days_back: int = 0, **filters) -> ReportParams:
    today = timezone.localdate()
    return ReportParams(user=user, date_from=today - datetime.timedelta(days=days_back),
                        date_to=today, **filters)
