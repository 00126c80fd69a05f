"""The error pages: the 500 page with the reference a user can quote, and, for
the API's callers (programs), the same errors as JSON."""

from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from backoffice.ops.request_log import current_request_id, request_id_safe

API_PREFIX = "/api/"


def _for_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _api_error(request, status: int, detail: str) -> JsonResponse:
    request_id = request_id_safe(getattr(request, "request_id", None) or current_request_id())
    body = {"detail": detail}
    if request_id:
        body["request_id"] = request_id
    return JsonResponse(body, status=status)


def api_error_or_none(request, status: int, detail: str) -> JsonResponse | None:
    """The JSON answer for an error on an API address; None elsewhere (the
    caller answers with its page)."""
    return _api_error(request, status, detail) if _for_api(request) else None


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """Django's server_error with the request id: rendered without the request
    (no context processors: nothing here touches the database, which may be
    what failed). The id is the validated one (RequestLogMiddleware) and the
    template escapes it."""
    if _for_api(request):
        return _api_error(request, 500, "Something went wrong on our side; quote the "
                                        "request_id if you report it.")
    request_id = request_id_safe(getattr(request, "request_id", None) or current_request_id())
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render({"request_id": request_id}))


@requires_csrf_token
def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if _for_api(request):
        return _api_error(request, 400, "The request could not be read (e.g. a control "
                                        "character in it).")
    return defaults.bad_request(request, exception, template_name)


@requires_csrf_token
def permission_denied(request, exception, template_name=defaults.ERROR_403_TEMPLATE_NAME):
    if _for_api(request):
        return _api_error(request, 403, "Not allowed.")
    return defaults.permission_denied(request, exception, template_name)


@requires_csrf_token
def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    if _for_api(request):
        return _api_error(request, 404, "Not found.")
    return defaults.page_not_found(request, exception, template_name)


def csrf_failure(request, reason=""):
    """Django's CSRF refusal; JSON for the API's addresses."""
    if _for_api(request):
        return _api_error(request, 403, "CSRF Failed: send the CSRF token, or use a token "
                                        "(Authorization: Bearer …) instead of the session.")
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason=reason)


def api_not_found(request, rest=""):
    """Any other address under /api/: a JSON 404, not the admin's login page."""
    return _api_error(request, 404, "No such API address; see /api/v1/docs/.")
