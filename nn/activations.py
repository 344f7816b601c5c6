"""Activation functions by name, applied to one Value (softmax: to a whole layer).

=============  ===========================  ==================================
name           f(a)                         f′(a)
=============  ===========================  ==================================
identity       a                            1
step           1 if a > 0 else 0            0 (perceptron; not trainable by gradient)
sigmoid        σ(a) = 1/(1 + e⁻ᵃ)           σ(a)(1 − σ(a))
tanh           tanh a                       1 − tanh² a
relu           max(0, a)                    1 if a > 0 else 0
leaky_relu     a if a > 0 else 0.01·a       1 if a > 0 else 0.01
softmax        e^(aᵢ) / Σⱼ e^(aⱼ)           output layer only (acts on the vector)
=============  ===========================  ==================================
"""

from __future__ import annotations

from collections.abc import Callable

from autograd_core import Value, ops
from autograd_core import softmax as _softmax

#: Element-wise activations: name -> function of one Value (the engine's activation ops).
ELEMENTWISE: dict[str, Callable[[Value], Value]] = {
    block.kind: getattr(Value, block.kind) for block in ops.registered(ops.ACTIVATION)
}

ACTIVATIONS: tuple[str, ...] = ("identity", *ELEMENTWISE, "softmax")


def check_activation(name: str, *, output: bool = True) -> str:
    """Return ``name`` if it is a known activation (softmax only where ``output``)."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {list(ACTIVATIONS)}")
    if name == "softmax" and not output:
        raise ValueError("softmax acts on a whole output layer; it cannot be a hidden "
                         "layer's or a single neuron's activation")
    return name


def apply(name: str, a: Value) -> Value:
    """f(a) for an element-wise activation ``name`` (identity returns ``a`` itself)."""
    if name == "identity":
        return a
    try:
        return ELEMENTWISE[name](a)
    except KeyError:
        check_activation(name, output=False)
        raise


def softmax(values: list[Value]) -> list[Value]:
    """softmax over a layer's pre-activations (stable, through logsumexp)."""
    return _softmax(values)
