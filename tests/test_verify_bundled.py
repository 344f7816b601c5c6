"""The bundled worked examples, pinned: every claim's status (and the slip named for the
wrong ones), with the truth established independently of the library and of the slides:
torch float64 for the networks, fractions and plain Python for the rest."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
import torch

from autograd_core.verify import bundled_examples, check_bundled

D = torch.float64


def t(x):
    return torch.tensor(x, dtype=D, requires_grad=True)


@pytest.fixture(scope="module")
def report():
    return check_bundled()


def independent_status(text: str, true: float) -> str:
    """The rounding rule, restated: within half a unit of the last written digit is ok;
    the digits of the true value cut after that digit are truncated; else wrong."""
    k = len(text.split(".")[1]) if "." in text else 0
    written = Decimal(text)
    if abs(Decimal(true) - written) <= Decimal(5) * Decimal(10) ** (-k - 1) + Decimal("1e-12"):
        return "ok"
    cut = Decimal(math.trunc(Decimal(true) * 10**k)) / 10**k
    return "truncated" if cut == written else "wrong"


def flat(x) -> list[float]:
    if isinstance(x, torch.Tensor):
        return [float(v) for v in x.detach().reshape(-1)]
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in flat(item)]
    return [float(x)]


def texts_of(claim) -> list[str]:
    return [s.strip(" []") for s in claim.claimed_text.split(",")]


def check_against(ex, truth: dict[str, object]) -> None:
    """Every claim of the example: computed = truth, status = the independent rule."""
    seen = set()
    for c in ex.claims:
        if c.name not in truth:
            continue
        seen.add(c.name)
        true = flat(truth[c.name])
        assert flat(c.computed) == pytest.approx(true, rel=1e-12, abs=1e-12), c.name
        statuses = [independent_status(s, v) for s, v in zip(texts_of(c), true, strict=True)]
        expected = ("wrong" if "wrong" in statuses else
                    "truncated" if "truncated" in statuses else "ok")
        assert c.status == expected, (c.name, c.claimed_text, true)
    assert seen == set(truth), set(truth) - seen


def statuses(ex) -> dict[str, str]:
    return {c.name: c.status for c in ex.claims}


def test_the_bundled_files_are_the_five_lecture_notes():
    names = [p.name for p in bundled_examples()]
    assert names == ["01_vo_mlp.worked", "02_fromont.worked", "03_grabocka_xor.worked",
                     "04_allauzen_delta_rule.worked", "05_ramakrishnan_penalty.worked"]


# ------------------------------------------------------------------ Vo (seed 001)
def vo_truth(activation):
    x0 = t([0.5, -0.5])
    W1 = t([[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]])
    b1 = t([-1.5, -1.3, 2.0])
    W2 = t([[-1.5, 0.2, 0.5]])
    b2 = t([1.0])
    z1 = W1 @ x0 + b1
    x1 = activation(z1)
    z2 = W2 @ x1 + b2
    x2 = activation(z2)
    x1.retain_grad()
    x2.retain_grad()
    y = 1.0
    l = (y * torch.log(x2) + (1 - y) * torch.log(1 - x2)).sum()
    l.backward()
    J21 = torch.autograd.functional.jacobian(lambda a: activation(W2 @ a + b2), x1.detach())
    J10 = torch.autograd.functional.jacobian(lambda a: activation(W1 @ a + b1), x0.detach())
    return {
        "x1": x1, "x2": x2, "dl/dx2": x2.grad, "dx2/dx1": J21, "dx1/dx0": J10,
        "dl/dx1": x1.grad, "dl/dx0": x0.grad, "dl/dW2": W2.grad, "dl/db2": b2.grad,
        "dl/dW1": W1.grad, "dl/db1": b1.grad,
    }


def test_vo_mlp_every_number_on_the_slide(report):
    ex = report["Vo: MLP with one hidden layer (sigmoid)"]
    check_against(ex, vo_truth(torch.sigmoid))
    assert statuses(ex) == {
        "x1": "ok", "x2": "ok", "dl/dx2": "ok", "dx2/dx1": "wrong", "dx1/dx0": "wrong",
        "dl/dx1": "ok", "dl/dx0": "ok", "dl/dW2": "wrong", "dl/db2": "wrong",
        "dl/dW1": "wrong", "dl/db1": "wrong",
    }
    # the slide's two Jacobians have every sign flipped; its parameter gradients are the
    # local derivatives ∂x2/∂W2, ∂x2/∂b2, ∂x1/∂W1, ∂x1/∂b1, without the upstream factor
    assert ex["dx2/dx1"].diagnosis == "sign flipped"
    assert ex["dx1/dx0"].diagnosis == "sign flipped"
    for name, local, upstream in (("dl/dW2", "∂x2/∂W2", "∂l/∂x2 = 1.4646"),
                                  ("dl/db2", "∂x2/∂b2", "∂l/∂x2 = 1.4646"),
                                  ("dl/dW1", "∂x1/∂W1", "∂l/∂x1 = [-0.4759"),
                                  ("dl/db1", "∂x1/∂b1", "∂l/∂x1 = [-0.4759")):
        d = ex[name].diagnosis
        assert d.startswith("missing upstream factor") and local in d and upstream in d, d


def test_vo_slide_gradients_are_the_local_derivatives_torch_confirms():
    """Independent of the diagnoser: σ'(z2)·x1 is what the slide printed for dl/dW2."""
    x1 = torch.sigmoid(torch.tensor([0.5 * 0.5 + 1.25 - 1.5, 0.6 - 0.05 - 1.3,
                                     -0.35 + 0.6 + 2.0], dtype=D))
    z2 = -1.5 * x1[0] + 0.2 * x1[1] + 0.5 * x1[2] + 1.0
    s = torch.sigmoid(z2)
    local = (s * (1 - s) * x1).tolist()
    assert [round(v, 4) for v in local] == [0.1083, 0.0695, 0.1959]


