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


# --- Two-factor sign-in ------------------------------------------------------


def two_factor_required_by_policy(user) -> bool:
    """Superusers always sign in with a second factor; everyone does with
    REQUIRE_2FA."""
    from django.conf import settings

    return bool(user.is_superuser or settings.REQUIRE_2FA)


def two_factor_enrolled(user) -> bool:
    """Has a confirmed authenticator app (TOTP device)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_pending(request) -> bool:
    """Signed in with a password but not yet with the second factor this
    person must use: no page of the back-office is theirs until then.
    Answered once per request (the admin asks several times a page)."""
    pending = getattr(request, "_two_factor_pending", None)
    if pending is None:
        pending = request._two_factor_pending = _two_factor_pending(request)
    return pending


def _two_factor_pending(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return two_factor_required_by_policy(user) or two_factor_enrolled(user)


def two_factor_recovery_codes_left(user) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
