"""autograd_core.notation: the slides' names (W⁽¹⁾₂₁, β⁽²⁾₁, z⁽¹⁾₃, x⁽⁰⁾₂, ∂l/∂W⁽²⁾) for nn
labels, worked-example names and unlabelled nodes; never an engine-made ``mul@9``.

The expected names are written out by hand from seed 001 (Vo's slides: W⁽ᵏ⁾ is out × in,
W⁽ᵏ⁾ᵢⱼ the weight of neuron i for input j, all 1-based), or read back from the Unicode and
LaTeX text by an inverse written here (superscript/subscript digits → digits), never
produced by the module under test.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import Value, build_grad, topological_order
from autograd_core.notation import Namer, expression, latex, symbol, text
from tests.strategies import build, recipes

SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
UNICODE_NAME = re.compile(r"^(?P<base>[^⁽₀-₉]+)(?:⁽(?P<layer>[⁰-⁹¹²³]+)⁾)?(?P<index>[₀-₉,]*)$")
LATEX_NAME = re.compile(r"^(?P<base>[^_^]+)(?:\^\{\((?P<layer>\d+)\)\})?"
                        r"(?:_\{(?P<index>[\d,]+)\})?$")


def _indices(raw: str, arity: int) -> tuple[int, ...]:
    if not raw:
        return ()
    if "," in raw or arity == 1:
        return tuple(int(p) for p in raw.split(","))
    return tuple(int(c) for c in raw)


def read_unicode(name: str, arity: int = 2) -> tuple[str, int | None, tuple[int, ...]]:
    """(base, layer, indices) read back from W⁽¹⁾₂₁ (several indices: side by side when all
    are below 10, else with commas; one index is one number)."""
    m = UNICODE_NAME.match(name)
    assert m is not None, name
    layer = int(m.group("layer").translate(SUP)) if m.group("layer") else None
    return m.group("base"), layer, _indices(m.group("index").translate(SUB), arity)


def read_latex(name: str, arity: int = 2) -> tuple[str, int | None, tuple[int, ...]]:
    m = LATEX_NAME.match(name)
    assert m is not None, name
    layer = int(m.group("layer")) if m.group("layer") else None
    return m.group("base"), layer, _indices(m.group("index") or "", arity)


small = st.integers(min_value=0, max_value=40)
prefixes = st.sampled_from(["", "model.", "net.encoder."])


@settings(max_examples=60)
@given(prefixes, small, small, small)
def test_nn_weight_labels_round_trip_to_slide_indices(prefix, layer, neuron, inp):
    label = f"{prefix}layers.{layer}.neurons.{neuron}.w.{inp}"
    expected = (layer + 1, (neuron + 1, inp + 1))  # 0-based paths, 1-based slides
    base, sup, index = read_unicode(text(label))
    assert (base, (sup, index)) == ("W", expected)
    base, sup, index = read_latex(latex(label))
    assert (base, (sup, index)) == ("W", expected)


@settings(max_examples=60)
@given(prefixes, small, small, st.sampled_from([("b", "β", r"\beta"), ("a", "z", "z"),
                                                ("out", "x", "x")]))
def test_nn_neuron_members_round_trip(prefix, layer, neuron, member):
    path, uni, tex = member
    label = f"{prefix}layers.{layer}.neurons.{neuron}.{path}"
    assert read_unicode(text(label), 1) == (uni, layer + 1, (neuron + 1,))
    assert read_latex(latex(label), 1) == (tex, layer + 1, (neuron + 1,))


@settings(max_examples=60)
@given(st.sampled_from(["x", "W", "z", "b", "h", "a"]), st.one_of(st.none(), small),
       st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=2))
def test_worked_names_round_trip(stem, layer, index):
    label = stem + ("" if layer is None else str(layer)) + "[" + ",".join(map(str, index)) + "]"
    k = len(index)
    assert read_unicode(text(label), k) == (stem, layer, tuple(index))
    assert read_latex(latex(label), k) == (stem, layer, tuple(index))
    d = text(f"dl/d{label}")
    assert d.startswith("∂l/∂")
    assert read_unicode(d[len("∂l/∂"):], k) == (stem, layer, tuple(index))


@settings(max_examples=80)
@given(st.text(max_size=30))
def test_any_text_gives_a_name_and_plain_words_stay_as_written(label):
    name = text(label)
    assert isinstance(name, str) and isinstance(latex(label), str)
    if re.fullmatch(r"[A-Za-z_']*", label) and label.lower() not in {"beta", "alpha", "gamma",
                                                                       "delta", "epsilon", "eta",
                                                                       "theta", "lambda", "mu",
                                                                       "sigma", "tau", "phi",
                                                                       "omega"}:
        assert name == label


def test_plain_names_stay_and_an_unindexed_layer_is_read_only_when_asked():
    for plain in ("w", "x", "loss", "y'", "yhat"):
        assert text(plain) == plain
    assert text("x1", layered=False) == "x1"
    assert text("b2") == "b⁽²⁾"
    assert text("dl/dW2") == "∂l/∂W⁽²⁾"
    assert text("dx2/dx1") == "∂x⁽²⁾/∂x⁽¹⁾"
    assert latex("dl/dW1[2,1]") == r"\frac{\partial l}{\partial W^{(1)}_{21}}"
    assert text("beta1[2]") == "β⁽¹⁾₂" and latex("beta1[2]") == r"\beta^{(1)}_{2}"
    assert text("W1[12,3]") == "W⁽¹⁾₁₂,₃"  # an index ≥ 10: commas, not 123
    assert latex("loss") == r"\mathrm{loss}" and latex("my_loss") == r"\mathrm{my\_loss}"


def vo_network():
    from nn import MLP, losses

    net = MLP.from_matrices(
        [[[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]], [[-1.5, 0.2, 0.5]]],
        [[-1.5, -1.3, 2.0], [1.0]],
        "sigmoid",
    )
    out = net([0.5, -0.5])
    return net, losses.log_likelihood(out, 1.0)


# Vo's slide: W⁽¹⁾ = [[0.5, −2.5], [1.2, 0.1], [−0.7, −1.2]], β⁽¹⁾ = [−1.5, −1.3, 2],
# W⁽²⁾ = [[−1.5, 0.2, 0.5]], β⁽²⁾ = 1, x⁽⁰⁾ = [0.5, −0.5]
VO_NAMES = {
    "W⁽¹⁾₁₁": 0.5, "W⁽¹⁾₁₂": -2.5, "W⁽¹⁾₂₁": 1.2, "W⁽¹⁾₂₂": 0.1, "W⁽¹⁾₃₁": -0.7,
    "W⁽¹⁾₃₂": -1.2, "β⁽¹⁾₁": -1.5, "β⁽¹⁾₂": -1.3, "β⁽¹⁾₃": 2.0, "W⁽²⁾₁₁": -1.5,
    "W⁽²⁾₁₂": 0.2, "W⁽²⁾₁₃": 0.5, "β⁽²⁾₁": 1.0, "x⁽⁰⁾₁": 0.5, "x⁽⁰⁾₂": -0.5,
}


def test_vo_network_is_named_as_the_slides_name_it():
    net, loss = vo_network()
    namer = Namer.of(loss)
    leaves = {namer.text(v): v.data for v in topological_order(loss)
              if v.is_leaf and v.label is not None}
    assert leaves == VO_NAMES
    hidden, output = net.layers
    for i, n in enumerate(hidden.neurons, start=1):
        assert namer.text(n._last_a) == f"z⁽¹⁾{'₀₁₂₃'[i]}"
        assert namer.text(n._last_out) == f"x⁽¹⁾{'₀₁₂₃'[i]}"
    assert namer.text(output.neurons[0]._last_out) == "x⁽²⁾₁"
    assert namer.latex(hidden.neurons[1].w[0]) == "W^{(1)}_{21}"
    assert namer.latex(output.neurons[0].b) == r"\beta^{(2)}_{1}"


def test_implicit_bias_weights_count_from_column_zero():
    from nn import MLP

    net = MLP(2, [2, 1], "sigmoid", bias="implicit", rng=0)
    out = net([1.0, 2.0])
    namer = Namer.of(out)
    first = net.layers[0].neurons[1]
    assert [namer.text(w) for w in first.w] == ["W⁽¹⁾₂₀", "W⁽¹⁾₂₁", "W⁽¹⁾₂₂"]
    x0 = next(v for v in topological_order(out) if v.label == "layers.0.neurons.1.x0")
    assert namer.text(x0) == "x⁽⁰⁾₀"


def test_a_lone_neuron_keeps_its_plain_names():
    x1, x2 = Value(0.5, label="x1"), Value(-0.5, label="x2")
    w1, w2, b = Value(1.0, label="w1"), Value(2.0, label="w2"), Value(0.1, label="b")
    y = (w1 * x1 + w2 * x2 + b).sigmoid()
    namer = Namer.of(y)
    assert [namer.text(v) for v in (x1, w2, b)] == ["x1", "w2", "b"]
    assert namer.text(y) == "σ(w1·x1 + w2·x2 + b)"


def test_unlabelled_nodes_are_named_by_what_they_compute():
    w, x, b = Value(2.0, label="w"), Value(3.0, label="x"), Value(1.0, label="b")
    product = w * x
    affine = product + b
    y = affine.sigmoid()
    namer = Namer.of(y)
    assert [namer.text(v) for v in (product, affine, y)] == ["w·x", "w·x + b", "σ(w·x + b)"]
    assert namer.latex(y) == r"\sigma\left(w \cdot x + b\right)"
    assert expression((x - b) * w) == "(x − b)·w"
    assert expression(x - (b - w)) == "x − (b − w)"
    assert expression(x ** 2 * 3.0) == "x²·3"
    assert expression(x * -2.5) == "x·−2.5"


def test_a_sum_too_long_to_show_keeps_its_last_term():
    # the running sums of a backward pass (∂l/∂x⁽⁰⁾₁ = Σₙ ∂l/∂z⁽¹⁾ₙ·W⁽¹⁾ₙ₁) read as what
    # their last step added; they were named "… + …"
    names: dict[Value, str] = {}
    p1, p2, p3 = [], [], []
    for i, product in enumerate((p1, p2, p3), start=1):
        g, w = Value(0.1 * i), Value(0.2 * i)
        names[g], names[w] = f"∂l/∂z⁽¹⁾{i}", f"W⁽¹⁾{i}1"
        product.append(g * w)  # unnamed: written ∂l/∂z⁽¹⁾1·W⁽¹⁾11
    (p1,), (p2,), (p3,) = p1, p2, p3
    two = p1 + p2
    assert expression(two, name=names.get) == "… + ∂l/∂z⁽¹⁾2·W⁽¹⁾21"
    assert expression(two + p3, name=names.get) == "… + … + ∂l/∂z⁽¹⁾3·W⁽¹⁾31"
    assert expression(two, name=names.get, width=40) == "∂l/∂z⁽¹⁾1·W⁽¹⁾11 + ∂l/∂z⁽¹⁾2·W⁽¹⁾21"
    assert expression(two, name=names.get, width=12) == "… + …"  # the last term does not fit
    nested = expression(p1 + (p2 + p3), name=names.get)
    assert "(" not in nested and nested.endswith("…")  # a last term that is a cut sum says no more


def test_the_backward_graphs_scratch_sums_are_named_by_their_last_term():
    from autograd_core.draw import draw_backward
    from nn import MLP, losses

    net = MLP.from_matrices([[[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]], [[-1.5, 0.2, 0.5]]],
                            [[-1.5, -1.3, 2.0], [1.0]], "sigmoid")
    loss = losses.log_likelihood(net([0.5, -0.5]), 1.0)
    loss.label = "l"
    source = draw_backward(loss).source
    sums = set(re.findall(r'label="(… \+ [^\\"]*)', source))
    assert sums == {"… + ∂l/∂z⁽¹⁾₂·W⁽¹⁾₂₁", "… + ∂l/∂z⁽¹⁾₂·W⁽¹⁾₂₂"}, sums
    assert '"… + …' not in source


@settings(max_examples=40)
@given(st.integers(min_value=8, max_value=40), st.integers(min_value=2, max_value=30))
def test_long_expressions_are_shortened_to_fit(width, n):
    xs = [Value(float(i), label=f"x{i}") for i in range(n)]
    z = xs[0]
    for x in xs[1:]:
        z = (z * x + 1.0).tanh()
    s = expression(z, width=width)
    assert s.startswith("tanh(") and "@" not in s
    # the shortest form (one level shown) may exceed a tiny width; deeper levels never do
    assert len(s) <= width or s.count("…") >= 1


@settings(max_examples=40, deadline=None)
@given(recipes())
def test_no_engine_made_name_in_any_graph(recipe):
    b = build(recipe)
    z = b.z
    table = build_grad(z, create_graph=True)
    namer = Namer.of(z)
    for v in topological_order(z):
        assert "@" not in namer.text(v) and "@" not in namer.latex(v)
    for _node, g in table.items():
        if isinstance(g, Value):
            assert "@" not in namer.text(g)


def test_symbol_kinds():
    assert symbol("layers.0.neurons.0.w.1").text() == "W⁽¹⁾₁₂"
    assert symbol("dl/dW2").latex() == r"\frac{\partial l}{\partial W^{(2)}}"
    assert symbol("loss").plain


# ---------------------------------------------------------------- one expression namer
def test_the_engine_writes_expressions_with_the_callers_names_inside():
    """notation's expressions are the engine's (autograd_core.expression) with the slides'
    names passed in: the same text as the engine's with the labels swapped for the names."""
    from autograd_core import expression as engine_expression

    net, loss = vo_network()
    namer = Namer.of(loss)
    z2 = net.layers[1].neurons[0]._last_a
    product = z2.inputs[0]  # W⁽²⁾₁₁·x⁽¹⁾₁, unlabelled
    assert namer.text(product) == "W⁽²⁾₁₁·x⁽¹⁾₁"
    by_label = engine_expression(product)
    assert by_label == "layers.1.neurons.0.w.0·layers.0.neurons.0.out"
    named = engine_expression(product, name=lambda v: namer.named(v))
    assert named == namer.text(product)


