"""One line of a worked solution: ``lhs = stage = stage = result``, its notes, its claims.

The stages go from the formula in names to the numbers substituted to the result. Every
stage written only in numbers is evaluated again from its printed numbers; where that gives
a different printed result than the exact value does (rounded factors), the line says so in
a note (:func:`arithmetic_note`), so no line's printed arithmetic silently disagrees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .expr import Arr, Expr, Num, evaluate, has_names, numbers
from .rounding import Precision

Part = str | Expr  # a note is text with math in it


@dataclass
class Line:
    """``lhs = stages[0] = … = stages[-1]``; the last stage is the result, in numbers."""

    lhs: Expr
    stages: list[Expr]
    values: list[Any]                                  # the exact result, entry by entry
    notes: list[list[Part]] = field(default_factory=list)
    claims: list[Any] = field(default_factory=list)    # verify's ClaimResult for this line
    entries: list[Line] = field(default_factory=list)  # the per-scalar expansion
    quantity: str | None = None                        # the example's name of the quantity
    section: str = ""                                  # given | forward | backward | claimed
    shown: bool = False                                # asked for with `show`
    nodes: list[Any] = field(default_factory=list, repr=False)  # the engine nodes shown
    root: Any = field(default=None, repr=False)  # what is differentiated (backward lines)
    wrt: list[Any] = field(default_factory=list, repr=False)  # a Jacobian's denominator
    uses: list[str] = field(default_factory=list)  # the quantities whose lines this one uses
    support: list[Line] = field(default_factory=list, repr=False)  # those lines, if not in
    # the solution's own backward pass (a claim's own back-propagation), in their order

    @property
    def result(self) -> Expr:
        """The last stage: the result, in numbers."""
        return self.stages[-1]

    def printed_result(self) -> list[str]:
        """The result's numbers as printed."""
        return [n.text for n in numbers(self.result)]

    def __str__(self) -> str:
        """``lhs = stage = … = result`` in Unicode."""
        from .expr import text

        return " = ".join([text(self.lhs), *(text(s) for s in self.stages)])

    def all_lines(self) -> list[Line]:
        """This line and its per-scalar expansion."""
        return [self, *self.entries]


def _cells(a: Arr) -> list[Any]:
    return list(a.cells)


def recomputed(line: Line) -> list[tuple[int, list[Any] | None]]:
    """For each numeric stage before the result: the result as its printed numbers give it,
    or None where a stage cannot be evaluated."""
    out: list[tuple[int, list[Any] | None]] = []
    for i, stage in enumerate(line.stages[:-1]):
        if has_names(stage):
            continue
        try:
            cells = _cells(evaluate(stage))
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            out.append((i, None))
            continue
        out.append((i, cells))
    return out


def disagreements(line: Line, precision: Precision) -> dict[int, Any]:
    """Entry → the value the printed factors give, where it prints differently from the
    exact result."""
    worst: dict[int, Any] = {}
    for _, got in recomputed(line):
        if got is None or len(got) != len(line.values):
            continue
        for k, (g, exact) in enumerate(zip(got, line.values, strict=True)):
            if not precision.agree(g, exact):
                worst.setdefault(k, g)
    return worst


def arithmetic_note(line: Line, precision: Precision) -> list[Part] | None:
    """The note a line needs when its printed factors give another printed result."""
    worst = disagreements(line, precision)
    if not worst:
        return None
    shown = line.printed_result()
    if len(shown) == 1:
        g = precision.text(next(iter(worst.values())))
        return [f"The factors are shown rounded: with the numbers as printed the arithmetic "
                f"gives {_minus(g)}; from the exact values the result is {_minus(shown[0])}."]
    diffs = ", ".join(f"entry {k + 1}: {_minus(precision.text(g))} instead of "
                      f"{_minus(shown[k])}" for k, g in sorted(worst.items()))
    return ["The factors are shown rounded: with the numbers as printed the arithmetic gives "
            f"{diffs}; the result shown is computed from the exact values."]


def _minus(s: str) -> str:
    return s.replace("-", "−")


def result_of(values: list[Any], layout: Any, precision: Precision) -> Expr:
    """The result stage: the exact values, rounded, in the quantity's shape."""
    nums: list[Expr] = [Num(v, precision.text(v)) for v in values]
    out: Expr = layout(nums)
    return out
