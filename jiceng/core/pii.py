"""Identity numbers (GB 11643) and phone numbers: validation, normalization, masking."""

import datetime
import re

from django.utils.translation import gettext as _

from jiceng.core.errors import ValidationFailed

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸＸ", "0123456789Xx")


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    return re.sub(r"\s", "", (value or "").translate(_FULLWIDTH)).upper()


def validate_id_number(value: str) -> str:
    """Return the normalized 18-character identity number, or raise ValidationFailed."""
    norm = normalize_id_number(value)
    if not re.fullmatch(r"\d{17}[\dX]", norm):
        raise ValidationFailed(_("An identity number has 17 digits and a check digit (0-9 or X)."),
                               field="id_number")
    try:
        datetime.date(int(norm[6:10]), int(norm[10:12]), int(norm[12:14]))
    except ValueError:
        raise ValidationFailed(_("The birth date inside the identity number is not a real date."),
                               field="id_number") from None
    if id_check_digit(norm[:17]) != norm[17]:
        raise ValidationFailed(_("The identity number's check digit is wrong; please check the number."),
                               field="id_number")
    return norm


def id_birth_date(norm: str) -> datetime.date:
    return datetime.date(int(norm[6:10]), int(norm[10:12]), int(norm[12:14]))


def id_gender(norm: str) -> str:
    return "M" if int(norm[16]) % 2 else "F"


def age_on(birth_date: datetime.date | None, today: datetime.date) -> int | None:
    """Whole years of age on `today`: what masked views show instead of a birth date."""
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def looks_like_number_search(value: str) -> str:
    """"id_number" or "phone" when a free-text query is an exact identity or phone number, else ""."""
    norm_id = normalize_id_number(value)
    if len(norm_id) == 18 and norm_id[:17].isdigit():
        return "id_number"
    norm_phone = normalize_phone(value)
    if norm_phone.isdigit() and len(norm_phone) >= 7:
        return "phone"
    return ""


def normalize_phone(value: str) -> str:
    digits = re.sub(r"[\s\-()]", "", (value or "").translate(_FULLWIDTH))
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def validate_phone(value: str) -> str:
    norm = normalize_phone(value)
    if not (re.fullmatch(r"1[3-9]\d{9}", norm) or re.fullmatch(r"0\d{9,11}", norm)):
        raise ValidationFailed(_("A phone number is an 11-digit mobile number or a landline with area code."),
                               field="phone")
    return norm


def mask_id_number(norm: str) -> str:
    """Only the last four characters: the first six (the county of registration) and the next eight
    (the birth date) can be guessed from a household code and an age, and with them and the last four
    the number would be whole again (issue 10, item 5)."""
    if not norm:
        return ""
    return "*" * (len(norm) - 4) + norm[-4:]


def mask_phone(norm: str) -> str:
    if not norm:
        return ""
    if len(norm) <= 7:
        return norm[:2] + "*" * (len(norm) - 2)
    return norm[:3] + "*" * (len(norm) - 7) + norm[-4:]
