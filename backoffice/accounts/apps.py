from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "backoffice.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from backoffice.accounts.middleware import note_login_time

        user_logged_in.connect(note_login_time, dispatch_uid="accounts.note_login_time")
