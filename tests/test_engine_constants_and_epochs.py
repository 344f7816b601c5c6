"""Shared constants (one leaf per number written into arithmetic) and the leaf clock that lets
``grad(z, [x])`` skip every node older than x. Both are speed features: these tests pin down
that they change no number."""

from __future__ import annotations

import copy
import math
import pickle

import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import assert_close, build, recipes, tensor, torch_grads

import autograd_core as ag
from autograd_core import Value, ancestors_since, prune, topological_order
from autograd_core.engine import value
from autograd_core.engine.value import _CONSTANTS, constant


# ---------------------------------------------------------------- shared constants
def test_a_number_becomes_one_shared_constant_leaf_per_value():
    x, y = Value(1.5), Value(-2.0)
    a, b = x * 0.9, y * 0.9
    assert a.inputs[1] is b.inputs[1] is constant(0.9)
    assert a.inputs[1].role == "const" and a.inputs[1].is_leaf
    assert (x + 2).inputs[1] is (2.0 + y).inputs[0]  # int 2 and float 2.0: the same number
    assert (x * 0.9).data == 1.5 * 0.9 and (y * 0.9).data == -2.0 * 0.9


def test_zero_and_nan_are_not_shared_so_signs_and_nans_stay_their_own():
    x = Value(3.0)
    assert (x * 0.0).inputs[1] is not (x * 0.0).inputs[1]
    neg = x * -0.0
    assert math.copysign(1.0, neg.inputs[1].data) == -1.0 and math.copysign(1.0, neg.data) == -1.0
    pos = x * 0.0
    assert math.copysign(1.0, pos.data) == 1.0
    assert (x + math.nan).inputs[1] is not (x + math.nan).inputs[1]
    assert math.isnan((x + math.nan).data)
    assert (x + math.inf).inputs[1] is (x + math.inf).inputs[1]


def test_the_pool_stays_bounded_and_results_stay_right_when_it_is_emptied():
    x = Value(0.25)
    outs = [x * (k + 0.5) for k in range(value._CONSTANTS_MAX + 10)]
    assert len(_CONSTANTS) <= value._CONSTANTS_MAX
    z = ag.vsum(outs)
    (g,) = ag.grad(z, [x])
    assert g == math.fsum(k + 0.5 for k in range(value._CONSTANTS_MAX + 10))


def test_a_constant_keeps_no_grad_but_its_table_entry_is_the_derivative():
    """∂z/∂c is in the grad_table (torch computes the same when c requires grad); .grad of a
    shared constant stays 0, so graphs that share it do not see each other's gradients."""
    x = Value(0.7, label="x")
    z = (x * 1.75 + 1.75).tanh() * 1.75
    z.backward()
    c = constant(1.75)
    tx, tc = tensor(0.7), tensor(1.75)
    tz = (tx * tc + tc).tanh() * tc
    gx, gc = torch_grads(tz, [tx, tc])
    assert_close(x.grad, gx, "dz/dx")
    assert_close(z.grad_table[c], gc, "dz/dc in the table")
    assert c.grad == 0.0
    (x * 1.75).backward()
    assert c.grad == 0.0


def test_explicit_constants_are_not_shared_and_keep_their_grad():
    a, b = Value(2.0, role="const"), Value(2.0, role="const")
    assert a is not b and constant(2.0) is not a
    x = Value(3.0)
    (x * a + a).backward()
    assert a.grad == 4.0 and b.grad == 0.0  # ∂(xa + a)/∂a = x + 1
    a.label = "a"  # the user's own constant takes a label


def test_numbers_too_large_for_a_float_are_named():
    for make in (lambda: Value(10**400), lambda: Value(1.0) * 10**400, lambda: constant(-10**309)):
        try:
            make()
        except OverflowError as e:
            assert "too large for a float" in str(e) and "digits" in str(e)
        else:
            raise AssertionError("no OverflowError")


# ---------------------------------------------------------------- the leaf clock
def _chain(x: Value, n: int) -> Value:
    for _ in range(n):
        x = (x * 0.9 + 0.1).tanh()
    return x


