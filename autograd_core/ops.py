"""The operations and their derivative rules: Goodfellow's ``op.bprop``, one per kind of op.

Every node of a graph records the :class:`Op` that produced it. The op's ``bprop`` receives

* ``x``   -- the node's inputs, in order (plain floats, or Values when a differentiable
             backward graph is asked for: ``grad(..., create_graph=True)``),
* ``out`` -- the node's own output (a float, or the node itself),
* ``G``   -- ∂z/∂out, the gradient of the final output with respect to this node,

and returns one contribution per input: ∂z/∂xᵢ ← G · ∂out/∂xᵢ. The rules use only arithmetic
that works on floats and Values alike, so the same function serves both modes; that is what
makes second and third derivatives work.

The forward rules live beside the user-facing methods in :mod:`autograd_core.value`; each
entry here repeats its forward formula in the docstring so the pair reads together.

Subgradients at kinks follow PyTorch: relu′(0) = 0, abs′(0) = 0, step′ = 0 everywhere,
leaky_relu′(0) = slope. A node computed exactly at a kink gets the kink twin of its op
(``op.at_kink`` is True), which costs nothing per node and lets tools warn that a
hand-worked answer there depends on the convention.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

Bprop = Callable[[Sequence[Any], Any, Any], tuple[Any, ...]]


class Op:
    """One kind of operation: its name, how to draw it, and its derivative rule.

    Leaves (inputs, parameters, constants) are ops too, with ``bprop=None``.
    """

    __slots__ = ("name", "symbol", "bprop", "at_kink", "formula", "param", "remake")

    def __init__(
        self,
        name: str,
        symbol: str,
        bprop: Bprop | None,
        *,
        at_kink: bool = False,
        formula: str = "",
        param: float | None = None,
    ) -> None:
        self.name = name
        self.symbol = symbol
        self.bprop = bprop
        self.at_kink = at_kink
        if not formula and bprop is not None and bprop.__doc__:
            formula = bprop.__doc__.strip().splitlines()[0]  # "out = a·b; ∂out/∂a = b, …"
        self.formula = formula
        self.param = param
        self.remake: tuple[Any, tuple[Any, ...]] | None = None  # (factory, args), if made by one

    def __reduce__(self) -> str | tuple[Any, tuple[Any, ...]]:
        """Copying or pickling a graph keeps its ops the very objects of this module (the
        engine tells ops apart by identity: ``op is CONST``)."""
        if self.remake is not None:
            return self.remake
        for name, value in globals().items():
            if value is self:
                return name
        raise TypeError(f"{self!r} is not an op of autograd_core.ops and cannot be copied")

    @property
    def is_leaf(self) -> bool:
        return self.bprop is None

    def kink_twin(self) -> Op:
        """The same op, flagged as evaluated at a non-differentiable point."""
        return Op(self.name, self.symbol, self.bprop, at_kink=True, formula=self.formula,
                  param=self.param)

    def __repr__(self) -> str:
        kink = ", at_kink=True" if self.at_kink else ""
        return f"Op({self.name!r}{kink})"


def _is_float(x: Any) -> bool:
    """x is a plain number, not a Value: usually a float, but ``.data`` is a writable slot and
    may hold an int, a bool or a numpy scalar that a user assigned (micrograd keeps ints)."""
    return x.__class__ is float or not hasattr(x, "_op")


def _val(x: Any) -> float:
    """The number behind x, a number or a Value (Values compare by identity, not by value)."""
    return x if x.__class__ is float or not hasattr(x, "_op") else x.data


# ---------------------------------------------------------------- leaves
INPUT = Op("input", "input", None)
PARAM = Op("param", "param", None)
CONST = Op("const", "const", None)  # Value(c, role="const"): a constant of the user's own
# A number written into arithmetic (the 0.9 of ``x * 0.9``): one leaf per number, shared by every
# use in every graph (see value.constant), so it keeps no .grad and takes no label.
NUMBER = Op("const", "const", None)


# ---------------------------------------------------------------- arithmetic
def _add(x, out, G):
    """out = a + b;  ∂out/∂a = 1,  ∂out/∂b = 1"""
    return G, G


def _sub(x, out, G):
    """out = a − b;  ∂out/∂a = 1,  ∂out/∂b = −1"""
    return G, -G


def _mul(x, out, G):
    """out = a · b;  ∂out/∂a = b,  ∂out/∂b = a"""
    return G * x[1], G * x[0]


def _div(x, out, G):
    """out = a / b;  ∂out/∂a = 1/b,  ∂out/∂b = −a/b²"""
    a, b = x
    Gb = G / b
    return Gb, -Gb * out


def _neg(x, out, G):
    """out = −a;  ∂out/∂a = −1"""
    return (-G,)


def _sum(x, out, G):
    """out = a₁ + … + aₙ;  ∂out/∂aᵢ = 1"""
    return (G,) * len(x)


def _pow(x, out, G):
    """out = aᵇ (b a Value);  ∂out/∂a = b·aᵇ⁻¹,  ∂out/∂b = aᵇ·ln a"""
    a, b = x
    d_base = 0.0 if _val(b) == 0.0 else G * (b * power_rule(a, b - 1.0))
    return d_base, G * (out * log_for_exponent(a, b))


ADD = Op("add", "+", _add)
SUB = Op("sub", "−", _sub)
MUL = Op("mul", "×", _mul)
DIV = Op("div", "÷", _div)
NEG = Op("neg", "−", _neg)
SUM = Op("sum", "Σ", _sum)
POW = Op("pow", "^", _pow)


@lru_cache(maxsize=512)
def pow_const(exponent: float) -> Op:
    """The op ``a ** c`` for one constant exponent c (one op object per exponent)."""
    c = exponent

    def _pow_const(x, out, G):
        """out = aᶜ (c a number);  ∂out/∂a = c·aᶜ⁻¹"""
        if c == 0.0:  # a⁰ = 1 is constant, even at a = 0 (PyTorch agrees)
            return (0.0,)
        return (G * (c * power_rule(x[0], c - 1.0)),)

    shown = f"{c:g}"
    op = Op(f"pow{shown}", f"^{shown}", _pow_const, param=c)
    op.remake = (pow_const, (c,))
    return op


def power_rule(a: Any, e: Any) -> Any:
    """aᵉ inside a derivative, with PyTorch's values where a plain float power raises.

    0 to a negative power is +inf here (the derivative of √a at 0 is +inf), not an error.
    """
    if _val(a) == 0.0 and _val(e) < 0.0:
        return math.inf
    if not _is_float(a):
        return a**e
    e = _val(e)
    try:
        return a**e
    except OverflowError:
        odd = float(e).is_integer() and e % 2 == 1
        return math.copysign(math.inf, a) if odd else math.inf


def log_for_exponent(a: Any, b: Any) -> Any:
    """ln a as it enters ∂(aᵇ)/∂b; PyTorch's convention where ln a is undefined:
    0 when a = 0 and b ≥ 0 (the term vanishes), NaN when a < 0."""
    if _val(a) > 0.0:
        return math.log(a) if _is_float(a) else a.log()
    if _val(a) == 0.0 and _val(b) >= 0.0:
        return 0.0
    return math.nan


# ---------------------------------------------------------------- elementary functions
def _exp(x, out, G):
    """out = eᵃ;  ∂out/∂a = eᵃ = out"""
    return (G * out,)


def _log(x, out, G):
    """out = ln a;  ∂out/∂a = 1/a"""
    return (G / x[0],)


def _sqrt(x, out, G):
    """out = √a;  ∂out/∂a = 1/(2√a) = 0.5/out"""
    if _val(out) == 0.0:  # PyTorch: +inf (NaN when G = 0)
        return (G * math.inf,)
    return (G * 0.5 / out,)


def _tanh(x, out, G):
    """out = tanh a;  ∂out/∂a = 1 − tanh²a = 1 − out²"""
    return (G * (1.0 - out * out),)


def _sigmoid(x, out, G):
    """out = σ(a) = 1/(1 + e⁻ᵃ);  ∂out/∂a = σ(a)(1 − σ(a)) = out(1 − out)"""
    return (G * (out * (1.0 - out)),)


def _sin(x, out, G):
    """out = sin a;  ∂out/∂a = cos a"""
    a = x[0]
    return (G * (math.cos(a) if _is_float(a) else a.cos()),)


def _cos(x, out, G):
    """out = cos a;  ∂out/∂a = −sin a"""
    a = x[0]
    return (-G * (math.sin(a) if _is_float(a) else a.sin()),)


def _relu(x, out, G):
    """out = max(0, a);  ∂out/∂a = 1 if a > 0 else 0 (0 at a = 0, as PyTorch)"""
    return (0.0 if _val(out) <= 0.0 else G,)  # at a = NaN the gradient passes, as in PyTorch


def _abs(x, out, G):
    """out = |a|;  ∂out/∂a = sign(a) (0 at a = 0, as PyTorch)"""
    a = _val(x[0])
    return (G if a > 0.0 else (-G if a < 0.0 else 0.0),)


def _step(x, out, G):
    """out = 1 if a > 0 else 0 (Heaviside);  ∂out/∂a = 0 (undefined at a = 0)"""
    return (0.0,)


def _logsumexp(x, out, G):
    """out = ln Σⱼ eᵃʲ;  ∂out/∂aᵢ = e^(aᵢ − out) = softmax(a)ᵢ"""
    if _is_float(out):
        return tuple(G * math.exp(a - out) for a in x)
    return tuple(G * (a - out).exp() for a in x)


EXP = Op("exp", "exp", _exp)
LOG = Op("log", "ln", _log)
SQRT = Op("sqrt", "√", _sqrt)
TANH = Op("tanh", "tanh", _tanh)
SIGMOID = Op("sigmoid", "σ", _sigmoid)
SIN = Op("sin", "sin", _sin)
COS = Op("cos", "cos", _cos)
RELU = Op("relu", "relu", _relu)
RELU_AT_KINK = RELU.kink_twin()
ABS = Op("abs", "|·|", _abs)
ABS_AT_KINK = ABS.kink_twin()
STEP = Op("step", "step", _step)
STEP_AT_KINK = STEP.kink_twin()
LOGSUMEXP = Op("logsumexp", "logΣexp", _logsumexp)


@lru_cache(maxsize=256)
def leaky_relu(slope: float, at_kink: bool = False) -> Op:
    """The op ``leaky_relu`` for one slope (one op object per slope)."""

    def _leaky_relu(x, out, G):
        """out = a if a > 0 else slope·a;  ∂out/∂a = 1 if a > 0 else slope (slope at 0)"""
        return (G if _val(x[0]) > 0.0 else G * slope,)

    op = Op(f"leaky_relu({slope:g})", "leaky", _leaky_relu, at_kink=at_kink, param=slope)
    op.remake = (leaky_relu, (slope, at_kink))
    return op
