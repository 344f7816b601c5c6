"""The forward graph's DOT: nodes, edges, labels, kinds, kinks, precision, steps, clusters.

Structure is checked by parsing the DOT (tests/dot_parse.py), never by comparing
whole strings; numbers shown are checked against independent computations (math, fractions).
"""

from __future__ import annotations

import math

import pytest
from test_draw_support import drawn, inputs_of, lines, mlp, read

from autograd_core import Value, build_grad, topological_order
from autograd_core.draw import draw_forward, draw_steps
from autograd_core.draw.style import NODE_STYLES, fmt


def neuron():
    x = Value(0.5, label="x")
    w = Value(-2.5, label="w", role="param")
    b = Value(1.0, label="b", role="param")
    y = (w * x + b).sigmoid()
    y.label = "y"
    return x, w, b, y


def node_named(p, label):
    hits = [n for n in drawn(p) if lines(p, n)[0] == label]
    assert len(hits) == 1, (label, hits)
    return hits[0]


def test_every_value_and_op_is_a_node_and_edges_follow_the_data():
    x, w, b, y = neuron()
    g = draw_forward(y)
    p = read(g)
    # 3 leaves + 3 ops (mul, add, sigmoid): 3 + 2·3 DOT nodes
    assert len(drawn(p)) == 9
    assert g.counts["dot_nodes"] == 9
    xn, wn, bn, yn = (node_named(p, s) for s in ("x", "w", "b", "y"))
    assert g.ids[x] == xn and g.ids[y] == yn
    mul = next(n for n in drawn(p) if n.endswith("_op") and lines(p, n) == ["×"])
    assert sorted(inputs_of(p, mul[:-3])) == sorted([wn, xn])
    assert lines(p, yn + "_op") == ["σ"]
    # the sigmoid's input is the add node, whose inputs are the product and b
    (add,) = inputs_of(p, yn)
    assert lines(p, add + "_op") == ["+"]
    assert sorted(inputs_of(p, add)) == sorted([mul[:-3], bn])
    # each op circle feeds exactly its own value
    for n in drawn(p):
        if n.endswith("_op"):
            assert p.successors(n) == [n[:-3]]
    assert p.graph_attrs.get("rankdir") == "LR"


def test_labels_show_data_and_grad_once_backward_has_run():
    x, w, b, y = neuron()
    before = read(draw_forward(y))
    assert not any(line.startswith("grad") for n in drawn(before) for line in lines(before, n))
    y.backward()
    p = read(draw_forward(y))
    s = 1 / (1 + math.exp(-(-2.5 * 0.5 + 1.0)))
    assert lines(p, node_named(p, "y")) == ["y", f"data {fmt(s)}", "grad 1"]
    # dy/dw = σ'(a)·x, computed here with math, independently of the engine
    assert lines(p, node_named(p, "w"))[2] == f"grad {fmt(s * (1 - s) * 0.5)}"
    assert lines(p, node_named(p, "x"))[2] == f"grad {fmt(s * (1 - s) * -2.5)}"


def test_precision_sets_the_significant_digits():
    x = Value(1 / 3, label="x")
    y = x * 3.0
    p = read(draw_forward(y, precision=2))
    assert "data 0.33" in lines(p, node_named(p, "x"))
    p6 = read(draw_forward(y, precision=6))
    assert "data 0.333333" in lines(p6, node_named(p6, "x"))
    p4 = read(draw_forward(y))  # the default: 4 significant digits, like the slides
    assert "data 0.3333" in lines(p4, node_named(p4, "x"))
    with pytest.raises(ValueError, match="precision"):
        draw_forward(y, precision=0)


