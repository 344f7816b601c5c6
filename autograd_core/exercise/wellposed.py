"""Is a variant worth giving to a student? Three checks, each with its reason.

* **No domain error, nothing infinite.** Every quantity computes (no log of a number ≤ 0, no
  division by zero, no square root of a negative number) and is finite.
* **No kink, unless the teacher asks for one** (``vary kinks allowed``). A relu, step, abs or
  leaky_relu whose input is within :data:`KINK_MARGIN` of its kink is refused, not only one
  exactly at it: a student who rounds the intermediate values to 2 or 4 decimals could
  otherwise land on the other side of the kink, and their answer would depend on a convention
  (relu′(0)) or on rounding instead of on the chain rule.
* **Gradients large enough to be worth computing.** Every entry of every derivative asked
  (and of every ``grad(l, W)`` an update uses) is at least :data:`MIN_UNITS` units of the last
  decimal asked (0.001 for 4 decimals), unless it is exactly zero where the teacher's own
  example is zero too (a relu that is off). A gradient that rounds to 0.0000 tests nothing:
  the slips the grader diagnoses (a flipped sign, a factor 2 or ½, a missing upstream factor)
  would all give the same written digits as the right answer, so neither the score nor the
  feedback could tell them apart. Ten units keep a sign flip ≥ 20 units and a halving ≥ 5
  units away from the right answer.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields, is_dataclass

from .. import Value, topological_order
from ..formula.syntax import Call, Name
from ..verify.model import Model
from ..verify.parser import ExampleSpec
from .questions import DEFAULT_DECIMALS, Asked

KINK_MARGIN = 0.01
MIN_UNITS = 10
KINKED_OPS = ("relu", "step", "abs", "leaky_relu")
ZERO = 1e-12


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a variant was refused: a kind (``domain``, ``kink``, ``small gradient``) and what."""

    kind: str
    detail: str

    def __str__(self) -> str:
        """``kind: detail``."""
        return f"{self.kind}: {self.detail}"


@dataclass(frozen=True, slots=True)
class Gradient:
    """A derivative the exercise needs, with the decimals it is asked with."""

    name: str
    values: list[float]
    decimals: int


def problems(model: Model, gradients: Sequence[Gradient], zeros: dict[str, list[bool]],
             kinks_allowed: bool) -> list[Problem]:
    """Everything that makes this variant ill-posed (empty: give it to a student).

    ``zeros[name][i]`` is True where the teacher's own example has an exact zero.
    """
    out = list(_not_finite(model))
    if not kinks_allowed:
        out += _kinks(model)
    for g in gradients:
        out += _small(g, zeros.get(g.name, []))
    return out


def _nodes(model: Model) -> Iterator[Value]:
    seen: set[Value] = set()
    for name in model.derived():
        for item in model.values[name].items:
            if item in seen:
                continue
            for node in topological_order(item):
                if node not in seen:
                    seen.add(node)
                    yield node


def _not_finite(model: Model) -> Iterator[Problem]:
    for name in model.derived():
        for item in model.values[name].items:
            if not math.isfinite(float(item.data)):
                yield Problem("not finite", f"{item.label or name} = {float(item.data)}")
                return


def _kinks(model: Model) -> list[Problem]:
    out = []
    for node in _nodes(model):
        op = node.op
        if op.is_leaf or op.name.split("(")[0] not in KINKED_OPS:
            continue
        a = float(node.inputs[0].data)
        if op.at_kink or abs(a) < KINK_MARGIN:
            where = node.label or f"a {op.name.split('(')[0]} node"
            out.append(Problem("kink", f"{where}: {op.name.split('(')[0]}({a:.4g}) is within "
                                       f"{KINK_MARGIN} of its kink"))
    return out


def _small(g: Gradient, zeros: list[bool]) -> list[Problem]:
    least = MIN_UNITS * 10.0 ** -g.decimals
    out = []
    for i, v in enumerate(g.values):
        if abs(v) < ZERO and i < len(zeros) and zeros[i]:
            continue  # zero here as in the teacher's example (a relu that is off)
        if not abs(v) >= least:
            out.append(Problem("small gradient", f"{g.name} entry {i + 1} = {float(v):.3g} "
                                                 f"(below {least:g})"))
    return out


def gradients(model: Model, spec: ExampleSpec, asked: Sequence[Asked]) -> list[Gradient]:
    """The derivatives the exercise asks for, and those its update formulas use."""
    out = []
    for a in asked:
        if a.target.kind == "deriv":
            out.append(Gradient(a.name, model.compute(a.target, a.line).values(), a.decimals))
    for z, p in grad_calls(spec):
        q = model.derivative(model.get(z, None), model.get(p, None), f"grad({z}, {p})", 0)
        out.append(Gradient(f"grad({z}, {p})", q.values(), DEFAULT_DECIMALS))
    return out


def grad_calls(spec: ExampleSpec) -> list[tuple[str, str]]:
    """``grad(z, p)`` written in the example's formulas (one step of gradient descent)."""
    out: list[tuple[str, str]] = []
    for st in spec.stmts:
        for call in _calls(st.expr):
            z, p = call.args
            if isinstance(z, Name) and isinstance(p, Name) and (z.name, p.name) not in out:
                out.append((z.name, p.name))
    return out


def _calls(e: object) -> Iterator[Call]:
    """Every ``grad(…)`` call inside a formula's syntax tree, left to right (an explicit
    stack: a loss of 10,000 terms is no deeper for Python than one)."""
    stack: list[object] = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, Call) and node.func == "grad":
            yield node
        if isinstance(node, tuple):
            stack.extend(reversed(node))
        elif is_dataclass(node) and not isinstance(node, type):
            stack.extend(reversed([getattr(node, f.name) for f in fields(node)]))
