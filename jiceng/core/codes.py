"""The unified social credit code 统一社会信用代码 (GB 32100-2015) and the organization code inside it
(GB 11714-1997), each with its check character: the one home of the check (new organizations' registry,
property companies' licence codes).

18 characters from 0-9 A-H J-N P-R T-U W-Y (no I, O, Z, S, V): 1 registration authority, 2 type, 3-8 the
administrative division (digits), 9-17 the organization code (8 characters and its own check), 18 the check
character: 31 - (Σ value × weight mod 31), 31 → 0.
"""

from django.utils.translation import gettext as _

from jiceng.core.errors import ValidationFailed

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class CreditCodeError(ValueError):
    """`reason`: length, alphabet, division, org_check, check."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalize(code) -> str:
    """Upper case without spaces; full-width letters and digits as ASCII."""
    text = str(code or "").strip().replace(" ", "").replace("\u3000", "")
    text = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)
    return text.upper()


def check_character(first17: str) -> str:
    total = sum(VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_character(body8: str) -> str:
    """GB 11714: digits are their value, letters A=10 … Z=35; 11 - (Σ mod 11), 10 → X, 11 → 0."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    n = 11 - total % 11
    return "X" if n == 10 else "0" if n == 11 else str(n)


def validate(code) -> str:
    """The normalized code, or CreditCodeError naming what is wrong."""
    text = normalize(code)
    if len(text) != 18:
        raise CreditCodeError("length")
    if any(c not in VALUE for c in text):
        raise CreditCodeError("alphabet")
    if not text[2:8].isdigit():
        raise CreditCodeError("division")
    if org_check_character(text[8:16]) != text[16]:
        raise CreditCodeError("org_check")
    if check_character(text[:17]) != text[17]:
        raise CreditCodeError("check")
    return text


def make(prefix: str, division: str, body8: str) -> str:
    """A valid code from its parts (demo data and tests): prefix = authority and type ("91")."""
    first = prefix + division + body8 + org_check_character(body8)
    return first + check_character(first)


def credit_code_clean(value, field: str = "credit_code") -> str:
    """The normalized code, or a ValidationFailed on `field` saying in plain words what is wrong with it."""
    try:
        return validate(value)
    except CreditCodeError as exc:
        messages = {
            "length": _("A unified social credit code has 18 characters."),
            "alphabet": _("A unified social credit code uses only digits and the capital letters A–Y without "
                          "I, O, S, V and Z."),
            "division": _("Characters 3 to 8 of a unified social credit code are the digits of an "
                          "administrative division."),
            "org_check": _("The organization code inside the unified social credit code (characters 9 to 17) "
                           "has a wrong check character: please check the code."),
            "check": _("The check character (the last one) of the unified social credit code is wrong: please "
                       "check the code."),
        }
        raise ValidationFailed(messages[exc.reason], field=field, code="credit_code_" + exc.reason) from None
