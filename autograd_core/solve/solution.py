"""A worked solution: given numbers, forward pass, backward pass, the claims' verdicts; and
how it shows itself (terminal text, Markdown, LaTeX, HTML, and in Jupyter)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import expr as E
from .lines import Line, Part
from .quantities import Quantity
from .rounding import Precision

WIDTH = 100
SECTIONS = (("given", "Given"), ("forward", "Forward pass"),
            ("backward", "Backward pass"), ("claimed", "Also claimed"))
SECTION_INTRO = {
    "backward": "in back-propagation order: each gradient from the ones above it",
}
MARK = {"ok": "✓", "truncated": "≈", "wrong": "✗"}


@dataclass
class Solution:
    """The worked solution of one example."""

    title: str
    notes: list[str]
    path: str | None
    precision: Precision
    given: list[Line]
    forward: list[Line]
    backward: list[Line]
    claimed: list[Line]
    conventions: list[str]
    quantities: dict[str, Quantity] = field(default_factory=dict, repr=False)

    def sections(self) -> Iterator[tuple[str, str, list[Line]]]:
        """(key, title, lines) of each section that has lines."""
        for key, title in SECTIONS:
            lines = getattr(self, key)
            if lines:
                yield key, title, lines

    def all_lines(self) -> list[Line]:
        """Every line, the per-entry expansions included."""
        return [ln for _, _, lines in self.sections() for line in lines
                for ln in line.all_lines()]

    def line(self, quantity: str) -> Line:
        """The line about one quantity (``"x1"``, ``"dl/dW2"`` for a claimed derivative,
        ``"W1[2,1]"`` for an entry)."""
        for ln in self.all_lines():
            if ln.quantity == quantity:
                return ln
        known = ", ".join(dict.fromkeys(ln.quantity or "" for ln in self.all_lines()))
        raise KeyError(f"no line about {quantity!r} in {self.title!r}; lines: {known}")

    def backward_line(self, quantity: str) -> Line:
        """The backward line ∂loss/∂quantity."""
        for ln in self.backward:
            for x in ln.all_lines():
                if x.quantity == quantity:
                    return x
        raise KeyError(f"no gradient of {quantity!r} in {self.title!r}")

    def header(self) -> list[str]:
        """The lines under the title: the example's notes, its file, the rounding."""
        out = list(self.notes)
        if self.path:
            out.append(f"({self.path})")
        out.append(f"Numbers are carried exact and shown rounded to {self.precision.describe()}.")
        return out

    # ------------------------------------------------------------ renderings
    def to_text(self, per_scalar: bool = False) -> str:
        """The solution for a terminal."""
        return to_text(self, per_scalar)

    def to_markdown(self, per_scalar: bool = False) -> str:
        """Markdown, math in ``$…$``."""
        from .render_md import to_markdown

        return to_markdown(self, per_scalar)

    def to_latex(self, per_scalar: bool = False) -> str:
        """A standalone LaTeX document (compiles with pdflatex)."""
        from .render_tex import document

        return document([self], per_scalar)

    def to_html(self, per_scalar: bool = False) -> str:
        """One self-contained HTML page, the math as MathML."""
        from .render_html import page

        return page([self], per_scalar)

    def __repr__(self) -> str:
        """The terminal text."""
        return self.to_text()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_latex_(self) -> str:
        from .render_tex import math_block

        return math_block([self])

    def only(self, quantities: list[str]) -> Solution:
        """The same solution with only the gradients of these quantities in the backward
        pass, and the lines they are computed from (unknown names: KeyError)."""
        from .explain import working

        keep: list[Line] = []
        for key in quantities:
            line = next((ln for ln in self.backward if ln.quantity == key), None)
            if line is None:
                import difflib

                known = [str(ln.quantity) for ln in self.backward]
                close = difflib.get_close_matches(key, known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise KeyError(f"no gradient of {key!r} in {self.title!r}{hint}; the "
                               f"backward pass has: {', '.join(known) or 'nothing'}")
            keep += [ln for ln in working(self, line) if ln not in keep]
        order = {id(ln): i for i, ln in enumerate(self.backward)}
        backward = sorted(keep, key=lambda ln: order[id(ln)])
        return Solution(self.title, self.notes, self.path, self.precision, self.given,
                        self.forward, backward, [], self.conventions, self.quantities)

    def _repr_html_(self) -> str:
        from .render_html import fragment

        return fragment([self], False)


class Solutions(list[Solution]):
    """The solutions of every example of a file."""

    def to_text(self, per_scalar: bool = False) -> str:
        """Every example's solution for a terminal."""
        return "\n\n".join(s.to_text(per_scalar) for s in self)

    def to_markdown(self, per_scalar: bool = False) -> str:
        """Markdown, math in ``$…$``."""
        return "\n\n".join(s.to_markdown(per_scalar) for s in self)

    def to_latex(self, per_scalar: bool = False) -> str:
        """One LaTeX document."""
        from .render_tex import document

        return document(list(self), per_scalar)

    def to_html(self, per_scalar: bool = False) -> str:
        """One HTML page."""
        from .render_html import page

        return page(list(self), per_scalar)

    def __getitem__(self, key: Any) -> Any:
        """By position, or by the example's title."""
        if isinstance(key, str):
            for s in self:
                if s.title == key:
                    return s
            raise KeyError(f"no example {key!r}; examples: {[s.title for s in self]}")
        return super().__getitem__(key)

    def __repr__(self) -> str:
        """The terminal text."""
        return self.to_text()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        from .render_html import fragment

        return fragment(list(self), False)


# ------------------------------------------------------------------ plain text
def part_text(part: Part) -> str:
    """A note's piece as text."""
    return part if isinstance(part, str) else E.text(part)


def claim_text(c: Any) -> str:
    """One claim's verdict, in words."""
    mark = MARK.get(c.status, "•")
    head = f"{mark} the example claims {c.claimed_text.replace('-', '−')}: {c.status}"
    if c.diagnosis:
        head += f" ({c.diagnosis})"
    return head


def line_text(line: Line, indent: str = "  ") -> list[str]:
    """A line, its stages wrapped one per row when they do not fit, then its notes."""
    lhs = E.text(line.lhs)
    stages = [E.text(s) for s in line.stages]
    one = f"{indent}{lhs} = " + " = ".join(stages)
    if len(one) <= WIDTH:
        rows = [one]
    else:
        pad = indent + " " * len(lhs) + " = "
        rows = [f"{indent}{lhs} = {stages[0]}"] + [pad + s for s in stages[1:]]
        rows = [rows[0]] + [" " * (len(indent) + len(lhs) + 1) + "= " + s for s in stages[1:]]
    sub = indent + "    "
    for note in line.notes:
        rows += textwrap.wrap("".join(part_text(p) for p in note), WIDTH, initial_indent=sub,
                              subsequent_indent=sub + "  ")
    for c in line.claims:
        rows += textwrap.wrap(claim_text(c), WIDTH, initial_indent=sub,
                              subsequent_indent=sub + "  ")
    return rows


def _show_entries(line: Line, per_scalar: bool) -> list[Line]:
    if per_scalar:
        return line.entries
    return [e for e in line.entries if e.claims or e.shown]


def to_text(sol: Solution, per_scalar: bool = False) -> str:
    """The whole solution as terminal text."""
    out = [f"== {sol.title} =="]
    out += [f"   {n}" for n in sol.header()]
    for key, title, lines in sol.sections():
        intro = SECTION_INTRO.get(key)
        out += ["", title + (f" ({intro})" if intro else "")]
        for line in lines:
            out += line_text(line)
            for e in _show_entries(line, per_scalar):
                out += line_text(e, "      ")
    if sol.conventions:
        out += ["", "Conventions"]
        for w in sol.conventions:
            out += textwrap.wrap(w, WIDTH, initial_indent="  ", subsequent_indent="    ")
    return "\n".join(out)
