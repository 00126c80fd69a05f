"""Forgotten-password pages: Django's views, in the admin's (unfold's) look."""

from django.contrib import admin
from django.contrib.auth import views as auth_views

from backoffice.accounts.forms import PasswordResetForm, SetPasswordForm


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


class PasswordResetCompleteView(_AdminLook, auth_views.PasswordResetCompleteView):
    pass
