"""Does a number as written match the true value? The statuses and the tolerances.

By default a number claims exactly what its digits say (:mod:`.numbers`):

* a decimal with k decimals is **ok** when it is the true value correctly rounded to k
  decimals (|true − written| ≤ ½·10⁻ᵏ; either neighbour of an exact tie), **truncated** when
  it is not, but its digits are the true value cut after k decimals (0.0058 for 0.005899…;
  8 cut to 0 decimals is 8, so 7 is not a truncation of 8), and **wrong** otherwise;
* an integer (``0``, ``-4``) or a fraction (``1/4``) is **ok** only when it is the true value
  exactly, else **wrong**.

A :class:`Tolerance` changes the rule (the options of graders such as PrairieLearn, STACK
and WeBWorK; ``backprop verify --sigfig 3``, ``tolerance sigfig 3`` in a file, or
``claim E = 0.15 with sigfig 2`` for one claim):

* ``decimals N``: ok when |true − written| ≤ ½·10⁻ᴺ, whatever was written;
* ``sigfig N``: ok when |true − written| ≤ ½ unit of the N-th significant digit of the true
  value;
* ``rtol R`` / ``atol A``: ok when |true − written| ≤ A + R·|true| (numpy's ``isclose``);
* ``last-digit``: the digits as written, with the last digit allowed to be off by one
  (|true − written| ≤ 1.5·10⁻ᵏ); integers and fractions stay exact.

Under ``decimals``, ``sigfig`` and ``rtol``/``atol`` integers and fractions are compared like
any number, and nothing is "truncated": a claim is ok or wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .numbers import NumberError, Written, fixed, slack, trunc, truth, written

OK, TRUNCATED, WRONG = "ok", "truncated", "wrong"
STATUSES = (OK, TRUNCATED, WRONG)

AS_WRITTEN, LAST_DIGIT, DECIMALS, SIGFIG, CLOSE = (
    "as-written", "last-digit", "decimals", "sigfig", "close")
MODES = (AS_WRITTEN, LAST_DIGIT, DECIMALS, SIGFIG, CLOSE)
MAX_PLACES = 50  # N of decimals N / sigfig N


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How a written number is compared with the true value (see the module docstring)."""

    mode: str = AS_WRITTEN
    places: int = 0  # N of decimals N / sigfig N
    rtol: Fraction = Fraction(0)
    atol: Fraction = Fraction(0)

    def __post_init__(self) -> None:
        """Refuse what cannot be meant: an unknown mode, negative places or tolerances."""
        if self.mode not in MODES:
            raise ValueError(f"unknown tolerance {self.mode!r} (one of {', '.join(MODES)})")
        if self.mode == SIGFIG and not 1 <= self.places <= MAX_PLACES:
            raise ValueError(f"sigfig needs a whole number from 1 to {MAX_PLACES}, "
                             f"got {self.places}")
        if self.mode == DECIMALS and not 0 <= self.places <= MAX_PLACES:
            raise ValueError(f"decimals needs a whole number from 0 to {MAX_PLACES}, "
                             f"got {self.places}")
        if self.rtol < 0 or self.atol < 0:
            raise ValueError("rtol and atol are tolerances: ≥ 0")

    @classmethod
    def decimals(cls, n: int) -> Tolerance:
        """ok when within half a unit of the n-th decimal."""
        return cls(DECIMALS, places=n)

    @classmethod
    def sigfig(cls, n: int) -> Tolerance:
        """ok when within half a unit of the n-th significant digit of the true value."""
        return cls(SIGFIG, places=n)

    @classmethod
    def close(cls, rtol: Any = 0, atol: Any = 0) -> Tolerance:
        """ok when |true − written| ≤ atol + rtol·|true|."""
        return cls(CLOSE, rtol=_fraction(rtol, "rtol"), atol=_fraction(atol, "atol"))

    @classmethod
    def last_digit(cls) -> Tolerance:
        """The digits as written, the last one allowed to be off by one."""
        return cls(LAST_DIGIT)

    def __str__(self) -> str:
        """The tolerance as a file writes it: ``sigfig 3``, ``rtol 0.01 atol 0``."""
        if self.mode in (DECIMALS, SIGFIG):
            return f"{self.mode} {self.places}"
        if self.mode == CLOSE:
            return f"rtol {_show(self.rtol)} atol {_show(self.atol)}"
        return self.mode

    @property
    def exact_integers(self) -> bool:
        """Integers and fractions claim exact values (the modes that read the digits)."""
        return self.mode in (AS_WRITTEN, LAST_DIGIT)


