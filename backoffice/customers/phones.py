"""Phone numbers: every way of writing a number becomes one E.164 string."""

import functools
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
# "5.96696E+11", "9,19877E+11": a spreadsheet showed a long number in
# scientific notation and the file was saved as shown; the last digits are gone.
_SCIENTIFIC = re.compile(r"\+?\d{1,3}(?:[.,]\d*)?[eE]\+?\d{1,2}")
# A number cell of 11 digits or more ending in 5 zeros or more is what such a
# text becomes once a spreadsheet reads it back (9.19877E+11 -> 919877000000).
_ROUNDED = re.compile(r"\d{6,}0{5}")
SCIENTIFIC_MESSAGE = _(
    "“%(value)s”: a spreadsheet turned the phone numbers into scientific notation and their "
    "last digits are lost. Format the phone column as Text before typing or pasting the "
    "numbers, or export the file again as CSV from the system the leads come from."
)

# Numbers written the way another country groups its digits. Read in the
# assumed country they can still be "valid" ((807) 271-2192 is a valid Indian
# mobile once the separators go), so an import asks instead of guessing.
WRITTEN_LIKE = {
    "US": ("3-3-4", r"\(\d{3}\) ?\d{3}[-. ]?\d{4}|\d{3}(?P<us>[-. ])\d{3}(?P=us)\d{4}"),
    "FR": ("5 pairs", r"0[1-9](?P<fr>[ .])\d{2}(?:(?P=fr)\d{2}){3}"),
    "GB": ("07xxx xxxxxx", r"07\d{3} \d{3} ?\d{3}"),
}
# one pattern for all: most numbers are none of these, and fail it at once; an
# extension ("x12", "ext. 12") after the number says nothing of its grouping
_WRITTEN_LIKE = re.compile(
    "(?:" + "|".join(f"(?P<{region}>{pattern})" for region, (_, pattern) in WRITTEN_LIKE.items())
    + r")(?:\s*(?:x|ext\.?|extn\.?|extension)\s*\d{1,6})?", re.IGNORECASE)


def phone_normalize(raw: object, *, region: str | None = None) -> str:
    """Return ``raw`` as E.164 (``+919876543210``) or raise ValidationError.

    ``98765 43210``, ``+91-9876543210``, ``09876543210`` and the float
    ``9876543210.0`` that a spreadsheet cell gives all become the same number.
    """
    if raw is None:
        raise ValidationError(_("Phone number is missing."), code="missing")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise ValidationError(SCIENTIFIC_MESSAGE, code="scientific", params={"value": raw})
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool) and _ROUNDED.fullmatch(str(raw)):
        raise ValidationError(SCIENTIFIC_MESSAGE, code="scientific", params={"value": raw})
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
    if _SCIENTIFIC.fullmatch(text):
        raise ValidationError(SCIENTIFIC_MESSAGE, code="scientific", params={"value": text})
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


def phone_written_like(text: str, region: str) -> tuple[str, str] | None:
    """(region, grouping) when ``text`` is a national number written the way
    another country than ``region`` groups its digits and valid there:
    ``("US", "3-3-4")`` for ``(807) 271-2192`` read in India. None otherwise
    (also when ``region`` shares that country's calling code: Canada and the
    US both write 3-3-4)."""
    text = text.strip()
    match = _WRITTEN_LIKE.fullmatch(text)
    if not match:
        return None
    other = match.lastgroup
    if phonenumbers.country_code_for_region(region) == phonenumbers.country_code_for_region(other):
        return None
    try:
        number = phonenumbers.parse(text, other)
    except phonenumbers.NumberParseException:
        return None
    return (other, WRITTEN_LIKE[other][0]) if phonenumbers.is_valid_number(number) else None


def is_indian_mobile(text: str) -> bool:
    """``text`` is an Indian mobile number written one of the usual ways (the
    fast path of phone_normalize, without building a number)."""
    return bool(_IN_MOBILE.fullmatch(_SEPARATORS.sub("", text)))


def phone_try_normalize(raw: object) -> str | None:
    try:
        return phone_normalize(raw)
    except ValidationError:
        return None


@functools.lru_cache(maxsize=20_000)
def phone_display(e164: str) -> str:
    """A readable form with the country code: ``+91 98765 43210``. Kept for the
    numbers shown lately (a list is shown again after every update made from it;
    20,000 numbers are about 3 MB)."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
