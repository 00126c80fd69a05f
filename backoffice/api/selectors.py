from django.db.models import QuerySet

from backoffice.api.models import ApiToken

TOKENS_SHOWN = 50


def api_tokens_of(user) -> QuerySet[ApiToken]:
    """A person's own tokens, newest first (revoked ones too, for the record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_tokens_listed(user) -> list[ApiToken]:
    return list(api_tokens_of(user)[:TOKENS_SHOWN])
