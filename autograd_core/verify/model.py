"""Build a worked example's computation with Values: leaves, layers, formulas, perceptrons.

Every named quantity is a :class:`~.tensor.Q` whose entries are labelled Values (``x1[2]``,
``W1[2,1]``), so a derivative claim about any pair of named nodes is one ``build_grad`` away,
and drawings show the slide's names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import Value
from ..formula import tensor as T
from ..formula.errors import FormulaError
from ..formula.evaluate import UNARY, derivative, evaluate
from ..formula.syntax import Binary, Name
from ..formula.tensor import Q, ShapeError, shape_str
from .errors import VerifyError
from .parser import ExampleSpec, Literal, Ref, Stmt, Target

LEAF_ROLES = {"input": "input", "param": "param", "const": "const"}

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
    loss: str | None = None
    loss_terms: list[str] = field(default_factory=list)
    batch: int | None = None
    checks: list[Stmt] = field(default_factory=list)  # claims and shows, in order
    warnings: list[str] = field(default_factory=list)
    last: str | None = None
    _seen: set = field(default_factory=set, repr=False)

    # ------------------------------------------------------------ lookups
    def get(self, name: str, line: int | None, column: int | None = None) -> Q:
        if name in self.values:
            return self.values[name]
        if name in self.param_shapes:
            raise VerifyError(f"{name} is declared with a shape only ({name} : …), so it can "
                              "be counted but not computed with; give its values", line,
                              column=column)
        raise VerifyError(f"unknown name {name!r}{_suggest(name, self.values)}", line,
                          column=column)

    def ref(self, ref: Ref) -> Q:
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
            return Q.scalar(float(sum(_size(s) for s in self.param_shapes.values())))
        if target.kind == "value":
            return self.ref(target.num)
        return self.derivative(self.ref(target.num), self.ref(target.den), target, line)

    def derivative(self, num: Q, den: Q, target: Target | str, line: int) -> Q:
        """∂num/∂den: the gradient (num a scalar) or the Jacobian (rows: num's entries)."""
        try:
            return derivative(num, den)
        except ShapeError as e:
            raise VerifyError(f"{target}: {e}", line) from None

    def evaluate(self, expr: object) -> Q:
        """A formula's value; a name is a quantity defined above it."""
        return evaluate(expr, lambda name: self.get(name, None))


def _size(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def _suggest(name: str, known: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ------------------------------------------------------------------ building
def build(spec: ExampleSpec) -> Model:
    """Evaluate the statements of one example, in order."""
    m = Model(spec.name, list(spec.notes))
    for st in spec.stmts:
        try:
            _statement(m, st)
        except FormulaError as e:
            raise VerifyError.of(e.at(st.line)) from None
        except (ShapeError, ValueError, ZeroDivisionError, OverflowError) as e:
            raise VerifyError(str(e), st.line) from None
    return m


def _define(m: Model, name: str, q: Q, kind: str, line: int) -> None:
    if name in m.values or name in m.param_shapes:
        raise VerifyError(f"{name} is already defined (line {m.lines[name]})", line)
    items = []
    for k, x in enumerate(q.items):
        if not isinstance(x, Value):
            x = Value(float(x), role="const")
        if x.label is None:
            x.label = q.entry_label(name, k)
        items.append(x)
    q = Q(q.shape, items)
    m.values[name] = q
    m.kinds[name] = kind
    m.lines[name] = line
    if kind not in LEAF_ROLES:
        m.last = name
        _kinks(m, q, name)


def _leaf(lit: Literal, name: str, role: str) -> Q:
    q = Q(lit.shape, lit.values)
    return Q(q.shape, [Value(v, q.entry_label(name, k), role=role)
                       for k, v in enumerate(lit.values)])


def _statement(m: Model, st: Stmt) -> None:
    k = st.kind
    if k in LEAF_ROLES:
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
    elif k in ("let", "loss"):
        q = m.evaluate(st.expr)
        if k == "loss":
            if m.loss is not None:
                raise VerifyError(f"a second loss ({st.name}); the loss is {m.loss}", st.line)
            if q.size == 1:
                q = Q((), q.items)
            if q.shape:
                raise VerifyError(f"the loss {st.name} must be a scalar, got "
                                  f"{shape_str(q.shape)} (use sum(...) or mean(...))", st.line)
            m.loss = st.name
            m.loss_terms = _terms(st.expr, m)
        _define(m, st.name, q, k, st.line)
    elif k == "layer":
        _layer(m, st)
    elif k == "perceptron":
        _perceptron(m, st)
    elif k == "batch":
        m.batch = st.options["m"]
    elif k in ("claim", "show"):
        m.checks.append(st)
    else:  # pragma: no cover - the parser only makes the kinds above
        raise VerifyError(f"unknown statement {k}", st.line)


def _terms(expr: object, m: Model) -> list[str]:
    """The named quantities added at the top level of the loss (l = data + penalty)."""
    out: list[str] = []

    def walk(e: object) -> bool:
        if isinstance(e, Binary) and e.op == "+":
            return walk(e.left) and walk(e.right)
        if isinstance(e, Name) and e.name in m.values:
            out.append(e.name)
            return True
        return False

    return out if walk(expr) and len(out) > 1 else []


def _layer(m: Model, st: Stmt) -> None:
    o = st.options
    W = m.get(o["weights"], st.line)
    if o["from"] is not None:
        x = m.get(o["from"], st.line)
    else:
        x = _previous(m, st)
    if len(W.shape) == 1:  # one unit: a weight vector
        if len(x.shape) == 2:
            pre = T.matmul(x, W)
        else:
            pre = T.dot(W, x)
    elif len(W.shape) == 2:
        pre = T.matmul(x, T.transpose(W)) if len(x.shape) == 2 else T.matmul(W, x)
    else:
        raise VerifyError(f"the weights {o['weights']} of layer {st.name} are a scalar; use "
                          "a formula (let) for a single weight", st.line)
    if o["bias"] is not None:
        pre = T.elementwise("+", pre, m.get(o["bias"], st.line))
    pre_name = o["pre"] or f"{st.name}.a"
    _define(m, pre_name, pre, "pre", st.line)
    pre = m.values[pre_name]
    out = _activate(pre, o["activation"], o["slope"])
    _define(m, st.name, out, "layer", st.line)


def _previous(m: Model, st: Stmt) -> Q:
    layers = [n for n in m.values if m.kinds[n] == "layer"]
    if layers:
        return m.values[layers[-1]]
    inputs = [n for n in m.values if m.kinds[n] == "input"]
    if len(inputs) == 1:
        return m.values[inputs[0]]
    raise VerifyError(f"layer {st.name}: say which quantity it reads, e.g. 'from x0' "
                      f"({len(inputs)} inputs are declared)", st.line)


def _activate(q: Q, activation: str, slope: float | None) -> Q:
    if activation == "softmax":
        return T.rowwise(q, _softmax, "softmax")
    if activation == "leaky_relu":
        s = 0.01 if slope is None else slope
        return T.apply(q, lambda v: v.leaky_relu(s))
    return T.apply(q, UNARY[activation])


def _softmax(vs: list[Value]) -> list[Value]:
    from .. import softmax

    return softmax(vs)


def _perceptron(m: Model, st: Stmt) -> None:
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
    for t in range(1, o["steps"] + 1):
        x = T.index(X, ((t - 1) % n + 1,))
        y = Y.items[(t - 1) % n]
        s = T.dot(w, x)
        _define(m, f"sum.{t}", s, "perceptron", st.line)
        u = T.apply(m.values[f"sum.{t}"], Value.step)
        _define(m, f"u.{t}", u, "perceptron", st.line)
        err = c * (y - u.items[0])
        w = Q(w.shape, [wi + err * xi for wi, xi in zip(w.items, x.items, strict=False)])
        _define(m, f"{st.name}.{t}", w, "perceptron", st.line)
        w = m.values[f"{st.name}.{t}"]


# ------------------------------------------------------------------ kinks
def _kinks(m: Model, q: Q, name: str) -> None:
    """Warn once per node evaluated at a non-differentiable point."""
    from .. import topological_order

    for item in q.items:
        if item in m._seen:
            continue
        for node in topological_order(item):
            if node in m._seen:
                continue
            m._seen.add(node)
            if node.at_kink:
                m.warnings.append(_kink_message(node, name))


def _kink_message(node: Value, name: str) -> str:
    op = node.op.name
    where = node.label or f"a {op.split('(')[0]} node inside {name}"
    x = node.inputs[0].data if node.inputs else 0.0
    base = op.split("(")[0]
    if base == "leaky_relu":
        note = f"leaky_relu'(0) = {node.op.param:g} here"
    else:
        note = _KINK_NOTES.get(base, "a convention")
    if base == "step":
        return (f"{where} = step({x:g}): the step is evaluated at its threshold; {note}, "
                "and an answer there depends on that convention")
    return (f"{where} = {base}({x:g}): {base} is evaluated at its kink, where it has no "
            f"derivative; gradients through it depend on the subgradient convention ({note})")
