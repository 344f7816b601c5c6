"""Hypothesis-generated expression graphs from every op, with shared subexpressions and reused
nodes, back-propagated by autograd_core and by torch (float64): every node's value and
gradient must agree, and the grad_table must be in a valid order."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import OPS, assert_close, build, recipes, tame, torch_grads

import autograd_core as ag

SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


@SETTINGS
@given(recipes())
def test_every_node_value_and_gradient_agrees_with_torch(recipe):
    b = build(recipe)
    assume(tame(b))
    b.z.backward()
    b.tz.backward()
    assert_close(b.z.data, b.tz, "z")
    for i, (n, tn) in enumerate(zip(b.nodes, b.tnodes, strict=True)):
        assert_close(n.data, tn, f"value of node {i} ({n.op.name})")
        assert_close(n.grad, tn.grad, f"∂z/∂node {i} ({n.op.name})")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(recipes())
def test_grad_is_pure_and_agrees_with_backward_and_torch(recipe):
    b = build(recipe)
    assume(tame(b))
    pure = ag.grad(b.z, b.leaves)
    symbolic = ag.grad(b.z, b.leaves, create_graph=True)
    assert all(n.grad == 0.0 for n in b.nodes), "grad() must not touch .grad"
    expected = torch_grads(b.tz, b.tleaves)
    b.z.backward()
    for i, leaf in enumerate(b.leaves):
        assert pure[i] == leaf.grad  # same algorithm, same float operations
        assert_close(pure[i], expected[i], f"grad wrt x{i}")
        assert_close(symbolic[i].data, expected[i], f"create_graph grad wrt x{i}")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(recipes())
def test_grad_table_lists_each_node_after_all_its_consumers(recipe):
    b = build(recipe)
    b.z.backward()
    table = b.z.grad_table
    position = {node: k for k, node in enumerate(table)}
    assert position[b.z] == 0
    assert set(position) == set(ag.topological_order(b.z))
    for node in table:
        for parent in node.inputs:
            assert position[parent] > position[node], "an input listed before its consumer"
        # one backward from zero: table and .grad agree (NaN, e.g. from (−2)**b, matches NaN);
        # a constant keeps no .grad (it may be shared with other graphs), only its table entry
        if node.op is ag.ops.NUMBER:
            assert node.grad == 0.0
        else:
            assert table[node] == node.grad or (math.isnan(table[node]) and math.isnan(node.grad))


def test_the_strategy_covers_every_op():
    """A guard against a silently shrinking op list: the generator draws from all of these."""
    wanted = {"add", "sub", "mul", "div", "neg", "pow_number", "pow_value", "rpow", "exp", "log",
              "sqrt", "tanh", "sigmoid", "sin", "cos", "relu", "leaky_relu", "abs", "step",
              "vsum", "python_sum", "logsumexp", "softmax", "log_softmax", "dot", "new_leaf"}
    assert wanted <= set(OPS)


def test_shared_subexpressions_by_hand():
    """a+a, a*a and a diamond, the cases hypothesis is asked to reach, stated once explicitly."""
    recipe = {"leaves": [0.7, -1.3],
              "steps": [("add", [0, 0, 0, 0], 0.0),      # a + a: the same node twice
                        ("mul", [1, 1, 0, 0], 0.0),      # a * a
                        ("exp", [0, 0, 0, 0], 0.0),      # shared by the next two
                        ("sin", [0, 0, 0, 0], 0.0),
                        ("mul", [0, 1, 0, 0], 0.0)]}     # diamond: exp → (sin, itself) → mul
    b = build(recipe)
    assert b.nodes[2].inputs == (b.nodes[1], b.nodes[1])
    b.z.backward()
    b.tz.backward()
    for i, (n, tn) in enumerate(zip(b.nodes, b.tnodes, strict=True)):
        assert_close(n.grad, tn.grad, f"node {i}")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(recipes(), st.data())
def test_pruned_table_is_exactly_g_prime_with_the_full_gradients(recipe, data):
    """G′ = ancestors of z that descend from a target, computed here by brute force; on it the
    pruned back-propagation gives bit-for-bit the gradients of the full one."""
    b = build(recipe)
    targets = data.draw(st.lists(st.sampled_from(b.nodes), max_size=3))
    ancestors = ag.topological_order(b.z)
    descendants = set(targets)
    grew = True
    while grew:
        grew = False
        for node in ancestors:
            if node not in descendants and any(p in descendants for p in node.inputs):
                descendants.add(node)
                grew = True
    g_prime = set(ancestors) & descendants
    table = ag.build_grad(b.z, targets)
    assert set(table) == g_prime | {b.z}  # z is always in its own table: ∂z/∂z = 1
    full = ag.build_grad(b.z)
    position = {node: k for k, node in enumerate(table)}
    for node in table:
        assert table[node] == full[node] or (table[node] != table[node] and
                                             full[node] != full[node])  # NaN == NaN here
        for parent in node.inputs:
            if parent in position:
                assert position[parent] > position[node]
    got = ag.grad(b.z, targets)
    assert [repr(g) for g in got] == [repr(full.get(t, 0.0)) for t in targets]


def _depth_first(root, order, seen):
    """The recursive depth-first sort (each node after its inputs; the last input is walked
    first, as the engine's stack pops it first)."""
    if root in seen:
        return
    seen.add(root)
    for parent in reversed(root.inputs):
        _depth_first(parent, order, seen)
    order.append(root)


@given(recipes())
def test_the_iterative_sort_is_the_recursive_depth_first_order(recipe):
    z = build(recipe).z
    reference: list = []
    _depth_first(z, reference, set())
    assert ag.topological_order(z) == reference
