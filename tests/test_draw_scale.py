"""Big graphs: summarised within max_nodes with a clear note; nn graphs collapse neurons first.

(The DOT build time of a 10⁴-node graph is measured by bench/draw_dot.py, not asserted here.)
"""

from __future__ import annotations

from test_draw_support import drawn, lines, mlp, read

from autograd_core import Value, topological_order, vsum
from autograd_core.draw import DEFAULT_MAX_NODES, draw_backward, draw_forward
from autograd_core.draw.dot import FAR_RANKS, value_ranks


def chain(n_ops: int) -> Value:
    xs = [Value(0.01 * i, label=f"x{i}") for i in range(50)]
    acc = xs[0]
    for i in range(n_ops):
        acc = (acc * xs[i % 50] + 0.5).tanh()
    acc.label = "out"
    return acc


def assert_well_formed(p):
    for a, b, _ in p.edges:
        assert a in p.nodes and b in p.nodes, (a, b)


def test_a_ten_thousand_node_graph_is_summarised_within_the_limit():
    root = chain(3350)
    # per step a mul, an add and a tanh; the 0.5 is one shared leaf; 50 inputs
    assert len(topological_order(root)) == 3 * 3350 + 1 + 50 > 10_000
    for limit in (DEFAULT_MAX_NODES, 60):
        g = draw_forward(root, max_nodes=limit)
        p = read(g)
        assert len(drawn(p)) <= limit
        assert g.counts["dot_nodes"] == len(drawn(p))
        assert "Summarised" in p.graph_attrs["label"] and f"max_nodes={limit}" in g.note
        assert "summary" in p.nodes and "more values" in lines(p, "summary")[0]
        hidden = int(lines(p, "summary")[0].split()[1])
        assert hidden == g.counts["hidden"] > 9000
        assert_well_formed(p)
        assert g.ids[root] in p.nodes  # the output is always kept
        # big pictures cap dot's layout effort (long edges made it take minutes)
        assert p.graph_attrs.get("nslimit") == ("1" if len(drawn(p)) > 150 else None)


def test_below_the_limit_nothing_is_summarised_and_none_means_no_limit():
    root = chain(30)
    g = draw_forward(root)
    assert g.note is None and "label" not in read(g).graph_attrs
    big = chain(300)
    g_all = draw_forward(big, max_nodes=None)
    assert g_all.note is None
    # per step: mul, add, tanh (a box and an op circle each) and a box for its use of the
    # 0.5 (one shared leaf in the engine, drawn per use); the 50 inputs once each, plus a ↺
    # copy at every use of an input after its first (step i uses x[i % 50]: the uses of one
    # input lie 50 steps = 150 ranks apart, far beyond FAR_RANKS)
    steps = 300
    later_uses = steps - 50  # every use but the first of each input
    assert g_all.counts["dot_nodes"] == steps * (3 * 2 + 1) + 50 + later_uses
    # exactly at the limit: still drawn in full
    assert draw_forward(big, max_nodes=g_all.counts["dot_nodes"]).note is None


