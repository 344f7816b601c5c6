"""backward() and grad() semantics: accumulation, repeat calls, zero_grad, purity, the
grad_table (order, terms, chain_rule), gradient seeds, and G′ pruning observed by counting
bprop calls."""

from __future__ import annotations

import math

import pytest
import torch
from strategies import assert_close, tensor

import autograd_core as ag
from autograd_core import Value, ops


def _net():
    """A small graph with reuse (a used 3 times, a diamond through b), labels on the leaves."""
    x, w, c = Value(0.5, label="x"), Value(-1.5, label="w"), Value(2.0, label="c")
    a = (w * x + c).tanh()
    b = a * a + a.exp()
    z = (b * c).sigmoid() + a
    return (x, w, c), (a, b), z


def _torch_net():
    x, w, c = tensor(0.5), tensor(-1.5), tensor(2.0)
    a = (w * x + c).tanh()
    b = a * a + a.exp()
    z = torch.sigmoid(b * c) + a
    a.retain_grad()
    b.retain_grad()
    return (x, w, c), (a, b), z


def test_backward_fills_every_grad_like_torch():
    leaves, inner, z = _net()
    tleaves, tinner, tz = _torch_net()
    z.backward()
    tz.backward()
    for v, t in zip(leaves + inner, tleaves + tinner, strict=True):
        assert_close(v.grad, t.grad, v.label or v.op.name)
    assert z.grad == 1.0


def test_backward_twice_gives_exactly_twice_on_every_node():
    """micrograd issue #53: a second backward() corrupted the intermediate gradients."""
    _, _, z = _net()
    nodes = ag.topological_order(z)
    z.backward()
    once = [n.grad for n in nodes]
    z.backward()
    assert [n.grad for n in nodes] == [2 * g for g in once]
    z.backward()
    assert [n.grad for n in nodes] == [3 * g for g in once]


def test_backward_accumulates_across_outputs_like_torch_leaves():
    x, tx = Value(0.7), tensor(0.7)
    (x * x).backward()
    x.sin().backward()
    (tx * tx).backward()
    tx.sin().backward()
    assert_close(x.grad, tx.grad, "accumulated dx")
    assert x.grad == 2 * 0.7 + math.cos(0.7)


def test_zero_grad_resets_the_whole_graph():
    _, _, z = _net()
    z.backward()
    first = {n: n.grad for n in ag.topological_order(z)}
    assert any(g != 0.0 for g in first.values())
    z.zero_grad()
    assert all(n.grad == 0.0 for n in ag.topological_order(z))
    z.backward()
    assert {n: n.grad for n in ag.topological_order(z)} == first


def test_grad_touches_no_grad_and_agrees_with_backward():
    (x, w, c), (a, b), z = _net()
    x.grad = 123.0  # whatever was there stays
    gx, gw, ga = ag.grad(z, [x, w, a])
    assert x.grad == 123.0 and all(n.grad == 0.0 for n in (w, c, a, b, z))
    x.grad = 0.0
    z.backward()
    assert (gx, gw, ga) == (x.grad, w.grad, a.grad)


def test_grad_of_an_unrelated_target_is_zero():
    (x, _, _), _, z = _net()
    stranger = Value(3.0)
    assert ag.grad(z, [stranger, x])[0] == 0.0
    (g,) = ag.grad(z, [stranger], create_graph=True)
    assert isinstance(g, Value) and g.data == 0.0
    assert ag.grad(z, stranger) == (0.0,)  # a single Value is accepted as wrt
    assert ag.grad(z, []) == ()
    assert ag.grad(z, [z]) == (1.0,)


def test_grad_rejects_non_values():
    _, _, z = _net()
    with pytest.raises(TypeError, match="z must be a Value, got float"):
        ag.grad(1.5, [z])
    with pytest.raises(TypeError, match="every target must be a Value, got int: 3"):
        ag.grad(z, [3])
    with pytest.raises(TypeError, match="expected a Value, got str"):
        ag.topological_order("z")


