from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "backoffice.ops"
    label = "ops"
    verbose_name = "Operations"
