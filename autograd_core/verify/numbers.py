"""Numbers as a teacher writes them, and the true values they are compared with.

A written number is exact: ``0.35`` is 35/100, ``1/4`` is a quarter, ``-4`` is −4. It also
says how precisely it was written:

* an **integer** (``0``, ``1``, ``-4``) or a **fraction** (``1/4``, ``-2/3``) claims an exact
  value (``unit`` is None);
* a **decimal** (``0.1083``, ``2.0``, ``1.5e-3``) claims the true value to its last written
  digit: ``unit`` = 10⁻ᵏ for k written decimals (``1.5e-3``: k = 4; ``1.5e3``: unit 100).

A true value is a :class:`~fractions.Fraction` when the paper arithmetic stayed exact, else a
float (after exp, log, σ, tanh, √ …). A float carries rounding noise, so comparisons with it
allow a relative slack of :data:`FLOAT_SLACK` (the noise of a few dozen float operations);
an exact true value gets none.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from numbers import Rational
from typing import Any

MAX_DIGITS = 60  # digits a written number may have (a slide prints ≤ 17)
MAX_EXPONENT = 300  # |e| of 1.5e-3 (floats end near 1e308)
FLOAT_SLACK = Fraction(1, 10**12)  # relative noise allowed in a float true value
FLOAT_FLOOR = Fraction(1, 10**15)  # absolute noise allowed near zero

_DECIMAL = re.compile(r"[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")


class NumberError(ValueError):
    """A number that cannot be read (too long, too large, not a number)."""


@dataclass(frozen=True, slots=True)
class Written:
    """A number as written: its text, its exact value, and the place of its last digit."""

    text: str
    value: Fraction
    unit: Fraction | None  # None: an exact number (integer or fraction)

    @property
    def exact(self) -> bool:
        """An integer or a fraction: it claims exactly its value."""
        return self.unit is None

    @property
    def decimals(self) -> int:
        """k for unit 10⁻ᵏ (0 for an exact number; negative for 1.5e3)."""
        if self.unit is None:
            return 0
        return -round(math.log10(self.unit))


def written(text: str) -> Written:
    """Read ``-0.1083``, ``2``, ``1/4``, ``1.5e-3`` (raises :class:`NumberError`)."""
    text = text.strip()
    num, slash, den = text.partition("/")
    if slash:
        a, b = _integer(num), _integer(den)
        if b == 0:
            raise NumberError(f"{_shown(text)}: division by zero in a written fraction")
        return Written(text, Fraction(a, b), None)
    m = _DECIMAL.fullmatch(text)
    if m is None or not (m.group(1) or m.group(2)):
        raise NumberError(f"{_shown(text)!r} is not a number")
    whole, frac, exp = m.group(1), m.group(2), m.group(3)
    digits = len(whole) + len(frac or "")
    if digits > MAX_DIGITS:
        raise NumberError(f"a number has at most {MAX_DIGITS} digits, this one has {digits}")
    e = 0
    if exp is not None:
        if len(exp.lstrip("+-")) > 4 or abs(int(exp)) > MAX_EXPONENT:
            raise NumberError(f"{_shown(text)}: the exponent is beyond ±{MAX_EXPONENT}")
        e = int(exp)
    value = Fraction(text)
    if frac is None and exp is None:
        return Written(text, value, None)
    return Written(text, value, Fraction(10) ** (e - len(frac or "")))


def _shown(text: str, most: int = 40) -> str:
    """The text for an error message, its middle cut out if long (a 5000-digit exponent)."""
    return text if len(text) <= most else f"{text[:most - 12]}…{text[-8:]}"


def _integer(text: str) -> int:
    t = text.strip()
    if not re.fullmatch(r"[+-]?\d+", t):
        raise NumberError(f"a fraction is written with whole numbers (1/4), found {text!r}")
    if len(t.lstrip("+-")) > MAX_DIGITS:
        raise NumberError(f"a number has at most {MAX_DIGITS} digits")
    return int(t)


# ------------------------------------------------------------------ true values
def truth(x: Any) -> tuple[Fraction, bool] | None:
    """(the value as a Fraction, whether it is exact); None for NaN and ±∞."""
    if isinstance(x, Rational):
        return Fraction(int(x.numerator), int(x.denominator)), True
    f = as_float(x)
    if not math.isfinite(f):
        return None
    return Fraction(f), False


def slack(value: Fraction, exact: bool, *others: Fraction) -> Fraction:
    """How far a true value may be from a boundary and still count as on it."""
    if exact:
        return Fraction(0)
    scale = max([abs(value), *(abs(o) for o in others)])
    return FLOAT_SLACK * scale + FLOAT_FLOOR


def snap(q: Fraction, eps: Fraction) -> Fraction:
    """q, or the integer within eps of it (float noise across a digit boundary)."""
    n = round(q)
    return Fraction(n) if abs(q - n) <= eps else q


def trunc(value: Fraction, unit: Fraction, eps: Fraction = Fraction(0)) -> Fraction:
    """The value cut after its digit of ``unit`` (toward zero)."""
    q = snap(value / unit, eps / unit)
    return Fraction(math.trunc(q)) * unit


def round_half_away(value: Fraction, unit: Fraction) -> Fraction:
    """The value rounded to a multiple of ``unit``, ties away from zero (as on paper)."""
    q = abs(value) / unit
    n = math.floor(q + Fraction(1, 2))
    return (n if value >= 0 else -n) * unit


def as_float(x: Any) -> float:
    """float(x), or ±inf for an exact number beyond the floats (10⁴⁰⁰ has no float)."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


HUGE = Fraction(10) ** 16  # from here on, numbers are shown as floats (2.811e+230)


def fixed(x: Any, k: int) -> str:
    """x with k decimals, rounded as on paper (an exact x is rounded exactly)."""
    t = truth(x)
    if t is None or abs(t[0]) >= HUGE:
        return f"{as_float(x):.4g}"
    value = t[0]
    k = max(k, 0)
    r = round_half_away(value, Fraction(1, 10**k))
    sign = "-" if r < 0 else ""
    digits = str(abs(r.numerator * 10**k // r.denominator)).rjust(k + 1, "0")
    text = digits if k == 0 else f"{digits[:-k]}.{digits[-k:]}"
    return sign + text if r != 0 else text


def fixed_apart(x: Any, other: Fraction, k: int = 4, most: int = 15) -> str:
    """x with k decimals, or more (up to ``most``) until it no longer reads as ``other``:
    σ(10) next to a claimed 1 is 0.99995, not 1.0000."""
    text = fixed(x, k)
    t = truth(x)
    if t is None or abs(t[0]) >= HUGE:  # inf, nan, 2.811e+230: no decimals to add
        return text
    while k < most and Fraction(text) == other:
        k += 1
        text = fixed(x, k)
    return text


def as_fraction_text(x: Any, max_denominator: int = 1000) -> str | None:
    """``3/4`` for an exact x with a small denominator, else None."""
    t = truth(x)
    if t is None or not t[1] or t[0].denominator > max_denominator:
        return None
    v = t[0]
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"
