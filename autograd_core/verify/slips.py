"""The slips of back-propagation by hand, each as the numbers it would have produced.

Each maker recomputes the claimed quantity the way one slip would have, flat, in the
claim's order (a :class:`Candidate`); :mod:`.diagnose` names a slip when the claimed digits
match its numbers:

* sign flipped                      −true
* off by a factor                   2·true, ½·true, m·true, true/m (m: the batch size)
* a loss term off by a factor       true + (k − 1)·∂term/∂p: a term dropped (k = 0), its sign
                                    flipped, doubled, halved (l = data + penalty)
* missing upstream factor           ∂Q/∂p for a quantity Q between p and z: the upstream
                                    factor ∂z/∂Q was left out (the local derivative)
* local factors dropped             ∂z/∂Qₘ for the one entry Qₘ that pₖ feeds: the gradient
                                    at the neuron's output (or pre-activation), without ∂Q/∂p
* activation derivative evaluated   σ′ at the output (σ(x)(1 − σ(x)) with x = σ(a)), or the
  at the wrong point (or left out)  output formula on the pre-activation (a(1 − a)); f′ = 1
                                    for every activation, or for one layer's only
* an update's sign flipped          w + η·g for w − η·g (a ``let`` with ``grad(…)``)
* an update off by the rate         w − g (η left out), w − η²·g, w − g/η, or the step η·g
* transposed matrix                 trueᵀ
* index / row mix-up                two entries, rows or columns swapped; an entry claimed
                                    with the value of another entry

The derivatives taken the wrong way go through the engine's one back-propagation loop, with
a ``bprop_override`` for the nodes whose rule the slip changes.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .. import Value, build_grad, ops, topological_order, vsum
from ..formula import tensor as T
from ..formula.syntax import Binary, Call, Unary
from ..formula.tensor import Q
from .model import Model
from .numbers import as_float
from .parser import Ref, Target

MAX_SWAP_ENTRIES = 36
MAX_GRAPH = 20_000  # nodes beyond which the graph-walking slips are not tried

Rule = Callable[[tuple[Any, ...], Any, Any], tuple[Any, ...]]
Override = Callable[[Value], Rule | None]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A slip and the numbers it would have produced (flat, in the claim's order)."""

    text: str
    values: list[Any]
    elementwise: bool = True  # may explain some entries alone


def fmt(x: Any) -> str:
    """A number as the slides print it: up to 4 decimals, 3 significant digits below 10⁻³."""
    x = as_float(x)
    if x == 0:
        return "0"
    if abs(x) >= 1e-3:
        s = f"{x:.4f}".rstrip("0").rstrip(".")
        return s if s not in ("-0", "") else "0"
    return f"{x:.3g}"


def fmt_values(vals: list[Any], shape: tuple[int, ...]) -> str:
    """Numbers laid out as a scalar, a vector or a matrix."""
    if not shape:
        return fmt(vals[0])
    if len(shape) == 1:
        return "[" + ", ".join(fmt(v) for v in vals) + "]"
    r, c = shape
    return "[" + ", ".join("[" + ", ".join(fmt(v) for v in vals[i * c:(i + 1) * c]) + "]"
                           for i in range(r)) + "]"


# ------------------------------------------------------------------ plain slips
def sign(true: list[Any]) -> list[Candidate]:
    """−true."""
    return [Candidate("sign flipped", [-v for v in true])]


def factors(true: list[Any], m: int | None) -> list[Candidate]:
    """2·true, ½·true, and with a batch size m > 2: m·true and true/m."""
    out = [Candidate("off by a factor 2", [2 * v for v in true]),
           Candidate("off by a factor ½", [v / 2 for v in true])]
    if m is not None and m > 2:
        out.append(Candidate(f"off by the batch size: multiplied by m = {m}",
                             [m * v for v in true]))
        out.append(Candidate(f"off by the batch size: divided by m = {m}",
                             [v / m for v in true]))
    return out


