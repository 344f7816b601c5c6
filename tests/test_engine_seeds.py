"""The lecture notes' small examples that need only the engine, checked against numbers computed
independently here (torch float64, fractions, closed forms) — never against the slides' numbers,
which are claims."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
import torch
from strategies import assert_close, tensor

import autograd_core as ag
from autograd_core import Value


# ---------------------------------------------------------------- seed 004 (Grabocka)
@pytest.mark.parametrize(
    ("name", "f", "df"),
    [("sigmoid", Value.sigmoid, lambda u: (s := 1 / (1 + math.exp(-u))) * (1 - s)),
     ("exp", Value.exp, math.exp),
     ("sin", Value.sin, math.cos),
     ("tanh", Value.tanh, lambda u: 1 - math.tanh(u) ** 2)],
    ids=["sigmoid", "exp", "sin", "tanh"],
)
def test_seed004_chain_rule_z_of_f_of_f_of_f_of_w(name, f, df):
    """x = f(w), y = f(x), z = f(y):  ∂z/∂w = f′(y)·f′(x)·f′(w) = f′(f(f(w)))·f′(f(w))·f′(w)."""
    w = Value(0.4, label="w")
    x = f(w)
    y = f(x)
    z = f(y)
    z.backward(keep_terms=True)
    t = z.grad_table
    fw = {"sigmoid": lambda u: 1 / (1 + math.exp(-u)), "exp": math.exp, "sin": math.sin,
          "tanh": math.tanh}[name]
    xv = fw(0.4)
    yv = fw(xv)
    assert_close(w.grad, df(yv) * df(xv) * df(0.4), f"∂z/∂w for f = {name}", rel=1e-14)
    assert_close(t[y], df(yv), "∂z/∂y = f′(y)", rel=1e-14)
    assert_close(t[x], df(yv) * df(xv), "∂z/∂x = f′(y)·f′(x)", rel=1e-14)
    assert_close(t[w], t[x] * df(0.4), "grad_table[w] = grad_table[x]·f′(w)", rel=1e-14)
    assert [c for c, _ in t.terms(w)] == [x]  # one consumer: the chain has no branches


def test_seed004_xor_relu_network_outputs_and_gradients():
    """ŷ = wᵀ max{0, Wᵀx + c} + b with W = [[1, 1], [1, 1]], c = [0, −1], w = [1, −2], b = 0.
    Expected: the XOR truth table itself; gradients from torch with the same subgradients."""
    W = [[Value(1.0, label="W11"), Value(1.0, label="W12")],
         [Value(1.0, label="W21"), Value(1.0, label="W22")]]
    c = [Value(0.0, label="c1"), Value(-1.0, label="c2")]
    w = [Value(1.0, label="w1"), Value(-2.0, label="w2")]
    b = Value(0.0, label="b")
    tW = torch.tensor([[1.0, 1.0], [1.0, 1.0]], dtype=torch.float64, requires_grad=True)
    tc = torch.tensor([0.0, -1.0], dtype=torch.float64, requires_grad=True)
    tw = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    params = [W[0][0], W[0][1], W[1][0], W[1][1], c[0], c[1], w[0], w[1], b]
    kinks = []
    for x1, x2 in [(0, 0), (0, 1), (1, 0), (1, 1)]:
        h = [(W[0][i] * x1 + W[1][i] * x2 + c[i]).relu() for i in range(2)]  # W[:, i]ᵀ x + cᵢ
        y = w[0] * h[0] + w[1] * h[1] + b
        assert y.data == float(x1 ^ x2)
        kinks.append([hi.at_kink for hi in h])
        for p in params:
            p.grad = 0.0
        y.backward()
        tx = torch.tensor([x1, x2], dtype=torch.float64)
        for t in (tW, tc, tw, tb):
            t.grad = None
        ty = tw @ torch.relu(tW.T @ tx + tc) + tb
        ty.backward()
        expected = [*tW.grad.flatten().tolist(), *tc.grad.tolist(), *tw.grad.tolist(), tb.grad]
        for p, e in zip(params, expected, strict=True):
            assert_close(p.grad, e, f"∂ŷ/∂{p.label} at x = ({x1}, {x2})")
    # three hidden pre-activations are exactly 0: the hand answer there depends on relu′(0)
    assert kinks == [[True, False], [False, True], [False, True], [False, False]]


# ---------------------------------------------------------------- seed 003 (Fromont)
def test_seed003_softmax_cross_entropy_gradient_is_p_minus_y():
    u_data, t = [-2.0, 3.0, 1.0], 1
    y = [0.0, 1.0, 0.0]
    u = [Value(x, label=f"u{i}") for i, x in enumerate(u_data)]
    p = ag.softmax(u)
    closs = -sum(yj * pj.log() for yj, pj in zip(y, p, strict=True))  # CLoss(p, y)
    j = -u[t] + ag.logsumexp(u)  # J(u, t)
    e = [math.exp(x) for x in u_data]
    p_ref = [x / sum(e) for x in e]
    for pj, ref in zip(p, p_ref, strict=True):
        assert_close(pj.data, ref, "softmax", rel=1e-14)
    loss_ref = -u_data[t] + math.log(sum(e))
    assert_close(closs.data, loss_ref, "CLoss", rel=1e-13)
    assert_close(j.data, loss_ref, "J(u, t)", rel=1e-14)
    for loss in (closs, j):
        grads = ag.grad(loss, u)
        for g, pj, yj in zip(grads, p_ref, y, strict=True):
            assert_close(g, pj - yj, "∂loss/∂u = p − y", rel=1e-13)
    tu = tensor(0.0).new_tensor(u_data).requires_grad_()
    torch.nn.functional.cross_entropy(tu[None], torch.tensor([t])).backward()
    for g, tg in zip(ag.grad(j, u), tu.grad, strict=True):
        assert_close(g, tg, "vs torch cross_entropy")


def test_seed003_mse_example_against_fractions():
    """E = ½ Σ (u_P − y_P)², u = (1, 0), y = (0.8, 0.5); ∂E/∂u = u − y."""
    u = [Value(1.0, label="u1"), Value(0.0, label="u2")]
    y = [0.8, 0.5]
    E = 0.5 * sum((ui - yi) ** 2 for ui, yi in zip(u, y, strict=True))
    yf = [Fraction(4, 5), Fraction(1, 2)]
    exact = Fraction(1, 2) * sum((uf - yy) ** 2 for uf, yy in zip([1, 0], yf, strict=True))
    assert exact == Fraction(29, 200)
    assert_close(E.data, float(exact), "E", rel=1e-15)
    E.backward()
    for ui, uf, yy in zip(u, [1, 0], yf, strict=True):
        assert_close(ui.grad, float(uf - yy), "∂E/∂u", rel=1e-15)


# ---------------------------------------------------------------- seed 001 (Vo)
W1 = [[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]]
B1 = [-1.5, -1.3, 2.0]
W2 = [-1.5, 0.2, 0.5]
B2 = 1.0
X0 = [0.5, -0.5]


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_seed001_mlp_forward_values_and_gradients_vs_torch(activation):
    """x¹ = σ(W¹x⁰ + β¹), x² = σ(W²x¹ + β²), l = y′ log x² + (1 − y′) log(1 − x²) with y′ = 1;
    and the slide's exercise "redo it with ReLU" (hidden layer ReLU, output sigmoid)."""
    act = Value.sigmoid if activation == "sigmoid" else Value.relu
    tact = torch.sigmoid if activation == "sigmoid" else torch.relu
    w1 = [[Value(v, label=f"W1_{i}{j}") for j, v in enumerate(r)] for i, r in enumerate(W1)]
    b1 = [Value(v, label=f"b1_{i}") for i, v in enumerate(B1)]
    w2 = [Value(v, label=f"W2_{i}") for i, v in enumerate(W2)]
    b2 = Value(B2, label="b2")
    x0 = [Value(v, label=f"x0_{i}") for i, v in enumerate(X0)]
    x1 = [act(ag.dot(w1[i], x0) + b1[i]) for i in range(3)]
    x2 = (ag.dot(w2, x1) + b2).sigmoid()
    loss = x2.log()  # y′ = 1
    loss.backward()

    tw1 = torch.tensor(W1, dtype=torch.float64, requires_grad=True)
    tb1 = torch.tensor(B1, dtype=torch.float64, requires_grad=True)
    tw2 = torch.tensor(W2, dtype=torch.float64, requires_grad=True)
    tb2 = torch.tensor(B2, dtype=torch.float64, requires_grad=True)
    tx0 = torch.tensor(X0, dtype=torch.float64, requires_grad=True)
    tx1 = tact(tw1 @ tx0 + tb1)
    tx2 = torch.sigmoid(tw2 @ tx1 + tb2)
    torch.log(tx2).backward()

    for i in range(3):
        assert_close(x1[i].data, tx1[i], f"x1[{i}]")
    assert_close(x2.data, tx2, "x2")
    pairs = [(w1[i][j], tw1.grad[i, j]) for i in range(3) for j in range(2)]
    pairs += [(b1[i], tb1.grad[i]) for i in range(3)] + [(w2[i], tw2.grad[i]) for i in range(3)]
    pairs += [(b2, tb2.grad), (x0[0], tx0.grad[0]), (x0[1], tx0.grad[1])]
    for v, g in pairs:
        assert_close(v.grad, g, f"∂l/∂{v.label}")
    # the hidden unit x¹₁ sits exactly at σ(0) = ½ (pre-activation 0.25 + 1.25 − 1.5 = 0)
    assert (w1[0][0].data * 0.5 + w1[0][1].data * -0.5 + b1[0].data) == 0.0
    if activation == "relu":
        assert x1[0].at_kink
