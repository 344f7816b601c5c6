"""How a solution prints its numbers: exact inside, rounded on the page.

Every number is carried exact (a float from the engine, or a ``Fraction`` once verify computes
on paper) and printed with the example's precision: as many decimals as its claims use, else
4 significant digits. A value that *is* a short decimal (0.5, −0.75, 2) is printed short, so
the given numbers read as the slide wrote them; a rounded one keeps all its digits (0.2500 is
0.25 rounded, 0.25 is 0.25).

>>> p = Precision(decimals=4)
>>> p.text(0.31723), p.text(0.5), p.text(-0.7500000000000001)
('0.3172', '0.5', '-0.75')
>>> Precision().text(0.0137248)
'0.01372'
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from typing import Any

from .. import Exact as ExactNumber
from ..verify.numbers import as_float

Exact = Any  # float | int | Fraction: what the engine's .data holds

_NOISE = 1e-12  # relative float noise under which a value counts as its short decimal


def as_decimal(x: Exact) -> Decimal:
    """The exact decimal of a float or int; a Fraction to 40 significant digits."""
    if isinstance(x, Fraction):
        with localcontext() as ctx:
            ctx.prec = 40
            return Decimal(x.numerator) / Decimal(x.denominator)
    return Decimal(float(x)) if not isinstance(x, int) else Decimal(x)


def _plain(d: Decimal) -> str:
    """A decimal written without exponent, and never as −0."""
    s = format(d, "f")
    if s.startswith("-") and Decimal(s) == 0:
        s = s[1:]
    return s


SMALLEST, LARGEST = -9, 15  # the powers of ten written out in full: 1e-9 … 999999999999999.9


def _scientific(d: Decimal, digits: int) -> str:
    """``2.811e+230``: ``digits`` significant digits, the trailing zeros dropped (``1e+300``)."""
    mantissa, _, exponent = format(d, f".{digits - 1}e").partition("e")
    return f"{_strip(mantissa)}e{exponent}"


def _strip(s: str) -> str:
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


MAX_DECIMALS = 400  # a claim of 60 digits with an exponent of −300 has 360
MAX_DIGITS = 60  # as many as a written number may have


def _quantize(d: Decimal, unit: Decimal) -> Decimal:
    """``d`` rounded to a multiple of ``unit`` (half to even) with as many digits as that
    takes: the default context's 28 would refuse 3·10⁻²⁰⁰ shown to 200 decimals."""
    with localcontext() as ctx:
        ctx.prec = max(28, d.adjusted() - unit.adjusted() + 2)
        return d.quantize(unit, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class Precision:
    """``decimals`` fixed (the claims' habit, 0 to 400) or ``digits`` significant figures
    (1 to 60); anything else is a ValueError saying so."""

    decimals: int | None = None
    digits: int = 4

    def __post_init__(self) -> None:
        """Refuse a precision no page can print."""
        if self.decimals is not None and not 0 <= self.decimals <= MAX_DECIMALS:
            raise ValueError(f"decimals must be from 0 to {MAX_DECIMALS}, got {self.decimals}")
        if not 1 <= self.digits <= MAX_DIGITS:
            raise ValueError(f"digits must be from 1 to {MAX_DIGITS}, got {self.digits}")

    def text(self, x: Exact) -> str:
        """x rounded as this precision says, short when x is itself a short decimal."""
        v = as_float(x)
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        d = as_decimal(x)
        if d == 0:
            return "0"
        if not SMALLEST <= d.adjusted() <= LARGEST:  # 4.941e-324, not 323 zeros and 4941
            return _scientific(d, self.digits)
        if self.decimals is not None:
            unit = Decimal(1).scaleb(-self.decimals)
        else:
            unit = Decimal(1).scaleb(d.adjusted() - self.digits + 1)
        rounded = _quantize(d, unit)
        short = _strip(_plain(rounded))
        if abs(float(Fraction(short)) - v) <= _NOISE * max(1.0, abs(v)):
            return short
        if rounded == 0:  # smaller than the last digit shown: keep its first digit
            return _plain(_quantize(d, Decimal(1).scaleb(d.adjusted())))
        return _plain(rounded)

    def agree(self, a: Exact, b: Exact) -> bool:
        """Do a and b print the same at this precision? (The last digit is where b's is:
        the decimals, or b's significant digits; a value printed short, 0.5 for 0.5, is no
        less precise than 0.5000.)"""
        fa, fb = as_float(a), as_float(b)
        if fa == fb:
            return True
        if not (math.isfinite(fa) and math.isfinite(fb)):
            return False
        db = as_decimal(b)
        if self.decimals is not None:
            unit = Decimal(1).scaleb(-self.decimals)
        elif db == 0:
            return abs(fa) < 0.5 * 10.0 ** (-self.digits)
        else:
            unit = Decimal(1).scaleb(db.adjusted() - self.digits + 1)
        return bool(_quantize(as_decimal(a), unit) == _quantize(db, unit))

    def describe(self) -> str:
        """How the numbers are rounded, in words (for the solution's header)."""
        if self.decimals is not None:
            return (f"{self.decimals} decimal{'s' * (self.decimals != 1)}, as the example's claims")
        return f"{self.digits} significant digits"


def given_text(x: Exact, written: str | None = None) -> str:
    """A given number (input, parameter, constant): as written, else its shortest form."""
    if written is not None:
        return written
    v = as_float(x)
    if math.isfinite(v) and v == int(v) and abs(v) < 1e15:
        return str(int(v))
    r = repr(v)
    return r if len(r) <= 10 else Precision(digits=6).text(x)


def decimals_of(text: str) -> int:
    """The decimals a written number claims (``0.1083`` → 4, ``2`` → 0, ``1.5e-3`` → 4)."""
    mantissa, _, exponent = text.lower().partition("e")
    frac = mantissa.partition(".")[2]
    return max(0, len(frac) - (int(exponent) if exponent else 0))


def claims_precision(written: Iterable[tuple[str, bool]]) -> Precision:
    """The precision an example's claims use: the most common number of decimals (ties: the
    larger) among the numbers they had to round (a claim equal to its true value, 0.5 or 2,
    tells nothing of the habit); if none was rounded, among all non-integers; else 4
    significant digits."""
    pairs = [(decimals_of(t), exact) for t, exact in written if decimals_of(t) > 0]
    rounded = [k for k, exact in pairs if not exact] or [k for k, _ in pairs]
    if not rounded:
        return Precision()
    counts = Counter(rounded)
    best = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return Precision(decimals=best)


def printed(text: str) -> Fraction:
    """The exact value of a printed number (what the reader computes with), as an
    :class:`~autograd_core.Exact`: its arithmetic stays bounded (10⁴⁰⁰ is inf, as in floats)."""
    if text in ("inf", "-inf", "NaN"):
        raise ValueError(f"{text} has no exact value")
    return ExactNumber(text)
