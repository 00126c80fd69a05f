from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "backoffice.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in

        from backoffice.accounts.forms import LoginForm
        from backoffice.accounts.middleware import note_login_time

        user_logged_in.connect(note_login_time, dispatch_uid="accounts.note_login_time")

        # "Remember me" on the admin's login page (the whole UI's login)
        admin.site.login_form = LoginForm
