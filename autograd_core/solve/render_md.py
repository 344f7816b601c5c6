"""A solution as Markdown: one item per line, the math in ``$…$`` (LaTeX, as GitHub,
JupyterLab and pandoc read it). Every text from the example (its name, notes, file name) goes
through :mod:`autograd_core.markup`, so none of it can become HTML or a link."""

from __future__ import annotations

from ..markup import md_code, md_text
from . import expr as E
from .lines import Line, Part
from .solution import MARK, SECTION_INTRO, Solution, _show_entries


def _md_part(part: Part) -> str:
    return md_text(part) if isinstance(part, str) else f"${E.latex(part)}$"


def math_line(line: Line) -> str:
    """``lhs = stage = … = result`` in LaTeX."""
    return " = ".join([E.latex(line.lhs), *(E.latex(s) for s in line.stages)])


def claim_md(c: object) -> str:
    """One claim's verdict in Markdown."""
    status = getattr(c, "status", "")
    mark = MARK.get(status, "•")
    claimed = str(getattr(c, "claimed_text", "")).replace("-", "−")
    text = f"{mark} the example claims {md_code(claimed)}: **{md_text(status)}**"
    diagnosis = getattr(c, "diagnosis", None)
    return text + (f" ({md_text(diagnosis)})" if diagnosis else "")


def line_md(line: Line, indent: str = "") -> list[str]:
    """One line as a list item, notes and claims beneath."""
    out = [f"{indent}- ${math_line(line)}$"]
    for note in line.notes:
        out.append(f"{indent}  <br>_{''.join(_md_part(p) for p in note)}_")
    for c in line.claims:
        out.append(f"{indent}  <br>{claim_md(c)}")
    return out


def to_markdown(sol: Solution, per_scalar: bool = False) -> str:
    """The whole solution in Markdown."""
    out = [f"### {md_text(sol.title)}", ""]
    out += [md_text(" ".join(sol.header())), ""]
    for key, title, lines in sol.sections():
        intro = SECTION_INTRO.get(key)
        out += [f"**{title}**" + (f" ({intro})" if intro else ""), ""]
        for line in lines:
            out += line_md(line)
            for e in _show_entries(line, per_scalar):
                out += line_md(e, "  ")
        out.append("")
    if sol.conventions:
        out += ["**Conventions**", ""]
        out += [f"- {md_text(w)}" for w in sol.conventions]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
