"""Fixes carried for django-unfold 0.91, which is the last line for Python 3.11.

1. List headers built once per list (below).
2. The search (sidebar and Ctrl+K) caches its results for five minutes per
   person and term, whether the search was the sidebar's (pages only) or the
   palette's (pages and customers): a customer reassigned away would stay in a
   counsellor's palette, and a palette search could get the sidebar's results.
   Customer results must follow who may see them now, so nothing is cached.
3. The search's ``page`` parameter goes straight to ``int()`` and
   ``Paginator.page()``: ``page=abc``, ``0`` or ``999`` was a 500. A page that
   is not a number from 1 is read as 1; a page past the results is empty, as
   unfold answers a search with no term.
4. List rows carry one short class a cell (``alims-cell``, ``alims-check``, the
   row checkbox ``alims-select``) instead of unfold's 25 utility classes each,
   styled alike in backoffice/css/theme.css: a 50-row customer list was
   ~500 KB of HTML, most of it the same class lists repeated on every cell.
   The columns' names are made text once per list, not once per cell, and the
   cells are rendered from what is known once per list (backoffice/core/list_rows.py).
5. unfold's select writes its options inline (backoffice/widgets/select.html),
   not through two template includes per option.


unfold's ``items_for_result`` rebuilds every column header for every row of a
list (``result_headers(cl)`` per row: 450+ calls on a 50-row page, a third of
the page's time). Upstream fixed this after 0.91 ("remove extra headers for
changelist rows"). Until we can move to a release with the fix, the headers are
built once per change list and reused. Remove this module with that upgrade.
"""

from unfold.templatetags import unfold_list

_original_result_headers = unfold_list.result_headers


def _result_headers_once(cl):
    headers = getattr(cl, "_unfold_headers", None)
    if headers is None:
        headers = list(_original_result_headers(cl))
        for header in headers:  # a lazy name is translated once, not once a row
            header["text"] = str(header["text"])
        cl._unfold_headers = headers
    return iter(headers)


ROW_CLASSES = ["alims-cell"]
CHECKBOX_CLASSES = ["action-checkbox", "alims-check"]


def _search_uncached(original):
    def search(self, request, extra_context=None):
        import hashlib

        from django.core.cache import cache
        from django.core.paginator import EmptyPage
        from django.http import HttpResponse
        from django.utils.encoding import force_bytes

        term = (request.GET.get("s") or "").lower()
        key = hashlib.sha256(force_bytes(f"{request.user.pk}_{term}")).hexdigest()
        cache.delete(f"unfold_search_{key}")  # the key unfold's search uses
        page = request.GET.get("page")
        # a page number a few digits long: int() of 5,000 digits raises
        if page is not None and not (page.isascii() and page.isdigit() and len(page) < 10
                                     and int(page) >= 1):
            request.GET = request.GET.copy()
            request.GET["page"] = "1"
        try:
            return original(self, request, extra_context)
        except EmptyPage:
            return HttpResponse()

    search._alims_uncached = True
    return search


_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _options_html(optgroups) -> str:
    """Django's select options (select_option.html and attrs.html), written in
    Python: a template loop cost ~25 µs an option."""
    from django.utils.html import conditional_escape

    parts = []
    for group_name, group_choices, _index in optgroups:
        if group_name:
            parts.append(f'<optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            attrs = "".join(
                f" {conditional_escape(name)}" if value is True
                else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
                for name, value in option["attrs"].items() if value is not False
            )
            parts.append(f'<option value="{conditional_escape(str(option["value"]))}"{attrs}>'
                         f"{conditional_escape(option['label'])}</option>")
        if group_name:
            parts.append("</optgroup>")
    return "".join(parts)


def _select_context(original):
    def get_context(self, name, value, attrs):
        from django.utils.safestring import mark_safe

        context = original(self, name, value, attrs)
        widget = context["widget"]
        if self.option_template_name == _OPTION_TEMPLATE and all(
            option["template_name"] == _OPTION_TEMPLATE
            for _name, options, _index in widget["optgroups"] for option in options
        ):
            widget["options_html"] = mark_safe(_options_html(widget["optgroups"]))
        return context

    return get_context


def apply() -> None:
    if unfold_list.result_headers is not _result_headers_once:
        unfold_list.result_headers = _result_headers_once
    from backoffice.core import list_rows

    unfold_list.items_for_result = list_rows.items_for_result
    from unfold.widgets import UnfoldAdminSelectWidget

    if UnfoldAdminSelectWidget.template_name == "unfold/widgets/select.html":
        UnfoldAdminSelectWidget.template_name = "backoffice/widgets/select.html"
        UnfoldAdminSelectWidget.get_context = _select_context(UnfoldAdminSelectWidget.get_context)
    unfold_list.ROW_CLASSES = ROW_CLASSES
    unfold_list.CHECKBOX_CLASSES = CHECKBOX_CLASSES
    from unfold.sites import UnfoldAdminSite

    if not getattr(UnfoldAdminSite.search, "_alims_uncached", False):
        UnfoldAdminSite.search = _search_uncached(UnfoldAdminSite.search)
