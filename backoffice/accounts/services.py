"""Writes to users that are not Django's own (the admin and auth handle those)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backoffice.accounts.models import User
from backoffice.accounts.roles import is_counsellor


@transaction.atomic
def users_set_monthly_target(*, users, target: int | None, by: User) -> int:
    """Set the monthly admissions target of counsellors (None: no target).
    Returns how many changed; each change is in the user's history."""
    if not by.has_perm("accounts.set_monthly_target"):
        raise PermissionDenied(_("You may not set monthly targets."))
    if target is not None and target < 0:
        raise ValidationError(_("A target cannot be negative."))
    changed = 0
    for user in users:
        if not is_counsellor(user):
            raise ValidationError(_("%s is not a Student Counsellor.") % user)
        if user.monthly_target == target:
            continue
        user.monthly_target = target
        user._history_user = by
        user._change_reason = _("Monthly target set")
        user.save(update_fields=["monthly_target"])
        changed += 1
    return changed


def users_set_caps(*, users, daily_new_cap: int | None, max_open_leads: int | None,
                   by: User) -> int:
    """Set counsellors' caps on new leads (None: no limit): how many new leads
    a day at most, and no new leads while they have this many open. Those
    who assign customers set them. Returns how many changed; each change is
    in the user's history."""
    if not by.has_perm("customers.assign_customer"):
        raise PermissionDenied(_("You may not set counsellors' caps."))
    for value in (daily_new_cap, max_open_leads):
        if value is not None and value < 0:
            raise ValidationError(_("A cap cannot be negative."))
    changed = 0
    for user in users:
        if not is_counsellor(user):
            raise ValidationError(_("%s is not a Student Counsellor.") % user)
        if (user.daily_new_cap, user.max_open_leads) == (daily_new_cap, max_open_leads):
            continue
        user.daily_new_cap = daily_new_cap
        user.max_open_leads = max_open_leads
        user._history_user = by
        user._change_reason = _("New-lead caps set")
        user.save(update_fields=["daily_new_cap", "max_open_leads"])
        changed += 1
    return changed


# --- Two-factor sign-in (django-otp) -------------------------------------------
#
# A person's second factor is one authenticator app (a TOTP device) plus a set
# of single-use recovery codes (a static device). Codes are checked through
# django_otp.verify_token, which locks the device row and applies its
# throttling (each wrong code doubles the wait before the next try).

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# A recovery code: django-otp's static tokens are 8 base32 characters.
CODE_MAX_LENGTH = 16


class TwoFactorError(ValidationError):
    """A code was refused; the message says why, in words for the person."""


def _code_clean(code: str) -> str:
    """What people type: spaces or dashes between groups, any case."""
    return "".join(str(code or "").split()).replace("-", "").lower()[:CODE_MAX_LENGTH]


def _refuse_if_throttled(device) -> None:
    import math

    from django.utils import timezone

    allowed, data = device.verify_is_allowed()
    if allowed:
        return
    locked_until = (data or {}).get("locked_until")
    wait = 1
    if locked_until is not None:
        wait = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    raise TwoFactorError(
        ngettext("After a wrong code the next try waits: try again in %(seconds)d second, "
                 "with the newest code.",
                 "After wrong codes the next try waits: try again in %(seconds)d seconds, "
                 "with the newest code.", wait) % {"seconds": wait}, code="throttled")


def _verify(user, device, code: str, *, recovery_codes: bool = True):
    """The device if it accepts the code, else TwoFactorError. The throttling
    count is written in its own transaction (never rolled back with ours)."""
    import django_otp

    _refuse_if_throttled(device)
    verified = django_otp.verify_token(user, device.persistent_id, code)
    if verified is None:
        raise TwoFactorError(
            _("That code is not right. Type the 6-digit code your authenticator app shows "
              "now, or one of your recovery codes.") if recovery_codes else
            _("That code is not right. Type the 6-digit code your authenticator app shows "
              "now for ALIMS Back-office."), code="wrong")
    return verified


