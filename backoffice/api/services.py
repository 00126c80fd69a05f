"""Writes of the API app: personal tokens made and revoked by their owner."""

import datetime
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.api.models import ApiToken
from backoffice.audit.models import ActivityLog
from backoffice.audit.services import activity_record

TOKEN_PREFIX = "alims_"
# direction overrides and isolates: a name must read as it is written
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F])
MAX_LIVE_TOKENS = 20


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str, expires_at: datetime.datetime | None = None
                     ) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row and the token itself, which is
    never stored and cannot be shown again."""
    name = (name or "").translate(BIDI_CONTROLS).strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the tool that uses it.")})
    if len(name) > 80:
        raise ValidationError({"name": _("At most 80 characters.")})
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationError({"expires_at": _("The expiry date has passed.")})
    # one at a time per person: the count below is not raced by a double submit
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True).exclude(
        expires_at__lte=now)
    if live.filter(name=name).exists():
        # also what a double submit of the form meets: the first one's token is shown
        raise ValidationError({"name": _("You have a token named “%(name)s” already: give "
                                         "this one another name.") % {"name": name}})
    live = live.count()
    if live >= MAX_LIVE_TOKENS:
        raise ValidationError(_("You have %(n)d tokens in use: revoke one you no longer need "
                                "first.") % {"n": live})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:12],
                                    key_hash=token_hash(raw), expires_at=expires_at)
    activity_record(user=user, action=ActivityLog.Action.API_TOKEN,
                    target=str(token), details={"event": "created", "token": token.pk})
    return token, raw


def api_token_revoke(*, user, pk) -> bool:
    """Revoke one of ``user``'s own tokens; False when there is none such."""
    revoked = ApiToken.objects.filter(user=user, pk=pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    if revoked:
        activity_record(user=user, action=ActivityLog.Action.API_TOKEN,
                        target=str(ApiToken.objects.get(pk=pk)),
                        details={"event": "revoked", "token": int(pk)})
    return bool(revoked)


def api_token_touch(token: ApiToken, *, every: int = 60) -> None:
    """Note the token's use, at most once a minute (one UPDATE, no history)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= every:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
