from django.db.models import Exists, OuterRef, Q, QuerySet

from backoffice.accounts.models import User
from backoffice.accounts.roles import STUDENT_COUNSELLOR


def counsellors_active() -> QuerySet[User]:
    """Active users in the Student Counsellor role, in display order."""
    return User.objects.filter(is_active=True, groups__name=STUDENT_COUNSELLOR).order_by(
        "first_name", "last_name", "username"
    )


def counsellors_for_filter() -> QuerySet[User]:
    """Counsellors to filter lists by: the active ones, and those who have
    left but still hold customers (whose leads need handing over)."""
    from backoffice.customers.models import Customer

    holds = Customer.objects.filter(assigned_to=OuterRef("pk"))
    return User.objects.filter(groups__name=STUDENT_COUNSELLOR).filter(
        Q(is_active=True) | Exists(holds)
    ).order_by("-is_active", "first_name", "last_name", "username")
