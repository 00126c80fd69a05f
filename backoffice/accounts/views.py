"""Forgotten-password pages: Django's views, in the admin's (unfold's) look."""

from django.contrib import admin
from django.contrib.auth import views as auth_views

from backoffice.accounts.forms import PasswordResetForm, SetPasswordForm


class _AdminLook:
    """The admin site's context (unfold's colours, styles, site title)."""

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}


class PasswordResetView(_AdminLook, auth_views.PasswordResetView):
    form_class = PasswordResetForm


class PasswordResetDoneView(_AdminLook, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(_AdminLook, auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm


class PasswordResetCompleteView(_AdminLook, auth_views.PasswordResetCompleteView):
    pass
