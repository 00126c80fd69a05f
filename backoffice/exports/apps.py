from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "backoffice.exports"
    label = "exports"
    verbose_name = "Exports"
