"""micrograd users can switch: the same code, run once with micrograd's Value (pip micrograd==0.1.0,
which has + - * / ** relu backward) and once with ours, gives the same numbers."""

from __future__ import annotations

import math
import random

import micrograd.engine
import micrograd.nn
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from strategies import assert_close

from autograd_core import Value


def readme_example(V):
    """micrograd's README example, verbatim apart from the class name."""
    a = V(-4.0)
    b = V(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return [g.data, a.grad, b.grad]


def test_micrograd_readme_example_gives_the_same_numbers():
    ours = readme_example(Value)
    theirs = readme_example(micrograd.engine.Value)
    for name, x, y in zip(["g", "dg/da", "dg/db"], ours, theirs, strict=True):
        assert_close(x, y, name, rel=1e-12)


def sum_and_ints_example(V):
    xs = [V(1), V(-2), V(3)]
    ys = [x * x + 2 * x - 1 for x in xs]
    total = sum(ys)  # Python's sum: starts from the int 0
    loss = (total - 4) ** 2 / 3 + (xs[1] - xs[0]).relu() + (xs[2] - xs[0]).relu()
    loss.backward()
    return [loss.data] + [x.grad for x in xs]


def test_sum_of_values_and_integer_data_work_the_same():
    for x, y in zip(sum_and_ints_example(Value), sum_and_ints_example(micrograd.engine.Value),
                    strict=True):
        assert_close(x, y, "sum / int data", rel=1e-12)


def _train_mlp(V, monkeypatch):
    """micrograd.nn's MLP and a few SGD steps, run on whichever Value micrograd.nn imports."""
    monkeypatch.setattr(micrograd.nn, "Value", V)
    random.seed(0)
    model = micrograd.nn.MLP(3, [4, 4, 1])
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    losses = []
    for _ in range(3):
        preds = [model(x) for x in xs]
        loss = sum((p - y) ** 2 for p, y in zip(preds, ys, strict=True))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data += -0.05 * p.grad
        losses.append(loss.data)
    return losses, [p.data for p in model.parameters()], [p.grad for p in model.parameters()]


def test_micrograd_nn_trains_identically_on_our_value(monkeypatch):
    """micrograd.nn itself, with our Value swapped in for its import."""
    theirs = _train_mlp(micrograd.engine.Value, monkeypatch)
    ours = _train_mlp(Value, monkeypatch)
    for what, xs, ys in zip(["loss", "parameter", "grad"], ours, theirs, strict=True):
        assert len(xs) == len(ys)
        for x, y in zip(xs, ys, strict=True):
            assert_close(x, y, what, rel=1e-9)


OPS = ["add", "sub", "mul", "div", "radd", "rsub", "rmul", "rdiv", "neg", "pow2", "pow3",
       "pow-1", "relu"]


def _apply(op, a, b, k):
    if op in ("div", "rdiv", "pow-1") and (b if op == "div" else a).data == 0:
        op = "add"
    return {
        "add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "div": lambda: a / b,
        "radd": lambda: k + a, "rsub": lambda: k - a, "rmul": lambda: k * a,
        "rdiv": lambda: k / a, "neg": lambda: -a, "pow2": lambda: a**2, "pow3": lambda: a**3,
        "pow-1": lambda: a**-1, "relu": lambda: a.relu(),
    }[op]()


def _run(V, leaves, steps):
    xs = [V(x) for x in leaves]
    pool = list(xs)
    for op, i, j, k in steps:
        pool.append(_apply(op, pool[-1 - i % len(pool)], pool[-1 - j % len(pool)], k))
    out = pool[-1] + sum(pool[len(xs):-1], V(0.0)) * 0.5
    out.backward()
    return [out.data] + [x.grad for x in xs]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-3, 3).map(float) | st.floats(-2, 2, allow_subnormal=False),
             min_size=1, max_size=3),
    st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 5), st.integers(0, 5),
                       st.sampled_from([1, 2.5, -0.5])), min_size=1, max_size=6),
)
def test_random_micrograd_programs_agree(leaves, steps):
    try:
        theirs = _run(micrograd.engine.Value, leaves, steps)
    except (OverflowError, ZeroDivisionError):  # micrograd's a·b⁻¹ overflows where a/b does not
        reject()
    ours = _run(Value, leaves, steps)
    if any(abs(t) > 1e8 for t in theirs):
        return  # rounding differences (a/b vs micrograd's a·b⁻¹) grow with the magnitude
    for x, y in zip(ours, theirs, strict=True):
        assert_close(x, y, "micrograd program", rel=1e-9, abs_=1e-9)


def test_micrograd_style_grad_reset_and_int_data_assignment():
    """micrograd code writes p.grad = 0 and may store ints in p.data: both keep working."""
    p = Value(1.5)
    (p * p).sin().backward()
    p.grad = 0
    p.data = 2
    y = (p * p).sin() + p.relu() + abs(p) + p.tanh()
    y.backward()
    expected = 2 * 2.0 * math.cos(4.0) + 1.0 + 1.0 + (1 - math.tanh(2.0) ** 2)
    assert_close(p.grad, expected, "after int assignment", rel=1e-12)


@pytest.mark.parametrize("name", ["data", "grad", "backward", "relu", "tanh", "exp"])
def test_the_micrograd_surface_exists(name):
    assert hasattr(Value(1.0), name)
