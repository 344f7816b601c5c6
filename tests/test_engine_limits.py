"""No recursion (a chain of a million ops) and no reference cycles (graphs are freed by
reference counting alone, with the cyclic garbage collector switched off)."""

from __future__ import annotations

import gc
import math
import sys
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

import autograd_core as ag
from autograd_core import Value
from autograd_core.engine.value import _CONSTANTS


@contextmanager
def default_recursion_limit() -> Iterator[None]:
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)  # CPython's default: any recursion over the chain would hit it
    try:
        yield
    finally:
        sys.setrecursionlimit(saved)


def test_a_million_op_chain_builds_backpropagates_and_prints():
    n = 10**6
    with default_recursion_limit():
        x = Value(0.5, label="x")
        y = x
        for _ in range(n):
            y = -y  # an even number of negations: y = x, dy/dx = 1 exactly
        assert y.data == 0.5
        y.backward()
        assert x.grad == 1.0 and y.inputs[0].grad == -1.0
        assert ag.grad(y, [x]) == (1.0,)
        text = repr(y)
        assert text == "Value(data=0.5, grad=1.0, op='neg')"
        table_text = repr(y.grad_table)
        assert f"{n + 1} nodes" in table_text and "more" in table_text
        del y, text, table_text  # freeing a deep chain must not recurse either


def test_long_chains_grad_zero_grad_and_create_graph():
    with default_recursion_limit():
        x = Value(0.3, label="x")
        y = x
        for _ in range(5 * 10**4):
            y = y * 1.0 + 0.0  # mul, add and a constant 0.0 per step; one shared 1.0
        assert ag.grad(y, [x]) == (1.0,)
        y.backward()
        y.zero_grad()
        assert x.grad == 0.0 and y.grad == 0.0
        assert len(ag.topological_order(y)) == 3 * 5 * 10**4 + 2

        y = x
        for _ in range(2 * 10**4):
            y = y.tanh()
        (d1,) = ag.grad(y, [x], create_graph=True)
        (d2,) = ag.grad(d1, [x])
        assert d1.data > 0.0 and math.isfinite(d2)
        assert "op=" in repr(d1)


def _every_kind_of_graph():
    """One graph that touches every op, constants, kinks, reuse and the n-ary helpers."""
    x, w = Value(0.5, label="x"), Value(-1.5, label="w", role="param")
    a = w * x + 1.0
    parts = [a.exp(), (a * a).log(), a.tanh(), a.sigmoid(), a.sin(), a.cos(), a.relu(),
             a.leaky_relu(0.1), a.abs(), a.step(), (x + 1.0).sqrt(), x**2, x**x, 2.0**x,
             a / w, 1.0 - a, -a, Value(0.0).relu(), abs(Value(0.0))]
    s = ag.vsum(parts) + sum(parts[:3]) + ag.logsumexp(parts[:4]) + ag.dot(parts[:2], [x, w])
    z = s * ag.softmax(parts[4:7])[1] + ag.log_softmax([a, x])[0]
    return x, w, z


def _refs(*roots):
    return [weakref.ref(n) for r in roots for n in ag.topological_order(r)]


def test_graphs_are_freed_by_reference_counting_alone():
    gc.collect()
    gc.disable()
    try:
        x, w, z = _every_kind_of_graph()
        z.backward(keep_terms=True)
        table = z.grad_table
        table.chain_rule(x), table.step(x), repr(table), table.rows(), table._repr_html_()
        d1 = ag.grad(z, [x, w], create_graph=True)
        d2 = ag.grad(d1[0], [x, w], create_graph=True)
        sym = ag.build_grad(z, [x], create_graph=True, keep_terms=True)
        sym.chain_rule(x), repr(sym)
        with ag.detect_anomaly():
            z2 = _every_kind_of_graph()[2]
            z2.backward()
        refs = _refs(z, z2, *d1, *d2)
        assert len(refs) > 100
        del x, w, z, z2, table, d1, d2, sym
        # the shared constants (one leaf per number, see value.constant) live in their pool
        alive = [r() for r in refs if r() is not None and r() not in _CONSTANTS.values()]
        assert alive == [], f"{len(alive)} nodes are only reachable through a reference cycle"
    finally:
        gc.enable()


def test_nodes_hold_nothing_that_refers_back_to_them():
    """The structural reason for the above: a node's slots hold numbers, its op (shared) and its
    inputs; after backward, z's own table refers to z only weakly."""
    x, _, z = _every_kind_of_graph()
    z.backward(keep_terms=True)
    z.grad_table.step(x)
    z.grad_table.chain_rule(x)
    assert sys.getrefcount(z) == 2  # the name z and getrefcount's own argument
    for node in ag.topological_order(z):
        assert node not in node.inputs
