"""How a customer's email and second number are kept, whoever writes them
(the customer page, the services)."""

from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backoffice.customers.phones import phone_normalize


def email_normalize(email: str) -> str:
    """An email as we keep it: trimmed, its domain in lower case (the part
    before the @ is the mailbox's own and stays as written)."""
    return BaseUserManager.normalize_email((email or "").strip())


def alternate_phone_normalize(alternate: str, *, phone: str | None) -> str:
    """The second number in E.164, or "" when none was given; refused when it
    is the customer's phone again."""
    alternate = (alternate or "").strip()
    if not alternate:
        return ""
    alternate = phone_normalize(alternate)
    if phone:
        try:
            same = phone_normalize(phone) == alternate
        except ValidationError:
            same = False  # the phone's own field reports it
        if same:
            raise ValidationError(_("The alternate phone is the customer's phone."),
                                  code="same_as_phone")
    return alternate
