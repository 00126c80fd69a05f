from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin
from unfold.decorators import display
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from backoffice.accounts.models import User
from backoffice.accounts.roles import role_label
from backoffice.core.admin_base import HiddenObjectsAnswer404Mixin, ReadOnlyHistoryMixin

admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(
    HiddenObjectsAnswer404Mixin, ReadOnlyHistoryMixin, SimpleHistoryAdmin, BaseUserAdmin, ModelAdmin
):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ("username", "full_name", "role", "email", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("first_name", "last_name", "username")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("Role"), {"fields": ("groups", "is_active", "is_superuser", "monthly_target")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role"), {"fields": ("groups",)}),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def user_change_password(self, request, id, form_url=""):
        self._404_unless_visible(request)
        return super().user_change_password(request, id, form_url)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            # Two roles: checkboxes, not a two-list picker.
            kwargs["widget"] = UnfoldAdminCheckboxSelectMultipleWidget
        return super().formfield_for_manytomany(db_field, request, **kwargs)

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
