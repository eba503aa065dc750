"""How model figures read: `dollars(Decimal("2.5"))` -> "$2.50", `tokens(400000)` -> "400K".
Template filters of the same names: `{% load modelspecs %}`."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def dollars(value: Decimal | None) -> str:
    """A price as people write it: "$10", "$2.50", "$0.075"; empty when there is none."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"${value:,.0f}"
    places = max(2, -value.normalize().as_tuple().exponent)
    return f"${value:,.{places}f}"


def in_words(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def tokens(count: int | None) -> str:
    """A token count to three figures at most: "400K", "1.05M", "2B", "512"."""
    if count is None:
        return ""
    if count >= 1_000_000_000:
        return f"{round(count / 1_000_000_000, 2):g}B"
    if count >= 1_000_000:
        return f"{round(count / 1_000_000, 2):g}M"
    if count >= 1_000:
        return f"{round(count / 1_000):g}K"
    return str(count)


def money(value: Decimal | None) -> str:
    """A monthly cost as a bill reads: "$2,250" from $100 up (whole dollars), "$12.50" below,
    "$84" for whole dollars."""
    if value is None:
        return ""
    value = Decimal(value)
    if value >= 100 or value == value.to_integral_value():
        return f"${value.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
    return f"${value:,.2f}"