def test_grad_wrt_a_newer_leaf_searches_only_what_is_newer():
    """z = big + small where x, made after big, feeds small only: the search for G′ never
    enters big (it is all older than x)."""
    big = _chain(Value(0.2), 2000)
    x = Value(0.4, label="x")
    small = _chain(x, 10)
    z = big + small
    found = ancestors_since(z, (x,))
    assert len(found) < 40  # small's 30 ops, x, z and the shared constants: not big's 6000
    assert set(prune(found, [x])) == set(prune(topological_order(z), [x]))
    (g,) = ag.grad(z, [x])
    (g_alone,) = ag.grad(small, [x])
    assert g == g_alone
    z.backward()
    assert x.grad == g


def test_grad_wrt_an_older_leaf_still_searches_everything_it_must():
    x = Value(0.4, label="x")  # made first: every node is newer
    big = _chain(Value(0.2), 200)
    small = _chain(x, 10)
    z = big * small
    assert len(ancestors_since(z, (x,))) >= len(topological_order(z)) - 3
    (g,) = ag.grad(z, [x])
    z.backward()
    assert g == x.grad


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(recipes(), st.data())
def test_grad_wrt_any_node_or_pair_matches_torch(recipe, data):
    """Leaves made mid-graph (new_leaf steps) and intermediate targets, one or two at a time:
    the epoch cut must never drop a node of G′."""
    b = build(recipe)
    k = data.draw(st.integers(0, len(b.nodes) - 1))
    j = data.draw(st.integers(0, len(b.nodes) - 1))
    for picks in ([k], [k, j], [j, k]):
        ours = ag.grad(b.z, [b.nodes[i] for i in picks])
        theirs = torch_grads(b.tz, [b.tnodes[i] for i in picks])
        for i, o, t in zip(picks, ours, theirs, strict=True):
            if not b.tnodes[i].requires_grad:
                continue
            assert_close(o, t, f"dz/d(node {i})")


# ---------------------------------------------------------------- copies and pickles
def _graph() -> tuple[Value, Value]:
    x = Value(0.5, label="x")
    y = (x * 3.0).tanh() ** 2 + x.leaky_relu(0.2) + x ** 1.5
    return x, y


def test_copies_keep_the_very_op_objects_and_the_same_gradients():
    x, y = _graph()
    (g,) = ag.grad(y, [x])
    for y2 in (copy.deepcopy(y), pickle.loads(pickle.dumps(y))):
        nodes = topological_order(y2)
        originals = topological_order(y)
        assert [n.op for n in nodes] == [n.op for n in originals]
        assert all(a.op is b.op for a, b in zip(nodes, originals, strict=True))
        x2 = next(n for n in nodes if n.label == "x")
        assert ag.grad(y2, [x2]) == (g,)


def test_an_unpickled_graph_from_a_later_clock_still_differentiates(monkeypatch):
    """A pickle made after many leaves, loaded where the clock is young (a fresh process):
    the loaded nodes take the current time, so new nodes built on them are not 'older'."""
    for _ in range(1000):
        Value(1.0)
    x, y = _graph()
    blob = pickle.dumps((x, y))
    monkeypatch.setattr(value, "_clock", 0)
    x2, y2 = pickle.loads(blob)
    w = (y2 * 2.0).exp()
    (g,) = ag.grad(w, [x2])
    tx = tensor(0.5)
    ty = (tx * 3.0).tanh() ** 2 + torch.nn.functional.leaky_relu(tx, 0.2) + tx ** 1.5
    (expected,) = torch_grads((ty * 2.0).exp(), [tx])
    assert_close(g, expected, "dw/dx after unpickling")


def test_a_shared_constant_cannot_be_labelled_but_an_own_constant_can():
    c = (Value(1.0) * 2.5).inputs[1]
    try:
        c.label = "k"
    except ValueError as e:
        assert "shared by every use" in str(e) and "Value(2.5, label='k', role=\"const\")" in str(e)
    else:
        raise AssertionError("labelling a shared constant must fail")
    assert c.label is None and (Value(3.0) * 2.5).inputs[1].label is None
    own = Value(2.5, label="k", role="const")
    assert own.label == "k" and (Value(1.0) * own).inputs[1] is own


def test_backward_from_a_shared_constant_leaves_its_grad_alone():
    c = constant(4.5)
    for keep_terms in (False, True):  # the lean loop and the general one
        c.backward(keep_terms=keep_terms)
        assert c.grad == 0.0 and c.grad_table.root is c