def test_vo_relu_exercise_shows_values_and_warns_at_the_kink(report):
    ex = report["Vo: the exercise, redo it with ReLU"]
    assert ex.claims == []
    truth = vo_truth(torch.relu)
    shown = {s.name: s for s in ex.shown}
    for name in ("x1", "dl/dx1", "dl/dx0", "dl/dW1", "dl/db1", "dl/db2", "dx1/dx0"):
        assert flat(shown[name].computed) == pytest.approx(flat(truth[name]), abs=1e-12), name
    # z1[1] = 0.5·0.5 + (−2.5)(−0.5) − 1.5 = 0 exactly: relu at its kink
    assert Fraction(1, 2) * Fraction(1, 2) + Fraction(5, 2) * Fraction(1, 2) - Fraction(3, 2) == 0
    assert len(ex.warnings) == 1 and ex.warnings[0].startswith("x1[1] = relu(0)")
    assert "subgradient" in ex.warnings[0]


# ------------------------------------------------------------------ Fromont (seed 003)
def perceptron_run(w, X, Y, steps):
    """Rosenblatt's rule in plain Python: u = 1 if w·x > 0 else 0; w += (y − u) x."""
    out = []
    for k in range(steps):
        x, y = X[k % len(X)], Y[k % len(X)]
        s = sum(Fraction(a) * b for a, b in zip(w, x, strict=True))
        u = 1 if s > 0 else 0
        w = [Fraction(a) + (y - u) * b for a, b in zip(w, x, strict=True)]
        out.append((s, u, w))
    return out


def test_fromont_perceptron_update(report):
    ex = report["Fromont: one perceptron update"]
    ((s, u, w),) = perceptron_run([Fraction(-1), Fraction(1, 2), Fraction(3, 10)],
                                  [[1, 2, 1]], [0], 1)
    again = 1 if sum(a * b for a, b in zip(w, [1, 2, 1], strict=True)) > 0 else 0
    check_against(ex, {"sum.1": float(s), "u.1": u, "w.1": [float(v) for v in w],
                       "again": again})
    assert set(statuses(ex).values()) == {"ok"}


