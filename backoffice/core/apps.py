from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "backoffice.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from backoffice.core import checks  # noqa: F401  (registers system checks)
        from backoffice.core import db, unfold_patches

        db.connect()

        unfold_patches.apply()
