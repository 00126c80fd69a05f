from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "backoffice.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from backoffice.accounts.middleware import note_login_time

        user_logged_in.connect(note_login_time, dispatch_uid="accounts.note_login_time")
        _admin_requires_second_factor()


def _admin_requires_second_factor() -> None:
    """The admin site (unfold's, installed by unfold's app before ours) counts
    a person who still owes the second factor as not signed in, whatever the
    middleware order: every admin_view sends them to the login page. Signing
    out stays theirs (the admin's logout is behind the same check)."""
    from django.contrib import admin

    site = admin.site
    if getattr(site, "_alims_two_factor", False):
        return
    has_permission = site.has_permission

    def has_permission_with_second_factor(request):
        from django.urls import reverse

        from backoffice.accounts.selectors import two_factor_pending

        if not has_permission(request):
            return False
        return request.path == reverse("admin:logout") or not two_factor_pending(request)

    site.has_permission = has_permission_with_second_factor
    site._alims_two_factor = True