def swaps(true: list[Any], shape: tuple[int, ...]) -> list[Candidate]:
    """Two entries (vector), two rows or two columns (matrix) swapped."""
    out: list[Candidate] = []
    if len(true) > MAX_SWAP_ENTRIES:  # n² candidates: only for slide-sized quantities
        return out
    if len(shape) == 1:
        n = shape[0]
        for i in range(n):
            for j in range(i + 1, n):
                alt = list(true)
                alt[i], alt[j] = alt[j], alt[i]
                out.append(Candidate(f"index mix-up: entries {i + 1} and {j + 1} swapped",
                                     alt, False))
    elif len(shape) == 2:
        r, c = shape
        rows = [true[i * c:(i + 1) * c] for i in range(r)]
        for i in range(r):
            for j in range(i + 1, r):
                alt_rows = list(rows)
                alt_rows[i], alt_rows[j] = alt_rows[j], alt_rows[i]
                out.append(Candidate(f"row mix-up: rows {i + 1} and {j + 1} swapped",
                                     [x for row in alt_rows for x in row], False))
        for i in range(c):
            for j in range(i + 1, c):
                alt = list(true)
                for k in range(r):
                    alt[k * c + i], alt[k * c + j] = true[k * c + j], true[k * c + i]
                out.append(Candidate(f"index mix-up: columns {i + 1} and {j + 1} swapped",
                                     alt, False))
    return out


def transposed_square(true: list[Any], shape: tuple[int, ...]) -> list[Candidate]:
    """trueᵀ for a square matrix (another shape is caught as a shape mismatch)."""
    if len(shape) != 2 or shape[0] != shape[1]:
        return []
    n = shape[0]
    return [Candidate("transposed matrix", [true[j * n + i] for i in range(n) for j in range(n)],
                      False)]


def other_entries(model: Model, target: Target, true: list[Any]) -> list[Candidate]:
    """An entry claimed with the value of another entry of the same quantity (or gradient)."""
    out = []
    num, den = target.num, target.den
    if target.kind == "value" and num is not None and num.index is not None:
        whole = model.get(num.name, num.line)
        for k, x in enumerate(whole.items):
            label = whole.entry_label(num.name, k)
            if label != str(num):
                out.append(Candidate(f"index mix-up: this is the value of {label}", [T.data(x)],
                                     False))
    elif target.kind == "deriv" and num is not None and den is not None:
        if den.index is not None:
            whole = model.get(den.name, den.line)
            zs = model.ref(num)
            if not zs.shape:
                grads = model.derivative(zs, whole, target, num.line).values()
                for k, g in enumerate(grads):
                    label = whole.entry_label(den.name, k)
                    if label != str(den):
                        out.append(Candidate(f"index mix-up: this is ∂{num}/∂{label}", [g],
                                             False))
        if num.index is not None:
            whole = model.get(num.name, num.line)
            ds = model.ref(den)
            if not ds.shape:
                for k, z in enumerate(whole.items):
                    label = whole.entry_label(num.name, k)
                    if label != str(num):
                        gs = model.derivative(Q.scalar(z), ds, target, num.line).values()
                        out.append(Candidate(f"index mix-up: this is ∂{label}/∂{den}", gs,
                                             False))
    return out


# ------------------------------------------------------------------ the chain rule's slips
def _ancestors(items: Iterable[Any]) -> set[Value]:
    values = [x for x in items if isinstance(x, Value)]
    return set(topological_order(values)) if values else set()


def _between(model: Model, target: Target) -> list[tuple[str, Q]]:
    """The derived quantities Q between p and z (z depends on Q, Q on p), in order."""
    assert target.num is not None and target.den is not None
    z = model.ref(target.num)
    p = model.ref(target.den)
    z_anc = _ancestors(z.items)
    if len(z_anc) > MAX_GRAPH:
        return []
    p_set = {T.lift(x) for x in p.items}
    out = []
    for name in model.derived():
        if name in (target.num.name, target.den.name):
            continue
        q = model.values[name]
        if q.items == z.items or any(x in p_set for x in q.items):
            continue
        if not all(x in z_anc for x in q.items) or not p_set & _ancestors(q.items):
            continue
        out.append((name, q))
    return out