def test_kinds_are_styled_apart_and_explained_in_the_legend():
    x, w, b, y = neuron()
    z = y + 2.0
    p = read(draw_forward(z))
    colour = {k: NODE_STYLES[k]["fillcolor"] for k in ("input", "param", "const", "value")}
    assert len(set(colour.values())) == 4
    assert p.nodes[node_named(p, "x")]["fillcolor"] == colour["input"]
    assert p.nodes[node_named(p, "w")]["fillcolor"] == colour["param"]
    assert p.nodes[node_named(p, "y")]["fillcolor"] == colour["value"]
    const = [n for n in drawn(p) if lines(p, n) == ["2"]]
    assert len(const) == 1 and p.nodes[const[0]]["fillcolor"] == colour["const"]
    legend = p.clusters["cluster_legend"]["nodes"]
    kinds = ("input", "param", "const", "value", "op")
    assert {f"legend_{k}" for k in kinds} <= set(legend)
    assert p.nodes["legend_param"]["fillcolor"] == colour["param"]
    assert "legend_kink" not in p.nodes  # no kink in this graph, so none in the legend
    assert "cluster_legend" not in read(draw_forward(z, legend=False)).clusters


def test_a_node_at_a_kink_is_marked():
    a = Value(0.0, label="a")
    r = a.relu()
    r.label = "r"
    q = (Value(1.0, label="c") + 0.0).relu()
    q.label = "q"
    p = read(draw_forward(r + q))
    rn, qn = node_named(p, "r"), node_named(p, "q")
    assert r.at_kink and lines(p, rn)[-1] == "⚠ at kink"
    assert p.nodes[rn]["peripheries"] == "2" and p.nodes[rn + "_op"]["peripheries"] == "2"
    assert not q.at_kink and "peripheries" not in p.nodes[qn]
    assert "legend_kink" in p.nodes


def test_an_operand_used_twice_gives_two_edges():
    a = Value(3.0, label="a")
    s = a + a
    p = read(draw_forward(s))
    assert inputs_of(p, "n1") == ["n0", "n0"]


def test_same_graph_gives_identical_dot_every_run():
    def build():
        return mlp([2, 3, 1], [0.5, -1.0], seed=3)[0]

    first, second = build(), build()
    assert draw_forward(first).source == draw_forward(first).source
    assert draw_forward(first).source == draw_forward(second).source  # no id()-based names
    p = read(draw_forward(first))
    assert all(n.startswith(("n", "legend_", "anchor_")) for n in p.nodes)


def test_steps_view_numbers_each_node_by_build_grad_order():
    x, w, b, y = neuron()
    z = y * w  # w is used twice: its gradient is known only after both consumers
    z.label = "z"
    table = build_grad(z)
    g = draw_steps(z)
    p = read(g)
    for node in table:
        shown = [ln for ln in lines(p, g.ids[node]) if ln.startswith("step ")]
        assert shown == [f"step {table.step(node)}"]
    assert lines(p, g.ids[z])[-1] == "step 0"
    assert table.step(w) > table.step(y)
    assert z.grad == 0.0  # drawing did not run backward


def test_clusters_group_an_mlp_per_layer_and_neuron():
    (y,) = mlp([2, 3, 1], [0.5, -1.0])
    loss = (y - 1.0) ** 2
    g = draw_forward(loss)
    p = read(g)
    assert {"cluster_layers_0", "cluster_layers_1", "cluster_layers_0_neurons_2",
            "cluster_layers_1_neurons_0"} <= set(p.clusters)
    assert p.clusters["cluster_layers_0_neurons_2"]["parent"] == "cluster_layers_0"
    by_label = {v.label: g.ids[v] for v in topological_order(loss) if v.label}
    # boxes are named as the slides name them: W⁽¹⁾₃₂ is neuron 3's weight for input 2
    for name, shown in (("w.1", "W⁽¹⁾₃₂"), ("b", "β⁽¹⁾₃"), ("a", "z⁽¹⁾₃"), ("out", "x⁽¹⁾₃")):
        node = by_label[f"layers.0.neurons.2.{name}"]
        assert p.node_cluster[node] == "cluster_layers_0_neurons_2"
        assert lines(p, node)[0] == shown
    # the products w·x are inside the neuron; the inputs and the loss are outside every cluster
    a = by_label["layers.0.neurons.2.a"]
    for product in inputs_of(p, a):
        if product not in by_label.values():
            assert p.node_cluster[product] == "cluster_layers_0_neurons_2"
    assert by_label["x0[1]"] not in p.node_cluster
    assert g.ids[loss] not in p.node_cluster
    assert "cluster_layers_0" not in read(draw_forward(loss, clusters=False)).clusters


