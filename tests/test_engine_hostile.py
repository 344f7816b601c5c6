"""Inputs at the edge of what the engine promises: no recursion (pickling and copying a deep
graph, freeing one), infinities in backward, singular derivatives under create_graph."""

from __future__ import annotations

import copy
import math
import pickle
import sys

import pytest
import torch
from strategies import assert_close, tensor

import autograd_core as ag
from autograd_core import Value


def _chain(n, x=None):
    x = Value(0.5, label="x") if x is None else x
    y = x
    for _ in range(n):
        y = (y * 0.9 + 0.1).tanh()
    return x, y


@pytest.mark.parametrize("f", ["sin", "cos"])
@pytest.mark.parametrize("at", [math.inf, -math.inf])
def test_sin_and_cos_at_infinity_give_nan_gradients_as_torch(f, at):
    x = Value(at)
    y = getattr(x, f)()
    y.backward()
    t = tensor(at)
    getattr(torch, f)(t).backward()
    assert math.isnan(y.data) and math.isnan(x.grad) and math.isnan(t.grad.item())


@pytest.mark.parametrize("copier", ["pickle", "deepcopy"])
def test_a_deep_graph_is_copied_without_recursion(copier):
    x, y = _chain(3000)  # 9,000 ops: past Python's recursion limit many times over
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # and no deep recursion is needed
    try:
        twin = pickle.loads(pickle.dumps(y)) if copier == "pickle" else copy.deepcopy(y)
    finally:
        sys.setrecursionlimit(limit)
    assert twin is not y and twin.data == y.data
    assert len(ag.topological_order(twin)) == len(ag.topological_order(y))
    twin.backward()
    y.backward()
    (x_twin,) = [n for n in ag.topological_order(twin) if n.label == "x"]
    assert x_twin.grad == x.grad


def test_copies_keep_shared_nodes_shared():
    """One pickle of several Values from one graph: shared nodes stay one node."""
    x = Value(2.0, label="x")
    h = (x * 3.0).tanh()
    a, b = h + 1.0, h * h
    a2, b2, x2 = pickle.loads(pickle.dumps([a, b, x]))
    assert a2.inputs[0] is b2.inputs[0] is b2.inputs[1]
    assert a2.inputs[0].inputs[0].inputs[0] is x2
    c2, d2 = copy.deepcopy([a, b])
    assert c2.inputs[0] is d2.inputs[0]
    # and pickling an ancestor after the whole graph still works without recursion
    _, deep = _chain(2000)
    middle = deep.inputs[0].inputs[0].inputs[0]
    pickle.dumps([deep, middle])
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        again = pickle.loads(pickle.dumps(middle))
    finally:
        sys.setrecursionlimit(limit)
    assert again.data == middle.data


def test_sqrt_at_zero_has_the_singular_derivatives_torch_has():
    """∂√x/∂x = +inf, ∂²/∂x² = −inf, ∂³/∂x³ = +inf at 0 (create_graph keeps the graph)."""
    x = Value(0.0, label="x")
    (d1,) = ag.grad(x.sqrt(), [x], create_graph=True)
    (d2,) = ag.grad(d1, [x], create_graph=True)
    (d3,) = ag.grad(d2, [x])
    t = tensor(0.0)
    (g1,) = torch.autograd.grad(t.sqrt(), t, create_graph=True)
    (g2,) = torch.autograd.grad(g1, t, create_graph=True)
    (g3,) = torch.autograd.grad(g2, t)
    for ours, theirs, what in ((d1, g1, "d1"), (d2, g2, "d2"), (d3, g3, "d3")):
        assert_close(ours, theirs, what)


def test_a_fractional_power_at_zero_has_torchs_singular_second_derivative():
    x = Value(0.0)
    (d1,) = ag.grad(x**0.5 + x**1.5, [x], create_graph=True)
    (d2,) = ag.grad(d1, [x])
    t = tensor(0.0)
    (g1,) = torch.autograd.grad(t**0.5 + t**1.5, t, create_graph=True)
    (g2,) = torch.autograd.grad(g1, t)
    assert_close(d1, g1, "d1") and assert_close(d2, g2, "d2")


def test_domain_errors_still_reach_the_user_outside_derivative_graphs():
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        Value(1.0) / Value(0.0)
    with pytest.raises(ValueError, match="log of a non-positive number"):
        Value(0.0).log()


def test_release_takes_a_million_op_chain_apart_without_recursion():
    x = Value(0.5, label="x", role="param")
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0
    ag.release(y)
    assert y.inputs == () and y.is_leaf and y.role == "const" and y.data == 0.5
    assert x.grad == 1.0 and x.role == "param"  # leaves keep what they had
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100)
    try:
        del y  # each node is now freed on its own
    finally:
        sys.setrecursionlimit(limit)
    with pytest.raises(TypeError, match="release expects a Value"):
        ag.release(3.0)


def test_a_released_node_is_a_constant_that_backward_stops_at():
    x = Value(2.0, label="x")
    h = x * x
    ag.release(h)
    y = h * 3.0
    y.backward()
    assert h.grad == 3.0 and x.grad == 0.0


def test_release_drops_the_grad_tables_kept_on_inner_nodes():
    x = Value(2.0, label="x")
    h = x * x
    h.backward()  # h keeps a table referring to x
    y = h * 3.0
    y.backward()
    ag.release(y)
    with pytest.raises(AttributeError, match="no grad_table"):
        h.grad_table  # noqa: B018
    with pytest.raises(AttributeError, match="no grad_table"):
        y.grad_table  # noqa: B018
