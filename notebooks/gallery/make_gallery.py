"""Render the gallery with the in-process Graphviz (no system `dot`).

    .venv/bin/python notebooks/gallery/make_gallery.py

Each picture is written as NAME.dot (its DOT source) and NAME.svg, whose second line (after
the XML declaration) names the SHA-256 of that source; tests/test_draw_gallery.py rebuilds the DOT and fails when a
committed file is not what this script makes now (run it again after changing a drawing).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from autograd_core import Value, vsum
from autograd_core.draw import Drawing, draw_backward, draw_circuit, draw_forward, to_svg
from nn import MLP, datasets, losses

HERE = Path(__file__).resolve().parent


def neuron() -> Value:
    """σ(w·x + b), x = 0.5, w = −2.5, b = 1."""
    x = Value(0.5, label="x")
    w = Value(-2.5, label="w", role="param")
    b = Value(1.0, label="b", role="param")
    y = (w * x + b).sigmoid()
    y.label = "y"
    return y


def vo() -> Value:
    """Vo's 2-3-1 sigmoid network (seed 001) and its log-likelihood loss l."""
    net = MLP.from_matrices([[[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]], [[-1.5, 0.2, 0.5]]],
                            [[-1.5, -1.3, 2.0], [1.0]], "sigmoid")
    loss = losses.log_likelihood(net([0.5, -0.5]), 1.0)
    loss.label = "l"
    return loss


def moons(points: int = 1) -> Value:
    """A 2-8-1 tanh network's mean binary cross-entropy over the first moons points."""
    X, y = datasets.make_moons(60, noise=0.15, rng=8)
    net = MLP(2, [8, 1], activation="tanh", init="glorot", rng=3)
    terms = [losses.binary_cross_entropy_with_logits(net(X[i]), y[i]) for i in range(points)]
    loss = terms[0] if points == 1 else vsum(terms) * (1 / points)
    loss.label = "l"
    return loss


def pictures() -> dict[str, Drawing]:
    """Every picture of the gallery, by file name."""
    out: dict[str, Drawing] = {}
    y = neuron()
    out["neuron_circuit"] = draw_circuit(y, local=True)
    out["neuron_backward"] = draw_backward(y)
    y.backward()
    out["neuron_forward"] = draw_forward(y)
    loss = vo()
    out["vo_circuit"] = draw_circuit(loss)
    out["vo_backward"] = draw_backward(loss)
    loss.backward()
    out["vo_forward"] = draw_forward(loss)
    m = moons()
    out["moons_backward_neurons"] = draw_backward(m, collapse="neurons")
    m.backward()
    out["moons_forward_neurons"] = draw_forward(m, collapse="neurons")
    out["moons_batch_backward_summary"] = draw_backward(moons(16))
    return out


def digest(source: str) -> str:
    """The comment a gallery SVG carries: the SHA-256 of the DOT it was rendered from."""
    return f"<!-- make_gallery.py: {hashlib.sha256(source.encode('utf-8')).hexdigest()} -->"


def main() -> None:
    """Write NAME.dot and NAME.svg for every picture."""
    for name, g in pictures().items():
        (HERE / f"{name}.dot").write_text(g.source, encoding="utf-8")
        declaration, _, rest = to_svg(g, renderer="wasm").partition("\n")
        (HERE / f"{name}.svg").write_text(f"{declaration}\n{digest(g.source)}\n{rest}",
                                          encoding="utf-8")
        print("wrote", name, g.counts)


if __name__ == "__main__":
    main()
