"""Helpers shared by the drawing tests (no tests here): reading a drawing back, a hand-built MLP.

The MLP follows the labelling convention of the nn package (``layers.L.neurons.N.w.i`` …), so
the drawing code can be tested without depending on nn.
"""

from __future__ import annotations

import random

from dot_parse import DotGraph, label_lines, parse_dot

from autograd_core import Value, vsum


def read(graph) -> DotGraph:
    """The drawing's DOT, parsed; an edge written reversed (``dir=back``, the backward
    graph's edges) is read in the direction it is drawn, the direction its data flows."""
    p = parse_dot(graph.source)
    p.edges = [(b, a, attrs) if attrs.get("dir") == "back" else (a, b, attrs)
               for a, b, attrs in p.edges]
    return p


def drawn(p: DotGraph) -> dict[str, dict[str, str]]:
    """The nodes of the picture itself (the legend and the invisible anchors left out)."""
    return {n: a for n, a in p.nodes.items() if not n.startswith(("legend_", "anchor_"))}


def lines(p: DotGraph, name: str) -> list[str]:
    return label_lines(p.nodes[name].get("label", name))


def inputs_of(p: DotGraph, node: str) -> list[str]:
    """The DOT nodes feeding a value's op circle (in edge order)."""
    return [a for a, b, _ in p.edges if b == node + "_op"]


def mlp(sizes: list[int], x: list[float], seed: int = 0, act: str = "tanh") -> list[Value]:
    """An MLP forward pass built by hand with nn's labels (inputs x0[1], x0[2] …); returns the
    output Values."""
    rnd = random.Random(seed)
    h = [Value(v, label=f"x0[{i}]") for i, v in enumerate(x, start=1)]
    for L, (nin, nout) in enumerate(zip(sizes, sizes[1:], strict=False)):
        out = []
        for N in range(nout):
            p = f"layers.{L}.neurons.{N}"
            ws = [Value(rnd.uniform(-1, 1), label=f"{p}.w.{i}", role="param")
                  for i in range(nin)]
            b = Value(rnd.uniform(-0.5, 0.5), label=f"{p}.b", role="param")
            a = vsum([w * hi for w, hi in zip(ws, h, strict=True)] + [b])
            a.label = f"{p}.a"
            o = getattr(a, act)() if L < len(sizes) - 2 else a * 1.0
            o.label = f"{p}.out"
            out.append(o)
        h = out
    return h
