"""The services' Django errors as API answers: a ValidationError is a 400
with its messages by field, as DRF's own are."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
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