def test_fromont_or_table_all_ten_steps(report):
    ex = report["Fromont: a perceptron learning the logical OR"]
    run = perceptron_run([0, 1, -1], [[1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1]],
                         [0, 1, 1, 1], 10)
    truth = {}
    for k, (s, u, w) in enumerate(run, start=1):
        truth[f"sum.{k}"] = float(s)
        truth[f"u.{k}"] = u
        truth[f"w.{k}"] = [float(v) for v in w]
    check_against(ex, truth)
    assert len(ex.claims) == 30 and set(statuses(ex).values()) == {"ok"}
    # the sum is exactly 0 at steps 1 and 6: the threshold convention decides the output
    assert [w.split(" ")[0] for w in ex.warnings] == ["u.1", "u.6"]


def test_fromont_softmax_cross_entropy(report):
    ex = report["Fromont: softmax and cross-entropy, u = [-2, 3, 1]"]
    u = t([-2.0, 3.0, 1.0])
    p = torch.softmax(u, 0)
    J = -u[1] + torch.logsumexp(u, 0)
    J.backward()
    check_against(ex, {"p": p, "CLoss": -torch.log(p[1]), "J": J})
    # 0.0058 and 0.87 are the probabilities truncated, not rounded (0.0059, 0.88)
    assert [c.status for c in ex.claims] == ["truncated", "ok", "ok", "ok"]
    assert "0.0059" in ex.claims[0].diagnosis and "0.88" in ex.claims[0].diagnosis
    assert flat(ex.shown[0].computed) == pytest.approx(flat(u.grad), abs=1e-12)


def test_fromont_mse_with_fractions(report):
    ex = report["Fromont: mean squared error, E = 0.145"]
    E = Fraction(1, 2) * ((1 - Fraction(8, 10)) ** 2 + (0 - Fraction(1, 2)) ** 2)
    assert E == Fraction(145, 1000)
    check_against(ex, {"E": float(E)})
    assert statuses(ex) == {"E": "ok"}


def test_fromont_exercise_2_one_step(report):
    ex = report["Fromont: Exercise 2, one back-propagation step in a 2-2-1 sigmoid network"]
    W1, b1 = t([[0.1, 0.3], [-0.2, 0.4]]), t([0.2, -0.3])
    W2, b2 = t([[0.5, -0.4]]), t([0.4])
    x = torch.tensor([1.0, 1.0], dtype=D)
    h = torch.sigmoid(W1 @ x + b1)
    u = torch.sigmoid(W2 @ h + b2)
    E = 0.5 * ((u - 0.0) ** 2).sum()
    E.backward()
    with torch.no_grad():
        new = [p - 1.0 * p.grad for p in (W1, b1, W2, b2)]
        u_new = torch.sigmoid(new[2] @ torch.sigmoid(new[0] @ x + new[1]) + new[3])
    shown = {s.name: flat(s.computed) for s in ex.shown}
    assert shown["h"] == pytest.approx(flat(h), abs=1e-12)
    assert shown["u"] == pytest.approx(flat(u), abs=1e-12)
    for name, value in zip(("W1_new", "b1_new", "W2_new", "b2_new"), new, strict=True):
        assert shown[name] == pytest.approx(flat(value), abs=1e-12), name
    assert shown["u_new"] == pytest.approx(flat(u_new), abs=1e-12)
    assert shown["u_new"][0] < shown["u"][0]  # one step towards y = 0


def test_fromont_parameter_count(report):
    ex = report["Fromont: count the parameters"]
    sizes = [1600, 100, 100, 100, 10]
    count = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    assert [(s.name, s.computed) for s in ex.shown] == [("count parameters", float(count))]


# ------------------------------------------------------------------ Grabocka (seed 004)
def test_grabocka_xor(report):
    ex = report["Grabocka: XOR solved by a ReLU network"]
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    A = [[x1 + x2 + 0, x1 + x2 - 1] for x1, x2 in X]  # W = all ones, c = [0, -1]
    H = [[max(0, a) for a in row] for row in A]
    yhat = [h1 - 2 * h2 for h1, h2 in H]
    assert yhat == [x1 ^ x2 for x1, x2 in X]
    check_against(ex, {"A": A, "H": H, "yhat": yhat})
    assert set(statuses(ex).values()) == {"ok"}
    assert [w.split(" ")[0] for w in ex.warnings] == ["H[1,1]", "H[2,2]", "H[3,2]"]