DEFAULT = Tolerance()


def _fraction(x: Any, what: str) -> Fraction:
    if isinstance(x, str):
        try:
            return written(x).value
        except NumberError as e:
            raise ValueError(f"{what}: {e}") from None
    if isinstance(x, bool) or not isinstance(x, (int, float, Fraction)):
        raise TypeError(f"{what} must be a number, got {x!r}")
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"{what} must be finite, got {x!r}")
    return Fraction(str(x)) if isinstance(x, float) else Fraction(x)


def _show(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{float(x):g}"


# ------------------------------------------------------------------ the verdict
def decimals(text: str) -> int:
    """The number of decimals a written number claims (0 for an integer or a fraction)."""
    return written(text).decimals


def judge(w: Written, true: Any, tol: Tolerance = DEFAULT) -> str:
    """ok / truncated / wrong for one written number against the true value."""
    t = truth(true)
    if t is None:
        return WRONG
    value, exact = t
    eps = slack(value, exact, w.value)
    diff = abs(value - w.value)
    if tol.mode == DECIMALS:
        return OK if diff <= Fraction(1, 2 * 10**tol.places) + eps else WRONG
    if tol.mode == SIGFIG:
        return OK if diff <= _sigfig_unit(value, eps, tol.places) / 2 + eps else WRONG
    if tol.mode == CLOSE:
        return OK if diff <= tol.atol + tol.rtol * abs(value) + eps else WRONG
    if w.unit is None:  # an integer or a fraction: exactly that number
        return OK if diff <= eps else WRONG
    half = w.unit * (Fraction(3, 2) if tol.mode == LAST_DIGIT else Fraction(1, 2))
    if diff <= half + eps:
        return OK
    if trunc(value, w.unit, eps) == w.value:
        return TRUNCATED
    return WRONG


def _sigfig_unit(value: Fraction, eps: Fraction, n: int) -> Fraction:
    """10^(e − n + 1) with 10^e ≤ |value| < 10^(e+1) (for 0: 10^(1 − n))."""
    v = abs(value)
    if v <= eps:
        return Fraction(10) ** (1 - n)
    e = math.floor(math.log10(v))
    while Fraction(10) ** e > v:
        e -= 1
    while Fraction(10) ** (e + 1) <= v:
        e += 1
    return Fraction(10) ** (e - n + 1)


def status(text: str, true: Any, tol: Tolerance = DEFAULT) -> str:
    """ok / truncated / wrong for one written number (its text) against the true value."""
    return judge(written(text), true, tol)


def matches(text: str, true: Any, tol: Tolerance = DEFAULT) -> bool:
    """The written number is the true value, rounded or truncated."""
    return status(text, true, tol) != WRONG


def agrees(w: Written, true: Any, tol: Tolerance = DEFAULT) -> bool:
    """:func:`matches` for a number already read."""
    return judge(w, true, tol) != WRONG


def rounded(true: Any, k: int) -> str:
    """The true value written with k decimals (what the claim should have said)."""
    return fixed(true, k)


def combine(statuses: list[str]) -> str:
    """A claim of several numbers: wrong if any is wrong, truncated if any is truncated."""
    if WRONG in statuses:
        return WRONG
    if TRUNCATED in statuses:
        return TRUNCATED
    return OK


__all__ = ["AS_WRITTEN", "CLOSE", "DECIMALS", "DEFAULT", "LAST_DIGIT", "MODES", "OK",
           "SIGFIG", "STATUSES", "TRUNCATED", "Tolerance", "WRONG", "agrees", "combine",
           "decimals", "judge", "matches", "rounded", "status"]
