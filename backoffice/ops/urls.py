from django.urls import path

from backoffice.ops.health import health_view

urlpatterns = [path("", health_view(), name="health")]
