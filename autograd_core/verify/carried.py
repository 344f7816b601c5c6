"""Error carried forward: which wrong claims the example's other claimed numbers reproduce.

A careful grader does not mark one mistake five times. When a wrong claim is exactly what
the example's *other* claims give, it follows from them:

* **forward**: a value computed again with other claimed values put in place of the true
  ones (``h`` printed 0.67, then ``y = 10·h²`` = 4.49 from the printed h; the model is
  built again with those entries pinned, :func:`.model.build`);
* **backward**: a gradient ∂z/∂p computed again with a claimed gradient ∂z/∂Q in place of
  the true one, for a quantity Q between p and z: the chain rule through Q, seeded there
  with the claimed value. Each entry Qₖ depends on p only, not on another entry, so
  ∂z/∂p with ∂z/∂Qₖ set to gₖ is ∂z/∂p + Σₖ (gₖ − ∂z/∂Qₖ)·∂Qₖ/∂p.

Only claims upstream of the wrong one may explain it (a value defined before it; a gradient
nearer the loss), so no two claims explain each other in a circle. Single claims are tried
first, the gradients nearest the loss and then the values nearest the start of the
computation; then all of them at once, reduced to the claims it needs.

A claim that follows only from claims that are right (rounded or truncated) is ``ok``: it
was computed from the slide's own printed intermediates, without an error of its own. A
claim that follows from a wrong claim stays ``wrong``, with ``follows_from`` naming the
claims it follows from, so the report shows the root slip once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .. import Value, topological_order, vsum
from ..formula import tensor as T
from ..formula.evaluate import gradient
from ..formula.tensor import Q
from .claims import OK, WRONG, agrees
from .errors import VerifyError
from .model import Model, Pins, build
from .parser import Ref, Target

if TYPE_CHECKING:
    from .checker import Judged

MAX_TRIALS = 40  # recomputations tried per wrong claim
MAX_REBUILDS = 48  # models built again per example
MAX_NODES = 200_000  # beyond this many nodes the search is skipped (a report stays quick)
MAX_ENTRIES = 64  # a claimed gradient of more entries is not used as a seed


@dataclass(frozen=True)
class Carried:
    """A wrong claim reproduced by other claims: their names, the status, the note."""

    names: tuple[str, ...]
    status: str
    text: str


@dataclass
class _Source:
    """A claim that may explain others: the entries it pins, forward or backward."""

    judged: Judged
    name: str
    order: int  # where its quantity was defined (smaller: nearer the start)
    pins: dict[int, Fraction]  # flat entry → claimed value
    quantity: str  # the quantity's name (a value claim) or Q's (a gradient ∂z/∂Q)
    numerator: str = ""  # str(z) of a gradient claim ∂z/∂Q


@dataclass
class _Search:
    """The state of one example's search: its models built again, and the budget."""

    model: Model
    rebuilt: dict[frozenset[str], Model | None] = field(default_factory=dict)
    ancestors: dict[str, set[Value]] = field(default_factory=dict)

    def model_with(self, forward: Sequence[_Source]) -> Model | None:
        """The example built again with these claims' entries pinned (None: over budget)."""
        if not forward:
            return self.model
        key = frozenset(s.name for s in forward)
        if key not in self.rebuilt:
            if len(self.rebuilt) >= MAX_REBUILDS or self.model.spec is None:
                return None
            pins: dict[str, dict[int, Fraction]] = {}
            for s in forward:
                pins.setdefault(s.quantity, {}).update(s.pins)
            self.rebuilt[key] = _rebuild(self.model, pins)
        return self.rebuilt[key]


def _rebuild(model: Model, pins: Pins) -> Model | None:
    assert model.spec is not None
    try:
        return build(model.spec, pins)
    except VerifyError:  # a pinned value outside a later op's domain (log of ≤ 0, …)
        return None


def carry_forward(model: Model, judged: list[Judged]) -> dict[int, Carried]:
    """For each wrong claim (by ``id``) that other claims reproduce: how (see the module)."""
    wrong = [j for j in judged if j.status == WRONG and j.shape_note is None]
    if not wrong or _size(model) > MAX_NODES:
        return {}
    search = _Search(model)
    sources = _sources(model, judged)
    found: dict[int, tuple[Judged, list[_Source]]] = {}
    for j in wrong:
        used = _explain(search, j, sources)
        if used:
            found[id(j)] = (j, used)
    return _verdicts(found)


