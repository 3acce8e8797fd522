"""Pay rules, pure and in Decimal (no floats anywhere).

- Monthly pay standard = the county's base amount × the coefficient of the grade (`PayTable`).
- 70 % of it is basic pay, 30 % performance pay.
- Performance pay = the 30 % × the factor of the last annual evaluation (优秀 1.2, 称职 1.0, 基本称职 0.8,
  不称职 0; no evaluation yet: 1.0) × the month's attendance ratio (days present / days required,
  to 4 places; no attendance entered: 1).
- A line's amounts are exact until the total, which is rounded once to the fen (half up); basic pay
  is shown rounded and performance pay is the rest, so basic + performance + adjustment = total
  exactly, and a run's total is the plain sum of its lines.
"""

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
RATIO_PLACES = Decimal("0.0001")
BASIC_SHARE = Decimal("0.70")
PERFORMANCE_SHARE = Decimal("0.30")
RATING_FACTORS = {"excellent": Decimal("1.2"), "competent": Decimal("1.0"), "basic": Decimal("0.8"),
                  "incompetent": Decimal("0"), "": Decimal("1.0"), None: Decimal("1.0")}
ONE = Decimal(1)


def attendance_ratio(days_present: int | None, days_required: int | None) -> Decimal:
    if not days_required:
        return ONE
    return (Decimal(days_present) / Decimal(days_required)).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


def line_amounts(base: Decimal, coefficient: Decimal, rating: str | None, ratio: Decimal,
                 adjustment: Decimal = Decimal(0)) -> tuple[Decimal, Decimal, Decimal]:
    """(basic, performance, total) of one month, rounded once."""
    standard = base * coefficient
    basic_exact = standard * BASIC_SHARE
    performance_exact = standard * PERFORMANCE_SHARE * RATING_FACTORS[rating] * ratio
    total = (basic_exact + performance_exact + adjustment).quantize(FEN, rounding=ROUND_HALF_UP)
    basic = basic_exact.quantize(FEN, rounding=ROUND_HALF_UP)
    return basic, total - basic - adjustment, total


def parse_coefficients(raw: dict) -> dict[int, Decimal]:
    return {int(k): Decimal(str(v)) for k, v in raw.items()}


def default_coefficients() -> dict[str, str]:
    """1.00 at grade 1, +0.10 per grade (2.70 at grade 18)."""
    return {str(g): str(Decimal("1.00") + Decimal("0.10") * (g - 1)) for g in range(1, 19)}
