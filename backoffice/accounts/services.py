"""Writes to users that are not Django's own (the admin and auth handle those)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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
