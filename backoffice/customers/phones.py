"""Phone numbers: every way of writing a number becomes one E.164 string."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def phone_normalize(raw: object, *, region: str | None = None) -> str:
    """Return ``raw`` as E.164 (``+919876543210``) or raise ValidationError.

    ``98765 43210``, ``+91-9876543210``, ``09876543210`` and the float
    ``9876543210.0`` that a spreadsheet cell gives all become the same number.
    """
    if raw is None:
        raise ValidationError(_("Phone number is missing."), code="missing")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if not text:
        raise ValidationError(_("Phone number is missing."), code="missing")
    try:
        number = phonenumbers.parse(text, region or settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number."), code="unparseable", params={"value": text}
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number."), code="invalid", params={"value": text}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_try_normalize(raw: object) -> str | None:
    try:
        return phone_normalize(raw)
    except ValidationError:
        return None


def phone_display(e164: str) -> str:
    """A readable form with the country code: ``+91 98765 43210``."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
