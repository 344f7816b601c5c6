"""The backward (symbol-to-symbol) graph: gradient nodes, their labels and values, the edges
showing which forward values each gradient uses.

Gradient values are checked against central finite differences, not against the engine.
"""

from __future__ import annotations

import math

import pytest
from test_draw_support import drawn, lines, mlp, read

from autograd_core import Value, build_grad, topological_order
from autograd_core.draw import draw_backward
from autograd_core.draw.style import NODE_STYLES, fmt


def finite_difference(f, xs, i, h=1e-6):
    up = list(xs)
    down = list(xs)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


def grad_nodes(p):
    return {n: lines(p, n) for n in drawn(p) if lines(p, n)[0].startswith("∂")}


def contrived(xv=0.7, wv=-1.3):
    x = Value(xv, label="x")
    w = Value(wv, label="w", role="param")
    y = (w * x).tanh() * x + (x / w).exp()
    y.label = "y"
    return x, w, y


def f_contrived(xv, wv):
    import math

    return math.tanh(wv * xv) * xv + math.exp(xv / wv)


def test_each_gradient_node_is_labelled_and_has_the_right_value():
    x, w, y = contrived()
    g = draw_backward(y)
    p = read(g)
    nodes = grad_nodes(p)
    by_name = {}
    for n, ls in nodes.items():
        for line in ls:
            if line.startswith("∂y/∂"):
                by_name[line] = n
    for name, i in (("∂y/∂x", 0), ("∂y/∂w", 1)):
        n = by_name[name]
        value = next(line for line in lines(p, n) if line.startswith("= "))
        expected = finite_difference(f_contrived, [0.7, -1.3], i)
        assert value == f"= {fmt(expected)}", (name, value, expected)
        assert p.nodes[n]["fillcolor"] == NODE_STYLES["grad"]["fillcolor"]
    assert "∂y/∂y" in by_name  # the seed
    assert x.grad == 0.0 and w.grad == 0.0  # drawing the backward graph touches no .grad


def test_gradient_ops_use_forward_values_through_marked_edges():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    z = a * b
    z.label = "z"
    g = draw_backward(z)
    p = read(g)
    nodes = grad_nodes(p)
    dza = next(n for n, ls in nodes.items() if ls[0] == "∂z/∂a")
    dzb = next(n for n, ls in nodes.items() if ls[0] == "∂z/∂b")
    seed = next(n for n, ls in nodes.items() if ls[0] == "∂z/∂z")
    # ∂z/∂a = G·b: its op takes the seed and the forward node b (a dashed "uses" edge)
    into = {src: attrs for src, dst, attrs in p.edges if dst == dza + "_op"}
    assert set(into) == {seed, g.ids[b]}
    assert into[g.ids[b]].get("style") == "dashed"
    assert into[seed].get("style") is None
    into_b = {src for src, dst, _ in p.edges if dst == dzb + "_op"}
    assert into_b == {seed, g.ids[a]}
    assert p.nodes[dza + "_op"]["fillcolor"] == NODE_STYLES["grad_op"]["fillcolor"]
    assert lines(p, dza)[1:] == ["= −3", f"step {build_grad(z).step(a)}"]


def test_one_gradient_serving_several_nodes_carries_every_name():
    a = Value(1.5, label="a")
    b = Value(0.5, label="b")
    s = a + b
    s.label = "s"
    z = s * 2.0
    z.label = "z"
    table = build_grad(z, create_graph=True)
    assert table[a] is table[b] is table[s]  # add passes G through unchanged
    p = read(draw_backward(z, table=table))
    (shared,) = [ls for ls in grad_nodes(p).values() if "∂z/∂a" in ls]
    assert {"∂z/∂s", "∂z/∂a", "∂z/∂b"} <= set(shared)
    assert "= 2" in shared
    steps = next(line for line in shared if line.startswith("step "))
    assert sorted(int(k) for k in steps[5:].split(", ")) == sorted(
        table.step(v) for v in (s, a, b))


def test_a_zero_gradient_from_a_float_rule_is_drawn_too():
    x = Value(-1.0, label="x")
    z = x.relu()
    z.label = "z"
    p = read(draw_backward(z))
    (zero,) = [ls for ls in grad_nodes(p).values() if ls[0] == "∂z/∂x"]
    assert zero[1] == "= 0"


def test_wrt_prunes_to_the_gradients_asked_for():
    x, w, y = contrived()
    full = grad_nodes(read(draw_backward(y)))
    pruned = grad_nodes(read(draw_backward(y, wrt=[w])))
    names = {ls[0] for ls in pruned.values()}
    assert "∂y/∂w" in {line for ls in pruned.values() for line in ls}
    assert "∂y/∂x" not in names
    assert len(pruned) < len(full)


