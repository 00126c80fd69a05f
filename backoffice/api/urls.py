"""/api/v1/: the REST API, its OpenAPI schema and its documentation (served
from our own static files)."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from backoffice.api import imports, reports, views

app_name = "api"

# Swagger UI (drf-spectacular-sidecar's) adds one <style> element of its own:
# allowed by its hash on the docs page only
SWAGGER_STYLE = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"

router = SimpleRouter(use_regex_path=False)
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("users", views.UserViewSet, basename="user")
router.register("imports", imports.ImportRunViewSet, basename="importrun")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("reports/", reports.ReportListView.as_view(), name="report-list"),
    path("reports/<slug:identifier>/", reports.ReportView.as_view(), name="report-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", csp_update({"style-src": [SWAGGER_STYLE]})(
        SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("", include(router.urls)),
]
