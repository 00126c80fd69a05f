"""unfold's list cells, worked out once per list instead of once per cell.

unfold 0.91's ``items_for_result`` resolves every column (field, admin method
or model attribute), its label, its CSS classes, the row's change link and the
preserved filters again for each of the 50 rows of a page: a third of the
customer list's time went there. This renders the same cells from what is
known once per list (``_Column``), and hands a row to unfold's own function
whenever something here is not covered: list_editable forms, sortable rows,
columns it cannot resolve up front. The output is unfold's, cell for cell
(tests/core/test_list_rows.py compares the two on every list of the product).
"""

from __future__ import annotations

import datetime
import html

from django.contrib.admin.templatetags.admin_list import _coerce_field_name
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    quote,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from unfold import utils as unfold_utils
from unfold.templatetags import unfold_list

_PK = "__ALIMS_ROW_PK__"


class _Column:
    __slots__ = ("name", "field", "method", "label", "classes", "is_link", "tag",
                 "empty", "shown_as", "related", "choices", "days")

    def __init__(self, name, field, method, label, classes, is_link, tag, empty):
        self.name, self.field, self.method, self.label = name, field, method, label
        self.classes, self.is_link, self.tag, self.empty = classes, is_link, tag, empty
        # how unfold shows a method's value: a label, a dropdown, a header or as it is
        self.shown_as = next(
            (kind for kind in ("label", "dropdown", "header") if getattr(method, kind, False)),
            "value",
        )
        self.related = field is not None and isinstance(field.remote_field, models.ManyToOneRel)
        # a field with choices shows their labels (unfold asks for the list every cell)
        self.choices = bool(getattr(field, "flatchoices", None)) if field is not None else False
        # a date column's days as written, for this list (a page repeats a few days)
        self.days = {} if type(field) is models.DateField else None


def _link_columns(cl) -> set[int]:
    if cl.list_display_links is None:
        return set()
    if not cl.list_display_links:
        return {0} if cl.list_display else set()
    return {i for i, name in enumerate(cl.list_display) if name in cl.list_display_links}


def _plan(cl):
    """The columns of ``cl``, or None where only unfold's own path will do."""
    plan = getattr(cl, "_alims_row_plan", False)
    if plan is not False:
        return plan
    plan = None
    model_admin = cl.model_admin
    if (not getattr(model_admin, "ordering_field", None) and not cl.is_popup and not cl.to_field
            # a list that says where its rows link: the quick path writes Django's link
            and type(cl).url_for_result is ChangeList.url_for_result):
        plan = _build_plan(cl)
    cl._alims_row_plan = plan
    return plan


def _build_plan(cl):
    model_admin = cl.model_admin
    opts = cl.lookup_opts
    headers = list(unfold_list.result_headers(cl))
    empty = model_admin.get_empty_value_display()
    links = _link_columns(cl)
    first_link = min(links) if links else None
    columns = []
    for index, name in enumerate(cl.list_display):
        field = method = None
        try:
            field = _get_non_gfk_field(opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            if callable(name) or not (hasattr(model_admin, name) and name != "__str__"):
                return None  # a model attribute or a callable: unfold's path
            method = getattr(model_admin, name)
        checkbox = name == "action_checkbox"
        if field is not None and not field.auto_created:
            col_empty = empty
        else:
            col_empty = getattr(method, "empty_value_display", empty) if method else empty
            if field is not None:  # an auto-created field (the primary key)
                return None
        base = [f"field-{_coerce_field_name(name, index)}", *unfold_list.ROW_CLASSES]
        if checkbox:
            base = list(unfold_list.CHECKBOX_CLASSES)
        if field is not None and isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
            base.append("nowrap")
        is_link = index in links
        label = gettext("Select record") if index == 0 and not is_link else headers[index]["text"]
        tag = "th" if is_link and index == first_link else "td"
        columns.append(_Column(name, field, method, conditional_escape(label), " ".join(base),
                               is_link, tag, col_empty))
    return columns


def _change_url_template(cl) -> tuple[str, str] | None:
    """The row's change link as the text before and after the row's key. The key's
    place is the placeholder's first occurrence (in the path): the filters kept
    for the way back come after it and may hold anything typed, the placeholder too."""
    template = getattr(cl, "_alims_change_url", False)
    if template is False:
        try:
            url = reverse(
                f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
                args=(_PK,),
                current_app=cl.model_admin.admin_site.name,
            )
        except NoReverseMatch:
            template = None
        else:
            head, _, tail = add_preserved_filters(
                {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url
            ).partition(_PK)
            template = (head, tail)
        cl._alims_change_url = template
    return template


def _method_repr(column, result):
    attr = column.method
    value = attr(result)
    empty = column.empty
    shown_as = column.shown_as
    if shown_as == "value":
        return unfold_utils.display_for_value(value, empty, getattr(attr, "boolean", False)), value
    if shown_as == "label":
        return unfold_utils.display_for_label(value, empty, attr.label), value
    if shown_as == "dropdown":
        return unfold_utils.display_for_dropdown(result, column.name, value, empty), value
    return unfold_utils.display_for_header(value, empty), value


def _field_repr(column, result):
    field = column.field
    if column.related:
        related = getattr(result, field.name)
        return (column.empty if related is None else related), None
    value = getattr(result, field.attname)
    if not column.choices:
        # unfold's display_for_field for the common cases, without its choices lookup
        if value is None or value == "":
            if not isinstance(field, models.BooleanField):
                return column.empty, value
        elif isinstance(value, str) and type(field) in (models.CharField, models.TextField,
                                                         models.EmailField, models.SlugField):
            return value, value
        elif column.days is not None:
            shown = column.days.get(value)
            if shown is None:
                shown = column.days[value] = unfold_utils.display_for_field(
                    value, field, column.empty)
            return shown, value
    return unfold_utils.display_for_field(value, field, column.empty), value


def _escape(text) -> str:
    """django.utils.html.conditional_escape without its lazy-string wrapper."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


def items_for_result(cl, result, form):
    """unfold's ``items_for_result``: the cells of one row."""
    plan = None if form is not None else _plan(cl)
    if plan is None:
        yield from _unfold_items_for_result(cl, result, form)
        return
    for column in plan:
        try:
            if column.method is not None:
                result_repr, value = _method_repr(column, result)
            else:
                result_repr, value = _field_repr(column, result)
        except ObjectDoesNotExist:
            result_repr, value = cl.model_admin.get_empty_value_display(), None
        classes = column.classes
        if column.method is not None and isinstance(value, datetime.date | datetime.time):
            classes += " nowrap"
        content = _escape(result_repr)
        if column.is_link:
            template = _change_url_template(cl)
            if template is not None:
                pk = quote(getattr(result, cl.pk_attname))
                url = escape(f"{template[0]}{pk}{template[1]}")
                content = (f'<a href="{url}" class="{" ".join(unfold_list.LINK_CLASSES)}" >'
                           f"{content}</a>")
        yield mark_safe(f'<{column.tag} class="{classes}" data-label="{column.label}">{content}'
                        f"</{column.tag}>")


_unfold_items_for_result = unfold_list.items_for_result