def two_factor_enrolment_device(user):
    """The authenticator being set up: made on the first visit, the same
    secret on a reload. Refused once one is confirmed: a second one may only
    come after an administrator's reset (or the code step would be skipped)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from backoffice.accounts.selectors import two_factor_enrolled

    if two_factor_enrolled(user):
        raise PermissionDenied(_("Two-factor sign-in is already set up."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def _recovery_codes_new(user) -> list[str]:
    from django.conf import settings
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_enrol(*, user, code: str):
    """Confirm the authenticator being set up with a code it shows. Returns
    (the device, the new recovery codes: shown to the person once)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from backoffice.audit.models import ActivityLog
    from backoffice.audit.services import activity_record

    device = two_factor_enrolment_device(user)
    # no recovery codes exist yet while setting up
    device = _verify(user, device, _code_clean(code), recovery_codes=False)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_new(user)
        activity_record(user=user, action=ActivityLog.Action.TWO_FACTOR_ENROL,
                        target=user.get_username(), details={"recovery_codes": len(codes)})
    return device, codes


def two_factor_verify(*, user, code: str):
    """The second step of signing in: a 6-digit code from the authenticator
    app, or a recovery code (which is then used up). Returns the device that
    accepted it (for django_otp.login), else TwoFactorError."""
    import re

    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from backoffice.accounts.selectors import two_factor_recovery_codes_left
    from backoffice.audit.models import ActivityLog
    from backoffice.audit.services import activity_record

    code = _code_clean(code)
    recovery = not re.fullmatch(r"\d{6}", code)
    model = StaticDevice if recovery else TOTPDevice
    device = model.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        if recovery:
            raise TwoFactorError(_("You have no recovery codes left. Ask an administrator to "
                                   "reset your two-factor sign-in."), code="wrong")
        raise TwoFactorError(_("Two-factor sign-in is not set up."), code="wrong")
    device = _verify(user, device, code)
    if recovery:
        activity_record(user=user, action=ActivityLog.Action.TWO_FACTOR_RECOVERY,
                        target=user.get_username(),
                        details={"codes_left": two_factor_recovery_codes_left(user)})
    return device


def two_factor_recovery_codes_renew(*, user, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), after a code from the
    authenticator app or a recovery code. Returns them: shown once."""
    from backoffice.audit.models import ActivityLog
    from backoffice.audit.services import activity_record

    two_factor_verify(user=user, code=code)
    with transaction.atomic():
        codes = _recovery_codes_new(user)
        activity_record(user=user, action=ActivityLog.Action.TWO_FACTOR_CODES,
                        target=user.get_username(), details={"recovery_codes": len(codes)})
    return codes


@transaction.atomic
def two_factor_reset(*, users, by: User) -> int:
    """An administrator removes people's authenticator and recovery codes: they
    set up two-factor sign-in again at their next sign-in (if they must use
    it). Returns how many had any; each reset is in the activity log."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from backoffice.audit.models import ActivityLog
    from backoffice.audit.services import activity_record

    if not by.is_superuser:
        raise PermissionDenied(_("Only administrators may reset two-factor sign-in."))
    reset = 0
    for user in users:
        removed = (TOTPDevice.objects.filter(user=user).delete()[0]
                   + StaticDevice.objects.filter(user=user).delete()[0])
        if not removed:
            continue
        activity_record(user=by, action=ActivityLog.Action.TWO_FACTOR_RESET,
                        target=user.get_username(), details={"user_id": user.pk})
        reset += 1
    return reset


# --- Sign-in lock-out (django-axes) ----------------------------------------------


def sign_in_failures_clear(*, user: User) -> int:
    """A person who has just chosen a new password through the emailed link
    has shown it is them: their failed sign-ins no longer count."""
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(username=user.get_username()).delete()[0]


@transaction.atomic
def sign_in_unlock(*, users, by: User) -> int:
    """Clear people's failed sign-ins (from every address), so that they may
    sign in again before the cool-off ends. Sales Managers and administrators
    may; a manager may not unlock an administrator. Returns how many people
    had failures to clear; each unlock is in the activity log."""
    from axes.models import AccessAttempt

    from backoffice.audit.models import ActivityLog
    from backoffice.audit.services import activity_record

    if not by.has_perm("accounts.unlock_sign_in"):
        raise PermissionDenied(_("You may not unlock sign-ins."))
    users = list(users)
    if not by.is_superuser and any(user.is_superuser for user in users):
        raise PermissionDenied(_("Only administrators may unlock an administrator's sign-in."))
    by_username = {user.get_username(): user for user in users}
    attempts = AccessAttempt.objects.filter(username__in=list(by_username))
    had = set(attempts.values_list("username", flat=True).distinct())
    attempts.delete()
    for username in sorted(had):
        activity_record(user=by, action=ActivityLog.Action.SIGN_IN_UNLOCK, target=username,
                        details={"user_id": by_username[username].pk})
    return len(had)