def _size(model: Model) -> int:
    items = [x for q in model.values.values() for x in q.items if isinstance(x, Value)]
    return len(topological_order(items)) if items else 0


# ------------------------------------------------------------------ the candidates
def _sources(model: Model, judged: list[Judged]) -> list[_Source]:
    order = {name: i for i, name in enumerate(model.values)}
    out = []
    for j in judged:
        t, lit = j.stmt.target, j.stmt.literal
        if j.shape_note is not None or t is None or lit is None or t.kind == "count":
            continue
        ref = t.num if t.kind == "value" else t.den
        assert ref is not None
        if ref.name not in model.values:
            continue
        flat = _flat(model.values[ref.name], ref)
        if len(flat) != len(lit.values):
            continue
        pins = dict(zip(flat, lit.values, strict=True))
        numerator = str(t.num) if t.kind == "deriv" else ""
        out.append(_Source(j, str(t), order[ref.name], pins, ref.name, numerator))
    return out


def _flat(q: Q, ref: Ref) -> list[int]:
    """The flat positions of the entries a reference names."""
    if ref.index is None:
        return list(range(q.size))
    if len(q.shape) == 1:
        return [ref.index[0] - 1]
    cols = q.shape[1] if len(q.shape) == 2 else 1
    row = ref.index[0] - 1
    if len(ref.index) == 1:
        return list(range(row * cols, (row + 1) * cols))
    return [row * cols + ref.index[1] - 1]


def _candidates(search: _Search, j: Judged, sources: list[_Source]
                ) -> tuple[list[_Source], list[_Source]]:
    """The claims upstream of j: gradients nearest the loss first, values nearest the start."""
    m = search.model
    t = j.stmt.target
    assert t is not None and t.num is not None
    order = list(m.values)
    own = {t.num.name} | ({t.den.name} if t.den is not None else set())
    limit = order.index(t.num.name) if t.num.name in order else -1
    # a value is pinned anywhere upstream of the claim's numerator, the denominator included
    # (a derivative evaluated at the printed, rounded point)
    forward = [s for s in sources if s.judged is not j and not s.numerator
               and s.quantity != t.num.name and s.order <= limit
               and any(s.pins[k] != T.data(m.values[s.quantity].items[k]) for k in s.pins)]
    backward: list[_Source] = []
    if t.kind == "deriv" and m.ref(t.num).size == 1:
        backward = [s for s in sources if s.judged is not j and s.numerator == str(t.num)
                    and s.quantity not in own and _between(search, s, t)]
    backward.sort(key=lambda s: -s.order)
    forward.sort(key=lambda s: s.order)
    return backward, forward


def _between(search: _Search, s: _Source, t: Target) -> bool:
    """Q (the seed's quantity) lies between p and z, and its entries are independent."""
    assert t.num is not None and t.den is not None
    m = search.model
    if len(s.pins) > MAX_ENTRIES:
        return False
    z_anc = search.ancestors.setdefault(str(t.num), set(topological_order(
        [T.lift(x) for x in m.ref(t.num).items])))
    q_items = [T.lift(m.values[s.quantity].items[k]) for k in s.pins]
    if not all(x in z_anc for x in q_items):
        return False
    p_items = {T.lift(x) for x in m.ref(t.den).items}
    if p_items & set(q_items):
        return False
    below = [set(topological_order(x)) - {x} for x in q_items]
    if any(x in b for b in below for x in q_items):
        return False  # one entry depends on another
    return any(p_items & b for b in below)


# ------------------------------------------------------------------ the search
def _explain(search: _Search, j: Judged, sources: list[_Source]) -> list[_Source]:
    """The claims that reproduce j (empty when none do), tried as the module says."""
    backward, forward = _candidates(search, j, sources)
    trials = 0
    for seed in backward:
        trials += 1
        if _reproduces(search, j, [], seed):
            return [seed]
    for s in forward:
        trials += 1
        if trials > MAX_TRIALS:
            return []
        if _reproduces(search, j, [s], None):
            return [s]
    if len(forward) < 2 and not (forward and backward):
        return []
    seeds: list[_Source | None] = [*backward, None]
    for chosen in seeds:
        trials += 1
        if trials > MAX_TRIALS:
            return []
        if _reproduces(search, j, forward, chosen):
            return _reduce(search, j, forward, chosen, trials)
    return []


