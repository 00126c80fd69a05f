from django.db.models import QuerySet

from backoffice.accounts.models import User
from backoffice.accounts.roles import STUDENT_COUNSELLOR


def counsellors_active() -> QuerySet[User]:
    """Active users in the Student Counsellor role, in display order."""
    return User.objects.filter(is_active=True, groups__name=STUDENT_COUNSELLOR).order_by(
        "first_name", "last_name", "username"
    )
