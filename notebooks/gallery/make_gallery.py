"""Render the gallery with the in-process Graphviz (no system `dot`).

    .venv/bin/python notebooks/gallery/make_gallery.py
"""

from __future__ import annotations

from pathlib import Path

from autograd_core import Value
from autograd_core.draw import draw_backward, draw_circuit, draw_forward, render
from nn import MLP, datasets, losses

HERE = Path(__file__).resolve().parent


def neuron() -> Value:
    x = Value(0.5, label="x")
    w = Value(-2.5, label="w", role="param")
    b = Value(1.0, label="b", role="param")
    y = (w * x + b).sigmoid()
    y.label = "y"
    return y


def vo() -> Value:
    net = MLP.from_matrices([[[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]], [[-1.5, 0.2, 0.5]]],
                            [[-1.5, -1.3, 2.0], [1.0]], "sigmoid")
    loss = losses.log_likelihood(net([0.5, -0.5]), 1.0)
    loss.label = "l"
    return loss


def moons() -> Value:
    X, y = datasets.make_moons(60, noise=0.15, rng=8)
    net = MLP(2, [8, 1], activation="tanh", init="glorot", rng=3)
    loss = losses.binary_cross_entropy_with_logits(net(X[0]), y[0])
    loss.label = "l"
    return loss


def main() -> None:
    pictures = {}
    y = neuron()
    pictures["neuron_circuit"] = draw_circuit(y, local=True)
    pictures["neuron_backward"] = draw_backward(y)
    y.backward()
    pictures["neuron_forward"] = draw_forward(y)
    loss = vo()
    pictures["vo_circuit"] = draw_circuit(loss)
    pictures["vo_backward"] = draw_backward(loss)
    loss.backward()
    pictures["vo_forward"] = draw_forward(loss)
    m = moons()
    pictures["moons_backward_neurons"] = draw_backward(m, collapse="neurons")
    m.backward()
    pictures["moons_forward_neurons"] = draw_forward(m, collapse="neurons")
    for name, g in pictures.items():
        render(g, HERE / f"{name}.svg", renderer="wasm")
        print("wrote", name, g.counts)


if __name__ == "__main__":
    main()
