from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "backoffice.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from backoffice.reports import checks  # noqa: F401  (registers system checks)
