"""Build a worked example's computation with Values: leaves, layers, formulas, perceptrons.

Every named quantity is a :class:`~.tensor.Q` whose entries are labelled Values (``x1[2]``,
``W1[2,1]``), so a derivative claim about any pair of named nodes is one ``build_grad`` away,
and drawings show the slide's names.

The arithmetic is the paper's: every number written in the file is an exact
:class:`~fractions.Fraction` (``0.7`` is 7/10), so sums, products, quotients, integer powers,
relu, step and the perceptron rule stay exact, and a kink reached on paper (0.3 − 0.1 − 0.2)
is a kink here. Values become floats only where the math leaves the rationals (exp, log, σ…).

``build(spec, pins={"h": {0: Fraction(67, 100)}})`` builds the example again with some
entries *pinned* to other values (the claimed ones: error carried forward, :mod:`.carried`):
a pinned entry holds the given number, and gradients still flow through it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from nn import functional as nn_functional

from .. import Value
from ..formula import tensor as T
from ..formula.errors import FormulaError
from ..formula.evaluate import UNARY, derivative, evaluate
from ..formula.syntax import Binary, Name, Num
from ..formula.tensor import Q, ShapeError, shape_str
from .errors import VerifyError
from .numbers import NumberError, written
from .parser import ExampleSpec, Literal, Ref, Stmt, Target

LEAF_ROLES = {"input": "input", "param": "param", "const": "const"}
Pins = Mapping[str, Mapping[int, Fraction]]

_KINK_NOTES = {
    "relu": "relu'(0) = 0 here, as in PyTorch",
    "abs": "abs'(0) = 0 here, as in PyTorch",
    "step": "step(0) = 0 here: the output is 1 only when the sum is > 0",
}


@dataclass
class Model:
    """The evaluated example: named quantities, which kind each is, and what was declared."""

    name: str
    notes: list[str]
    values: dict[str, Q] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    param_shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    exprs: dict[str, object] = field(default_factory=dict)  # let/loss name → its formula
    loss: str | None = None
    loss_terms: list[str] = field(default_factory=list)
    batch: int | None = None
    checks: list[Stmt] = field(default_factory=list)  # claims and shows, in order
    warnings: list[str] = field(default_factory=list)
    last: str | None = None
    spec: ExampleSpec | None = field(default=None, repr=False)
    pins: Pins = field(default_factory=dict, repr=False)
    _seen: set[Value] = field(default_factory=set, repr=False)

    # ------------------------------------------------------------ lookups
    def get(self, name: str, line: int | None, column: int | None = None) -> Q:
        """The quantity called ``name`` (a clear error when there is none)."""
        if name in self.values:
            return self.values[name]
        if name in self.param_shapes:
            raise VerifyError(f"{name} is declared with a shape only ({name} : …), so it can "
                              "be counted but not computed with; give its values", line,
                              column=column)
        raise VerifyError(f"unknown name {name!r}{_suggest(name, self.values)}", line,
                          column=column)

    def ref(self, ref: Ref) -> Q:
        """The quantity a reference names, or its entry."""
        q = self.get(ref.name, ref.line, ref.column or None)
        if ref.index is None:
            return q
        try:
            return T.index(q, ref.index)
        except ShapeError as e:
            raise VerifyError(f"{ref}: {e}", ref.line, column=ref.column or None) from None

    def derived(self) -> list[str]:
        """Computed quantities (not leaves), in the order they were defined."""
        return [n for n in self.values if self.kinds[n] not in LEAF_ROLES]

    # ------------------------------------------------------------ claims
    def compute(self, target: Target, line: int) -> Q:
        """The true value of what a claim is about."""
        if target.kind == "count":
            if not self.param_shapes:
                raise VerifyError("count parameters: the example declares no param", line)
            return Q.scalar(Fraction(sum(_size(s) for s in self.param_shapes.values())))
        assert target.num is not None
        if target.kind == "value":
            return self.ref(target.num)
        assert target.den is not None
        return self.derivative(self.ref(target.num), self.ref(target.den), target, line)

    def derivative(self, num: Q, den: Q, target: Target | str, line: int) -> Q:
        """∂num/∂den: the gradient (num a scalar) or the Jacobian (rows: num's entries)."""
        try:
            return derivative(num, den)
        except ShapeError as e:
            raise VerifyError(f"{target}: {e}", line) from None

    def evaluate(self, expr: object) -> Q:
        """A formula's value; a name is a quantity defined above it; numbers are exact."""
        return evaluate(expr, lambda name: self.get(name, None), exact_number)


def exact_number(num: Num) -> Fraction:
    """A number written in a formula, exactly (``0.1`` is 1/10)."""
    return written(num.text).value


def _size(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ------------------------------------------------------------------ building
Builder = Callable[[Model, Stmt], None]


def build(spec: ExampleSpec, pins: Pins | None = None) -> Model:
    """Evaluate the statements of one example, in order (``pins``: see the module)."""
    m = Model(spec.name, list(spec.notes), spec=spec, pins=pins or {})
    for st in spec.stmts:
        try:
            BUILDERS[st.kind](m, st)
        except FormulaError as e:
            raise VerifyError.of(e.at(st.line)) from None
        except (ShapeError, NumberError, ValueError, ZeroDivisionError, OverflowError,
                TypeError) as e:
            raise VerifyError(str(e), st.line) from None
    return m


def _define(m: Model, name: str, q: Q, kind: str, line: int) -> Q:
    """Name a quantity: label its entries, pin them if asked, note kinks; return it."""
    if name in m.values or name in m.param_shapes:
        raise VerifyError(f"{name} is already defined (line {m.lines[name]})", line)
    pinned = m.pins.get(name, {})
    items = []
    for k, x in enumerate(q.items):
        x = T.lift(x)
        if k in pinned:
            x = _pin(x, pinned[k])
        if x.label is None or k in pinned:
            x.label = q.entry_label(name, k)
        items.append(x)
    q = Q(q.shape, items)
    m.values[name] = q
    m.kinds[name] = kind
    m.lines[name] = line
    if kind not in LEAF_ROLES:
        m.last = name
        if not m.pins:  # a rebuilt model reports nothing of its own
            _kinks(m, q, name)
    return q


def _pin(x: Value, value: Fraction) -> Value:
    """A node holding ``value`` through which gradients flow as through x (x + (value − x))."""
    shift = value - Fraction(x.data) if isinstance(x.data, (Fraction, int)) else (
        float(value) - float(x.data))
    return x + Value(shift, role="const")


def _leaf(lit: Literal, name: str, role: str) -> Q:
    q = Q(lit.shape, list(lit.values))
    return Q(q.shape, [Value(v, q.entry_label(name, k), role=role)
                       for k, v in enumerate(lit.values)])


def _build_leaf(m: Model, st: Stmt) -> None:
    k = st.kind
    if st.shape is not None:
        if st.name in m.param_shapes or st.name in m.values:
            raise VerifyError(f"{st.name} is already defined", st.line)
        m.param_shapes[st.name] = st.shape
        m.lines[st.name] = st.line
        return
    assert st.literal is not None
    _define(m, st.name, _leaf(st.literal, st.name, LEAF_ROLES[k]), k, st.line)
    if k == "param":
        m.param_shapes[st.name] = st.literal.shape


def _build_formula(m: Model, st: Stmt) -> None:
    q = m.evaluate(st.expr)
    if st.kind == "loss":
        if m.loss is not None:
            raise VerifyError(f"a second loss ({st.name}); the loss is {m.loss}", st.line)
        if q.size == 1:
            q = Q((), q.items)
        if q.shape:
            raise VerifyError(f"the loss {st.name} must be a scalar, got "
                              f"{shape_str(q.shape)} (use sum(...) or mean(...))", st.line)
        m.loss = st.name
        m.loss_terms = _terms(st.expr, m)
    m.exprs[st.name] = st.expr
    _define(m, st.name, q, st.kind, st.line)


def _terms(expr: object, m: Model) -> list[str]:
    """The named quantities added at the top level of the loss (l = data + penalty).

    Read with a list of pending sub-formulas (no recursion, no closure: nothing here keeps a
    reference to itself, so the model is freed as soon as it is dropped).
    """
    out: list[str] = []
    todo = [expr]
    while todo:
        e = todo.pop()
        if isinstance(e, Binary) and e.op == "+":
            todo += [e.right, e.left]
        elif isinstance(e, Name) and e.name in m.values:
            out.append(e.name)
        else:
            return []
    return out if len(out) > 1 else []


def _build_check(m: Model, st: Stmt) -> None:
    m.checks.append(st)


def _build_batch(m: Model, st: Stmt) -> None:
    m.batch = st.options["m"]


def _column(st: Stmt, what: str) -> int | None:
    """Where a layer statement wrote its ``what`` (weights, bias, from, name), if known."""
    column: int | None = st.options.get("columns", {}).get(what)
    return column


def _build_layer(m: Model, st: Stmt) -> None:
    o = st.options
    W = m.get(o["weights"], st.line, _column(st, "weights"))
    x = (m.get(o["from"], st.line, _column(st, "from")) if o["from"] is not None
         else _previous(m, st))
    b = m.get(o["bias"], st.line, _column(st, "bias")) if o["bias"] is not None else None
    pre = _dense(W, x, b, st)
    pre_name = o["pre"] or f"{st.name}.a"
    pre = _define(m, pre_name, pre, "pre", st.line)
    _define(m, st.name, _activate(pre, o["activation"], o["slope"]), "layer", st.line)


def _dense(W: Q, x: Q, b: Q | None, st: Stmt) -> Q:
    """W @ x + b for one sample x (a vector; a column [[a], [b]] is one too), or for a batch
    (a matrix, one sample per row: X @ Wᵀ + b), each neuron by nn's own arithmetic
    (:func:`nn.functional.linear`: the products and one Σ with the bias)."""
    o = st.options
    if not W.shape:
        raise VerifyError(f"the weights {o['weights']} of layer {st.name} are a scalar; use "
                          "a formula (let) for a single weight", st.line,
                          column=_column(st, "weights"))
    n_in = W.shape[-1]
    if len(x.shape) == 2 and x.shape[1] == 1 and x.shape[0] == n_in and n_in != 1:
        x = Q((n_in,), x.items)  # a column vector, as some slides write x
    if len(x.shape) == 2 and x.shape[1] != n_in:
        raise VerifyError(
            f"layer {st.name}: {o['weights']} takes {n_in} inputs, but the input is "
            f"{shape_str(x.shape)}; a matrix input is read as a batch, one sample per row "
            "(write one sample as a vector [a, b], or a column [[a], [b]])", st.line,
            column=_input_column(st))
    if len(x.shape) > 2 or (len(x.shape) == 1 and x.shape[0] != n_in) or not x.shape:
        raise VerifyError(f"layer {st.name}: {o['weights']} takes {n_in} inputs, but the "
                          f"input is {shape_str(x.shape)}", st.line, column=_input_column(st))
    one_unit = len(W.shape) == 1
    weights = [W.items] if one_unit else T.rows(W)
    samples = T.rows(x) if len(x.shape) == 2 else [x.items]
    biases = _biases(b, len(weights), st)
    pre = [a for sample in samples for a in nn_functional.linear(weights, sample, biases)]
    if len(x.shape) == 2:
        return Q((len(samples),) if one_unit else (len(samples), len(weights)), pre)
    return Q(() if one_unit else (len(weights),), pre)


def _input_column(st: Stmt) -> int | None:
    """The input named by 'from x', else the weights (whose size says what is expected)."""
    return _column(st, "from") or _column(st, "weights")


def _biases(b: Q | None, n_out: int, st: Stmt) -> list[Any] | None:
    """The layer's bias for each of its n_out neurons (a scalar b is every neuron's)."""
    if b is None:
        return None
    if b.size == 1:
        return [b.items[0]] * n_out
    if b.size != n_out or len(b.shape) > 2:
        raise VerifyError(f"layer {st.name}: {st.options['bias']} is {shape_str(b.shape)} but "
                          f"the layer has {n_out} neuron{'s' * (n_out != 1)}", st.line,
                          column=_column(st, "bias"))
    return list(b.items)


def _previous(m: Model, st: Stmt) -> Q:
    layers = [n for n in m.values if m.kinds[n] == "layer"]
    if layers:
        return m.values[layers[-1]]
    inputs = [n for n in m.values if m.kinds[n] == "input"]
    if len(inputs) == 1:
        return m.values[inputs[0]]
    raise VerifyError(f"layer {st.name}: say which quantity it reads, e.g. 'from x0' "
                      f"({len(inputs)} inputs are declared)", st.line,
                      column=_column(st, "name"))


def _activate(q: Q, activation: str, slope: Any) -> Q:
    if activation == "softmax":
        from .. import softmax

        return T.rowwise(q, softmax, "softmax")
    if activation == "leaky_relu":
        s: Any = Fraction(1, 100) if slope is None else slope
        return T.apply(q, lambda v: v.leaky_relu(s))  # an exact slope stays exact
    return T.apply(q, UNARY[activation])


def _build_perceptron(m: Model, st: Stmt) -> None:
    """Rosenblatt's rule, one step per sample in turn: s = w·x, u = step(s),
    w ← w + c (y − u) x. Defines sum.t, u.t and <w>.t (the weights after step t)."""
    o = st.options
    w = m.get(st.name, st.line)
    X = m.get(o["data"], st.line)
    Y = m.get(o["labels"], st.line)
    if len(w.shape) != 1:
        raise VerifyError(f"perceptron: {st.name} must be a weight vector (w0 first)", st.line)
    if len(X.shape) != 2 or X.shape[1] != w.size:
        raise VerifyError(f"perceptron: {o['data']} must be a matrix with one sample per row "
                          f"of {w.size} entries (x0 = 1 first), got {shape_str(X.shape)}",
                          st.line)
    if Y.shape != (X.shape[0],):
        raise VerifyError(f"perceptron: {o['labels']} must be a vector of {X.shape[0]} labels, "
                          f"got {shape_str(Y.shape)}", st.line)
    c = o["rate"]
    n = X.shape[0]
    for t in range(1, o["steps"] + 1):  # nn's own rule, a quantity at a time (for pins)
        x = [T.lift(v) for v in T.index(X, ((t - 1) % n + 1,)).items]
        weights = [T.lift(v) for v in w.items]
        s = _define(m, f"sum.{t}", Q((), [nn_functional.affine(weights, x)]), "perceptron",
                    st.line)
        u = _define(m, f"u.{t}", T.apply(s, Value.step), "perceptron", st.line)
        after = nn_functional.perceptron_update(weights, x, Y.items[(t - 1) % n], u.items[0], c)
        w = _define(m, f"{st.name}.{t}", Q(w.shape, after), "perceptron", st.line)


#: statement kind → what building it does to the model (parser.STATEMENTS reads them).
BUILDERS: dict[str, Builder] = {
    "input": _build_leaf, "param": _build_leaf, "const": _build_leaf,
    "let": _build_formula, "loss": _build_formula, "layer": _build_layer,
    "perceptron": _build_perceptron, "batch": _build_batch,
    "claim": _build_check, "show": _build_check,
}


# ------------------------------------------------------------------ kinks
def _kinks(m: Model, q: Q, name: str) -> None:
    """Warn once per node evaluated at a non-differentiable point.

    Only the nodes not seen before are visited (an explicit stack that stops at seen
    nodes), so defining n quantities costs time linear in the graph, not n times it.
    """
    seen = m._seen
    todo = [x for x in reversed(q.items) if x not in seen]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if node.at_kink:
            m.warnings.append(_kink_message(node, name))
        todo += [i for i in reversed(node.inputs) if i not in seen]


def _kink_message(node: Value, name: str) -> str:
    op = node.op.name
    base = op.split("(")[0]
    where = node.label or f"a {base} node inside {name}"
    x = float(node.inputs[0].data) if node.inputs else 0.0
    if base == "leaky_relu":
        note = f"leaky_relu'(0) = {float(node.op.param or 0):g} here"
    else:
        note = _KINK_NOTES.get(base, "a convention")
    if base == "step":
        return (f"{where} = step({x:g}): the step is evaluated at its threshold; {note}, "
                "and an answer there depends on that convention")
    if base == "abs" and name and where.startswith("a abs node"):
        where = f"a tie inside {name} (max/min or abs at 0)"
    return (f"{where} = {base}({x:g}): {base} is evaluated at its kink, where it has no "
            f"derivative; gradients through it depend on the subgradient convention ({note})")
