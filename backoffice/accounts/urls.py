"""Two-factor sign-in pages (namespace ``two_factor``), at /two-factor/."""

from django.urls import path

from backoffice.accounts import views

app_name = "two_factor"

urlpatterns = [
    path("", views.two_factor_manage, name="manage"),
    path("code/", views.two_factor_verify, name="verify"),
    path("set-up/", views.two_factor_setup, name="setup"),
    path("recovery-codes/", views.two_factor_recovery_codes, name="recovery_codes"),
]
