"""The formula language means what torch means: random expression trees over a vector x,
a matrix W and a vector b are rendered in the worked-example syntax and evaluated by torch
from the same tree; values and gradients agree (float64)."""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd_core.verify import VerifyError, check_text

X = [0.5, -1.25]
W = [[0.75, -0.5], [1.5, 0.25]]
B = [0.1, -0.3]
HEAD = f"input x = {X}\nparam W = {W}\nparam b = {B}\n"

# a tree: ("leaf", name) | ("num", v) | ("bin", op, a, b) | ("fn", f, a, method?)
#       | ("T", a, method?)
leaves = st.sampled_from([("leaf", "x"), ("leaf", "W"), ("leaf", "b"), ("num", 2.0),
                          ("num", 0.5), ("idx", "x", 2), ("idx2", "W", 1, 2)])


def grow(children):
    return st.one_of(
        st.tuples(st.just("bin"), st.sampled_from(["+", "-", "*", "@"]), children, children),
        st.tuples(st.just("fn"), st.sampled_from(["tanh", "sigmoid", "exp", "sum", "relu"]),
                  children, st.booleans()),
        st.tuples(st.just("T"), children, st.booleans()),
    )


trees = st.recursive(leaves, grow, max_leaves=6)


def render(t) -> str:
    kind = t[0]
    if kind == "leaf":
        return t[1]
    if kind == "num":
        return f"{t[1]:g}"
    if kind == "idx":
        return f"{t[1]}[{t[2]}]"
    if kind == "idx2":
        return f"{t[1]}[{t[2]}, {t[3]}]"
    if kind == "bin":
        return f"({render(t[2])} {t[1]} {render(t[3])})"
    if kind == "fn":  # f(a), or the method spelling (a).f()
        return f"({render(t[2])}).{t[1]}()" if t[3] else f"{t[1]}({render(t[2])})"
    return f"({render(t[1])}).transpose()" if t[2] else f"transpose({render(t[1])})"


def evaluate(t, env):
    kind = t[0]
    if kind == "leaf":
        return env[t[1]]
    if kind == "num":
        return torch.tensor(t[1], dtype=torch.float64)
    if kind == "idx":
        return env[t[1]][t[2] - 1]
    if kind == "idx2":
        return env[t[1]][t[2] - 1, t[3] - 1]
    if kind == "bin":
        a, b = evaluate(t[2], env), evaluate(t[3], env)
        if t[1] == "@":
            if a.dim() == 0 or b.dim() == 0:
                raise ValueError("@ of a scalar")
            return a @ b
        return {"+": a + b, "-": a - b, "*": a * b}[t[1]]
    if kind == "fn":
        a = evaluate(t[2], env)
        return a.sum() if t[1] == "sum" else getattr(torch, t[1])(a)
    a = evaluate(t[1], env)
    return a.T if a.dim() == 2 else a


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_formulas_agree_with_torch(tree):
    env = {"x": torch.tensor(X, dtype=torch.float64, requires_grad=True),
           "W": torch.tensor(W, dtype=torch.float64, requires_grad=True),
           "b": torch.tensor(B, dtype=torch.float64, requires_grad=True)}
    try:
        expected = evaluate(tree, env)
    except (RuntimeError, ValueError):  # shapes torch refuses: the checker must refuse too
        with pytest.raises(VerifyError):
            check_text(HEAD + f"let y = {render(tree)}\nshow y\n")
        return
    scalar = expected.dim() == 0
    text = HEAD + f"let y = {render(tree)}\nshow y\n" + (
        "show dy/dW\nshow dy/dx\n" if scalar else "")
    (ex,) = check_text(text)
    got = torch.tensor(ex.shown[0].computed, dtype=torch.float64)
    assert torch.allclose(got.reshape(-1), expected.detach().reshape(-1), rtol=1e-12,
                          atol=1e-12)
    if scalar and expected.requires_grad:
        gW, gx = torch.autograd.grad(expected, [env["W"], env["x"]], allow_unused=True)
        for shown, g, var in zip(ex.shown[1:], (gW, gx), (env["W"], env["x"]), strict=True):
            g = torch.zeros_like(var) if g is None else g
            got = torch.tensor(shown.computed, dtype=torch.float64).reshape(-1)
            assert torch.allclose(got, g.reshape(-1), rtol=1e-12, atol=1e-12), shown.name
