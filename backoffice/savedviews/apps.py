from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SavedViewsConfig(AppConfig):
    name = "backoffice.savedviews"
    label = "savedviews"
    verbose_name = _("Saved views")
