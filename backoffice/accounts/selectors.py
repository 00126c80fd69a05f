from django.db.models import Exists, OuterRef, Q, QuerySet

from backoffice.accounts.models import User
from backoffice.accounts.roles import SALES_MANAGER, STUDENT_COUNSELLOR


def counsellors_active() -> QuerySet[User]:
    """Active users in the Student Counsellor role, in display order."""
    return User.objects.filter(is_active=True, groups__name=STUDENT_COUNSELLOR).order_by(
        "first_name", "last_name", "username"
    )


def managers_active() -> QuerySet[User]:
    """Active users in the Sales Manager role: whom the product tells of
    breaches and escalations."""
    return User.objects.filter(is_active=True, groups__name=SALES_MANAGER).order_by("pk")


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


# --- Sign-in lock-out (django-axes) ----------------------------------------------


def sign_in_cool_off(request=None):
    """How long a lock-out lasts (AXES_COOLOFF_TIME), as a timedelta."""
    from datetime import timedelta

    from axes.helpers import get_cool_off

    return get_cool_off(request) or timedelta(0)


def duration_words(delta) -> str:
    """15 minutes, 1 hour, 1 hour 30 minutes: for people, not ISO 8601."""
    from django.utils.translation import ngettext

    minutes = max(1, round(delta.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%d hour", "%d hours", hours) % hours)
    if minutes:
        parts.append(ngettext("%d minute", "%d minutes", minutes) % minutes)
    return " ".join(parts)


def sign_in_failures_left(request, credentials=None) -> int | None:
    """Failed sign-ins left before a lock-out, as axes counts them after the
    attempt this request made (None when it counted none)."""
    from django.conf import settings

    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return None
    return max(settings.AXES_FAILURE_LIMIT - failures, 0)


def sign_in_locked_until(request, credentials=None):
    """When a locked-out sign-in may be tried again: the cool-off after the
    newest failure that counts towards this lock-out."""
    from axes.handlers.proxy import AxesProxyHandler
    from django.db.models import Max
    from django.utils import timezone

    cool_off = sign_in_cool_off(request)
    newest = None
    for attempts in AxesProxyHandler.get_implementation().get_user_attempts(request,
                                                                           credentials):
        when = attempts.aggregate(newest=Max("attempt_time"))["newest"]
        if when and (newest is None or when > newest):
            newest = when
    return (newest or timezone.now()) + cool_off


def sign_in_locked_usernames(usernames) -> set[str]:
    """Which of these usernames have failed sign-ins that still count (from
    any address): what an unlock would clear."""
    from axes.models import AccessAttempt
    from django.utils import timezone

    return set(AccessAttempt.objects.filter(
        username__in=list(usernames), attempt_time__gte=timezone.now() - sign_in_cool_off(),
    ).values_list("username", flat=True).distinct())


def users_with_lock_out(queryset):
    """``queryset`` with ``_locked_since``: the newest failed sign-in of a
    username that is locked out now (AXES_FAILURE_LIMIT failures from one
    address within the cool-off), else None. The lock-out lasts the cool-off
    from that moment."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    attempts = AccessAttempt.objects.filter(
        username=OuterRef("username"),
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - sign_in_cool_off(),
    ).order_by("-attempt_time").values("attempt_time")[:1]
    return queryset.annotate(_locked_since=Subquery(attempts))