def test_steps_can_be_hidden_and_gradients_linked_to_their_nodes():
    x, w, y = contrived()
    p = read(draw_backward(y, show_steps=False, link_grads=True))
    assert not any(line.startswith("step") for ls in grad_nodes(p).values() for line in ls)
    dotted = [(a, b) for a, b, attrs in p.edges if attrs.get("style") == "dotted"]
    assert dotted and all(lines(p, a)[0].startswith("∂") for a, _ in dotted)


def test_backward_graph_of_an_mlp_keeps_clusters_and_legend():
    (y,) = mlp([2, 2, 1], [0.3, -0.2], seed=1)
    loss = (y - 0.5) ** 2
    loss.label = "loss"
    p = read(draw_backward(loss))
    assert "cluster_layers_0_neurons_1" in p.clusters
    assert {"legend_grad", "legend_grad_op"} <= set(p.nodes)
    # the gradient of a parameter sits in its neuron's cluster
    n = next(n for n, ls in grad_nodes(p).items() if ls[0] == "∂loss/∂W⁽¹⁾₂₁")
    assert p.node_cluster[n] == "cluster_layers_0_neurons_1"


def test_a_table_from_another_root_or_not_symbolic_is_refused():
    x, w, y = contrived()
    with pytest.raises(ValueError, match="create_graph=True"):
        draw_backward(y, table=build_grad(y))
    with pytest.raises(TypeError, match="GradTable"):
        draw_backward(y, table={})


def test_bprop_constants_are_drawn_once_per_use_in_the_gradient_graph():
    """tanh's bprop computes G·(1 − out²) with the engine's one shared 1.0 (also used by the
    forward x + 1.0): each use still gets its own small box, next to the op using it."""
    x = Value(0.4, label="x")
    w = Value(-0.8, label="w", role="param")
    h = (w * x + 1.0).tanh()
    z = (h * 0.5).tanh()
    z.label = "z"
    table = build_grad(z, create_graph=True)
    g = draw_backward(z, table=table)
    p = read(g)
    one = h.inputs[0].inputs[1]
    assert one.data == 1.0 and one.role == "const"
    # every use of the 1.0, forward and backward, found from the graphs themselves
    nodes = topological_order([z, *[gv for _, gv in table.items()]])
    uses = [(v, j) for v in nodes for j, i in enumerate(v.inputs) if i is one]
    assert len(uses) >= 3  # x·w + 1 and the two tanh bprops
    copies = g.copies[one]
    assert sorted((id(c), j) for _, c, j in copies) == sorted((id(v), j) for v, j in uses)
    for cid, consumer, _ in copies:
        assert lines(p, cid) == ["1"]
        assert out_edges_of(p, cid) == [g.ids[consumer] + "_op"]
        colour = p.nodes[cid]["fillcolor"]
        assert colour == NODE_STYLES["const"]["fillcolor"]
    # a gradient op's constant is joined by a gradient-graph edge (solid orange), not as a
    # forward value "used" by the gradient graph
    grad_side = [cid for cid, c, _ in copies if g.ids[c] in grad_nodes(p) or
                 p.nodes[g.ids[c]]["fillcolor"] == NODE_STYLES["grad_value"]["fillcolor"]]
    assert grad_side
    for cid in grad_side:
        (attrs,) = [a for s, _, a in p.edges if s == cid]
        assert attrs.get("style") != "dashed"
    # the gradient values shown are right (finite differences)
    def f(xv, wv):
        return math.tanh(math.tanh(wv * xv + 1.0) * 0.5)

    dzw = next(n for n, ls in grad_nodes(p).items() if ls[0] == "∂z/∂w")
    assert lines(p, dzw)[1] == f"= {fmt(finite_difference(f, [0.4, -0.8], 1))}"


def out_edges_of(p, node):
    return [b for a, b, _ in p.edges if a == node]


def test_by_default_no_gradient_is_drawn_for_the_numbers_in_the_expression():
    """∂y/∂(the number 2) is of no use to anyone; asked for by name, it is drawn."""
    x = Value(0.5, label="x")
    y = (x * 2.0).tanh() * 2.0
    y.label = "y"
    heads = [lines(read(g), n)[0] for g in (draw_backward(y),) for n in drawn(read(g))]
    assert "∂y/∂x" in heads and "∂y/∂2" not in heads
    two = y.inputs[1]
    g = draw_backward(y, wrt=[x, two])
    heads = [lines(read(g), n)[0] for n in drawn(read(g))]
    assert "∂y/∂2" in heads  # a bare number is named by its value