def test_a_neuron_collapses_into_one_box():
    (y,) = mlp([2, 3, 1], [0.5, -1.0])
    y.backward()
    p = read(draw_forward(y, collapse=["layers.0.neurons.1"]))
    box = "g_layers_0_neurons_1"
    assert lines(p, box)[0] == "neuron 2 of layer 1"  # the slides' count, not nn's path
    assert not any(p.node_cluster.get(n) == "cluster_layers_0_neurons_1" for n in drawn(p))
    # w.0, w.1, b, two products, a, out (ops with their circles): 11 DOT nodes became 1
    assert len(drawn(p)) == len(drawn(read(draw_forward(y)))) - 10
    # the box takes the neuron's inputs and feeds the next layer's product
    feeds = {lines(p, n)[0] for n in p.predecessors(box)}
    assert feeds == {"x⁽⁰⁾₁", "x⁽⁰⁾₂"}
    (consumer,) = p.successors(box)
    assert consumer.endswith("_op") and p.node_cluster[consumer] == "cluster_layers_1_neurons_0"
    whole = read(draw_forward(y, collapse="layers"))
    assert {n for n in drawn(whole) if n.startswith("g_")} == {"g_layers_0", "g_layers_1"}
    with pytest.raises(ValueError, match="no group named"):
        draw_forward(y, collapse=["layers.7"])


def test_bad_arguments_are_named():
    x, w, b, y = neuron()
    with pytest.raises(TypeError, match="expected the Value"):
        draw_forward(3.0)
    with pytest.raises(ValueError, match="max_nodes"):
        draw_forward(y, max_nodes=2)
    with pytest.raises(ValueError, match="rankdir"):
        draw_forward(y, rankdir="up")


def test_an_nn_mlp_is_clustered_by_its_own_labels():
    nn = pytest.importorskip("nn")
    net = nn.MLP.from_matrices([[[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]], [[-1.5, 0.2, 0.5]]],
                               [[-1.5, -1.3, 2.0], [1.0]], "sigmoid")
    out = net([0.5, -0.5])
    g = draw_forward(out)
    p = read(g)
    expected = {f"cluster_layers_0_neurons_{n}" for n in range(3)} | {
        "cluster_layers_1_neurons_0"}
    assert expected <= set(p.clusters)
    for name, param in net.named_parameters():
        layer, neuron = name.split(".")[1], name.split(".")[3]
        assert p.node_cluster[g.ids[param]] == f"cluster_layers_{layer}_neurons_{neuron}"
    boxes = read(draw_forward(out, collapse="neurons"))
    assert {n for n in drawn(boxes) if n.startswith("g_")} == {
        "g_layers_0_neurons_0", "g_layers_0_neurons_1", "g_layers_0_neurons_2",
        "g_layers_1_neurons_0"}


# ---------------------------------------------------------------- constants: one box per use


def const_boxes(p, number):
    """The DOT nodes showing the bare constant ``number`` (first line its value or data)."""
    text = fmt(number)
    return [n for n in drawn(p)
            if lines(p, n)[0] in (text, f"data {text}") and "_k" in n]


def out_edges(p, node):
    """The edges leaving ``node`` that carry data (not the invisible ones that order boxes)."""
    return [b for a, b, attrs in p.edges if a == node and attrs.get("style") != "invis"]


def test_a_shared_constant_is_drawn_once_per_use_next_to_its_consumer():
    x = Value(0.3, label="x")
    y = Value(-1.1, label="y")
    a = x * 0.5
    b = y * 0.5
    c = (a + b) * 0.5
    assert a.inputs[1] is b.inputs[1] is c.inputs[1]  # the engine shares one leaf
    half = a.inputs[1]
    g = draw_forward(c)
    p = read(g)
    boxes = const_boxes(p, 0.5)
    consumers = [a, b, c]
    assert len(boxes) == len(consumers)
    # each box feeds exactly one op, and each consumer of 0.5 gets exactly one box
    targets = sorted(t for n in boxes for t in out_edges(p, n))
    assert targets == sorted(g.ids[v] + "_op" for v in consumers)
    assert all(p.nodes[n]["fillcolor"] == NODE_STYLES["const"]["fillcolor"] for n in boxes)
    assert half not in g.ids
    assert sorted(cid for cid, _, _ in g.copies[half]) == sorted(boxes)
    assert {id(v) for _, v, _ in g.copies[half]} == {id(v) for v in consumers}
    # drawing again gives the same DOT; so does drawing after another graph reused the 0.5
    again = draw_forward(c).source
    _other = (Value(2.0) * 0.5 + 0.5).tanh()
    assert draw_forward(c).source == again == g.source


