"""What the product tells a person: in the notification centre (the bell)
and by email, each switchable per person and kind."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ASSIGNED = "assigned", _("Customers assigned to you")
    CUSTOMER_UPDATED = "customer_updated", _("A customer of yours updated by someone else")
    DIGEST = "digest", _("Your follow-ups due today (daily digest)")
    ESCALATION = "escalation", _("Follow-ups overdue in the team (managers)")
    IMPORT_DONE = "import_done", _("Your import finished or failed")
    SLA_WARNING = "sla_warning", _("A new lead close to its first-call target")
    SLA_BREACH = "sla_breach", _("First-call target missed (managers)")
    ENQUIRY = "enquiry", _("A customer of yours sent a web form again")
    WEBHOOK_DISABLED = "webhook_disabled", _("A webhook switched off after failures (managers)")


class Notification(models.Model):
    """One message to one person. ``key`` makes a sweep idempotent: the same
    event told twice is one row (unique per recipient)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications", verbose_name=_("for"))
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    key = models.CharField(_("key"), max_length=120)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # False when the person turned this kind off in the app but not by email:
    # the row is kept (it makes the event told once) and not shown.
    in_app = models.BooleanField(_("shown in the app"), default=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"],
                                               name="notification_recipient_key_uniq")]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_list_idx",
                         condition=models.Q(in_app=True)),
            models.Index(fields=["recipient"],
                         condition=models.Q(read_at__isnull=True, in_app=True),
                         name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """A person's choice for one kind; no row means the kind's default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    in_app = models.BooleanField(_("in the app"), default=True)
    email = models.BooleanField(_("by email"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"],
                                               name="notification_pref_user_kind_uniq")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind}"


# Without a choice of their own: everything in the app; email for what needs
# action the same day.
DEFAULT_EMAIL = {Kind.DIGEST, Kind.ESCALATION, Kind.SLA_BREACH, Kind.SLA_WARNING,
                 Kind.IMPORT_DONE, Kind.ASSIGNED, Kind.ENQUIRY, Kind.WEBHOOK_DISABLED}
