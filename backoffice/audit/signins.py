"""django-axes' app under the name people know its records by."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class SignInRecordsConfig(AxesAppConfig):
    """The menu, the breadcrumbs and the app list say "Sign-ins", not "Axes"."""

    verbose_name = _("Sign-ins")
