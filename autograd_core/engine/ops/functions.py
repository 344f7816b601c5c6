"""The elementary functions: exp, ln, √, sin, cos."""

from __future__ import annotations

import math
from typing import Any

from ..op import FUNCTION, Contributions, Inputs, Number, Op, OutsideDomain, instance
from .support import divide, is_number, nan_outside


class Exp(Op):
    """out = eᵃ;  ∂out/∂a = eᵃ = out"""

    kind, symbol, notation, micrograd, group, torch = "exp", "exp", "exp({0})", "exp", \
        FUNCTION, "exp"

    @staticmethod
    def forward(a: Number) -> Number:
        """eᵃ, +inf on overflow (as floats do elsewhere)."""
        try:
            return math.exp(a)
        except OverflowError:
            return math.inf

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        return (G * out,)


class Log(Op):
    """out = ln a;  ∂out/∂a = 1/a   (a > 0)"""

    kind, symbol, notation, micrograd, group, torch = "log", "ln", "ln({0})", "log", \
        FUNCTION, "log"

    @staticmethod
    def forward(a: Number) -> Number:
        if not a > 0 and a == a:
            raise OutsideDomain("log of a non-positive number: {0} (log needs a > 0)",
                                ieee=-math.inf if a == 0 else math.nan)
        return math.log(a)

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        return (divide(G, inputs[0]),)


class Sqrt(Op):
    """out = √a;  ∂out/∂a = 1/(2√a) = 0.5/out   (a ≥ 0; +inf at a = 0, as PyTorch)"""

    kind, symbol, notation, micrograd, group, torch = "sqrt", "√", "√{0}", "sqrt", \
        FUNCTION, "sqrt"

    @staticmethod
    def forward(a: Number) -> Number:
        if a < 0:
            raise OutsideDomain("sqrt of a negative number: {0} (sqrt needs a ≥ 0)")
        return math.sqrt(a)

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        if is_number(out) and out == 0:  # PyTorch: +inf (NaN when G = 0)
            return (G * math.inf,)
        return (G * 0.5 / out,)  # a Value at 0: inside a derivative graph 0.5/0 is +inf


class Sin(Op):
    """out = sin a;  ∂out/∂a = cos a"""

    kind, symbol, notation, micrograd, group, torch = "sin", "sin", "sin({0})", "sin", \
        FUNCTION, "sin"

    @staticmethod
    def forward(a: Number) -> Number:
        return nan_outside(math.sin, a)  # sin(±inf) is NaN, as in PyTorch

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        a = inputs[0]
        return (G * (nan_outside(math.cos, a) if is_number(a) else a.cos()),)


class Cos(Op):
    """out = cos a;  ∂out/∂a = −sin a"""

    kind, symbol, notation, micrograd, group, torch = "cos", "cos", "cos({0})", "cos", \
        FUNCTION, "cos"

    @staticmethod
    def forward(a: Number) -> Number:
        return nan_outside(math.cos, a)

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        a = inputs[0]
        return (-G * (nan_outside(math.sin, a) if is_number(a) else a.sin()),)


EXP = instance(Exp)
LOG = instance(Log)
SQRT = instance(Sqrt)
SIN = instance(Sin)
COS = instance(Cos)

