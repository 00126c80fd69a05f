"""Background jobs of the accounts app (thin: they only deliver)."""

from django.core.mail import EmailMultiAlternatives


def mail_send(*, subject: str, body: str, from_email: str | None, to: list[str],
              html: str | None = None) -> None:
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
