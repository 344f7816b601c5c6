"""What an exercise asks: the claims and shows of the teacher's example, each with the decimals
the answer must have and its points.

* a ``claim`` asks for its quantity with as many decimals as the teacher wrote (the most
  decimals of any of its entries: ``[0.5, 0.3208]`` asks for 4);
* a ``show`` asks with :data:`DEFAULT_DECIMALS` decimals;
* ``points QUANTITY = n`` sets what the answer is worth (1 by default);
* a claim judged with a tolerance of its own (``claim y = 4.49 with rtol 0.01``, or the file's
  ``tolerance`` line) judges the student's answer with that tolerance;
* a quantity claimed twice (a slide's rounded value, then numpy's) is asked once, as the first
  claim asks it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..verify.claims import AS_WRITTEN, Tolerance, decimals
from ..verify.parser import ExampleSpec, Target
from ..verify.vary import Points
from .errors import ExerciseError

DEFAULT_DECIMALS = 4
DEFAULT_POINTS = 1.0


@dataclass(frozen=True, slots=True)
class Asked:
    """One quantity the student computes: named as a claim names it (``dl/dW2``)."""

    name: str
    target: Target
    line: int
    decimals: int
    points: float
    kind: str  # "claim" | "show"
    tolerance: Tolerance | None = None  # the teacher's claim's, when not "as written"


def asked(spec: ExampleSpec) -> list[Asked]:
    """The quantities an example asks for, in the order the teacher wrote them."""
    points = _points(spec)
    out: list[Asked] = []
    seen: set[str] = set()
    for st in spec.stmts:
        if st.kind not in ("claim", "show") or st.target is None:
            continue
        name = str(st.target)
        if name in seen:
            continue
        seen.add(name)
        if st.kind == "claim" and st.literal is not None:
            k = max(decimals(t) for t in st.literal.texts)
        else:
            k = 0 if st.target.kind == "count" else DEFAULT_DECIMALS
        worth = points.pop(name).points if name in points else DEFAULT_POINTS
        tol = st.tolerance if st.kind == "claim" else None
        if tol is not None and tol.mode == AS_WRITTEN:
            tol = None
        out.append(Asked(name, st.target, st.line, k, worth, st.kind, tol))
    for p in points.values():
        raise ExerciseError(f"points {p.quantity}: no claim or show of this example asks for "
                          f"{p.quantity} (asked: {', '.join(a.name for a in out) or 'nothing'})",
                          p.line)
    return out


def _points(spec: ExampleSpec) -> dict[str, Points]:
    out: dict[str, Points] = {}
    for st in spec.exercise:
        p = st.options.get("points")
        if isinstance(p, Points):
            if p.quantity in out:
                raise ExerciseError(f"points {p.quantity} is already set (line "
                                  f"{out[p.quantity].line})", p.line)
            out[p.quantity] = p
    return out