def _reduce(search: _Search, j: Judged, forward: list[_Source], seed: _Source | None,
            trials: int) -> list[_Source]:
    """Drop the claims not needed, farthest from the start first."""
    kept = list(forward)
    for s in reversed(forward):
        if trials >= MAX_TRIALS:
            break
        trial = [k for k in kept if k is not s]
        if not trial and seed is None:
            continue
        trials += 1
        if _reproduces(search, j, trial, seed):
            kept = trial
    return ([seed] if seed is not None else []) + kept


def _reproduces(search: _Search, j: Judged, forward: Sequence[_Source],
                seed: _Source | None) -> bool:
    """Does j's claim come out of the model with these claims' values put in?"""
    m = search.model_with(forward)
    if m is None:
        return False
    try:
        values = _recompute(m, j, seed)
    except (VerifyError, ValueError, ZeroDivisionError, OverflowError):
        return False
    lit = j.stmt.literal
    assert lit is not None
    return len(values) == len(lit.values) and all(
        agrees(w, v, j.tolerance) for w, v in zip(lit.numbers, values, strict=True))


def _recompute(m: Model, j: Judged, seed: _Source | None) -> list[Any]:
    t = j.stmt.target
    assert t is not None and t.num is not None
    if t.kind == "value":
        return m.ref(t.num).values()
    assert t.den is not None
    z, p = m.ref(t.num), m.ref(t.den)
    base = m.derivative(z, p, t, j.stmt.line).values()
    if seed is None:
        return base
    q = m.values[seed.quantity]
    entries = [T.lift(q.items[k]) for k in seed.pins]
    true = m.derivative(z, Q((len(entries),), entries), t, j.stmt.line).values()
    gaps = [seed.pins[k] - _exact(g) for k, g in zip(seed.pins, true, strict=True)]
    pushed = vsum([x * gap for x, gap in zip(entries, gaps, strict=True)])
    extra = gradient(pushed, [T.lift(x) for x in p.items])
    return [b + e for b, e in zip(base, extra, strict=True)]


def _exact(x: Any) -> Any:
    return x if isinstance(x, Fraction) else Fraction(float(x))


# ------------------------------------------------------------------ the verdicts
def _verdicts(found: dict[int, tuple[Judged, list[_Source]]]) -> dict[int, Carried]:
    """ok when every claim followed from is sound (right, or itself ok this way)."""
    sound: dict[int, bool] = {}
    out = {}
    for key, (_, used) in found.items():
        names = tuple(s.name for s in used)
        listed = ", ".join(f"{s.name} = {_claimed(s)}" for s in used)
        if all(_is_sound(s.judged, found, sound) for s in used):
            out[key] = Carried(names, OK, f"computed from the claimed {listed} (rounded "
                                          "intermediates): no error of its own")
        else:
            out[key] = Carried(names, WRONG, f"follows from the claimed {listed}: error "
                                             "carried forward, no new slip")
    return out


def _is_sound(j: Judged, found: dict[int, tuple[Judged, list[_Source]]],
              sound: dict[int, bool]) -> bool:
    """Right from the exact values, or following only from sound claims (an explicit stack
    over the claims followed from: they are upstream, so there is no circle)."""
    todo = [j]
    while todo:
        top = todo[-1]
        if id(top) in sound:
            todo.pop()
        elif top.status != WRONG or id(top) not in found:
            sound[id(top)] = top.status != WRONG
            todo.pop()
        else:
            deps = [s.judged for s in found[id(top)][1] if id(s.judged) not in sound]
            if deps:
                todo += deps
            else:
                sound[id(top)] = all(sound[id(s.judged)] for s in found[id(top)][1])
                todo.pop()
    return sound[id(j)]


def _claimed(s: _Source) -> str:
    lit = s.judged.stmt.literal
    assert lit is not None
    if len(lit.texts) == 1:
        return lit.texts[0]
    return "[" + ", ".join(lit.texts[:4]) + (", …]" if len(lit.texts) > 4 else "]")
