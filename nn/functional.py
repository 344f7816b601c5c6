"""A layer's arithmetic as functions of the Values you give it (``torch.nn.functional``'s idea).

:class:`~nn.layers.Neuron`, :class:`~nn.layers.Layer` and :class:`~nn.perceptron.Perceptron`
own their parameters and call these; ``backprop verify`` calls them on the numbers a worked
example declares (exact, labelled as the slide names them), so both compute one way::

    a = Σᵢ wᵢxᵢ + b                       affine(w, x, b)
    x⁽ᵏ⁾ = f(W⁽ᵏ⁾ x⁽ᵏ⁻¹⁾ + β⁽ᵏ⁾)          linear(W, x, b), then activate(name, a)
    s = w·x, u = step(s), w ← w + c(y − u)x    perceptron_step(w, x, y, c)
                                          (its last part: perceptron_update)

Each is one small graph: products and one n-ary sum per neuron (``vsum``), then the
activation's op.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_core import Value, vsum

from . import activations as act

Scalar = Value | float | Any  # a Value, a float, or an exact number


def affine(w: Sequence[Scalar], x: Sequence[Scalar], b: Scalar | None = None) -> Value:
    """a = Σᵢ wᵢxᵢ (+ b): one product per input and one n-ary sum node."""
    if len(w) != len(x):
        raise ValueError(f"affine: {len(w)} weights and {len(x)} inputs (need as many)")
    terms: list[Any] = [wi * xi for wi, xi in zip(w, x, strict=True)]
    if b is not None:
        terms.append(b)
    return vsum(terms) if terms else Value(0.0, role="const")


def linear(W: Sequence[Sequence[Scalar]], x: Sequence[Scalar],
           b: Sequence[Scalar] | None = None) -> list[Value]:
    """a = W x + b for one sample: row i of W (out × in) holds neuron i's weights."""
    if b is not None and len(b) != len(W):
        raise ValueError(f"linear: {len(W)} rows of weights but {len(b)} biases")
    return [affine(row, x, None if b is None else b[i]) for i, row in enumerate(W)]


def activate(name: str, a: Sequence[Value], slope: Any = 0.01) -> list[Value]:
    """f(a) entry by entry (softmax: across the whole layer); ``slope`` for leaky_relu."""
    act.check_activation(name)
    if name == "softmax":
        return act.softmax(list(a))
    if name == "leaky_relu":
        return [v.leaky_relu(slope) for v in a]
    return [act.apply(name, v) for v in a]


def perceptron_step(w: Sequence[Scalar], x: Sequence[Scalar], y: Scalar, rate: Scalar
                    ) -> tuple[Any, Any, list[Any]]:
    """Rosenblatt's rule for one sample: s = w·x, u = step(s), w ← w + c·(y − u)·x.

    x includes x₀ = 1 (w₀ is the bias). On Values this is a graph (s an n-ary sum, u a step
    node, each new weight a node); on numbers it is the same arithmetic on numbers.
    Returns (s, u, the new weights).
    """
    if len(w) != len(x):
        raise ValueError(f"perceptron: {len(w)} weights and {len(x)} inputs (x₀ = 1 first)")
    if any(isinstance(v, Value) for v in (*w, *x)):
        s: Any = affine(w, x)
        u: Any = s.step()
    else:
        s = sum((wi * xi for wi, xi in zip(w, x, strict=True)), 0.0)  # left to right
        u = 1.0 if s > 0 else 0.0
    return s, u, perceptron_update(w, x, y, u, rate)


def perceptron_update(w: Sequence[Scalar], x: Sequence[Scalar], y: Scalar, u: Scalar,
                      rate: Scalar) -> list[Any]:
    """The weights after one step of Rosenblatt's rule: wᵢ + c·(y − u)·xᵢ."""
    err = (y - u) * rate
    return [wi + err * xi for wi, xi in zip(w, x, strict=True)]
