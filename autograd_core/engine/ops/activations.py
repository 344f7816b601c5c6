"""The activation functions of the lecture notes, and |·|.

relu, leaky_relu, |·| and step have no derivative at 0 (``kinked``). There the engine takes
PyTorch's subgradient (relu′(0) = 0, |·|′(0) = 0, step′ = 0 everywhere, leaky_relu′(0) =
slope), and a node computed exactly at 0 records the op's kink twin (``op.at_kink``), which
costs nothing per node and lets tools warn that a hand-worked answer there depends on the
convention.
"""

from __future__ import annotations

import math
from typing import Any

from ..op import ACTIVATION, FUNCTION, Contributions, Inputs, Number, Op, SameNumber, instance
from .support import is_number, number_of, one_like, zero_like


class Step(Op):
    """out = 1 if a > 0 else 0 (Heaviside, the perceptron's threshold);  ∂out/∂a = 0"""

    kind, symbol, notation, micrograd, group = "step", "step", "step({0})", "step", ACTIVATION
    kinked = True

    @staticmethod
    def forward(a: Number) -> Number:
        return one_like(a) if a > 0 else zero_like(a)

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        return (0.0,)


class Sigmoid(Op):
    """out = σ(a) = 1/(1 + e⁻ᵃ);  ∂out/∂a = σ(a)(1 − σ(a)) = out(1 − out)"""

    kind, symbol, notation, micrograd, group, torch = "sigmoid", "σ", "σ({0})", "sigmoid", \
        ACTIVATION, "sigmoid"
    torch_module = "Sigmoid"

    @staticmethod
    def forward(a: Number) -> Number:
        """Evaluated without overflow on either side: e⁻ᵃ for a ≥ 0, eᵃ for a < 0."""
        if a >= 0:
            return 1.0 / (1.0 + math.exp(-a))
        e = math.exp(a)
        return e / (1.0 + e)

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        return (G * (out * (1.0 - out)),)


class Tanh(Op):
    """out = tanh a;  ∂out/∂a = 1 − tanh²a = 1 − out²"""

    kind, symbol, notation, micrograd, group, torch = "tanh", "tanh", "tanh({0})", "tanh", \
        ACTIVATION, "tanh"
    torch_module = "Tanh"

    @staticmethod
    def forward(a: Number) -> Number:
        return math.tanh(a)  # finite and exact at any |a|

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        return (G * (1.0 - out * out),)


class Softplus(Op):
    """out = ln(1 + eᵃ);  ∂out/∂a = σ(a)   (a smooth relu)"""

    kind, symbol, notation, micrograd, group = "softplus", "softplus", "softplus({0})", \
        "softplus", ACTIVATION
    torch, torch_module = "nn.functional.softplus", "Softplus"

    @staticmethod
    def forward(a: Number) -> Number:
        """a + ln(1 + e⁻ᵃ) for a ≥ 0, ln(1 + eᵃ) below: no overflow on either side."""
        if a >= 0:
            return a + math.log1p(math.exp(-a))
        return math.log1p(math.exp(a))

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        a = inputs[0]
        return (G * (Sigmoid.forward(a) if is_number(a) else a.sigmoid()),)


class Relu(Op):
    """out = max(0, a);  ∂out/∂a = 1 if a > 0 else 0   (0 at a = 0, as PyTorch)"""

    kind, symbol, notation, micrograd, group, torch = "relu", "relu", "relu({0})", "ReLU", \
        ACTIVATION, "relu"
    torch_module, kinked = "ReLU", True

    @staticmethod
    def forward(a: Number) -> Number:
        return a if a > 0 or a != a else zero_like(a)  # a != a: NaN passes, as in PyTorch

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        return (0.0 if number_of(out) <= 0 else G,)  # at a = NaN the gradient passes


class LeakyRelu(Op):
    """out = a if a > 0 else s·a;  ∂out/∂a = 1 if a > 0 else s   (s at a = 0)"""

    kind, symbol, notation, micrograd, group = "leaky_relu", "leaky", "leaky({0})", \
        "leaky_relu", ACTIVATION
    torch, torch_module = "nn.functional.leaky_relu", "LeakyReLU"
    kinked, params = True, 1

    @classmethod
    def variant(cls, slope: Any, at_kink: bool = False) -> Op:
        """The op for one slope s (one op object per slope)."""
        return instance(cls, slope, at_kink)

    def forward(self, a: Number) -> Number:
        return a if a > 0 else self.param * a

    def bprop(self, inputs: Inputs, out: Any, G: Any) -> Contributions:
        return (G if number_of(inputs[0]) > 0 else G * self.param,)


class Abs(Op):
    """out = |a|;  ∂out/∂a = sign(a)   (0 at a = 0, as PyTorch)"""

    kind, symbol, notation, micrograd, group, torch = "abs", "|·|", "|{0}|", "abs", \
        FUNCTION, "abs"
    precedence = 9
    kinked = True

    @staticmethod
    def forward(a: SameNumber) -> SameNumber:
        return abs(a)

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        a = number_of(inputs[0])
        return (G if a > 0 else (-G if a < 0 else 0.0),)


TANH = instance(Tanh)
SOFTPLUS = instance(Softplus)
SIGMOID = instance(Sigmoid)
RELU = instance(Relu)
ABS = instance(Abs)
STEP = instance(Step)
RELU_AT_KINK, ABS_AT_KINK, STEP_AT_KINK = (instance(type(op), None, True)
                                           for op in (RELU, ABS, STEP))
leaky_relu = LeakyRelu.variant