def upstream(model: Model, target: Target) -> list[Candidate]:
    """∂Q/∂p written for ∂z/∂p: the local derivative, missing the upstream factor ∂z/∂Q."""
    assert target.num is not None and target.den is not None
    z = model.ref(target.num)
    if z.shape:
        return []
    p_items = [T.lift(x) for x in model.ref(target.den).items]
    out = []
    for name, q in _between(model, target):
        if name in model.loss_terms:
            continue  # (a loss term dropped is named by loss_terms)
        summed = q.items[0] if q.size == 1 else vsum(q.items)
        table = build_grad(summed, p_items, seed=T.ONE)
        local = [T.data(table.get(x, 0)) for x in p_items]
        up = model.derivative(z, q, "upstream", target.num.line)
        if all(u == 1 for u in up.values()):
            continue  # an upstream factor of 1 is not a missing factor
        shape = q.shape if q.size > 1 else ()
        factor = fmt_values(up.values(), shape) if q.size <= 6 else f"(a {q.size}-vector)"
        entrywise = "" if q.size == 1 else " (entry by entry)"
        out.append(Candidate(
            f"missing upstream factor ∂{target.num}/∂{name} = {factor}: this is the local "
            f"derivative ∂{name}/∂{target.den}{entrywise}", local))
    return out


def local_dropped(model: Model, target: Target) -> list[Candidate]:
    """∂z/∂Qₘ written for ∂z/∂pₖ, Qₘ the one entry of Q that pₖ feeds: the upstream factor
    kept, the local factors dropped (∂E/∂w written as the gradient at the neuron's output)."""
    assert target.num is not None and target.den is not None
    z = model.ref(target.num)
    if z.shape:
        return []
    p_items = [T.lift(x) for x in model.ref(target.den).items]
    out = []
    for name, q in _between(model, target):
        if q.size > 64:
            continue
        feeds = [_ancestors([x]) for x in q.items]
        owner = []
        for pk in p_items:
            fed = [m for m, anc in enumerate(feeds) if pk in anc]
            if len(fed) != 1:
                break
            owner.append(fed[0])
        else:
            grads = model.derivative(z, q, "local", target.num.line).values()
            out.append(Candidate(f"the local derivative ∂{name}/∂{target.den} left out: this "
                                 f"is ∂{target.num}/∂{name}, the gradient at {name}",
                                 [grads[m] for m in owner]))
    return out


def loss_terms(model: Model, target: Target, true: list[Any]) -> list[Candidate]:
    """One term of l = t₁ + t₂ + … differentiated wrongly (dropped, sign, ×2, ×½, ×m, ÷m)."""
    assert target.num is not None and target.den is not None
    if target.num.name != model.loss or target.num.index is not None or not model.loss_terms:
        return []
    p = model.ref(target.den)
    out = []
    factors_: list[tuple[Fraction, str]] = [
        (Fraction(0), "is missing"), (Fraction(-1), "has its sign flipped"),
        (Fraction(2), "is off by a factor 2"), (Fraction(1, 2), "is off by a factor ½")]
    if model.batch and model.batch > 2:
        factors_ += [(Fraction(model.batch), f"is multiplied by the batch size m = {model.batch}"),
                     (Fraction(1, model.batch), f"is divided by the batch size m = {model.batch}")]
    parts = {term: model.derivative(model.values[term], p, target, target.num.line).values()
             for term in model.loss_terms}
    parts = {t: d for t, d in parts.items() if any(abs(float(x)) > 1e-15 for x in d)}
    if len(parts) < 2:  # one term carries the whole gradient: the plain slips say it all
        return []
    for term, d in parts.items():
        for k, what in factors_:
            out.append(Candidate(f"the part of ∂{term}/∂{target.den} {what} (the rest of "
                                 f"∂{model.loss}/∂{target.den} is right)",
                                 [t + (k - 1) * x for t, x in zip(true, d, strict=True)]))
    return out


# ------------------------------------------------------------------ activations
_SMOOTH = ("sigmoid", "tanh")  # the two whose derivative the notes write from the output
# every activation block of the engine but step and |·| (a derivative of 0, or not a layer's
# activation in the notes: leaving it out is not a slip anyone makes)
_ACTIVATIONS = tuple(block.kind for block in ops.registered(ops.ACTIVATION)
                     if block.kind not in ("step", "abs"))


