"""draw_circuit: every wire carries its value (green) and the gradient flowing back along it
(red), checked against torch float64; a value used twice has two wires whose gradients add
up to its gradient."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import torch
from dot_parse import label_lines, parse_dot
from strategies import tensor

from autograd_core import Value
from autograd_core.cli import main
from autograd_core.draw import draw_circuit, to_svg
from autograd_core.draw.circuit import GRAD_COLOR, LOCAL_COLOR, VALUE_COLOR


def wires(g):
    """(tail, head) → {"value": [lines], "grad": [lines]} from the DOT: each wire's label has
    its value's row, its gradient's row and, with local=True, the local derivative's row."""
    out: dict[tuple[str, str], dict[str, list[list[str]]]] = {}
    for a, b, attrs in parse_dot(g.source).edges:
        if attrs.get("style") == "invis":  # the chains stacking leaves (draw/order.py)
            continue
        rows = label_lines(attrs["label"])
        assert g.row_colors[attrs["id"]] == (VALUE_COLOR, GRAD_COLOR, LOCAL_COLOR)[:len(rows)]
        wire = out.setdefault((a, b), {"value": [], "grad": []})
        wire["value"].append([rows[0], *rows[2:]])
        wire["grad"].append([rows[1]])
    return out


def number(text: str) -> float:
    return float(text.replace("−", "-").split("= ")[-1])


def test_each_wire_shows_its_value_and_the_gradient_torch_computes():
    x = Value(0.5, label="x")
    w = Value(-2.5, label="w", role="param")
    b = Value(1.0, label="b", role="param")
    y = (w * x + b).sigmoid()
    y.label = "y"
    tx, tw, tb = tensor(0.5), tensor(-2.5), tensor(1.0)
    ty = torch.sigmoid(tw * tx + tb)
    ty.backward()
    g = draw_circuit(y)
    ws = wires(g)
    for leaf, t in ((x, tx), (w, tw), (b, tb)):
        ((tail, _head),) = [k for k in ws if k[0] == g.ids[leaf]]
        (value,), (grad,) = ws[tail, _head]["value"], ws[tail, _head]["grad"]
        assert abs(number(value[0]) - t.item()) < 1e-3 * max(1, abs(t.item()))
        assert abs(number(grad[0]) - t.grad.item()) <= 5e-4 * abs(t.grad.item()) + 1e-12
    # the last wire leaves the output with the seed 1
    (last,) = [k for k in ws if k[1] == "c_out"]
    assert number(ws[last]["grad"][0][0]) == 1.0
    assert abs(number(ws[last]["value"][0][0]) - ty.item()) < 1e-4


def test_a_value_used_twice_has_two_wires_whose_gradients_add_up():
    x = Value(1.5, label="x")
    z = x * x + x.tanh() * 3.0
    z.label = "z"
    tx = tensor(1.5)
    (tx * tx + torch.tanh(tx) * 3.0).backward()
    g = draw_circuit(z, local=True, precision=8)
    ws = wires(g)
    from_x = [k for k in ws if k[0] == g.ids[x]]
    grads = [number(lines[0]) for k in from_x for lines in ws[k]["grad"]]
    assert len(grads) == 3  # x·x takes x twice, tanh once
    assert abs(sum(grads) - tx.grad.item()) < 1e-6
    # local derivatives: ∂(x·x)/∂x = x per use, ∂tanh/∂x = 1 − tanh²
    locals_ = sorted(number(lines[1].replace("local ", "")) for k in from_x
                     for lines in ws[k]["value"])
    tanh = torch.tanh(torch.tensor(1.5, dtype=torch.float64)).item()
    expected = sorted([1.5, 1.5, 1 - tanh**2])
    assert all(abs(a - b) < 1e-6 for a, b in zip(locals_, expected, strict=True))


def test_the_circuit_renders_without_system_graphviz_and_from_the_command_line(tmp_path):
    x = Value(2.0, label="x")
    y = x.exp()
    svg = to_svg(draw_circuit(y), "wasm")
    assert svg.lstrip().startswith("<?xml") and "exp" in svg
    out = tmp_path / "c.svg"
    assert main(["draw", "sigmoid(w*x + b)", "--let", "x=0.5", "--param", "w=-2.5", "b=1",
                 "--circuit", "--renderer", "wasm", "-o", str(out)]) == 0
    assert "σ" in out.read_text()


def test_a_wires_value_and_gradient_sit_together_on_its_one_edge():
    # they were on two parallel edges, which dot laid out apart: red labels floated far from
    # their wires and, on Vo's last × → Σ wire, the gradient sat above the value
    from nn import MLP, losses

    net = MLP.from_matrices([[[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]], [[-1.5, 0.2, 0.5]]],
                            [[-1.5, -1.3, 2.0], [1.0]], "sigmoid")
    loss = losses.log_likelihood(net([0.5, -0.5]), 1.0)
    loss.label = "l"
    g = draw_circuit(loss, local=True)
    edges = [e for e in parse_dot(g.source).edges if e[2].get("style") != "invis"]
    # value, gradient, local derivative; the last wire (into the output's name) has no consumer
    assert all(len(label_lines(attrs["label"])) == (2 if b == "c_out" else 3)
               for _, b, attrs in edges)
    root = ET.fromstring(to_svg(g, "wasm").encode("utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    shown = 0
    for group in root.iter(ns + "g"):
        if not group.get("id", "").startswith("wire"):
            continue
        texts = group.findall(ns + "text")
        colors = [VALUE_COLOR, GRAD_COLOR, LOCAL_COLOR][:len(texts)]
        assert len(texts) >= 2 and [t.get("fill") for t in texts] == colors
        at = [(float(t.get("x")), float(t.get("y"))) for t in texts]
        for (x0, y0), (x1, y1) in zip(at, at[1:], strict=False):
            assert x0 == x1 and 0 < y1 - y0 < 25  # one row below the other, in order
        shown += 1
    assert shown == len(edges) and shown > 20
    legend = next(t for t in root.iter(ns + "g") if t.get("id") == "c_legend")
    assert "local derivative" in "".join(legend.itertext())