def test_a_big_mlp_graph_collapses_neurons_before_hiding_anything():
    outs = mlp([8, 8, 8, 1], [0.1 * i for i in range(8)])
    loss = vsum([(o - 1.0) ** 2 for o in outs])
    full = draw_forward(loss, max_nodes=None).counts["dot_nodes"]
    g = draw_forward(loss, max_nodes=full // 4)
    p = read(g)
    assert "neurons collapsed" in g.note and g.counts["hidden"] == 0
    boxes = [n for n in drawn(p) if n.startswith("g_layers_")]
    assert len(boxes) == 17
    assert len(drawn(p)) <= full // 4
    # tighter still: layers become boxes
    g2 = draw_forward(loss, max_nodes=12)
    assert "layers collapsed" in g2.note
    assert len(drawn(read(g2))) <= 12
    assert_well_formed(read(g2))


def test_the_backward_graph_is_summarised_too():
    root = chain(400)
    g = draw_backward(root, max_nodes=120)
    p = read(g)
    assert len(drawn(p)) <= 120 and g.note
    assert_well_formed(p)
    assert any(lines(p, n)[0].startswith("∂out/∂") for n in drawn(p))


# ---------------------------------------------------------------- leaves used far downstream


def test_an_input_used_far_downstream_gets_a_marked_copy_at_each_far_use():
    """Long edges (an input reused hundreds of ranks later) make dot's layout very slow; such a
    use is drawn from a ↺ copy of the input placed next to it (bench/draw_dot.py measures)."""
    root = chain(120)  # step i uses x[i % 50]: x0…x19 are used three times, the rest twice
    g = draw_forward(root, max_nodes=None)
    p = read(g)
    order = topological_order(root)
    rank = value_ranks(order)
    xs = [v for v in order if v.label is not None and v.label.startswith("x")]
    assert len(xs) == 50
    for x in xs:
        uses = [(v, j) for v in order for j, i in enumerate(v.inputs) if i is x]
        first = min(rank[v] for v, _ in uses)
        far = [(v, j) for v, j in uses if rank[v] - first > FAR_RANKS]
        copies = g.copies.get(x, [])
        assert sorted((id(v), j) for _, v, j in copies) == sorted((id(v), j) for v, j in far)
        for cid, consumer, _ in copies:
            assert lines(p, cid)[0] == f"↺ {x.label}"
            assert lines(p, cid)[1:] == lines(p, g.ids[x])[1:]  # same data (and grad)
            assert "dashed" in p.nodes[cid]["style"]
            assert [b for a, b, _ in p.edges if a == cid] == [g.ids[consumer] + "_op"]
        # the box itself feeds only the uses near the first
        near = sorted(g.ids[v] + "_op" for v, j in uses if (v, j) not in far)
        assert sorted(b for a, b, _ in p.edges if a == g.ids[x]) == near
    # every use at a later step than its input's first (x0 is used twice at step 0)
    assert sum(len(g.copies.get(x, [])) for x in xs) == 120 - 50
    assert "legend_far" in p.nodes and "↺" in p.nodes["legend_far"]["label"]


def test_uses_close_together_are_not_copied():
    x = Value(0.3, label="x")
    h = x
    for _ in range(FAR_RANKS // 2):
        h = (h * x).tanh()  # each use of x is at most FAR_RANKS ranks after the first
    g = draw_forward(h)
    assert x not in g.copies and "legend_far" not in read(g).nodes


def test_far_copies_count_against_max_nodes():
    root = chain(400)
    full = draw_forward(root, max_nodes=None)
    assert full.counts["dot_nodes"] == len(drawn(read(full)))
    assert draw_forward(root, max_nodes=full.counts["dot_nodes"]).note is None
    tight = draw_forward(root, max_nodes=full.counts["dot_nodes"] - 1)
    assert tight.note is not None and tight.counts["dot_nodes"] <= full.counts["dot_nodes"] - 1
    for limit in (200, 57):
        g = draw_forward(root, max_nodes=limit)
        p = read(g)
        assert len(drawn(p)) <= limit
        assert_well_formed(p)


def test_a_batchs_backward_summary_shows_every_parameter_gradient_and_stays_small():
    """The backward graph of a 2-8-1 network's mean loss over 16 moons points (2736 values):
    its summary was a strip 3383 × 8540 px at 96 dpi (2537 × 6405 pt) of ``… + …`` scratch
    sums, the chains of ∂l/∂x of each of the 32 inputs. Now: the parameters' gradients only,
    neurons collapsed, the values outside the layers (inputs, each point's loss) in one box:
    79 DOT nodes, 750 × 2277 pt (1000 × 3036 px), measured with the wasm Graphviz."""
    import re

    from autograd_core.draw import to_svg
    from nn import MLP, datasets, losses

    X, y = datasets.make_moons(60, noise=0.15, rng=8)
    net = MLP(2, [8, 1], activation="tanh", init="glorot", rng=3)
    loss = vsum([losses.binary_cross_entropy_with_logits(net(X[i]), y[i]) for i in range(16)])
    loss = loss * (1 / 16)
    loss.label = "l"
    g = draw_backward(loss)
    p = read(g)
    assert g.note and "parameters only" in g.note and "outside the layers" in g.note
    names = {line for n in drawn(p) for line in lines(p, n)}
    params = [v for v in topological_order(loss) if v.role == "param"]
    assert len(params) == 33
    shown = {line.split("/∂", 1)[1] for line in names if line.startswith("∂l/∂")}
    assert len({s for s in shown if s[0] in "Wβ"}) == 33  # every ∂l/∂W and ∂l/∂β, no more
    assert not any("…" in line for line in names)  # no scratch sums
    assert len(drawn(p)) <= 100
    svg = to_svg(g, "wasm")
    width, height = (float(re.search(rf'{k}="([\d.]+)pt"', svg).group(1))
                     for k in ("width", "height"))
    assert width <= 1000 and height <= 2600, (width, height)
