from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from unfold.forms import AuthenticationForm
from unfold.widgets import BASE_INPUT_CLASSES, UnfoldAdminIntegerFieldWidget
from django.utils.translation import gettext_lazy as _


class MonthlyTargetForm(forms.Form):
    target = forms.IntegerField(
        label=_("Admissions per month"), min_value=0, max_value=10_000, required=False,
        help_text=_("Leave empty for no target."),
    )


class CapsForm(forms.Form):
    daily_new_cap = forms.IntegerField(
        label=_("New leads a day at most"), min_value=0, max_value=10_000, required=False,
        widget=UnfoldAdminIntegerFieldWidget,
        help_text=_("Distribution, imports and recycling give no more new leads a day. "
                    "Leave empty for no limit."),
    )
    max_open_leads = forms.IntegerField(
        label=_("Open leads at most"), min_value=0, max_value=1_000_000, required=False,
        widget=UnfoldAdminIntegerFieldWidget,
        help_text=_("No new leads while a counsellor has this many open customers (not "
                    "joined, dropped, invalid or not interested). Leave empty for no limit."),
    )


class LoginForm(AuthenticationForm):
    """unfold's login form with "Remember me": unticked, the session ends
    when the browser closes or after SESSION_IDLE_TIMEOUT without activity;
    ticked, it lasts REMEMBER_ME_DAYS."""

    remember_me = forms.BooleanField(label=_("Remember me on this computer"), required=False)

    error_messages = {
        **AuthenticationForm.error_messages,
        # Django's says "... for a staff account": everyone here is staff.
        "invalid_login": _("That username and password do not match. Both are case-sensitive."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        if not settings.REMEMBER_ME_DAYS:
            del self.fields["remember_me"]
        self.lockout_warning = ""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            self.lockout_warning = self._lockout_warning()
            raise

    def has_field_errors(self) -> bool:
        return any(self[name].errors for name in self.fields)

    def _lockout_warning(self) -> str:
        """At the attempt before the last: what the next failure does."""
        from backoffice.accounts.selectors import (
            duration_words, sign_in_cool_off, sign_in_failures_left,
        )

        if self.request is None or getattr(self.request, "axes_locked_out", False):
            return ""
        if sign_in_failures_left(self.request) != 1:
            return ""
        return _("One more failed attempt locks this account for %(wait)s.") % {
            "wait": duration_words(sign_in_cool_off(self.request))}

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if self.request is not None:
            # applied to the session once login() has settled it (note_login_time)
            self.request.remember_me = bool(self.cleaned_data.get("remember_me"))


class _UnfoldInputs:
    """unfold's input look on a plain Django auth form's fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = " ".join(BASE_INPUT_CLASSES)


class PasswordResetForm(_UnfoldInputs, auth_forms.PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        """Written here, sent by a background job: the page answers as fast
        whether or not the address has an account, and a slow mail server
        holds no web worker."""
        from django.template import loader

        from backoffice.accounts.jobs import mail_send
        from backoffice.core.jobs import enqueue

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html = (loader.render_to_string(html_email_template_name, context)
                if html_email_template_name else None)
        enqueue(mail_send, subject=subject, body=body, from_email=from_email, to=[to_email],
                html=html)


class SetPasswordForm(_UnfoldInputs, auth_forms.SetPasswordForm):
    pass


class TwoFactorCodeForm(_UnfoldInputs, forms.Form):
    """A 6-digit code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"), max_length=24, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "spellcheck": "false", "autocapitalize": "off"}),
    )