def _kind(node: Value) -> str:
    return node.op.name.split("(")[0]


def _symbol(kind: str) -> str:
    """How the notes write the activation: σ for sigmoid, its name otherwise."""
    return "σ" if kind == "sigmoid" else kind


def grads_with(z: Value, wrt: list[Value], override: Override) -> list[Any]:
    """∂z/∂w back-propagated with some nodes' rules replaced (the engine's one loop)."""
    table = build_grad(z, wrt, seed=T.ONE, bprop_override=override)
    return [T.data(table.get(w, 0)) for w in wrt]


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))


def _post(kind: str) -> Rule:
    """f′ evaluated at the output: σ′(σ(a)), tanh′(tanh(a))."""
    def rule(inputs: tuple[Any, ...], out: Any, G: Any) -> tuple[Any, ...]:
        o = float(out)
        s = _sigmoid(o) if kind == "sigmoid" else math.tanh(o)
        return (G * (s * (1.0 - s) if kind == "sigmoid" else 1.0 - s * s),)
    return rule


def _pre(kind: str) -> Rule:
    """The output formula on the pre-activation: a(1 − a) for σ, 1 − a² for tanh."""
    def rule(inputs: tuple[Any, ...], out: Any, G: Any) -> tuple[Any, ...]:
        a = inputs[0]
        return (G * (a * (1 - a) if kind == "sigmoid" else 1 - a * a),)
    return rule


def _skip(inputs: tuple[Any, ...], out: Any, G: Any) -> tuple[Any, ...]:
    """f′ taken as 1: the gradient passes through unchanged."""
    return (G,)


def activation_point(model: Model, target: Target) -> list[Candidate]:
    """σ′/tanh′ at the wrong point, or an activation's derivative left out (all of them, or
    one quantity's), each as the engine's back-propagation with those nodes' rule replaced."""
    assert target.num is not None and target.den is not None
    z = model.ref(target.num)
    if len(z.shape) > 1:
        return []
    nodes = _ancestors(z.items)
    if len(nodes) > MAX_GRAPH:
        return []
    acts = {n for n in nodes if not n.is_leaf and _kind(n) in _ACTIVATIONS}
    if not acts:
        return []
    p_items = [T.lift(x) for x in model.ref(target.den).items]
    smooth = sorted({_kind(n) for n in acts if _kind(n) in _SMOOTH})
    names = "/".join(_symbol(k) for k in smooth)
    variants: list[tuple[str, Override]] = []
    if smooth:
        variants += [
            (f"the activation's derivative taken at its output instead of its input "
             f"({names}′ of the post-activation)",
             lambda n: _post(_kind(n)) if n in acts and _kind(n) in _SMOOTH else None),
            ("the activation's derivative written with the pre-activation in the output "
             "formula (a(1 − a) instead of σ(a)(1 − σ(a)))",
             lambda n: _pre(_kind(n)) if n in acts and _kind(n) in _SMOOTH else None),
        ]
    all_names = "/".join(sorted({_symbol(_kind(n)) for n in acts}))
    variants.append((f"the activation's derivative left out ({all_names}′ taken as 1)",
                     lambda n: _skip if n in acts else None))
    for name in model.derived():
        own = {x for x in model.values[name].items if x in acts}
        if own and own != acts:
            kinds = "/".join(sorted({_symbol(_kind(n)) for n in own}))
            variants.append((f"the activation's derivative of {name} left out ({kinds}′ "
                             "taken as 1 there)",
                             lambda n, own=own: _skip if n in own else None))  # type: ignore[misc]
    out = []
    for text, override in variants:
        vals: list[Any] = []
        for zi in z.items:
            vals.extend(grads_with(T.lift(zi), p_items, override))
        out.append(Candidate(text, vals))
    return out


