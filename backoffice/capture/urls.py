from django.urls import path

from backoffice.capture import views

app_name = "capture"

urlpatterns = [
    # a website's enquiry form posts here (public, CSRF-exempt, CORS per data source)
    path("<str:key>/", views.capture, name="submit"),
]
