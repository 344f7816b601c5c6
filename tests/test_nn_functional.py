"""nn.functional: a layer's arithmetic as functions, checked against torch and by hand; the
README's snippet runs as written and prints what its comments say."""

from __future__ import annotations

import contextlib
import io

import torch
from test_engine_readme import README, _expected_output

from autograd_core import Value
from nn import functional as F


def test_affine_and_activate_agree_with_torch_values_and_gradients():
    w = [Value(0.3, label="w1"), Value(-1.2, label="w2"), Value(2.0, label="w3")]
    b = Value(0.1, label="b")
    x = [0.5, -0.25, 1.5]
    (h,) = F.activate("tanh", [F.affine(w, x, b)])
    h.backward()
    tw = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    th = torch.tanh(tw @ torch.tensor(x, dtype=torch.float64) + tb)
    th.backward()
    assert abs(h.data - th.item()) < 1e-15
    assert all(abs(v.grad - g) < 1e-15 for v, g in zip(w, tw.grad.tolist(), strict=True))
    assert abs(b.grad - tb.grad.item()) < 1e-15


def test_linear_is_one_affine_per_row():
    W = [[1.0, 2.0], [3.0, -1.0]]
    out = F.linear(W, [0.5, 2.0], [0.25, -0.5])
    assert [o.data for o in out] == [1.0 * 0.5 + 2.0 * 2.0 + 0.25, 3.0 * 0.5 - 2.0 - 0.5]


def test_the_perceptron_rule_by_hand():
    w, x, y, rate = [0.0, 1.0, -1.0], [1.0, 0.0, 1.0], 1.0, 0.5
    s, u, after = F.perceptron_step(w, x, y, rate)
    assert s == sum(wi * xi for wi, xi in zip(w, x, strict=True)) and u == (1.0 if s > 0 else 0.0)
    assert after == [wi + rate * (y - u) * xi for wi, xi in zip(w, x, strict=True)]
    # on Values it is a graph: s an n-ary sum, u a step node
    vs, vu, _ = F.perceptron_step([Value(v) for v in w], x, y, rate)
    assert vs.op.name == "sum" and vu.op.name.startswith("step") and vs.data == s


def test_the_readme_snippet_prints_its_comments():
    text = README.read_text(encoding="utf-8")
    i = text.index("from nn import functional as F")
    block = text[text.rindex("```python\n", 0, i) + len("```python\n"):text.index("```", i)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
    assert out.getvalue().splitlines() == _expected_output(block)
