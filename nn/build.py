"""Networks with given numbers, as the slides write them.

Seed 001 (Vo) gives each layer as a matrix W⁽ᵏ⁾ of shape out × in and a bias vector β⁽ᵏ⁾::

    W1 = [[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]];  b1 = [-1.5, -1.3, 2.0]
    W2 = [[-1.5, 0.2, 0.5]];                         b2 = [1.0]
    net = mlp_from_matrices([W1, W2], [b1, b2], "sigmoid")

Seed 004 (Grabocka) writes h = g(Wᵀx + c): its W is in × out; pass ``layout="in_out"``.
Seed 000 and 003 fold the bias into the weights (x₀ = 1): pass ``bias="implicit"`` and
matrices whose column 0 holds the bias weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .layers import MLP, Layer, Matrix


def set_layer(layer: Layer, W: Matrix, b: Sequence[float] | None = None) -> Layer:
    """Copy W (out × in, as the layer's ``weights``) and b into a layer's parameters."""
    return layer.set_matrix(W, b)


def mlp_from_matrices(weights: Sequence[Matrix],
                      biases: Sequence[Sequence[float] | None] | None = None,
                      activations: str | Sequence[str] = "sigmoid", **kw: Any) -> MLP:
    """An MLP with the given numbers: :meth:`MLP.from_matrices` (``layout``, ``bias``)."""
    return MLP.from_matrices(weights, biases, activations, **kw)


def with_bias_input(x: Sequence[Any]) -> list[Any]:
    """[1, x₁, …, xₙ]: the input with the constant x₀ = 1 in front (implicit bias by hand)."""
    return [1.0, *x]
