"""Exact numbers: the arithmetic of a worked example done on paper.

A slide's numbers are exact decimals, and a teacher computes with them as written: 0.7 · 0.5 is
0.35, and 0.3 − 0.1 − 0.2 is 0. Floats say 0.34999… and −2.8e-17, which is enough to move a
relu to the wrong side of its kink. An :class:`Exact` is a rational number (a
:class:`fractions.Fraction`) that a :class:`~autograd_core.Value` can hold::

    >>> from autograd_core import Exact, Value
    >>> x = Value(Exact("0.3")) - Exact("0.1") - Exact("0.2")
    >>> x.data, x.relu().at_kink
    (Exact('0'), True)

It stays exact through + − · /, integer powers, comparisons, relu, step, |·| and leaky_relu,
and turns into a float where the math leaves the rationals (exp, ln, √, σ, tanh, …), because
those results have no exact decimal to compare with. Back-propagation follows the same rules,
so the gradients through rational ops are exact too.

A float that meets an Exact joins it exactly when it is a small binary fraction (an integer, a
half, a quarter, … down to 2⁻¹⁶): the engine's own constants (0, 1, 2, ½) keep an exact
computation exact. Any other float is an approximation, so the result is a float.

Exact digits are kept while they stay few and inside the float range: a result whose numerator
or denominator would need more than ``EXACT_BITS`` bits (about 2,400 digits), or whose size is
2¹⁰²⁴ or more (beyond the largest float), is the float that IEEE arithmetic gives instead
(±inf beyond the range, 0 for a digit string too small)::

    >>> big = Value(Exact(10) ** 300)
    >>> (big * big).data
    inf

Without that bound, twenty lines of ``y = y·y`` double the digits twenty times (a million digits
and minutes of work), and a number beyond the float range could not be compared or printed.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

EXACT_BITS = 8_000  # a numerator or denominator of more bits (~2400 digits): a float instead
_SAFE_LOG2 = 1_000  # |log₂ x| below this is surely inside the float range (2⁻¹⁰⁷⁴ … 2¹⁰²⁴)

# A float is joined exactly when it is a whole number of 2⁻¹⁶ths (and not huge).
_EXACT_FLOAT_DENOMINATOR = 1 << 16
_EXACT_FLOAT_MAX = 2.0**53


def _exact_float(x: float) -> Fraction | None:
    """x as a Fraction if it is a small binary fraction (1.0, 0.5, 0.25), else None."""
    if not (math.isfinite(x) and abs(x) <= _EXACT_FLOAT_MAX):
        return None
    scaled = x * _EXACT_FLOAT_DENOMINATOR
    if scaled != int(scaled):
        return None
    return Fraction(x)


def _operand(other: Any) -> Fraction | float | Any:
    """The other operand as an exact Fraction where it is exact, else as it is."""
    if isinstance(other, Fraction) or isinstance(other, int):
        return other
    if isinstance(other, float):
        exact = _exact_float(other)
        return other if exact is None else exact
    return other


def ieee(x: Fraction) -> float:
    """x as the nearest float, ±inf beyond the float range (``float()`` raises there)."""
    try:
        return x.numerator / x.denominator
    except OverflowError:
        return math.inf if x.numerator > 0 else -math.inf


def _wrap(result: Any) -> Any:
    """Fraction results become Exact again (Fraction's operators return plain Fractions), as
    long as their digits are few and inside the float range (else the IEEE float)."""
    if result.__class__ is Fraction:
        top, bottom = result.numerator.bit_length(), result.denominator.bit_length()
        if top > EXACT_BITS or bottom > EXACT_BITS or (
                top - bottom >= _SAFE_LOG2 and math.isinf(ieee(result))):
            return ieee(result)
        exact = _new(Exact)  # already in lowest terms: no need to normalise again
        exact._numerator, exact._denominator = result.numerator, result.denominator
        return exact
    return result


_new = object.__new__


class Exact(Fraction):
    """A rational number that stays exact in the engine (see the module docstring).

    ``Exact("0.35")``, ``Exact(7, 20)``, ``Exact(Fraction(1, 3))`` and ``Exact(2)`` all work;
    a float is taken at its exact binary value (``Exact(0.1)`` is not 1/10: write ``"0.1"``).
    """

    __slots__ = ()
    # Fraction's two slots, which ``_wrap`` fills directly (typeshed lists them, untyped)
    _numerator: int
    _denominator: int

    def __repr__(self) -> str:
        """``Exact('7/20')``."""
        return f"Exact({str(self)!r})"

    def __format__(self, spec: str) -> str:
        """Formatted as its float would be (``f"{x:.4g}"``), which Python 3.11's Fraction
        cannot do."""
        return format(float(self), spec)

    def __float__(self) -> float:
        """The nearest float; ±inf beyond the floats (|x| > 1.8·10³⁰⁸), as float arithmetic
        overflows, where a Fraction raises OverflowError."""
        try:
            return self._numerator / self._denominator
        except OverflowError:
            return math.inf if self._numerator > 0 else -math.inf

    def __add__(self, other: Any) -> Any:
        return _wrap(Fraction.__add__(self, _operand(other)))

    def __radd__(self, other: Any) -> Any:
        return _wrap(Fraction.__radd__(self, _operand(other)))

    def __sub__(self, other: Any) -> Any:
        return _wrap(Fraction.__sub__(self, _operand(other)))

    def __rsub__(self, other: Any) -> Any:
        return _wrap(Fraction.__rsub__(self, _operand(other)))

    def __mul__(self, other: Any) -> Any:
        return _wrap(Fraction.__mul__(self, _operand(other)))

    def __rmul__(self, other: Any) -> Any:
        return _wrap(Fraction.__rmul__(self, _operand(other)))

    def __truediv__(self, other: Any) -> Any:
        return _wrap(Fraction.__truediv__(self, _operand(other)))

    def __rtruediv__(self, other: Any) -> Any:
        return _wrap(Fraction.__rtruediv__(self, _operand(other)))

    def __pow__(self, other: Any) -> Any:
        """Exact for whole exponents (``2.0`` counts as whole); a float otherwise."""
        if isinstance(other, float) and other.is_integer():
            other = int(other)
        if isinstance(other, Fraction) and other.denominator == 1:
            other = other.numerator
        if isinstance(other, int):
            return _power(self, other)
        return _wrap(Fraction.__pow__(self, other))

    def __rpow__(self, other: Any) -> Any:
        base = _operand(other)
        if isinstance(base, Fraction):  # as a plain Fraction: Fraction ** Exact would come
            base = Fraction(base.numerator, base.denominator)  # back here (a subclass's
            if self.denominator == 1:  # reflected method runs first)
                return _power(base, self.numerator)
            return _wrap(base.__pow__(Fraction(self)))
        return _wrap(Fraction.__rpow__(self, base))

    def __neg__(self) -> Exact:
        return Exact(Fraction.__neg__(self))

    def __pos__(self) -> Exact:
        return self

    def __abs__(self) -> Exact:
        return Exact(Fraction.__abs__(self))


def _power(base: Fraction, n: int) -> Any:
    """baseⁿ, exact when its digits stay few (see ``EXACT_BITS``), else the IEEE float: the
    size is judged before the power is taken, which could otherwise take minutes."""
    top, bottom = base.numerator.bit_length() - 1, base.denominator.bit_length() - 1
    if abs(n) * max(top, bottom) <= EXACT_BITS:  # (bit_length − 1 ≤ log₂: 1ⁿ stays exact)
        return _wrap(Fraction.__pow__(base, n))
    try:
        return ieee(base) ** n
    except (OverflowError, ZeroDivisionError):  # beyond the float range: ±inf, as IEEE gives
        return math.copysign(math.inf, -1.0 if base < 0 and n % 2 else 1.0)


def exact(x: Any) -> Exact:
    """An Exact from a decimal string, an int, a Fraction or an Exact (see :class:`Exact`)."""
    return x if isinstance(x, Exact) else Exact(x)
