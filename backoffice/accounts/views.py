"""Forgotten-password pages: Django's views, in the admin's (unfold's) look."""

import base64

import django_otp
import segno
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_static.models import StaticDevice

from backoffice.accounts import services
from backoffice.accounts.forms import PasswordResetForm, SetPasswordForm, TwoFactorCodeForm
from backoffice.accounts.selectors import (
    two_factor_enrolled, two_factor_pending, two_factor_recovery_codes_left,
    two_factor_required_by_policy,
)


class _AdminLook:
    """The admin site's context (unfold's colours, styles, site title)."""

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}


class PasswordResetView(_AdminLook, auth_views.PasswordResetView):
    """At most PASSWORD_RESET_PER_HOUR requests an hour from one address; past
    that the page answers as usual and sends nothing (no mailbox flooding, no
    probing for addresses)."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        from django.conf import settings
        from django.core.cache import cache
        from django.http import HttpResponseRedirect

        from backoffice.ops.network import client_ip

        key = f"password-reset:{client_ip(self.request)}"
        cache.add(key, 0, timeout=60 * 60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, timeout=60 * 60)
            count = 1
        if count > settings.PASSWORD_RESET_PER_HOUR:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(_AdminLook, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(_AdminLook, auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        services.sign_in_failures_clear(user=form.user)  # a locked-out person may sign in now
        return response


class PasswordResetCompleteView(_AdminLook, auth_views.PasswordResetCompleteView):
    pass


# --- Two-factor sign-in -----------------------------------------------------------
# In the signed-out look like the pages above: the code step after the
# password, setting up an authenticator, the recovery codes (shown once), and a
# person's own two-factor page. backoffice.accounts.middleware.TwoFactorMiddleware
# sends every other page here until the second factor is given.

NEW_CODES_SESSION_KEY = "_two_factor_new_codes"


def _next_url(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return wanted
    return reverse("admin:index")


def _page(request, template: str, **context):
    context = {**admin.site.each_context(request), "next": _next_url(request), **context}
    return TemplateResponse(request, template, context)


def _signed_in_with(request, device) -> None:
    """The session now counts as signed in with the second factor. A new
    session key, as for any change of privilege; its expiry ("Remember me")
    and idle clock are kept."""
    request.session.cycle_key()
    django_otp.login(request, device)
    request.__dict__.pop("_two_factor_pending", None)


def _view(func):
    return never_cache(login_required(func))


@_view
def two_factor_verify(request):
    if not two_factor_pending(request):
        return redirect(_next_url(request))
    if not two_factor_enrolled(request.user):
        return redirect(f"{reverse('two_factor:setup')}?{_next_query(request)}")
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = services.two_factor_verify(user=request.user,
                                                code=form.cleaned_data["code"])
        except services.TwoFactorError as exc:
            form.add_error("code", exc.messages[0])
        else:
            _signed_in_with(request, device)
            _note_recovery_code_used(request, device)
            return redirect(_next_url(request))
    return _page(request, "two_factor/verify.html", form=form, title=_("Two-factor sign-in"))


def _next_query(request) -> str:
    return urlencode({"next": _next_url(request)})


def _note_recovery_code_used(request, device) -> None:
    if not isinstance(device, StaticDevice):
        return
    left = two_factor_recovery_codes_left(request.user)
    messages.warning(request, _("You signed in with a recovery code; it cannot be used again. "
                                "%(left)d left: make new ones from your two-factor page.")
                     % {"left": left})


@_view
def two_factor_setup(request):
    try:
        device = services.two_factor_enrolment_device(request.user)
    except PermissionDenied:
        # already set up: a new authenticator only after an administrator's reset
        if two_factor_pending(request):
            return redirect(f"{reverse('two_factor:verify')}?{_next_query(request)}")
        return redirect("two_factor:manage")
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            device, codes = services.two_factor_enrol(user=request.user,
                                                      code=form.cleaned_data["code"])
        except services.TwoFactorError as exc:
            form.add_error("code", exc.messages[0])
        else:
            _signed_in_with(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            return redirect(f"{reverse('two_factor:recovery_codes')}?{_next_query(request)}")
    secret = base64.b32encode(device.bin_key).decode()
    # The QR code is drawn here as SVG paths (the secret is in no text of it).
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=3, dark="#000", light="#fff")
    return _page(request, "two_factor/setup.html", form=form, title=_("Set up two-factor sign-in"),
                 qr_svg=mark_safe(qr_svg),
                 secret_groups=[secret[i:i + 4] for i in range(0, len(secret), 4)],
                 account=request.user.get_username())


@_view
def two_factor_recovery_codes(request):
    """GET: the codes just made, once (a reload shows them no more). POST: new
    codes after a current code."""
    if request.method == "POST":
        if not two_factor_enrolled(request.user):
            return redirect("two_factor:manage")
        form = TwoFactorCodeForm(request.POST)
        if form.is_valid():
            try:
                codes = services.two_factor_recovery_codes_renew(
                    user=request.user, code=form.cleaned_data["code"])
            except services.TwoFactorError as exc:
                form.add_error("code", exc.messages[0])
            else:
                request.session[NEW_CODES_SESSION_KEY] = codes
                return redirect(f"{reverse('two_factor:recovery_codes')}?"
                                f"{_next_query(request)}")
        return _manage_page(request, renew_form=form)
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    return _page(request, "two_factor/recovery_codes.html", codes=codes,
                 title=_("Recovery codes"))


def _manage_page(request, renew_form=None):
    enrolled = two_factor_enrolled(request.user)
    return _page(
        request, "two_factor/manage.html", title=_("Two-factor sign-in"),
        enrolled=enrolled, required=two_factor_required_by_policy(request.user),
        codes_left=two_factor_recovery_codes_left(request.user) if enrolled else 0,
        renew_form=renew_form or TwoFactorCodeForm(),
    )


@_view
def two_factor_manage(request):
    return _manage_page(request)


# --- Sign-in lock-out ------------------------------------------------------------


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE): the
    signed-out look, when to try again, and the ways back. Still HTTP 429."""
    from datetime import timedelta

    from django.conf import settings
    from django.shortcuts import render
    from django.utils import dateformat, timezone

    from backoffice.accounts.selectors import (
        duration_words, sign_in_cool_off, sign_in_locked_until,
    )

    until = timezone.localtime(sign_in_locked_until(request, credentials))
    today = timezone.localdate()
    at = dateformat.format(until, "H:i" if until.date() == today else "j M Y, H:i")
    wait = max(until - timezone.now(), timedelta(0))
    context = {
        **admin.site.each_context(request),
        "title": _("Sign-in locked"),
        "try_again_at": at,
        "wait": duration_words(wait),
        "cool_off": duration_words(sign_in_cool_off(request)),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "registration/locked_out.html", context,
                  status=settings.AXES_HTTP_RESPONSE_CODE)
