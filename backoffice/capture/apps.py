from django.apps import AppConfig


class CaptureConfig(AppConfig):
    name = "backoffice.capture"
    label = "capture"
    verbose_name = "Web forms"
