"""What every model admin of ours shares."""

from functools import wraps

from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.forms import CheckboxInput
from django.http import Http404, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import URLPattern
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from backoffice.accounts.roles import is_manager

_PK = "__ALIMS_PK__"

# unfold's look from one class (theme.css, .alims-select) instead of its 30
# utility classes on every row
checkbox = CheckboxInput(
    {"class": "action-select alims-select", "aria-label": _("Select record")},
    lambda value: False,
)


class OddIdsAnswer404Mixin:
    """An object URL whose id cannot be the model's key ("/²/history/":
    "²".isdigit() is true, int("²") fails) answers 404 like a missing object,
    on every URL of the admin that names one (Django's change and delete
    check, simple-history's history and the product's own views do not)."""

    @property
    def urls(self):
        patterns = self.get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern) and "object_id" in pattern.pattern.converters:
                pattern.callback = self._404_for_odd_id(pattern.callback)
        return patterns

    def _is_key(self, value) -> bool:
        try:
            self.model._meta.pk.to_python(value)
        except (ValidationError, ValueError, TypeError):
            return False
        return True

    def _404_for_odd_id(self, view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not self._is_key(unquote(kwargs["object_id"])):
                raise Http404
            return view(request, *args, **kwargs)

        return guarded

    def response_action(self, request, queryset):
        """An action's chosen rows, less the values that cannot be a key
        (Django filters ``pk__in`` with them as posted: ``²`` is a 500)."""
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        keys = [value for value in selected if self._is_key(value)]
        if len(keys) != len(selected):
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, keys)
        return super().response_action(request, queryset)


class BaseAdmin(OddIdsAnswer404Mixin, ModelAdmin):
    """unfold's ModelAdmin, with the row checkbox rendered once per page
    instead of once per row through the widget template."""

    # unfold's list templates ask for these on every row; an attribute that is not
    # there makes Django's template engine list the whole admin class (dir()) each time
    list_sections = ()
    # an empty cell reads as every empty value of the product does
    empty_value_display = "—"

    @cached_property
    def _checkbox_html(self) -> str:
        # the label around the box is what a finger taps: 44 px on phones (theme.css)
        return f'<label class="alims-check-hit">{checkbox.render(helpers.ACTION_CHECKBOX_NAME, _PK)}</label>'

    def action_checkbox(self, obj) -> str:
        return mark_safe(self._checkbox_html.replace(_PK, escape(str(obj.pk))))

    action_checkbox.short_description = ModelAdmin.action_checkbox.short_description

    def get_search_results(self, request, queryset, search_term):
        """Django's search, on the same bounded words as the customer search
        (each word is a LIKE on every search field: hundreds of words were
        hundreds of LIKEs in one statement)."""
        from backoffice.customers.selectors import search_words

        return super().get_search_results(request, queryset, " ".join(search_words(search_term)))


class BulkActionFormMixin:
    """An admin action that asks for something first (a counsellor, a target):
    the action returns ``self.bulk_form_page(...)`` until its form is valid."""

    def bulk_action_preview(self, queryset) -> list[tuple[str, str]]:
        return [(str(obj), "") for obj in queryset[:10]]

    def bulk_form_page(self, request, queryset, form, action_name, title, button, *,
                       explanation: str = "", preview: list | None = None):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset,
            "count": queryset.count(),
            "preview": self.bulk_action_preview(queryset) if preview is None else preview,
            "explanation": explanation,
            "action_name": action_name,
            "button": button,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/bulk_action.html", context)


class ReadOnlyAdminMixin:
    """A record the app writes and nobody edits (status changes, the activity log)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ManagersOnlyMixin:
    """A page only managers (and superusers) open, and change: the settings
    of the team's work (WhatsApp texts, working rules, holidays, ageing)."""

    def has_module_permission(self, request):
        return is_manager(request.user)

    def has_view_permission(self, request, obj=None):
        return is_manager(request.user)

    def has_change_permission(self, request, obj=None):
        return is_manager(request.user)

    def has_add_permission(self, request):
        return is_manager(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_manager(request.user)


class HiddenObjectsAnswer404Mixin(OddIdsAnswer404Mixin):
    """Object URLs of a model the user may not see answer 404, like a missing
    object, so ids cannot be probed by telling 403 from 404: the admin's own
    (change, delete, history), simple-history's, and every other URL of the
    admin that names an object (unfold's detail actions). The list and the
    add page stay 403 like any page the role may not open. Someone not signed
    in is still sent to the login page."""

    def _404_unless_visible(self, request):
        if not self.has_view_or_change_permission(request):
            raise Http404

    def get_urls(self):
        urls = super().get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern) and pattern.pattern.converters:
                pattern.callback = self._404_for_hidden(pattern.callback)
        return urls

    def _404_for_hidden(self, view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated:
                self._404_unless_visible(request)
            return view(request, *args, **kwargs)

        return guarded

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._404_unless_visible(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._404_unless_visible(request)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._404_unless_visible(request)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._404_unless_visible(request)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyHistoryMixin:
    """simple-history's version page saves on POST whatever the revert setting
    says; our history is a read-only record, so it answers GET only."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().history_form_view(request, object_id, version_id, extra_context)
