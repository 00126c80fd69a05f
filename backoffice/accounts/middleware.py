import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from backoffice.ops.views import api_error_or_none

LAST_SEEN = "_last_seen"
REMEMBERED = "_remembered"
# The session is written at most this often just to note activity...
TOUCH_EVERY_SECONDS = 60


def touch_every(timeout: int) -> int:
    """...and at least twice per idle timeout: a request every 20 s must keep
    a 30 s timeout alive (once a minute signed such a person out)."""
    return max(1, min(TOUCH_EVERY_SECONDS, timeout // 2))


class SessionIdleTimeoutMiddleware:
    """Signs a person out after SESSION_IDLE_TIMEOUT seconds without a request
    (unless they chose "Remember me" at login), and sends them to the login
    page with a message and the page they were on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.SESSION_IDLE_TIMEOUT
        user = getattr(request, "user", None)
        if timeout and user is not None and user.is_authenticated \
                and not request.session.get(REMEMBERED):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN, now)
            # A page refreshing itself (an import's progress, marked X-Poll) is
            # not the person being active.
            polling = request.headers.get("X-Poll") == "1"
            if now - last_seen > timeout:
                logout(request)
                if timeout >= 120:
                    idle = _("%d minutes") % (timeout // 60)
                else:
                    idle = _("%d seconds") % timeout
                messages.info(request, _("You were signed out after %s without "
                                         "activity. Sign in again to continue.") % idle)
                refused = api_error_or_none(request, 403, "Signed out after a time without "
                                                          "activity: sign in again, or use a "
                                                          "token.")
                if refused:  # a program is not sent to a page
                    return refused
                login = reverse("admin:login")
                if request.headers.get("HX-Request") == "true":
                    # the whole page goes to the login page, and back to it after
                    page = urlsplit(request.headers.get("HX-Current-URL", ""))
                    next_path = (page.path or "/") + (f"?{page.query}" if page.query else "")
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = f"{login}?{urlencode({'next': next_path})}"
                    return response
                return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
            if not polling and (now - last_seen >= touch_every(timeout)
                                or LAST_SEEN not in request.session):
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def note_login_time(sender, request, user, **kwargs) -> None:
    """Signing in is activity: the idle clock starts at login; and the login
    form's "Remember me" choice is applied to the session login() settled
    (connected to user_logged_in in AccountsConfig.ready)."""
    if request is None or not hasattr(request, "session"):
        return
    session = request.session
    session[LAST_SEEN] = int(time.time())
    remember = getattr(request, "remember_me", None)
    if remember is None:
        return  # not the login form (force_login, another backend)
    if remember:
        session.set_expiry(settings.REMEMBER_ME_DAYS * 24 * 60 * 60)
        session[REMEMBERED] = True
    else:
        session.set_expiry(0)  # until the browser closes
        session.pop(REMEMBERED, None)


class TwoFactorMiddleware:
    """Until a person who must use a second factor has given it in this
    session, every page sends them to the code step (or, with no
    authenticator yet, to setting one up), with the page they asked for.
    Signing in, out and the two-factor pages themselves stay open; static files
    are served before this (whitenoise)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open = None

    def _open_paths(self) -> frozenset[str]:
        if self._open is None:
            self._open = frozenset(
                reverse(name) for name in (
                    "two_factor:verify", "two_factor:setup",
                    "admin:login", "admin:logout",
                )
            )
        return self._open

    def __call__(self, request):
        from backoffice.accounts.selectors import two_factor_enrolled, two_factor_pending

        if request.path_info in self._open_paths() or \
                request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return self.get_response(request)
        if two_factor_pending(request):
            step = "two_factor:verify" if two_factor_enrolled(request.user) \
                else "two_factor:setup"
            target = reverse(step)
            refused = api_error_or_none(request, 403, "Give the second factor of your sign-in "
                                                      "first, or use a token.")
            if refused:  # a program is not sent to a page
                return refused
            if request.headers.get("HX-Request") == "true":
                page = urlsplit(request.headers.get("HX-Current-URL", ""))
                next_path = (page.path or "/") + (f"?{page.query}" if page.query else "")
                response = HttpResponse(status=204)
                response["HX-Redirect"] = f"{target}?{urlencode({'next': next_path})}"
                return response
            next_path = request.get_full_path() if request.method == "GET" else "/"
            return redirect(f"{target}?{urlencode({'next': next_path})}")
        return self.get_response(request)
