"""draw_circuit: every wire carries its value (green) and the gradient flowing back along it
(red), checked against torch float64; a value used twice has two wires whose gradients add
up to its gradient."""

from __future__ import annotations

import torch
from dot_parse import label_lines, parse_dot
from strategies import tensor

from autograd_core import Value
from autograd_core.cli import main
from autograd_core.draw import draw_circuit, to_svg
from autograd_core.draw.circuit import GRAD_COLOR, VALUE_COLOR


def wires(g):
    """(tail, head) → {"value": [lines], "grad": [lines]} from the DOT."""
    out: dict[tuple[str, str], dict[str, list[list[str]]]] = {}
    for a, b, attrs in parse_dot(g.source).edges:
        kind = {VALUE_COLOR: "value", GRAD_COLOR: "grad"}[attrs["fontcolor"]]
        out.setdefault((a, b), {"value": [], "grad": []})[kind].append(
            label_lines(attrs["label"]))
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
