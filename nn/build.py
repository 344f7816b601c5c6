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

from .layers import MLP, Layer

Matrix = Sequence[Sequence[float]]


def _shape(W: Matrix, k: int) -> tuple[int, int]:
    rows = [list(r) for r in W]
    if not rows or not rows[0] or any(len(r) != len(rows[0]) for r in rows):
        raise ValueError(f"weight matrix {k} must be a non-empty rectangle, got {W!r}")
    return len(rows), len(rows[0])


def transpose(W: Matrix) -> list[list[float]]:
    return [list(col) for col in zip(*W, strict=False)]


def set_layer(layer: Layer, W: Matrix, b: Sequence[float] | None = None) -> Layer:
    """Copy W (out × in, as the layer's ``weights``) and b into a layer's parameters."""
    rows, cols = _shape(W, 0)
    want = (layer.nout, len(layer.neurons[0].w))
    if (rows, cols) != want:
        raise ValueError(f"{layer!r} needs a {want[0]}×{want[1]} weight matrix, got "
                         f"{rows}×{cols}")
    if (b is None) != (layer.bias != "explicit"):
        raise ValueError(f"{layer!r}: bias vector {'missing' if b is None else 'unexpected'}")
    if b is not None and len(b) != layer.nout:
        raise ValueError(f"{layer!r} needs {layer.nout} biases, got {len(b)}: {list(b)!r}")
    for i, n in enumerate(layer.neurons):
        for w, value in zip(n.w, W[i], strict=False):
            w.data = float(value)
        if b is not None:
            n.b.data = float(b[i])  # type: ignore[union-attr]
    return layer


def mlp_from_matrices(
    weights: Sequence[Matrix],
    biases: Sequence[Sequence[float] | None] | None = None,
    activations: str | Sequence[str] = "sigmoid",
    *,
    bias: str | bool | None = None,
    layout: str = "out_in",
    **kw: Any,
) -> MLP:
    """An MLP whose layer k has weight matrix ``weights[k]`` and bias ``biases[k]``.

    ``activations``: one name for every layer, or one per layer. ``layout``: ``"out_in"``
    (W⁽ᵏ⁾ rows are neurons, seed 001) or ``"in_out"`` (columns are neurons, seed 004).
    ``bias``: defaults to explicit when ``biases`` is given, none otherwise; ``"implicit"``
    reads column 0 (out_in layout) as the bias weights of a constant input x₀ = 1.
    """
    if layout not in ("out_in", "in_out"):
        raise ValueError(f"layout must be 'out_in' or 'in_out', got {layout!r}")
    Ws = [transpose(W) if layout == "in_out" else [list(r) for r in W] for W in weights]
    if not Ws:
        raise ValueError("mlp_from_matrices: no weight matrices given")
    if bias is None:
        bias = "explicit" if biases is not None else "none"
    implicit = bias == "implicit"
    shapes = [_shape(W, k) for k, W in enumerate(Ws)]
    nin = shapes[0][1] - implicit
    for k in range(1, len(shapes)):
        if shapes[k][1] - implicit != shapes[k - 1][0]:
            raise ValueError(
                f"weight matrix {k} has {shapes[k][1]} columns but layer {k - 1} has "
                f"{shapes[k - 1][0]} outputs"
            )
    acts = [activations] * len(Ws) if isinstance(activations, str) else list(activations)
    if biases is not None and len(biases) != len(Ws):
        raise ValueError(f"{len(Ws)} weight matrices but {len(biases)} bias vectors")
    net = MLP(nin, [s[0] for s in shapes], activations=acts, bias=bias, init="zeros", **kw)
    for k, (layer, W) in enumerate(zip(net.layers, Ws, strict=False)):
        set_layer(layer, W, None if biases is None else biases[k])
    return net


def with_bias_input(x: Sequence[Any]) -> list[Any]:
    """[1, x₁, …, xₙ]: the input with the constant x₀ = 1 in front (implicit bias by hand)."""
    return [1.0, *x]
