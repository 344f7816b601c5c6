"""What slip most likely produced a wrong number: the mistakes of back-propagation by hand.

Each candidate slip recomputes the quantity the way the slip would have, and explains the
claim only if *every* written number matches that recomputation (rounded or truncated):

* sign flipped                      −true
* off by a factor                   2·true, ½·true, m·true, true/m (m: the batch size)
* a loss term off by a factor       true + (k − 1)·∂term/∂p: a term dropped (k = 0), its sign
                                    flipped, doubled, halved (l = data + penalty)
* local derivative for the gradient ∂Q/∂p for a quantity Q between p and z: the upstream
  (missing upstream factor)         factor ∂z/∂Q was left out
* activation derivative evaluated   σ′ at the output (σ(x)(1 − σ(x)) with x = σ(a)), or the
  at the wrong point (or left out)  output formula on the pre-activation (a(1 − a)); σ′ = 1
* transposed matrix                 trueᵀ
* index / row mix-up                two entries, rows or columns swapped; an entry claimed
                                    with the value of another entry

When several slips fit, all are named; when the claim is only partly wrong, a slip that
explains exactly the wrong entries is named with those entries; when none fits, the
diagnosis says so. Nothing is guessed beyond what the numbers support.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .. import Value, build_grad, ops, topological_order, vsum
from ..formula import tensor as T
from ..formula.tensor import Q
from .claims import matches
from .model import Model
from .parser import Literal, Ref, Target

NO_SINGLE_SLIP = "no single slip explains it"
MAX_SWAP_ENTRIES = 36
MAX_LISTED = 8  # wrong entries named in a diagnosis
MAX_LISTED_SLIPS = 3


@dataclass(frozen=True, slots=True)
class Candidate:
    """A slip and the numbers it would have produced (flat, in the claim's order)."""

    text: str
    values: list[float]
    elementwise: bool = True  # may explain some entries alone


def _fmt(x: float) -> str:
    if x == 0:
        return "0"
    if abs(x) >= 1e-3:
        s = f"{x:.4f}".rstrip("0").rstrip(".")
        return s if s not in ("-0", "") else "0"
    return f"{x:.3g}"


def fmt_values(vals: list[float], shape: tuple[int, ...]) -> str:
    if not shape:
        return _fmt(vals[0])
    if len(shape) == 1:
        return "[" + ", ".join(_fmt(v) for v in vals) + "]"
    r, c = shape
    return "[" + ", ".join("[" + ", ".join(_fmt(v) for v in vals[i * c:(i + 1) * c]) + "]"
                           for i in range(r)) + "]"


def explains(texts: tuple[str, ...], alt: list[float]) -> bool:
    return all(math.isfinite(a) and matches(t, a) for t, a in zip(texts, alt, strict=False))


# ------------------------------------------------------------------ the slips
def _sign(true: list[float]) -> list[Candidate]:
    return [Candidate("sign flipped", [-v for v in true])]


def _factors(true: list[float], m: int | None) -> list[Candidate]:
    out = [Candidate("off by a factor 2", [2 * v for v in true]),
           Candidate("off by a factor ½", [v / 2 for v in true])]
    if m is not None and m > 2:
        out.append(Candidate(f"off by the batch size: multiplied by m = {m}",
                             [m * v for v in true]))
        out.append(Candidate(f"off by the batch size: divided by m = {m}",
                             [v / m for v in true]))
    return out


def _swaps(true: list[float], shape: tuple[int, ...]) -> list[Candidate]:
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


def _transposed_square(true: list[float], shape: tuple[int, ...]) -> list[Candidate]:
    if len(shape) != 2 or shape[0] != shape[1]:
        return []
    n = shape[0]
    return [Candidate("transposed matrix", [true[j * n + i] for i in range(n) for j in range(n)],
                      False)]


def _other_entries(model: Model, target: Target, true: list[float]) -> list[Candidate]:
    """An entry claimed with the value of another entry of the same quantity (or gradient)."""
    out = []
    num, den = target.num, target.den
    if target.kind == "value" and num is not None and num.index is not None:
        whole = model.get(num.name, num.line)
        for k, x in enumerate(whole.items):
            label = whole.entry_label(num.name, k)
            if label != _label(num):
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
                    if label != _label(den):
                        out.append(Candidate(f"index mix-up: this is ∂{num}/∂{label}", [g],
                                             False))
        if num.index is not None:
            whole = model.get(num.name, num.line)
            ds = model.ref(den)
            if not ds.shape:
                for k, z in enumerate(whole.items):
                    label = whole.entry_label(num.name, k)
                    if label != _label(num):
                        g = model.derivative(Q.scalar(z), ds, target, num.line).values()
                        out.append(Candidate(f"index mix-up: this is ∂{label}/∂{den}", g, False))
    return out


def _label(ref: Ref) -> str:
    if ref.index is None:
        return ref.name
    return f"{ref.name}[{','.join(map(str, ref.index))}]"


def _ancestors(items: list) -> set:
    seen: set = set()
    for x in items:
        if isinstance(x, Value) and x not in seen:
            seen.update(topological_order(x))
    return seen


def _upstream(model: Model, target: Target) -> list[Candidate]:
    """∂Q/∂p written for ∂z/∂p: the local derivative, missing the upstream factor ∂z/∂Q."""
    assert target.num is not None and target.den is not None
    z = model.ref(target.num)
    p = model.ref(target.den)
    if z.shape:
        return []
    z_anc = _ancestors(z.items)
    p_items = [T.lift(x) for x in p.items]
    p_set = set(p_items)
    out = []
    for name in model.derived():
        if name in (target.num.name, target.den.name) or name in model.loss_terms:
            continue  # (a loss term dropped is named by _loss_terms)
        q = model.values[name]
        if q.items == z.items or any(x in p_set for x in q.items):
            continue
        if not all(x in z_anc for x in q.items):
            continue  # z depends on Q
        if not p_set & _ancestors(q.items):
            continue  # Q depends on p
        summed = q.items[0] if q.size == 1 else vsum(q.items)
        table = build_grad(summed, p_items)
        local = [float(table.get(x, 0.0)) for x in p_items]
        up = model.derivative(z, q, "upstream", target.num.line)
        if all(abs(u - 1.0) < 1e-12 for u in up.values()):
            continue  # an upstream factor of 1 is not a missing factor
        shape = q.shape if q.size > 1 else ()
        factor = fmt_values(up.values(), shape) if q.size <= 6 else f"(a {q.size}-vector)"
        entrywise = "" if q.size == 1 else " (entry by entry)"
        out.append(Candidate(
            f"missing upstream factor ∂{target.num}/∂{name} = {factor}: this is the local "
            f"derivative ∂{name}/∂{target.den}{entrywise}", local))
    return out


def _loss_terms(model: Model, target: Target, true: list[float]) -> list[Candidate]:
    """One term of l = t₁ + t₂ + … differentiated wrongly (dropped, sign, ×2, ×½, ×m, ÷m)."""
    assert target.num is not None and target.den is not None
    if target.num.name != model.loss or target.num.index is not None or not model.loss_terms:
        return []
    p = model.ref(target.den)
    out = []
    factors = [(0.0, "is missing"), (-1.0, "has its sign flipped"),
               (2.0, "is off by a factor 2"), (0.5, "is off by a factor ½")]
    if model.batch and model.batch > 2:
        factors += [(float(model.batch), f"is multiplied by the batch size m = {model.batch}"),
                    (1 / model.batch, f"is divided by the batch size m = {model.batch}")]
    parts = {term: model.derivative(model.values[term], p, target, target.num.line).values()
             for term in model.loss_terms}
    parts = {t: d for t, d in parts.items() if any(abs(x) > 1e-15 for x in d)}
    if len(parts) < 2:  # one term carries the whole gradient: the plain slips say it all
        return []
    for term, d in parts.items():
        for k, what in factors:
            out.append(Candidate(f"the part of ∂{term}/∂{target.den} {what} (the rest of "
                                 f"∂{model.loss}/∂{target.den} is right)",
                                 [t + (k - 1.0) * x for t, x in zip(true, d, strict=False)]))
    return out


def _activation_point(model: Model, target: Target) -> list[Candidate]:
    assert target.num is not None and target.den is not None
    z = model.ref(target.num)
    p = model.ref(target.den)
    if len(z.shape) > 1:
        return []
    nodes = _ancestors(z.items)
    kinds = {n.op for n in nodes} & {ops.SIGMOID, ops.TANH}
    if not kinds:
        return []
    names = "/".join(sorted("σ" if k is ops.SIGMOID else "tanh" for k in kinds))
    p_items = [T.lift(x) for x in p.items]
    out = []
    for variant, text in (
        ("post", f"the activation's derivative taken at its output instead of its input "
                 f"({names}′ of the post-activation)"),
        ("pre", "the activation's derivative written with the pre-activation in the "
                "output formula (a(1 − a) instead of σ(a)(1 − σ(a)))"),
        ("skip", f"the activation's derivative left out ({names}′ taken as 1)"),
    ):
        vals = []
        for zi in z.items:
            vals.extend(wrong_point_grads(T.lift(zi), p_items, variant))
        out.append(Candidate(text, vals))
    return out


def wrong_point_grads(z: Value, wrt: list[Value], variant: str) -> list[float]:
    """Back-propagation with every σ′/tanh′ evaluated at the wrong point (or left out).

    ``post``: f′(f(a)) instead of f′(a);  ``pre``: the output formula on a, i.e. a(1 − a) for
    σ and 1 − a² for tanh, instead of σ(a)(1 − σ(a)) and 1 − tanh²(a);  ``skip``: f′ = 1.
    """
    grads: dict[Value, float] = {z: 1.0}
    for node in reversed(topological_order(z)):
        g = grads.get(node)
        if g is None or node.is_leaf:
            continue
        op = node.op
        a, out = (node.inputs[0].data if node.inputs else 0.0), node.data
        if variant == "skip" and op in (ops.SIGMOID, ops.TANH):
            contributions: tuple = (g,)
        elif op is ops.SIGMOID:
            s = _sigmoid(out) if variant == "post" else a
            contributions = (g * s * (1.0 - s),)
        elif op is ops.TANH:
            t = math.tanh(out) if variant == "post" else a
            contributions = (g * (1.0 - t * t),)
        else:
            contributions = op.bprop(tuple(i.data for i in node.inputs), out, g)
        for parent, c in zip(node.inputs, contributions, strict=False):
            grads[parent] = grads.get(parent, 0.0) + c
    return [float(grads.get(w, 0.0)) for w in wrt]


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))


