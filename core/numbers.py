"""One rounding rule for every figure a visitor reads: halves round up (82.5 -> 83).

Python's round() and format() round halves to even (82.5 -> 82), Postgres' round() on numeric
rounds them up: figures computed in either place must agree.
"""

from __future__ import annotations

import math


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def percent(part: int, whole: int) -> int | None:
    """`part` of `whole` as a whole percentage; None when there is no whole."""
    if not whole:
        return None
    return round_half_up(part * 100 / whole)