def test_a_square_root_of_a_compound_is_bracketed():
    w, x = Value(2.0, label="w"), Value(3.0, label="x")
    assert expression((w * x).sqrt()) == "√(w·x)"  # was √w·x, which reads as (√w)·x
    assert expression(x.sqrt() * w) == "√x·w"
    assert Namer.of(w).latex((w * x).sqrt()) == r"\sqrt{w \cdot x}"


def test_deep_graphs_are_named_without_walking_every_level():
    """The levels are tried upwards and stop at the width: naming the end of a chain whose
    full expansion would have 2⁶⁰ leaves (y = y·y) is instant."""
    import time

    y = Value(1.0001, label="x")
    for _ in range(60):
        y = y * y
    start = time.perf_counter()
    s = expression(y, width=24)
    assert time.perf_counter() - start < 1.0
    assert "…" in s and len(s) <= 24


@settings(max_examples=40)
@given(recipes())
def test_latex_expressions_keep_the_unicode_structure(recipe):
    """The LaTeX form is the Unicode one translated: brackets balanced, no Unicode operator
    left, every name's LaTeX inside."""
    z = build(recipe).z
    namer = Namer.of(z)
    for v in topological_order(z):
        tex = namer.latex(v)
        assert tex.count("{") == tex.count("}") and tex.count(r"\left(") == tex.count(r"\right)")
        assert not set("σ·−…⁰¹²³⁴⁵⁶⁷⁸⁹") & set(tex), tex