def test_grad_table_matches_grad_after_one_backward():
    (x, w, c), (a, b), z = _net()
    z.backward()
    table = z.grad_table
    assert isinstance(table, ag.GradTable)
    for node in ag.topological_order(z):
        assert table[node] == node.grad
        assert node in table
    assert table.root is z and table[z] == 1.0 and table.seed == 1.0 and not table.symbolic
    assert list(table)[0] is z and list(table)[1:] == table.order
    assert len(table) == len(ag.topological_order(z))
    assert [table.step(n) for n in table] == list(range(len(table)))
    # unlabelled nodes are named by what they compute, never by an engine-made name (tanh@6)
    assert table.name(x) == "x" and table.name(a) == "tanh(w·x + c)"
    assert all("@" not in table.name(n) for n in table)
    assert Value(1.0) not in table and table.get(Value(1.0), "none") == "none"
    with pytest.raises(KeyError, match="not in this grad_table"):
        table[Value(1.0, label="elsewhere")]


def test_grad_table_repr_shows_rows_and_does_not_need_keep_terms():
    _, _, z = _net()
    z.backward()
    text = repr(z.grad_table)
    assert text.splitlines()[0].startswith("GradTable(∂") and "nodes)" in text
    assert "x" in text and "w" in text and "step" in text
    assert "<table>" in z.grad_table._repr_html_()


def test_grad_table_with_create_graph_holds_values_and_prints():
    (x, w, _), _, z = _net()
    table = ag.build_grad(z, [x, w], create_graph=True)
    assert table.symbolic and isinstance(table[x], Value)
    assert_close(table[x], ag.grad(z, [x])[0], "symbolic table entry")
    assert "x" in repr(table) and "GradTable" in repr(table)
    assert len(table.rows()) == len(table)


def test_grad_table_without_backward_is_an_attribute_error():
    with pytest.raises(AttributeError, match="call .backward"):
        _ = Value(1.0).grad_table


def test_keep_terms_terms_sum_to_the_gradient():
    (x, w, c), (a, b), z = _net()
    z.backward(keep_terms=True)
    table = z.grad_table
    for node in ag.topological_order(z):
        terms = table.terms(node)
        if node is z:
            assert terms == []
            continue
        assert [id(cons) for cons, _ in terms] == [
            id(cons) for cons in ag.topological_order(z)[::-1] for p in cons.inputs if p is node
        ], "one term per (consumer, input slot), in back-propagation order"
        total = terms[0][1]
        for _, t in terms[1:]:
            total = total + t
        assert total == table[node] == node.grad
    # a is used by a*a (twice), a.exp(), and z: four terms
    assert len(table.terms(a)) == 4
    # c feeds w*x + c and b * c
    assert {cons.op.name for cons, _ in table.terms(c)} == {"add", "mul"}


def test_chain_rule_string_shows_the_terms_and_the_total():
    x = Value(2.0, label="x")
    y = x * x
    y.label = "y"
    z = y + x
    z.label = "z"
    z.backward(keep_terms=True)
    text = z.grad_table.chain_rule(x)
    assert text == "∂z/∂x = [∂z/∂z·∂z/∂x = 1] + [∂z/∂y·∂y/∂x = 2] + [∂z/∂y·∂y/∂x = 2] = 5"
    assert z.grad_table.chain_rule(z) == "∂z/∂z = 1"


def test_terms_need_keep_terms():
    _, _, z = _net()
    z.backward()
    with pytest.raises(ValueError, match="keep_terms=True"):
        z.grad_table.terms(z.inputs[0])


