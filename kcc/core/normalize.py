"""Normalisation and validation of Dutch identifiers: phone numbers, postcodes, BSN.

Well-kept libraries do the real work (phonenumbers, python-stdnum); this module only fixes
the project's conventions on top of them.
"""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import postcode as stdnum_postcode

_PHONE_CHARS = re.compile(r"^[\d\s\-\+\(\)\.\/]+$")


def normalize_phone(value: str) -> str:
    """Return the E.164 form of a Dutch or international number, or raise ValidationError.

    Accepts any common Dutch notation (06-12345678, +31 6 1234 5678, 0031612345678) and the
    municipal 14 0xx numbers, which phonenumbers knows as Dutch UAN numbers (+3114020).
    """
    raw = (value or "").strip()
    if not raw or not _PHONE_CHARS.match(raw):
        raise ValidationError(_("Enter a valid phone number, for example 06-12345678."), code="phone")
    try:
        number = phonenumbers.parse(raw, "NL")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a valid phone number, for example 06-12345678."), code="phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This phone number does not exist: check the number of digits."), code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def try_normalize_phone(value: str) -> str | None:
    try:
        return normalize_phone(value)
    except ValidationError:
        return None


def format_phone(e164: str) -> str:
    """Display form: national notation for Dutch numbers, international otherwise."""
    try:
        number = phonenumbers.parse(e164, "NL")
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 31:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalize_postcode(value: str) -> str:
    """Return a Dutch postcode as '1234AB', or raise ValidationError."""
    try:
        return stdnum_postcode.validate(value or "").replace(" ", "")
    except stdnum_exceptions.ValidationError as exc:
        raise ValidationError(_("Enter a valid Dutch postcode, for example 1234 AB."), code="postcode") from exc


def format_postcode(value: str) -> str:
    return f"{value[:4]} {value[4:]}" if len(value) == 6 else value


def validate_bsn(value: str) -> str:
    """Validate a BSN with the elfproef and return its 9-digit form, or raise ValidationError."""
    digits = re.sub(r"[\s.\-]", "", value or "")
    try:
        result = stdnum_bsn.validate(digits)
    except stdnum_exceptions.ValidationError as exc:
        raise ValidationError(_("This is not a valid BSN (it fails the elfproef)."), code="bsn") from exc
    if set(result) == {"0"}:
        raise ValidationError(_("This is not a valid BSN (it fails the elfproef)."), code="bsn")
    return result


def mask_bsn(value: str) -> str:
    """Show only the last three digits: '******782'."""
    if not value:
        return ""
    return "*" * (len(value) - 3) + value[-3:]


def normalize_email(value: str) -> str:
    return (value or "").strip().lower()


NAME_FOLDED_MAX_LENGTH = 300


def fold_name(first_name: str, name_prefix: str, last_name: str) -> str:
    """The search key of a customer's full name (Customer.name_folded). Cut to the column's
    length: a few characters fold into many (NFKD of U+FDFA is 18 characters)."""
    return fold_text(f"{first_name} {name_prefix} {last_name}")[:NAME_FOLDED_MAX_LENGTH].strip()


def fold_text(value: str) -> str:
    """Lower-case, strip accents and collapse white space: the key for name search."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())
