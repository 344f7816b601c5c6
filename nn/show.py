"""Print a network's matrices the way the slides print them: W⁽ᵏ⁾, β⁽ᵏ⁾, the last forward
pass's x⁽ᵏ⁻¹⁾, a⁽ᵏ⁾ and x⁽ᵏ⁾, and after ``backward()`` ∂l/∂W⁽ᵏ⁾, ∂l/∂β⁽ᵏ⁾ and δ⁽ᵏ⁾ = ∂l/∂a⁽ᵏ⁾.

>>> from nn import MLP
>>> net = MLP.from_matrices([[[0.5, -2.5], [1.2, 0.1]]], [[-1.5, -1.3]], "sigmoid")
>>> print(format_matrix(net.layers[0].weights))
[[ 0.5 -2.5]
 [ 1.2  0.1]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _num(v: float, digits: int) -> str:
    r = round(float(v), digits)
    return f"{r:.{digits}f}".rstrip("0").rstrip(".") if r != int(r) else str(int(r))


def format_matrix(M: Sequence[Sequence[float]] | Sequence[float], digits: int = 4) -> str:
    """A matrix (list of rows) or a vector, rounded, columns aligned, numpy-like."""
    if M and not isinstance(M[0], (list, tuple)):
        cells = [_num(v, digits) for v in M]  # type: ignore[arg-type]
        return "[" + " ".join(cells) + "]"
    rows = [[_num(v, digits) for v in row] for row in M]  # type: ignore[union-attr]
    width = max((len(c) for r in rows for c in r), default=0)
    lines = ["[" + " ".join(c.rjust(width) for c in r) + "]" for r in rows]
    return "[" + "\n ".join(lines) + "]"


def layer_report(layer: Any, k: int, digits: int = 4) -> str:
    """The matrices of layer k (numbered from 1, as the slides)."""
    s = str(k).translate(_SUP)
    prev = str(k - 1).translate(_SUP)
    out = [f"layer {k}: {layer.nin} → {layer.nout}, {layer.activation}"
           + ("" if layer.bias == "explicit" else f", bias {layer.bias}")]

    def add(name: str, M: Any) -> None:
        text = format_matrix(M, digits)
        pad = " " * (len(name) + 5)
        out.append(f"  {name} = " + text.replace("\n", "\n" + pad))

    add(f"W⁽{s}⁾", layer.weights)
    if layer.biases is not None:
        add(f"β⁽{s}⁾", layer.biases)
    if layer._last_x is not None:
        add(f"x⁽{prev}⁾", layer.inputs)
        add(f"a⁽{s}⁾", layer.pre_activations)
        add(f"x⁽{s}⁾", layer.activations)
    grads = [g for row in layer.weight_grads for g in row]
    if any(g != 0 for g in grads):
        add(f"∂l/∂W⁽{s}⁾", layer.weight_grads)
        if layer.biases is not None:
            add(f"∂l/∂β⁽{s}⁾", layer.bias_grads)
        if layer._last_x is not None:
            add(f"δ⁽{s}⁾", layer.deltas)
    return "\n".join(out)


def report(net: Any, digits: int = 4) -> str:
    """Every layer's matrices (a :class:`~nn.layers.MLP`, a ``Sequential`` of layers, or a
    single :class:`~nn.layers.Layer`)."""
    layers = getattr(net, "layers", [net])
    return "\n".join(layer_report(layer, k, digits)
                     for k, layer in enumerate((m for m in layers if hasattr(m, "weights")
                                                and hasattr(m, "neurons")), start=1))
