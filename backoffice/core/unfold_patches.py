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
        cl._unfold_headers = headers
    return iter(headers)


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
        if page is not None and not (page.isascii() and page.isdigit() and int(page) >= 1):
            request.GET = request.GET.copy()
            request.GET["page"] = "1"
        try:
            return original(self, request, extra_context)
        except EmptyPage:
            return HttpResponse()

    search._alims_uncached = True
    return search


def apply() -> None:
    if unfold_list.result_headers is not _result_headers_once:
        unfold_list.result_headers = _result_headers_once
    from unfold.sites import UnfoldAdminSite

    if not getattr(UnfoldAdminSite.search, "_alims_uncached", False):
        UnfoldAdminSite.search = _search_uncached(UnfoldAdminSite.search)