def test_backward_with_a_gradient_seed_scales_everything():
    _, _, z = _net()
    nodes = ag.topological_order(z)
    z.backward()
    unit = [n.grad for n in nodes]
    z.zero_grad()
    z.backward(gradient=2.5)
    assert z.grad == 2.5 and z.grad_table.seed == 2.5 and z.grad_table[z] == 2.5
    for n, g in zip(nodes, unit, strict=True):
        assert_close(n.grad, 2.5 * g, "seeded gradient", rel=1e-15)
    with pytest.raises(TypeError, match="gradient must be a real number"):
        z.backward(gradient="1")


def test_backward_of_a_leaf_sets_its_own_grad():
    x = Value(4.0)
    x.backward()
    assert x.grad == 1.0 and len(x.grad_table) == 1


# ---------------------------------------------------------------- G′ pruning, observed
@pytest.fixture
def bprop_calls(monkeypatch):
    """Wrap the bprop of the ops used below: every call records the node it was called for."""
    calls: list = []
    for op in (ops.EXP, ops.SIN, ops.COS, ops.TANH, ops.SIGMOID, ops.LOGSUMEXP):
        original = op.bprop

        def counting(x, out, G, original=original):
            calls.append(out)
            return original(x, out, G)

        monkeypatch.setattr(op, "bprop", counting)
    return calls


def _pruning_graph():
    """x → p → q ┐
                 ├→ z          (z = logsumexp(q, s3))
       y → s1 → s2 → s3 ┘
    """
    x, y = Value(0.3, label="x"), Value(-0.8, label="y")
    p = x.exp()
    q = p.sin()
    s1 = y.cos()
    s2 = s1.tanh()
    s3 = s2.sigmoid()
    z = ag.logsumexp([q, s3])
    return dict(x=x, y=y, p=p, q=q, s1=s1, s2=s2, s3=s3, z=z)


def _called(calls, g):
    """Names of the nodes whose bprop was called (float mode passes out = node.data)."""
    by_data = {n.data: name for name, n in g.items() if not n.is_leaf}
    by_id = {id(n): name for name, n in g.items()}
    names = [by_id[id(c)] if isinstance(c, Value) else by_data[c] for c in calls]
    assert len(names) == len(set(names)), f"a bprop ran twice: {names}"
    return set(names)


@pytest.mark.parametrize("create_graph", [False, True])
def test_grad_calls_bprop_only_between_the_targets_and_z(bprop_calls, create_graph):
    g = _pruning_graph()
    assert len({n.data for n in g.values()}) == len(g)  # the data identify the nodes
    gx = ag.grad(g["z"], [g["x"]], create_graph=create_graph)
    assert _called(bprop_calls, g) == {"z", "q", "p"}
    bprop_calls.clear()
    ag.grad(g["z"], [g["y"]], create_graph=create_graph)
    assert _called(bprop_calls, g) == {"z", "s3", "s2", "s1"}
    bprop_calls.clear()
    ag.grad(g["z"], [g["q"]], create_graph=create_graph)  # an inner target
    assert _called(bprop_calls, g) == {"z"}
    bprop_calls.clear()
    ag.grad(g["z"], [g["s2"], g["x"]], create_graph=create_graph)
    assert _called(bprop_calls, g) == {"z", "s3", "q", "p"}
    bprop_calls.clear()
    ag.grad(g["q"], [g["y"]], create_graph=create_graph)  # y does not reach q
    assert bprop_calls == []
    # and the pruned answer is still right
    expected = math.exp(0.3) * math.cos(math.exp(0.3)) * _softmax0(g)
    assert_close(gx[0], expected, "pruned ∂z/∂x")


def _softmax0(g):
    q, s3 = g["q"].data, g["s3"].data
    return math.exp(q) / (math.exp(q) + math.exp(s3))


def test_backward_calls_every_bprop_exactly_once(bprop_calls):
    g = _pruning_graph()
    g["z"].backward()
    assert _called(bprop_calls, g) == {"z", "q", "p", "s1", "s2", "s3"}


