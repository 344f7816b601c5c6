"""One back-propagation: the lean float loop and the general loop give identical grad_tables,
and the general loop's hook replaces a node's rule (what verify's diagnoses use)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from strategies import build, recipes

import autograd_core as ag
from autograd_core import Value
from autograd_core.engine.backprop import _backprop_floats, backprop
from autograd_core.engine.graph import ordered


def _same(a, b):
    return a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))


@settings(max_examples=80, deadline=None)
@given(recipes())
def test_the_float_loop_and_the_general_loop_give_identical_tables(recipe):
    z = build(recipe).z
    order = ordered(z, set())
    fast = _backprop_floats(order, z, 1.0, into_grad=False)
    general = backprop(order, z, 1.0)
    assert list(fast) == list(general)  # the same nodes, reached in the same order
    for node in fast:
        assert _same(fast[node], general[node]), node


def test_the_hook_replaces_one_rule_and_nothing_else():
    """σ′ taken as 1 (a slip): ∂y/∂w = x instead of σ′(w·x)·x; the table without the hook is
    the true one."""
    x, w = Value(0.5, label="x"), Value(-2.0, label="w")
    a = w * x
    y = a.sigmoid()

    def sigma_prime_left_out(node):
        if node.op is ag.ops.SIGMOID:
            return lambda inputs, out, G: (G,)
        return None

    slipped = ag.build_grad(y, [w], bprop_override=sigma_prime_left_out)
    assert slipped[w] == x.data
    s = 1 / (1 + math.exp(1.0))
    assert math.isclose(ag.build_grad(y, [w])[w], s * (1 - s) * x.data, rel_tol=1e-15)
    assert w.grad == 0.0  # build_grad touches no .grad
