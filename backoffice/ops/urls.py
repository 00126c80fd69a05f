from django.urls import path

from backoffice.ops.health import health_view, liveness_view

urlpatterns = [
    path("", health_view(), name="health"),
    path("live/", liveness_view(), name="health_live"),
]
