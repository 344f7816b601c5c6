"""Arithmetic: + − · / and powers, and the n-ary sum.

Subtraction and division have rules of their own (not a + (−b), a · b⁻¹) so that a drawing
shows the operation the student wrote.
"""

from __future__ import annotations

import math
from typing import Any

from ..op import Contributions, Inputs, Number, Op, OutsideDomain, instance
from .support import divide, is_number, number_of


class Add(Op):
    """out = a + b;  ∂out/∂a = 1,  ∂out/∂b = 1"""

    kind, symbol, notation, precedence, micrograd, arity = "add", "+", "{0} + {1}", 1, "+", 2

    @staticmethod
    def forward(a: Number, b: Number) -> Number:
        return a + b

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        return G, G


class Sub(Op):
    """out = a − b;  ∂out/∂a = 1,  ∂out/∂b = −1"""

    kind, symbol, notation, precedence, micrograd, arity = "sub", "−", "{0} − {1}", 1, "-", 2

    @staticmethod
    def forward(a: Number, b: Number) -> Number:
        return a - b

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        return G, -G


class Mul(Op):
    """out = a · b;  ∂out/∂a = b,  ∂out/∂b = a"""

    kind, symbol, notation, precedence, micrograd, arity = "mul", "×", "{0}·{1}", 2, "*", 2

    @staticmethod
    def forward(a: Number, b: Number) -> Number:
        return a * b

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        return G * inputs[1], G * inputs[0]


class Div(Op):
    """out = a / b;  ∂out/∂a = 1/b,  ∂out/∂b = −a/b² = −out/b   (b ≠ 0)"""

    kind, symbol, notation, precedence, micrograd, arity = "div", "÷", "{0}/{1}", 2, "/", 2

    @staticmethod
    def forward(a: Number, b: Number) -> Number:
        if b == 0:
            raise OutsideDomain("division by zero in div: divisor {1}", kind=ZeroDivisionError,
                                ieee=math.nan if a == 0 or a != a else math.copysign(math.inf, a))
        return a / b

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        Gb = divide(G, inputs[1])  # b = 0 only inside a derivative graph (IEEE: ±inf)
        return Gb, -Gb * out


class Neg(Op):
    """out = −a;  ∂out/∂a = −1"""

    kind, symbol, notation, precedence, micrograd = "neg", "−", "−{0}", 3, "neg"

    @staticmethod
    def forward(a: Number) -> Number:
        return -a

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        return (-G,)


class Sum(Op):
    """out = a₁ + … + aₙ;  ∂out/∂aᵢ = 1"""

    kind, symbol, notation, precedence, micrograd, arity = "sum", "Σ", "{0} + {1}", 1, "+", None

    @staticmethod
    def forward(*a: Number) -> Number:
        """math.fsum: the correctly rounded sum; exact numbers alone are summed exactly.

        A float among the terms makes Python's own sum a float too, so fsum (rounded once)
        is used whenever there is one; ``float in map(type, a)`` stops at the first float,
        at once on the usual all-float sum (a generator test here cost 20% of a vsum).
        """
        if float in map(type, a):
            try:
                return math.fsum(a)
            except (OverflowError, ValueError):  # fsum raises where + gives ±inf or NaN
                pass
        return sum(a[1:], a[0])

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        return (G,) * len(inputs)


class PowConst(Op):
    """out = aᶜ (c a number);  ∂out/∂a = c·aᶜ⁻¹"""

    kind, symbol, notation, precedence, micrograd = "pow_const", "^", "{0}^{c}", 4, "**{c}"

    @classmethod
    def named(cls, param: Any) -> str:
        """"pow3" for a ** 3: the exponent is part of the op's name."""
        return f"pow{param:g}"

    @classmethod
    def variant(cls, c: float) -> Op:
        """The op ``a ** c`` for one constant exponent c (one op object per exponent)."""
        return instance(cls, c)

    def forward(self, a: Number) -> Number:
        return power(a, self.param)

    def bprop(self, inputs: Inputs, out: Any, G: Any) -> Contributions:
        c = self.param
        if c == 0.0:  # a⁰ = 1 is constant, even at a = 0 (PyTorch agrees)
            return (0.0,)
        return (G * (c * power_rule(inputs[0], c - 1.0)),)


class Pow(Op):
    """out = aᵇ (b a Value);  ∂out/∂a = b·aᵇ⁻¹,  ∂out/∂b = aᵇ·ln a"""

    kind, symbol, notation, precedence, micrograd, arity = "pow", "^", "{0}^{1}", 4, "**", 2

    @staticmethod
    def forward(a: Number, b: Number) -> Number:
        return power(a, b)

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        a, b = inputs
        d_base = 0.0 if number_of(b) == 0.0 else G * (b * power_rule(a, b - 1.0))
        return d_base, G * (out * log_for_exponent(a, b))


def power(a: Number, c: Number) -> Number:
    """aᶜ with its domain stated: 0 to a negative power, a negative base to a fraction."""
    if a == 0 and c < 0:
        raise OutsideDomain("pow: 0 to a negative power: base {0}, exponent {c}",
                            kind=ZeroDivisionError, ieee=math.inf)
    if a < 0 and math.isfinite(c) and c != int(c):
        raise OutsideDomain("pow: negative base to a non-integer power has no real value: "
                            "base {0}, exponent {c}")
    try:
        return a**c
    except OverflowError:
        odd = c == int(c) and int(c) % 2 == 1
        return math.copysign(math.inf, a) if odd else math.inf


def power_rule(a: Any, e: Any) -> Any:
    """aᵉ inside a derivative, with PyTorch's values where a plain float power raises
    (0 to a negative power is +inf: the derivative of √a at 0 is +inf, not an error)."""
    if not is_number(a):
        return a**e  # a Value: inside a derivative graph the engine computes as IEEE does
    e = number_of(e)
    if a == 0 and e < 0:
        return math.inf
    try:
        return a**e
    except OverflowError:
        odd = float(e).is_integer() and e % 2 == 1
        return math.copysign(math.inf, a) if odd else math.inf


def log_for_exponent(a: Any, b: Any) -> Any:
    """ln a as it enters ∂(aᵇ)/∂b; PyTorch's convention where ln a is undefined:
    0 when a = 0 and b ≥ 0 (the term vanishes), NaN when a < 0."""
    if number_of(a) > 0:
        return math.log(a) if is_number(a) else a.log()
    if number_of(a) == 0 and number_of(b) >= 0:
        return 0.0
    return math.nan


ADD = instance(Add)
SUB = instance(Sub)
MUL = instance(Mul)
DIV = instance(Div)
NEG = instance(Neg)
SUM = instance(Sum)
POW = instance(Pow)
pow_const = PowConst.variant
