"""A fix carried for django-unfold 0.91, which is the last line for Python 3.11.

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


def apply() -> None:
    if unfold_list.result_headers is not _result_headers_once:
        unfold_list.result_headers = _result_headers_once
