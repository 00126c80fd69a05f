from django.contrib import admin
from django.urls import include, path

from backoffice.core.urls import rq_urlpatterns

urlpatterns = [
    # django-rq's pages only check is_staff, and every counsellor is staff:
    # they are mounted behind a superuser check (backoffice/core/urls.py).
    path("jobs/", include((rq_urlpatterns(), "django_rq"))),
    path("reports/", include("backoffice.reports.urls")),
    # for load balancers and monitoring; open to anyone (no data, only OK or the failure)
    path("health/", include("backoffice.ops.urls")),
    # The admin is the whole UI, at the site root; it goes last.
    path("", admin.site.urls),
]
