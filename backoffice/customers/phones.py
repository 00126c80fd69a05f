"""Phone numbers: every way of writing a number becomes one E.164 string."""

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


# Every 10-digit Indian number starting 6-9 is a valid mobile number for
# phonenumbers (checked for all 400,000 six-digit prefixes; see
# tests/backoffice/customers/test_phones.py). Written the usual ways it skips
# the general parser, which is 20x slower and dominates a large import.
_SEPARATORS = re.compile(r"[\s\-().]")
_IN_MOBILE = re.compile(r"(?:\+?91|0)?([6-9]\d{9})")
_FLOAT_TEXT = re.compile(r"\+?\d{6,}\.0+")


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
    if _FLOAT_TEXT.fullmatch(text):
        # a number column saved as text by a spreadsheet: "9876543210.0"
        text = text.split(".", 1)[0]
    if not text:
        raise ValidationError(_("Phone number is missing."), code="missing")
    region = region or settings.PHONE_DEFAULT_REGION
    if region == "IN":
        fast = _IN_MOBILE.fullmatch(_SEPARATORS.sub("", text))
        if fast:
            return "+91" + fast.group(1)
    try:
        number = phonenumbers.parse(text, region)
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
