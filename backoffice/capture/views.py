"""POST /capture/<key>/: the public end of a website's enquiry form.

Public and cookie-less, so exempt from CSRF (nothing here acts for a signed-in
person). CORS headers are written here, not by django-cors-headers'
middleware: the origins allowed are the data source's, known only once the
key in the URL is looked up, and no other URL of the site answers other
origins. Answers carry ``{"ok": true}`` or ``{"error": ..., "fields": ...}``
and never anything about a customer.
"""

import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt

from backoffice.capture import selectors, services
from backoffice.ops.network import client_ip

JSON = "application/json"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
PREFLIGHT_MAX_AGE = 60 * 60


def _cors(response: HttpResponse, origin: str, allowed: bool) -> HttpResponse:
    response["Vary"] = "Origin"
    if origin and allowed:
        response["Access-Control-Allow-Origin"] = origin
    return response


def _from_a_page(request) -> bool:
    """A plain HTML form posted by a browser (no script on the page): the
    visitor is shown a page, not JSON."""
    return (request.content_type in FORM_TYPES
            and "text/html" in request.headers.get("Accept", ""))


PAGE_MESSAGES = {
    200: _lazy("Thank you: we have your enquiry and will call you soon."),
    201: _lazy("Thank you: we have your enquiry and will call you soon."),
    403: _lazy("This form cannot be sent from this site."),
    404: _lazy("This form is not taking enquiries."),
    429: _lazy("Too many tries from your connection: wait a minute, then send it again."),
}


def _page(request, status: int, error: str = "") -> HttpResponse:
    message = error or PAGE_MESSAGES.get(status, PAGE_MESSAGES[404])
    return render(request, "capture/answer.html",
                  {"message": message, "correct": status == 400}, status=status)


def _refused(error: str, fields=None, *, status: int = 400, origin: str = "",
             allowed: bool = False, request=None) -> HttpResponse:
    if request is not None and _from_a_page(request):
        return _page(request, status, error if status == 400 else "")
    return _cors(JsonResponse({"error": error, "fields": dict(fields or {})}, status=status),
                 origin, allowed)


def _fields_of(request) -> dict:
    """The submitted fields; CaptureRefused when the body is not what the
    endpoint takes."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if length < 0:
        raise services.CaptureRefused(_("The request has no valid length."))
    if length > settings.CAPTURE_MAX_BYTES:
        raise services.CaptureRefused(
            _("The form is too big: at most %d bytes.") % settings.CAPTURE_MAX_BYTES)
    content_type = request.content_type or ""
    if content_type == JSON:
        try:
            data = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):  # [[[[… is too deep
            raise services.CaptureRefused(_("The body is not valid JSON.")) from None
        if not isinstance(data, dict):
            raise services.CaptureRefused(_("Send the fields as one JSON object."))
        return data
    if content_type in FORM_TYPES:
        if request.FILES:
            raise services.CaptureRefused(_("Files are not taken."))
        return {name: (values[0] if len(values) == 1 else ", ".join(values))
                for name, values in request.POST.lists()}
    raise services.CaptureRefused(
        _("Send the form as application/json, application/x-www-form-urlencoded or "
          "multipart/form-data."))


@csrf_exempt
def capture(request, key: str):
    source = selectors.capture_source(key)
    if source is None:
        return _page(request, 404) if _from_a_page(request) else HttpResponse(status=404)
    origin = request.headers.get("Origin", "")
    allowed_origins = source.allowed_origins or []
    origin_ok = not allowed_origins or origin in allowed_origins
    if request.method == "OPTIONS":
        if not origin_ok:
            return _refused(_("This site may not post to this form."), status=403)
        response = _cors(HttpResponse(status=204), origin, True)
        response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        return response
    if request.method != "POST":
        response = HttpResponse(status=405)
        response["Allow"] = "POST, OPTIONS"
        return response
    # first, before anything is written (even a count): a flood costs no writes
    wait = services.capture_throttle(source, client_ip(request))
    if wait:
        response = _refused(_("Too many posts; try again in a minute."), status=429,
                            origin=origin, allowed=origin_ok, request=request)
        response["Retry-After"] = str(wait)
        return response
    if not origin_ok:
        services.capture_count(source, "refused")
        return _refused(_("This site may not post to this form."), status=403, request=request)
    try:
        fields = _fields_of(request)
    except services.CaptureRefused as exc:
        services.capture_count(source, "refused")
        return _refused(exc.error, exc.fields, origin=origin, allowed=True, request=request)
    try:
        result = services.capture_submit(source=source, fields=fields)
    except services.CaptureRefused as exc:  # counted by the service
        return _refused(exc.error, exc.fields, origin=origin, allowed=True, request=request)
    # 201 for a new lead, 200 for a number already known (docs/decisions.md)
    status = 201 if result.created or result.spam else 200
    if _from_a_page(request):
        return _page(request, status)
    return _cors(JsonResponse({"ok": True}, status=status), origin, True)
