"""The rows of a list (templates/admin/change_list_results.html) in one go.

For the plain case — no inline forms, no sortable rows, no expandable
sections — every row is the same few tags around unfold's cells, so they are
joined here instead of through a template loop per row and per cell.
"""

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def plain_rows(results, actions_row, more_actions) -> str:
    label = conditional_escape(more_actions)
    parts = []
    for result in results:
        parts.append('<tbody class="alims-tbody"><tr class="data-row alims-row">')
        parts.extend(result)  # unfold's cells, already safe
        if actions_row:
            pk = str(result.instance.pk)
            parts.append(
                f'<td data-label="{label}" class="field-actions_holder alims-cell alims-actions">'
                f'<button type="button" id="row-actions-{escape(pk.replace("-", ""))}" '
                f'data-row-menu="{escape(pk)}" class="alims-row-actions" aria-label="{label}" '
                'aria-haspopup="true" aria-expanded="false"><span class="material-symbols-outlined '
                'md-18" aria-hidden="true">more_horiz</span></button></td>'
            )
        parts.append("</tr></tbody>\n")
    return mark_safe("".join(parts))
