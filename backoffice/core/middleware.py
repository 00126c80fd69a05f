"""Request input that no page can use is refused once, here, for every page."""

import logging
import re

from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, DataError
from django.template.response import TemplateResponse

from backoffice.core.db import query_cancelled
from backoffice.ops.network import capture_path
from backoffice.ops.views import api_error_or_none

logger = logging.getLogger(__name__)

# C0 control characters and DEL, except tab, line feed and carriage return
# (multi-line remarks, a pasted tab). NUL is the dangerous one: PostgreSQL
# refuses it in any string, so a filter value holding it was a 500.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ControlCharacterInRequest(SuspiciousOperation):
    """Django answers a SuspiciousOperation with 400 (templates/400.html) and
    logs it on the django.security logger."""


def request_control_character(request) -> str:
    """Where the request carries a control character no page accepts ("" if
    none): anywhere in the path or in a parameter's name; in a query-string
    value (filters, ordering, search, page numbers) any but tab and line ends;
    in a form's value a NUL (forms keep the rest; web forms' posts are the
    capture view's to read)."""
    if "\x00" in request.path:
        return "path"
    for key, values in request.GET.lists():
        if _ANY_CONTROL.search(key) or any(_CONTROL.search(value) for value in values):
            return "query string"
    # a website's enquiry form: the capture view bounds the body before it
    # parses it (CAPTURE_MAX_BYTES, not Django's 10 MB) and drops NULs itself
    if request.method == "POST" and not capture_path(request.path_info):
        for key, values in request.POST.lists():
            if _ANY_CONTROL.search(key) or any("\x00" in value for value in values):
                return "form"
    return ""


class RefuseControlCharactersMiddleware:
    """A control character in a request answers 400 with the branded page.

    Refused rather than stripped: a stripped value would silently search or
    filter for something other than what was sent, and no person types these
    characters (docs/decisions.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = request_control_character(request)
        if where:
            raise ControlCharacterInRequest(f"Control character in the request's {where}.")
        return self.get_response(request)


class StatementTimeoutMiddleware:
    """A query the database cancelled at DB_STATEMENT_TIMEOUT_WEB answers 503
    with a page that says the request took too long (not the generic 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (isinstance(exception, DatabaseError) and query_cancelled(exception)):
            return None
        logger.warning("Statement timeout on %s %s", request.method, request.path)
        response = api_error_or_none(request, 503, "The request took too long; try again "
                                                   "with narrower filters.") or TemplateResponse(
            request, "503_timeout.html", status=503)
        response["Retry-After"] = "60"
        return response


class ValueOutOfRangeMiddleware:
    """A value in the address the database cannot take answers 400, not 500:
    a number too large for its integers (an id of 40 digits in a filter:
    SQLite cannot bind it, OverflowError) or text that is no value of the
    column's type (``?ip_address=x`` on PostgreSQL's inet, DataError)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OverflowError, DataError)):
            return None
        logger.info("Value out of range on %s %s: %s", request.method, request.path, exception)
        return api_error_or_none(request, 400, "A value is out of range.") or TemplateResponse(
            request, "400.html", status=400)