def test_a_constant_used_twice_by_one_op_gets_two_boxes():
    x = Value(0.3, label="x")
    z = (x + 0.7) * 0.7 * 0.7
    p = read(draw_forward(z))
    assert len(const_boxes(p, 0.7)) == 3


def test_named_and_explicit_constants_stay_one_box():
    x = Value(0.3, label="x")
    c = Value(2.0, role="const")  # explicit: not the engine's pooled 2.0
    k = Value(3.0, label="k", role="const")
    z = (x * c + c) * k + k
    p = read(draw_forward(z))
    twos = [n for n in drawn(p) if lines(p, n)[0] == "2"]
    assert len(twos) == 1 and len(out_edges(p, twos[0])) == 2
    ks = [n for n in drawn(p) if lines(p, n)[0] == "k"]
    assert len(ks) == 1 and len(out_edges(p, ks[0])) == 2


def test_each_constant_box_shows_its_own_uses_gradient():
    """Before sharing, each use of 0.5 was its own leaf with its own gradient; the boxes still
    show that: ∂z/∂(this use). Oracle: the same function with three separate input leaves."""
    def build(c1, c2, c3):
        x = Value(0.3, label="x")
        return ((x * c1).tanh() + x * c2) * c3

    z = build(0.5, 0.5, 0.5)
    z.backward()
    leaves = [Value(0.5), Value(0.5), Value(0.5)]
    ref = build(*leaves)
    ref.backward()
    g = draw_forward(z)
    p = read(g)
    half = z.inputs[1]
    shown = []
    for cid, consumer, j in g.copies[half]:
        assert consumer.inputs[j] is half
        assert lines(p, cid)[0] == "data 0.5"
        shown.append(lines(p, cid)[1])
    assert sorted(shown) == sorted(f"grad {fmt(v.grad)}" for v in leaves)
    assert len(set(shown)) == 3  # three different numbers: not the pooled leaf's total


def test_a_constant_box_sits_in_its_consumers_cluster():
    outs = mlp([2, 2, 2], [0.4, -0.2])  # the last layer computes a * 1.0 in each neuron
    loss = (outs[0] - 1.0) ** 2 + (outs[1] - 1.0) ** 2
    g = draw_forward(loss)
    p = read(g)
    one = outs[0].inputs[1]
    assert outs[1].inputs[1] is one and one.data == 1.0
    copies = g.copies[one]
    assert len(copies) == 4  # two neurons' a·1, two (out − 1)
    for cid, consumer, _ in copies:
        assert p.node_cluster.get(cid) == p.node_cluster.get(g.ids[consumer])
    clusters = sorted(str(p.node_cluster.get(cid)) for cid, _, _ in copies)
    assert clusters == sorted(["None", "None", "cluster_layers_1_neurons_0",
                               "cluster_layers_1_neurons_1"])


def test_collapsed_groups_absorb_the_constant_boxes_of_their_members():
    outs = mlp([2, 2, 2], [0.4, -0.2])
    loss = (outs[0] - 1.0) ** 2 + (outs[1] - 1.0) ** 2
    g = draw_forward(loss, collapse="layers.1")
    p = read(g)
    one = outs[0].inputs[1]
    assert [c for _, c, _ in g.copies[one]] == [
        v for v in topological_order(loss) if v not in outs and one in v.inputs]
    assert all(a in p.nodes and b in p.nodes for a, b, _ in p.edges)
    assert g.counts["dot_nodes"] == len(drawn(p))


def test_a_pooled_constant_that_nothing_uses_keeps_its_own_box():
    from autograd_core.engine.value import constant

    c = constant(0.625)  # the root itself: no use to draw it next to
    g = draw_forward(c)
    p = read(g)
    assert list(drawn(p)) == [g.ids[c]] and lines(p, g.ids[c]) == ["0.625"]