# ------------------------------------------------------------------ Allauzen (seed 000)
def test_allauzen_single_layer_delta_rule(report):
    ex = report["Allauzen: Ex. 1, softmax delta rule for one layer"]
    x = torch.tensor([1.0, 2.0], dtype=D)
    W = t([[0.1, -0.2], [0.3, 0.1], [-0.1, 0.2]])
    a = W @ x
    a.retain_grad()
    y = torch.softmax(a, 0)
    l = -torch.log(y[1])
    l.backward()
    check_against(ex, {"a": a, "y": y, "l": l, "dl/da": a.grad, "dl/dW": W.grad,
                       "W_new": W.detach() - 0.5 * W.grad})
    assert set(statuses(ex).values()) == {"ok"}


def test_allauzen_hidden_layer_delta_rule(report):
    ex = report["Allauzen: Ex. 2, back-propagation through a tanh hidden layer"]
    x = torch.tensor([1.0, -1.0], dtype=D)
    W1 = t([[0.5, 0.2], [-0.3, 0.4]])
    W2 = t([[0.2, -0.5], [0.4, 0.1], [-0.3, 0.3]])
    a1 = W1 @ x
    y1 = torch.tanh(a1)
    a2 = W2 @ y1
    y2 = torch.softmax(a2, 0)
    for v in (a1, y1, a2):
        v.retain_grad()
    l = -torch.log(y2[2])
    l.backward()
    check_against(ex, {"a1": a1, "y1": y1, "y2": y2, "l": l, "dl/da2": a2.grad,
                       "dl/dW2": W2.grad, "dl/dy1": y1.grad, "dl/da1": a1.grad,
                       "dl/dW1": W1.grad})
    assert set(statuses(ex).values()) == {"ok"}


# ------------------------------------------------------------------ Ramakrishnan (seed 002)
def test_ramakrishnan_penalty_and_output_derivative(report):
    ex = report["Ramakrishnan: cross-entropy with the lambda/(2m) weight penalty"]
    W1 = t([[0.5, -0.4], [0.3, 0.8]])
    W2 = t([[1.0, -1.5]])
    m, lam = 2, 0.1
    s = [torch.sigmoid(W2 @ torch.sigmoid(W1 @ torch.tensor(x, dtype=D)))
         for x in ([1.0, 0.0], [0.0, 1.0])]
    for v in s:
        v.retain_grad()
    y = [1.0, 0.0]
    data = -sum(yi * torch.log(si) + (1 - yi) * torch.log(1 - si)
                for yi, si in zip(y, s, strict=True)) / m
    penalty = lam / (2 * m) * ((W1**2).sum() + (W2**2).sum())
    E = (data + penalty).sum()
    E.backward()
    check_against(ex, {
        "s1": s[0], "s2": s[1], "E": E, "dE/ds1": s[0].grad, "dE/ds2": s[1].grad,
        "dpenalty/dW2": lam / m * W2.detach(), "dpenalty/dW1": lam / m * W1.detach(),
        "dE/dW2": W2.grad, "dE/dW1": W1.grad,
    })
    assert statuses(ex) == {
        "s1": "ok", "s2": "ok", "E": "ok", "dE/ds1": "ok", "dE/ds2": "wrong",
        "dpenalty/dW2": "wrong", "dpenalty/dW1": "wrong", "dE/dW2": "wrong",
        "dE/dW1": "wrong",
    }
    # the slide's −(1 − y)/(1 − σ) has the wrong sign; its λ/(2m)·w is half of (λ/m)·w
    assert ex["dE/ds2"].diagnosis == "sign flipped"
    assert ex["dpenalty/dW2"].diagnosis == "off by a factor ½"
    assert ex["dpenalty/dW1"].diagnosis == "off by a factor ½"
    for name in ("dE/dW2", "dE/dW1"):
        assert ex[name].diagnosis.startswith("the part of ∂penalty/∂W")
        assert "off by a factor ½" in ex[name].diagnosis


def test_summary_counts(report):
    wrong = [(ex.name.split(":")[0], c.name) for ex in report for c in ex.claims
             if c.status == "wrong"]
    assert len(wrong) == 11
    assert sum(c.status == "truncated" for c in report.claims) == 1
    assert not report.ok
