from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "backoffice.imports"
    label = "imports"
    verbose_name = "Imports"

    def ready(self) -> None:
        from backoffice.imports import checks  # noqa: F401  (registers system checks)
