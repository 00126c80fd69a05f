"""What every model admin of ours shares."""

from django.contrib.admin import helpers
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from unfold.admin import ModelAdmin, checkbox

_PK = "__ALIMS_PK__"


class BaseAdmin(ModelAdmin):
    """unfold's ModelAdmin, with the row checkbox rendered once per page
    instead of once per row through the widget template."""

    @cached_property
    def _checkbox_html(self) -> str:
        return checkbox.render(helpers.ACTION_CHECKBOX_NAME, _PK)

    def action_checkbox(self, obj) -> str:
        return mark_safe(self._checkbox_html.replace(_PK, escape(str(obj.pk))))

    action_checkbox.short_description = ModelAdmin.action_checkbox.short_description
