"""The site's URLs plus views that fail or log, for the request-log and 500-page tests."""

import logging

from django.http import HttpResponse
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def boom(request):
    raise RuntimeError("the view failed")


def logs_a_line(request):
    logging.getLogger("tests.view").warning("inside the view")
    return HttpResponse("ok")


urlpatterns = [
    path("test-boom/", boom),
    path("test-logs/", logs_a_line),
    *site_urlpatterns,
]
