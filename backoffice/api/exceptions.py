"""The services' Django errors as API answers: a ValidationError is a 400
with its messages by field, as DRF's own are. A request without a valid
token or session is counted against its address's allowance: DRF checks
throttles only once someone is signed in, so floods of unsigned or wrong
tokens were never slowed."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def _unsigned_throttled(exc, context):
    """``exc``, or a 429 when the address has used up its allowance."""
    from backoffice.api.throttling import TokenRateThrottle

    request, view = context.get("request"), context.get("view")
    if request is None or view is None:
        return exc
    throttle = TokenRateThrottle()
    if throttle.allow_request(request, view):
        return exc
    return exceptions.Throttled(throttle.wait())


def exception_handler(exc, context):
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        exc = _unsigned_throttled(exc, context)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {field: [str(m) for e in errors for m in e.messages]
                      for field, errors in exc.error_dict.items()}
            detail = {("detail" if field == "__all__" else field): messages
                      for field, messages in detail.items()}
        else:
            detail = {"detail": [str(m) for m in exc.messages]}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)
