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
    # leaves not tiny: 1e-93 / 1e-93 is 1 both ways, but micrograd's a·b⁻¹ passes through
    # b⁻² = 1e185 on the way back, where a term of 1 is lost to rounding (x + x then x/x at
    # x = 1.9e-93: ∂/∂x is 1 here, 0 in micrograd)
    st.lists(st.integers(-3, 3).map(float)
             | st.floats(-2, 2, allow_subnormal=False).filter(lambda v: abs(v) > 1e-6),
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


# ---------------------------------------------------------------- micrograd's notebook and lecture
# The patterns of micrograd's trace_graph.ipynb and of the "building micrograd" lecture, written
# here in our own words: code that reads _prev, _op and _backward must run unchanged.
def _lecture_neuron(V):
    """tanh(x1·w1 + x2·w2 + b), the lecture's neuron, with its intermediate nodes."""
    x1, x2, w1, w2 = V(2.0), V(0.0), V(-3.0), V(1.0)
    b = V(6.8813735870195432)
    x1w1, x2w2 = x1 * w1, x2 * w2
    s = x1w1 + x2w2
    n = s + b
    o = n.tanh()
    return (x1, x2, w1, w2, b), (x1w1, x2w2, s, n), o


def test_prev_is_the_set_of_inputs_and_a_walk_over_it_finds_the_graph():
    leaves, inner, o = _lecture_neuron(Value)
    nodes, edges, stack = set(), set(), [o]
    while stack:  # the notebook's trace(), written without recursion
        v = stack.pop()
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                stack.append(child)
    assert nodes == set(leaves) | set(inner) | {o}
    assert len(edges) == 9 and all(isinstance(v._prev, set) for v in nodes)
    assert (Value(1.0) + 1.0)._prev != set()  # a number operand is a node too
    a = Value(2.0)
    assert (a + a)._prev == {a}  # micrograd's set: a + a has one child


def test_op_is_spelled_as_micrograd_spells_it():
    a, b = Value(2.0), Value(3.0)
    spelled = {"+": a + b, "*": a * b, "**2": a**2, "**-1": a**-1, "ReLU": a.relu(),
               "tanh": a.tanh(), "exp": a.exp(), "": a, "-": a - b, "/": a / b,
               "sigmoid": a.sigmoid(), "log": a.log()}
    for spelling, v in spelled.items():
        assert v._op == spelling
    theirs = micrograd.engine.Value(2.0)
    for expr in (lambda v: v + v, lambda v: v * v, lambda v: v**2, lambda v: v.relu()):
        assert expr(Value(2.0))._op == expr(theirs)._op  # the same spelling as micrograd 0.1.0


def test_the_notebook_picture_builds_with_str_id_plus_op():
    """trace_graph.ipynb: one node per value, one per op, named str(id(n)) + n._op."""
    import graphviz

    _, _, o = _lecture_neuron(Value)
    dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, edges, stack = set(), set(), [o]
    while stack:
        v = stack.pop()
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                stack.append(child)
    for n in nodes:
        uid = str(id(n))
        dot.node(name=uid, label=f"{{ data {n.data:.4f} | grad {n.grad:.4f} }}", shape="record")
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    source = dot.source
    assert source.count("->") == len(edges) + sum(1 for n in nodes if n._op)
    assert "label=tanh" in source and "label=\"+\"" in source and "label=\"*\"" in source


def test_manual_backward_steps_as_in_the_lecture():
    """o.grad = 1; o._backward(); n._backward(); … gives what backward() gives, and the
    closed form: do/dn = 1 − tanh²(n), do/dw1 = x1·(1 − o²)."""
    (x1, x2, w1, w2, b), (x1w1, x2w2, s, n), o = _lecture_neuron(Value)
    o.grad = 1.0
    for v in (o, n, s, x1w1, x2w2, b, x1, x2, w1, w2):  # backwards, by hand
        v._backward()
    manual = [v.grad for v in (x1, x2, w1, w2, b, n)]
    dn = 1.0 - math.tanh(n.data) ** 2
    assert_close(n.grad, dn, "do/dn", rel=1e-12)
    assert_close(w1.grad, x1.data * dn, "do/dw1", rel=1e-12)
    assert_close(x2.grad, w2.data * dn, "do/dx2", rel=1e-12)
    assert_close(w2.grad, x2.data * dn, "do/dw2", rel=1e-12)  # 0: x2 is 0
    assert_close(o.data, 1 / math.sqrt(2), "o = tanh(0.8813…) = 1/√2", rel=1e-12)
    (x1, x2, w1, w2, b), (_, _, _, n), o = _lecture_neuron(Value)
    o.backward()
    assert manual == [v.grad for v in (x1, x2, w1, w2, b, n)]


def test_build_topo_and_reverse_backward_loop_as_in_the_lecture():
    """The lecture's own topological sort over _prev, then _backward() in reverse order."""
    leaves, _, o = _lecture_neuron(Value)
    topo, visited = [], set()
    stack = [(o, False)]
    while stack:  # build_topo, with a stack (the lecture recurses; same order)
        v, done = stack.pop()
        if done:
            topo.append(v)
        elif v not in visited:
            visited.add(v)
            stack.append((v, True))
            stack.extend((child, False) for child in v._prev)
    o.grad = 1.0
    for node in reversed(topo):
        node._backward()
    by_hand = [v.grad for v in leaves]
    fresh, _, o2 = _lecture_neuron(Value)
    o2.backward()
    assert by_hand == [v.grad for v in fresh]


def test_b_equals_a_plus_a_gives_two():
    """The lecture's bug and its fix: b = a + a must give a.grad == 2, by hand and by backward."""
    a = Value(3.0)
    b = a + a
    b.grad = 1.0
    b._backward()
    assert a.grad == 2.0
    a2 = Value(3.0)
    (a2 + a2).backward()
    assert a2.grad == 2.0
    c = Value(-2.0)
    d = c * c  # the same for a product: dd/dc = 2c
    d.grad = 1.0
    d._backward()
    assert c.grad == 2 * -2.0


def test_backward_by_hand_stores_nothing_on_the_node():
    """_backward is a method: no closure per node (which would put every node in a cycle)."""
    import gc

    v = Value(1.0)
    w = (v * 2.0).tanh()
    assert "_backward" not in getattr(w, "__dict__", {})
    assert not hasattr(w, "__dict__")  # __slots__: nothing can be stored on a node
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        x = Value(0.5)
        for _ in range(100):
            x = (x * 0.9).tanh()
        x.grad = 1.0
        x._backward()
        del x
        assert len(gc.get_objects()) <= before + 5  # freed by reference counting alone
    finally:
        gc.enable()


def test_backward_by_hand_leaves_shared_number_constants_alone():
    x = Value(2.0)
    y = x * 0.9  # 0.9 is a shared constant: another graph's 0.9 is the same node
    other = Value(5.0) * 0.9
    (c,) = [i for i in y.inputs if i is not x]
    assert c in other.inputs  # the premise: one node for both
    y.grad = 1.0
    y._backward()
    other.backward()
    assert x.grad == 0.9 and c.grad == 0.0
