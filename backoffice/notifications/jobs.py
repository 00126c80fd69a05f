"""Email of notifications, sent by a job (thin: render and deliver)."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils import timezone

from backoffice.notifications.models import Notification

logger = logging.getLogger(__name__)


def notifications_email(ids: list[int]) -> int:
    """Send each notification's email once: a row is claimed (``emailed_at``
    set) before its mail goes, so a job run twice sends nothing twice. A mail
    that fails is released for the next run and logged."""
    sent = 0
    for notification in (Notification.objects.filter(pk__in=ids, emailed_at__isnull=True)
                         .select_related("recipient")):
        recipient = notification.recipient
        if not (recipient.is_active and recipient.email):
            continue
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True
                                              ).update(emailed_at=timezone.now())
        if not claimed:
            continue
        context = {"notification": notification, "recipient": recipient,
                   "site_url": settings.SITE_URL.rstrip("/")}
        message = EmailMultiAlternatives(
            subject=" ".join(notification.title.split()),  # one line, whatever the title holds
            body=loader.render_to_string("notifications/email.txt", context),
            to=[recipient.email],
        )
        message.attach_alternative(loader.render_to_string("notifications/email.html", context),
                                   "text/html")
        try:
            message.send()
        except Exception:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            logger.exception("Notification email not sent", extra={"notification": notification.pk})
            raise
        sent += 1
    return sent
