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


# z of a two-sided 95% interval (the share is at least the lower bound 97.5% of the time).
WILSON_CONFIDENCE_PERCENT = 95
WILSON_Z = 1.96


def wilson_lower_bound(ships: int, total: int, z: float = WILSON_Z) -> float | None:
    """The lower bound of the Wilson score interval for `ships` of `total` (None without votes).

    votes/tally.py's `wilson_expression` is the same formula in SQL, for sorting lists."""
    if not total:
        return None
    share = ships / total
    centre = share + z * z / (2 * total)
    spread = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    return (centre - spread) / (1 + z * z / total)
