"""Does a number as written match the true value?

A number written with k decimals claims the true value *rounded* to k decimals:

* ``ok``        — |true − written| ≤ ½·10⁻ᵏ (the correctly rounded value; either neighbour
                  of an exact tie);
* ``truncated`` — not ok, but the written digits are the true value cut after k decimals
                  (0.0058 for 0.005899…): a different habit, not an error of calculus;
* ``wrong``     — anything else.

``1.4646`` has 4 decimals, ``0.5`` one, ``2`` none, ``1.5e-3`` four.
"""

from __future__ import annotations

import math
from decimal import Decimal

OK, TRUNCATED, WRONG = "ok", "truncated", "wrong"
STATUSES = (OK, TRUNCATED, WRONG)
_SLACK = Decimal("1e-9")  # float noise in the true value, relative to the last written digit


def decimals(text: str) -> int:
    """The number of decimals a written number claims."""
    mantissa, _, exponent = text.lower().partition("e")
    frac = mantissa.partition(".")[2]
    return max(0, len(frac) - (int(exponent) if exponent else 0))


def status(text: str, true: float) -> str:
    """ok / truncated / wrong for one written number against the true value."""
    if not math.isfinite(true):
        return WRONG
    written = Decimal(text)
    exact = Decimal(true)
    unit = Decimal(1).scaleb(-decimals(text))
    diff = abs(exact - written)
    if diff <= unit / 2 + unit * _SLACK:
        return OK
    same_side = written == 0 or (exact > 0) == (written > 0)
    if same_side and abs(exact) > abs(written) and diff < unit * (1 + _SLACK):
        return TRUNCATED
    return WRONG


def matches(text: str, true: float) -> bool:
    """The written number is the true value, rounded or truncated."""
    return status(text, true) != WRONG


def rounded(true: float, k: int) -> str:
    """The true value written with k decimals (what the claim should have said)."""
    if not math.isfinite(true):
        return str(true)
    s = f"{true:.{k}f}"
    return "0" + s[2:] if s.startswith("-0") and float(s) == 0 else s


def combine(statuses: list[str]) -> str:
    """A claim of several numbers: wrong if any is wrong, truncated if any is truncated."""
    if WRONG in statuses:
        return WRONG
    if TRUNCATED in statuses:
        return TRUNCATED
    return OK