# ------------------------------------------------------------------ updates
def _rewrite(expr: object, change: Callable[[object], object | None]) -> object:
    """The tree with each node n replaced by change(n) when that is not None (bottom-up,
    with an explicit stack)."""
    todo: list[tuple[object, bool]] = [(expr, False)]
    done: list[object] = []
    while todo:
        node, ready = todo.pop()
        kids = _kids(node)
        if not kids:
            new = change(node)
            done.append(node if new is None else new)
        elif not ready:
            todo.append((node, True))
            todo.extend((k, False) for k in reversed(kids))
        else:
            args = done[len(done) - len(kids):]
            del done[len(done) - len(kids):]
            rebuilt = _with_kids(node, args)
            new = change(rebuilt)
            done.append(rebuilt if new is None else new)
    return done[0]


def _kids(e: object) -> list[object]:
    if isinstance(e, Binary):
        return [e.left, e.right]
    if isinstance(e, Unary):
        return [e.operand]
    if isinstance(e, Call):
        return list(e.args)
    return []


def _with_kids(e: object, kids: list[object]) -> object:
    if isinstance(e, Binary):
        return dataclasses.replace(e, left=kids[0], right=kids[1])
    if isinstance(e, Unary):
        return dataclasses.replace(e, operand=kids[0])
    assert isinstance(e, Call)
    return dataclasses.replace(e, args=tuple(kids))


def _is_grad(e: object) -> bool:
    return isinstance(e, Call) and e.func == "grad"


def _has_grad(expr: object) -> bool:
    todo = [expr]
    while todo:
        e = todo.pop()
        if _is_grad(e):
            return True
        todo += _kids(e)
    return False


def _rate_variants(e: object) -> dict[str, object | None]:
    """η·g → g, η²·g, g/η (and g/η → g, g·η…), for one node ``e``."""
    if not isinstance(e, Binary) or e.op not in ("*", "/"):
        return {}
    if e.op == "*" and (_is_grad(e.right) or _is_grad(e.left)):
        g, rate = (e.right, e.left) if _is_grad(e.right) else (e.left, e.right)
        return {"dropped": g, "squared": dataclasses.replace(e, left=rate, right=e),
                "inverted": Binary("/", g, rate, e.line, e.column)}
    if e.op == "/" and _is_grad(e.left):
        return {"dropped": e.left, "squared": dataclasses.replace(e, left=e, right=e.right),
                "inverted": Binary("*", e.left, e.right, e.line, e.column)}
    return {}


def updates(model: Model, target: Target) -> list[Candidate]:
    """The slips of a gradient-descent step ``let w1 = w - eta * grad(E, w)``."""
    num = target.num
    if target.kind != "value" or num is None or num.name not in model.exprs:
        return []
    expr = model.exprs[num.name]
    if not _has_grad(expr):
        return []
    texts = {
        "flipped": "the update's sign flipped: w + η·∂E/∂w instead of w − η·∂E/∂w",
        "dropped": "the update off by the learning rate: η left out (w − ∂E/∂w)",
        "squared": "the update off by the learning rate: η applied twice (w − η²·∂E/∂w)",
        "inverted": "the update off by the learning rate: divided by η (w − ∂E/∂w / η)",
        "step": "the step η·∂E/∂w written for the updated weight",
    }
    trees: dict[str, object] = {
        "flipped": _rewrite(expr, lambda e: Unary("-", e) if _is_grad(e) else None)}
    for variant in ("dropped", "squared", "inverted"):
        trees[variant] = _rewrite(expr, lambda e, v=variant: _rate_variants(e).get(v))  # type: ignore[misc]
    if isinstance(expr, Binary) and expr.op in ("-", "+") and _has_grad(expr.right):
        trees["step"] = expr.right
    out = []
    for variant, tree in trees.items():
        if tree == expr:
            continue
        try:
            q = model.evaluate(tree)
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        vals = _select(q, num, model)
        if vals is not None:
            out.append(Candidate(texts[variant], vals))
    return out


def _select(q: Q, ref: Ref, model: Model) -> list[Any] | None:
    """The entries of an alternative value that the claim's reference names."""
    whole = model.get(ref.name, ref.line)
    if q.size != whole.size:
        return None
    q = Q(whole.shape, q.items)
    return (T.index(q, ref.index) if ref.index is not None else q).values()
