"""How API callers sign in: a personal token (``Authorization: Bearer …``) or
the browser's session (with its CSRF check, as DRF does)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from backoffice.api.models import ApiToken
from backoffice.api.services import TOKEN_PREFIX, api_token_touch, token_hash


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after “Bearer ”."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Not a valid token.")) from None
        if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
            raise exceptions.AuthenticationFailed(_("Not a valid token."))
        token = (ApiToken.objects.select_related("user")
                 .filter(key_hash=token_hash(raw)).first())
        # one answer for unknown, revoked and expired tokens and inactive people
        if token is None or not token.is_usable() or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Not a valid token, or revoked or expired."))
        api_token_touch(token)
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, with DRF's CSRF check. A person who has not yet
    given the second factor of their sign-in never gets here: the two-factor
    middleware sends them to the code step first."""