def test_build_grad_table_holds_only_the_pruned_graph():
    g = _pruning_graph()
    table = ag.build_grad(g["z"], [g["x"]])
    assert set(table) == {g["z"], g["q"], g["p"], g["x"]}
    assert ag.prune(ag.topological_order(g["z"]), [g["y"]]) == [g["y"], g["s1"], g["s2"],
                                                                  g["s3"], g["z"]]


def test_topological_order_of_several_roots_lists_each_ancestor_once_after_its_inputs():
    a = ag.Value(1.0, label="a")
    b = a * 2.0          # b's input a is also a direct input of r: a diamond
    r = b + a
    s = (a + 1.0).exp()
    order = ag.topological_order([r, s])
    position = {node: k for k, node in enumerate(order)}
    assert len(position) == len(order)  # each node once
    assert set(order) == set(ag.topological_order(r)) | set(ag.topological_order(s))
    for node in order:
        for parent in node.inputs:
            assert position[parent] < position[node], "a node listed before one of its inputs"
    # excluded nodes, and what lies only behind them, are left out
    assert ag.topological_order(r, exclude=[b]) == [a, r]
    with pytest.raises(TypeError, match="expected a Value"):
        ag.topological_order([r, 2.0])


def test_an_op_of_ones_own_works_with_or_without_a_docstring():
    """An op block written by a user: forward and bprop, applied with ``apply``."""
    from autograd_core.engine.value import apply

    class Double(ops.Op):  # no docstring: no formula, no error
        kind, symbol = "double_for_this_test", "×2"

        @staticmethod
        def forward(a):
            return 2.0 * a

        @staticmethod
        def bprop(inputs, out, G):
            return (2.0 * G,)

    assert Double.formula == ""
    assert ops.MUL.formula.startswith("out = a · b")  # the docstring's first line
    assert ops.block("double_for_this_test") is Double
    x = Value(3.0, label="x")
    y = apply(Double(), x)
    assert y.data == 6.0
    y.backward()
    assert x.grad == 2.0


def test_an_op_of_ones_own_may_be_defined_again_but_not_over_the_engines():
    """Re-running a notebook cell defines the class again: fine. Shadowing tanh: refused."""
    for _ in range(2):
        class Mine(ops.Op):
            kind = "mine_for_this_test"
    assert ops.block("mine_for_this_test") is Mine
    with pytest.raises(TypeError, match="already has an op named 'tanh'"):
        class Tanh(ops.Op):
            kind = "tanh"
    assert ops.block("tanh") is type(ops.TANH)


def test_an_nn_networks_grad_table_names_nodes_as_the_slides_and_the_pictures_do():
    from autograd_core.draw import draw_backward
    from nn import MLP, losses

    net = MLP.from_matrices([[[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]], [[-1.5, 0.2, 0.5]]],
                            [[-1.5, -1.3, 2.0], [1.0]], "sigmoid")
    loss = losses.log_likelihood(net([0.5, -0.5]), 1.0)
    loss.label = "l"
    loss.backward(keep_terms=True)
    table = loss.grad_table
    w12 = net.layers[0].neurons[0].w[1]  # the slides' W⁽¹⁾₁₂: neuron 1, input 2
    assert table.name(w12) == "W⁽¹⁾₁₂" and table.name(net.layers[1].neurons[0].b) == "β⁽²⁾₁"
    assert all("layers." not in table.name(n) for n in table)
    assert table.chain_rule(w12).startswith("∂l/∂W⁽¹⁾₁₂ = [∂l/∂(W⁽¹⁾₁₂·x⁽⁰⁾₂)·")
    picture = draw_backward(loss).source
    named = [table.name(n) for n in table if n.label is not None]
    assert all(name in picture for name in named)  # the picture uses the same names
    ag.engine.naming.set_table_names(None)  # the engine alone: labels as they are
    try:
        loss.backward()
        assert loss.grad_table.name(w12) == "layers.0.neurons.0.w.1"
    finally:
        ag.engine.naming.set_table_names(ag.notation.table_names)
