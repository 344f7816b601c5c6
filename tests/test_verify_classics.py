"""Worked examples from outside the lecture notes, written as a user would write them: the
file checks every claim, and each computed number agrees with torch float64 on the same net."""

from __future__ import annotations

from pathlib import Path

import torch
from strategies import F64
from strategies import tensor as _t

from autograd_core import verify

HERE = Path(__file__).parent / "worked"


def _computed(name: str) -> dict[str, object]:
    report = verify.check_file(HERE / name)
    assert all(c.status == "ok" for c in report.claims), [
        (c.name, c.claimed_text, c.computed_text) for c in report.claims if c.status != "ok"]
    return {c.name: c.computed for c in report.claims}


def test_mazur_step_by_step_example_matches_torch():
    got = _computed("mazur.worked")
    x = torch.tensor([0.05, 0.10], dtype=F64)
    W1, b1 = _t([[0.15, 0.20], [0.25, 0.30]]), _t([0.35, 0.35])
    W2, b2 = _t([[0.40, 0.45], [0.50, 0.55]]), _t([0.60, 0.60])
    t = torch.tensor([0.01, 0.99], dtype=F64)
    h = torch.sigmoid(W1 @ x + b1)
    o = torch.sigmoid(W2 @ h + b2)
    E = (0.5 * (t - o) ** 2).sum()
    gW1, gW2 = torch.autograd.grad(E, [W1, W2])
    torch.testing.assert_close(torch.tensor(got["h"], dtype=F64), h.detach())
    torch.testing.assert_close(torch.tensor(got["o"], dtype=F64), o.detach())
    torch.testing.assert_close(torch.tensor(got["E"], dtype=F64), E.detach())
    torch.testing.assert_close(torch.tensor(got["dE/dW2[1,1]"], dtype=F64), gW2[0, 0])
    torch.testing.assert_close(torch.tensor(got["dE/dW1[1,1]"], dtype=F64), gW1[0, 0])
    torch.testing.assert_close(torch.tensor(got["W2new"], dtype=F64), (W2 - 0.5 * gW2).detach())
    torch.testing.assert_close(torch.tensor(got["W1new"], dtype=F64), (W1 - 0.5 * gW1).detach())


def test_karpathy_neuron_matches_torch():
    got = _computed("karpathy.worked")
    x1, x2 = _t(2.0), _t(0.0)
    w1, w2, b = _t(-3.0), _t(1.0), _t(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    o = torch.tanh(n)
    grads = torch.autograd.grad(o, [x1, w1, x2, w2])
    for name, g in zip(["do/dx1", "do/dw1", "do/dx2", "do/dw2"], grads, strict=True):
        torch.testing.assert_close(torch.tensor(got[name], dtype=F64), g)
    torch.testing.assert_close(torch.tensor(got["o"], dtype=F64), o.detach())
