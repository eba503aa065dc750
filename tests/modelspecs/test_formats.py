from decimal import Decimal

import pytest

from modelspecs.formats import dollars, tokens


@pytest.mark.parametrize(
    ("price", "shown"),
    [
        (Decimal("10"), "$10"),
        (Decimal("10.000000"), "$10"),
        (Decimal("2.5"), "$2.50"),
        (Decimal("0.075"), "$0.075"),
        (Decimal("1250"), "$1,250"),
        (Decimal("0"), "$0"),
        (None, ""),
    ],
)
def test_dollars(price, shown):
    assert dollars(price) == shown


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (512, "512"),
        (8192, "8K"),
        (128_000, "128K"),
        (1_048_576, "1.05M"),
        (2_000_000, "2M"),
        (1_000_000_000, "1B"),
        (None, ""),
    ],
)
def test_tokens(count, shown):
    assert tokens(count) == shown
