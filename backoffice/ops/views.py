"""The 500 page, with the reference a user can quote."""

from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from backoffice.ops.request_log import current_request_id, request_id_safe


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """Django's server_error with the request id: rendered without the request
    (no context processors: nothing here touches the database, which may be
    what failed). The id is the validated one (RequestLogMiddleware) and the
    template escapes it."""
    request_id = request_id_safe(getattr(request, "request_id", None) or current_request_id())
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render({"request_id": request_id}))
