from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityLog(models.Model):
    """What people did, in one place, beside the per-customer history: exports
    (which the history cannot show), and the critical actions on many customers
    at once (assignments, deletions, shares, import reverts). Written only by
    ``audit.services.activity_record``."""

    class Action(models.TextChoices):
        EXPORT = "export", _("Export")
        ASSIGN = "assign", _("Assignment")
        DELETE = "delete", _("Deletion")
        SHARE = "share", _("Share")
        UNSHARE = "unshare", _("Share withdrawn")
        REVERT_IMPORT = "revert_import", _("Import reverted")
        # two-factor sign-in
        TWO_FACTOR_ENROL = "two_factor_enrol", _("Two-factor sign-in set up")
        TWO_FACTOR_CODES = "two_factor_codes", _("Recovery codes renewed")
        TWO_FACTOR_RECOVERY = "two_factor_recovery", _("Recovery code used")
        TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor sign-in reset")
        SIGN_IN_UNLOCK = "sign_in_unlock", _("Sign-in unlocked")
        API_TOKEN = "api_token", _("API token")

    at = models.DateTimeField(_("at"), auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    target = models.CharField(_("what"), max_length=200)
    details = models.JSONField(_("details"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    via = models.CharField(_("via"), max_length=20, default="web",
                           help_text=_("web, or command for the command line"))

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activity log")
        indexes = [
            models.Index(fields=["-at"], name="activity_at_idx"),
            models.Index(fields=["user", "-at"], name="activity_user_idx"),
            models.Index(fields=["action", "-at"], name="activity_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target}"
