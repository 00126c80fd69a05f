from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin
from unfold.decorators import display
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from backoffice.accounts.models import User
from backoffice.accounts.roles import role_label
from backoffice.accounts import services
from backoffice.accounts.forms import CapsForm, MonthlyTargetForm
from backoffice.core.admin_base import (
    BulkActionFormMixin, HiddenObjectsAnswer404Mixin, ReadOnlyHistoryMixin,
)

admin.site.unregister(Group)
# django-otp's own device admins show secrets and bypass the rules here: a
# person's devices are reset from the Users list (reset_two_factor).
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


class ConfirmationForm(forms.Form):
    """Nothing to fill in: the page is the confirmation."""


@admin.register(User)
class UserAdmin(
    HiddenObjectsAnswer404Mixin, ReadOnlyHistoryMixin, BulkActionFormMixin, SimpleHistoryAdmin,
    BaseUserAdmin, ModelAdmin,
):
    form = UserChangeForm
    add_form = UserCreationForm
    empty_value_display = "—"
    change_password_form = AdminPasswordChangeForm
    list_display = ("username", "full_name", "role", "monthly_target", "caps", "email",
                    "is_active", "two_factor", "sign_in", "last_login")
    actions = ["set_monthly_target", "set_caps", "unlock_sign_in", "reset_two_factor"]
    list_filter = ("groups", "is_active", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("first_name", "last_name", "username")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("Role"), {"fields": ("groups", "is_active", "is_superuser", "monthly_target",
                                "daily_new_cap", "max_open_leads")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role"), {"fields": ("groups",)}),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        from backoffice.accounts.selectors import users_with_lock_out

        return users_with_lock_out(super().get_queryset(request).prefetch_related("groups").annotate(
            _two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))))

    def user_change_password(self, request, id, form_url=""):
        self._404_unless_visible(request)
        if not request.user.is_superuser:
            raise PermissionDenied  # only administrators set another's password
        return super().user_change_password(request, id, form_url)

    def get_fieldsets(self, request, obj=None):
        """The password (its hash's algorithm, salt and digest, and the link to
        set it) is for administrators only."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # a manager reads this page; the target and the caps are set from the list
        hint = (_("To change the monthly target or the new-lead caps: on the list of users, "
                  "tick the counsellors, then choose “Set the monthly target” or “Set "
                  "new-lead caps”.")
                if not self.has_change_permission(request, obj)
                and self.has_set_caps_permission(request) else None)
        return [(name, {**options, "fields": tuple(f for f in options["fields"]
                                                   if f != "password"),
                        **({"description": hint} if hint and "daily_new_cap"
                           in options["fields"] else {})})
                for name, options in fieldsets]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            # Two roles: checkboxes, not a two-list picker.
            kwargs["widget"] = UnfoldAdminCheckboxSelectMultipleWidget
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_set_monthly_target_permission(self, request):
        return request.user.has_perm("accounts.set_monthly_target")

    @admin.action(description=_("Set the monthly target"), permissions=["set_monthly_target"])
    def set_monthly_target(self, request, queryset):
        form = MonthlyTargetForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                changed = services.users_set_monthly_target(
                    users=queryset, target=form.cleaned_data["target"], by=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return None
            self.message_user(request, _("Monthly target set for %d counsellors.") % changed,
                              messages.SUCCESS)
            return None
        return self.bulk_form_page(request, queryset, form, "set_monthly_target",
                                   _("Set the monthly target"), _("Set"))

    @display(description=_("New-lead caps"))
    def caps(self, obj):
        parts = []
        if obj.daily_new_cap is not None:
            parts.append(_("%d a day") % obj.daily_new_cap)
        if obj.max_open_leads is not None:
            parts.append(_("%d open") % obj.max_open_leads)
        return " · ".join(str(p) for p in parts) or "—"

    def has_set_caps_permission(self, request):
        return request.user.has_perm("customers.assign_customer")

    @admin.action(description=_("Set new-lead caps"), permissions=["set_caps"])
    def set_caps(self, request, queryset):
        """Managers (who hand out leads) cap the new leads counsellors get."""
        form = CapsForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                changed = services.users_set_caps(
                    users=queryset, daily_new_cap=form.cleaned_data["daily_new_cap"],
                    max_open_leads=form.cleaned_data["max_open_leads"], by=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])),
                                  messages.ERROR)
                return None
            self.message_user(request, _("New-lead caps set for %d counsellors.") % changed,
                              messages.SUCCESS)
            return None
        return self.bulk_form_page(request, queryset, form, "set_caps",
                                   _("Set new-lead caps"), _("Set"))

    def has_unlock_sign_in_permission(self, request):
        return request.user.has_perm("accounts.unlock_sign_in")

    @admin.action(description=_("Unlock sign-in"), permissions=["unlock_sign_in"])
    def unlock_sign_in(self, request, queryset):
        """After a confirmation page: the people's failed sign-ins are cleared,
        so they may sign in at once instead of waiting for the lock-out to end."""
        from backoffice.accounts.selectors import duration_words, sign_in_cool_off
        from backoffice.accounts.selectors import sign_in_locked_usernames

        form = ConfirmationForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                unlocked = services.sign_in_unlock(users=queryset, by=request.user)
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            if unlocked:
                self.message_user(request, ngettext(
                    "Sign-in unlocked for %d person: they may sign in now.",
                    "Sign-in unlocked for %d people: they may sign in now.", unlocked) % unlocked,
                    messages.SUCCESS)
            else:
                self.message_user(request, _("Nobody selected had failed sign-ins to clear."),
                                  messages.INFO)
            return None
        shown = list(queryset[:10])
        locked = sign_in_locked_usernames(user.get_username() for user in shown)
        preview = [(str(user), _("has failed sign-ins: locked out or close to it")
                    if user.get_username() in locked else _("no failed sign-ins to clear"))
                   for user in shown]
        return self.bulk_form_page(
            request, queryset, form, "unlock_sign_in", _("Unlock sign-in"), _("Unlock"),
            preview=preview,
            explanation=_("Their failed sign-ins are cleared and they may sign in at once, "
                          "instead of waiting %(wait)s after the last wrong password. Do this "
                          "when you know it was them.") % {"wait": duration_words(
                              sign_in_cool_off(request))})

    def has_reset_two_factor_permission(self, request):
        return request.user.is_superuser

    @admin.action(description=_("Reset two-factor sign-in"), permissions=["reset_two_factor"])
    def reset_two_factor(self, request, queryset):
        """After a confirmation page: the people's authenticator and recovery
        codes are removed; they set up two-factor sign-in again."""
        form = ConfirmationForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                reset = services.two_factor_reset(users=queryset, by=request.user)
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            self.message_user(
                request, _("Two-factor sign-in reset for %d people: they set it up again at "
                           "their next sign-in.") % reset, messages.SUCCESS)
            return None
        from backoffice.accounts.selectors import two_factor_enrolled

        preview = [(str(user), _("two-factor sign-in is on") if two_factor_enrolled(user)
                    else _("not set up: nothing to reset")) for user in queryset[:10]]
        return self.bulk_form_page(
            request, queryset, form, "reset_two_factor", _("Reset two-factor sign-in"),
            _("Reset"), preview=preview,
            explanation=_("Their authenticator app and recovery codes stop working at once; "
                          "they set up two-factor sign-in again at their next sign-in. Do this "
                          "when someone has lost their phone and recovery codes."))

    @display(description=_("2FA"), boolean=True)
    def two_factor(self, obj):
        return getattr(obj, "_two_factor", None)

    @display(description=_("Sign-in"))
    def sign_in(self, obj):
        """"Locked until 17:51" while too many wrong passwords keep the person
        out (the "Unlock sign-in" action lets them in at once)."""
        from backoffice.accounts.selectors import sign_in_cool_off
        from backoffice.core.words import local_datetime

        since = getattr(obj, "_locked_since", None)
        if since is None:
            return "—"
        until = timezone.localtime(since + sign_in_cool_off())
        # a lock lasts minutes: today's needs only its time (the column stays narrow)
        when = (date_format(until, "H:i") if until.date() == timezone.localdate()
                else local_datetime(until))
        return format_html('<span class="alims-locked">{}</span>', _("Locked until %s") % when)

    @display(description=_("Name"), ordering="first_name")
    def full_name(self, obj):
        return obj.get_full_name()

    @display(description=_("Role"), label=True)
    def role(self, obj):
        obj._role_names = {g.name for g in obj.groups.all()}
        return role_label(obj)


@admin.register(Group)
class GroupAdmin(HiddenObjectsAnswer404Mixin, BaseGroupAdmin, ModelAdmin):
    pass
