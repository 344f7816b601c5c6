"""``backprop verify --explain``: each wrong claim followed by its correct working, the
solution's line for it and the lines that line is computed from."""

from __future__ import annotations

import textwrap

from .lines import Line
from .solution import WIDTH, Solution, Solutions, claim_text, line_text


def working(sol: Solution, line: Line) -> list[Line]:
    """The lines a line is computed from, in back-propagation order, then the line itself."""
    pool = line.support or sol.backward
    by_key = {ln.quantity: ln for ln in pool}
    needed: set[str] = set()
    todo = list(line.uses)
    while todo:
        key = todo.pop(0)
        if key in needed or key not in by_key:
            continue
        needed.add(key)
        todo += by_key[key].uses
    return [ln for ln in pool if ln.quantity in needed and ln is not line] + [line]


def wrong_lines(sol: Solution) -> list[tuple[Line, object]]:
    """(line, claim) for every wrong claim of a solution, in the order of the lines."""
    found = [(ln, c) for ln in sol.all_lines() for c in ln.claims
             if getattr(c, "status", "") == "wrong"]
    return sorted(found, key=lambda lc: int(getattr(lc[1], "line", 0) or 0))


def explain(sols: Solutions | list[Solution]) -> str:
    """The working of every wrong claim, as terminal text ('' when nothing is wrong)."""
    out: list[str] = []
    for sol in sols:
        wrong = wrong_lines(sol)
        if not wrong:
            continue
        out += ["", f"== {sol.title}: the working of each wrong claim =="]
        for line, claim in wrong:
            head = f"{getattr(claim, 'name', line.quantity)} (line {getattr(claim, 'line', '?')}): "
            out += textwrap.wrap(head + claim_text(claim), WIDTH, initial_indent="  ",
                                 subsequent_indent="      ")
            for step in working(sol, line):
                out += line_text(_bare(step), "    ")
    return "\n".join(out)


def _bare(line: Line) -> Line:
    """The line without its claims (the verdict is printed above it)."""
    return Line(line.lhs, line.stages, line.values, notes=line.notes, quantity=line.quantity,
                section=line.section)