# ------------------------------------------------------------------ the verdict
def candidates(model: Model, target: Target, true: list[float], shape: tuple[int, ...]
               ) -> list[Callable[[], list[Candidate]]]:
    """The slips that make sense for this claim, cheapest first (evaluated lazily)."""
    makers: list[Callable[[], list[Candidate]]] = [
        lambda: _sign(true),
        lambda: _factors(true, model.batch),
        lambda: _transposed_square(true, shape),
        lambda: _swaps(true, shape),
        lambda: _other_entries(model, target, true),
    ]
    if target.kind == "deriv":
        makers += [
            lambda: _loss_terms(model, target, true),
            lambda: _upstream(model, target),
            lambda: _activation_point(model, target),
        ]
    return makers


def diagnose(model: Model, target: Target, claim: Literal, true: list[float],
             shape: tuple[int, ...]) -> str:
    """Name the slip(s) that explain a wrong claim, or say that no single slip does."""
    texts = claim.texts
    wrong = [k for k, (t, v) in enumerate(zip(texts, true, strict=False)) if not matches(t, v)]
    if not wrong:  # pragma: no cover - only called for wrong claims
        return ""
    if any(not math.isfinite(v) for v in true):
        return "the true value is not a finite number"
    whole: list[str] = []
    partial: list[str] = []
    for make in candidates(model, target, true, shape):
        for cand in make():
            if len(cand.values) != len(true):
                continue
            if explains(texts, cand.values):
                if cand.text not in whole:
                    whole.append(cand.text)
            elif cand.elementwise and len(true) > 1 and len(wrong) < len(true):
                sub = tuple(texts[k] for k in wrong)
                if explains(sub, [cand.values[k] for k in wrong]):
                    if cand.text not in partial:
                        partial.append(cand.text)
    if whole:
        return _either(whole)
    shown = ", ".join(_position(k, shape) for k in wrong[:MAX_LISTED])
    if len(wrong) > MAX_LISTED:
        shown += f", … ({len(wrong)} of {len(true)})"
    where = "entr" + ("y " if len(wrong) == 1 else "ies ") + shown
    if partial:
        return f"{where}: {_either(partial)}"
    if len(true) > 1 and len(wrong) < len(true):
        return f"{where} wrong; {NO_SINGLE_SLIP}"
    return NO_SINGLE_SLIP


def transposed(claim: Literal, true: Q) -> bool:
    """The claim is the true matrix transposed (a shape mismatch that the numbers explain)."""
    tt = T.transpose(Q(_squeeze(true.shape), true.values()))
    return explains(claim.texts, tt.values())


def _squeeze(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(d for d in shape if d != 1)


def _position(k: int, shape: tuple[int, ...]) -> str:
    if len(shape) == 2:
        return f"({k // shape[1] + 1},{k % shape[1] + 1})"
    return str(k + 1)


def _either(texts: list[str]) -> str:
    """One slip, or the few that fit (a claim with few decimals may fit many)."""
    if len(texts) == 1:
        return texts[0]
    more = len(texts) - MAX_LISTED_SLIPS
    head = "either " + "; or ".join(texts[:MAX_LISTED_SLIPS])
    return head + (f"; or {more} other slip{'s' * (more > 1)} (write more decimals to tell)"
                   if more > 0 else "")
