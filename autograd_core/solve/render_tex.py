r"""A solution as a standalone LaTeX document: ``pdflatex`` compiles it as it is, with only
the packages of Debian's ``texlive-latex-base`` (amsmath, amssymb, geometry, color).

Each line is an ``align*``: ``lhs &= stage`` and one ``&= stage`` per row when the line is
long, so a projected page never runs off its edge.
"""

from __future__ import annotations

from . import expr as E
from .lines import Line, Part
from .solution import SECTION_INTRO, Solution, _show_entries
from .texts import tex_text

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage{amsmath,amssymb}
\usepackage[a4paper,margin=2cm]{geometry}
\usepackage{color}
\definecolor{ok}{rgb}{0.10,0.50,0.22}
\definecolor{wrong}{rgb}{0.81,0.13,0.18}
\definecolor{truncated}{rgb}{0.60,0.40,0.00}
\definecolor{note}{rgb}{0.30,0.30,0.30}
\setlength{\parindent}{0pt}
\allowdisplaybreaks
"""
ONE_ROW = 70  # a line whose text is longer than this gets one row per stage


def _part(p: Part) -> str:
    return tex_text(p) if isinstance(p, str) else f"${E.latex(p)}$"


def math_rows(line: Line) -> str:
    """The line's align* rows: one row, or one per stage when long."""
    lhs = E.latex(line.lhs)
    stages = [E.latex(s) for s in line.stages]
    width = len(E.text(line.lhs)) + sum(len(E.text(s)) + 3 for s in line.stages)
    if width <= ONE_ROW:
        return f"{lhs} &= " + " = ".join(stages)
    return f"{lhs} &= " + " \\\\\n  &= ".join(stages)


def _claim(c: object) -> str:
    status = str(getattr(c, "status", ""))
    colour = status if status in ("ok", "wrong", "truncated") else "note"
    mark = {"ok": r"$\checkmark$", "wrong": r"$\times$"}.get(status, r"$\approx$")
    text = (rf"\textcolor{{{colour}}}{{{mark} the example claims "
            rf"{tex_text(str(getattr(c, 'claimed_text', '')))}: \textbf{{{tex_text(status)}}}")
    diagnosis = getattr(c, "diagnosis", None)
    if diagnosis:
        text += f" ({tex_text(str(diagnosis))})"
    return text + "}"


def line_tex(line: Line) -> str:
    """One line: its align*, then its notes and claims in small type."""
    out = [r"\begin{align*}", "  " + math_rows(line), r"\end{align*}"]
    extra = [r"\textcolor{note}{" + "".join(_part(p) for p in n) + "}" for n in line.notes]
    extra += [_claim(c) for c in line.claims]
    if extra:
        out.append(r"{\small " + r"\\ ".join(extra) + r"\par}")
    return "\n".join(out)


def body(solutions: list[Solution], per_scalar: bool = False) -> str:
    """The document's body: one section per example."""
    out = []
    for sol in solutions:
        out.append(rf"\section*{{{tex_text(sol.title)}}}")
        out += [tex_text(h) + r"\par" for h in sol.header()]
        for key, title, lines in sol.sections():
            intro = SECTION_INTRO.get(key)
            out.append(rf"\subsection*{{{title}}}" + (f"{tex_text(intro)}." if intro else ""))
            for line in lines:
                out.append(line_tex(line))
                entries = _show_entries(line, per_scalar)
                if entries:
                    out.append(r"{\small")
                    out += [line_tex(e) for e in entries]
                    out.append("}")
        if sol.conventions:
            out.append(r"\subsection*{Conventions}")
            out.append(r"\begin{itemize}")
            out += [rf"\item {tex_text(w)}" for w in sol.conventions]
            out.append(r"\end{itemize}")
    return "\n".join(out) + "\n"


def math_block(solutions: list[Solution]) -> str:
    """Every line in one ``aligned`` display (what a notebook's MathJax renders)."""
    rows = []
    for sol in solutions:
        rows.append(rf"&\textbf{{{tex_text(sol.title)}}}")
        for _, title, lines in sol.sections():
            rows.append(rf"&\text{{{title}}}")
            for line in lines:
                stages = " = ".join(E.latex(s) for s in line.stages)
                rows.append(f"{E.latex(line.lhs)} &= {stages}")
    return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"


def document(solutions: list[Solution], per_scalar: bool = False) -> str:
    """A standalone document."""
    return (PREAMBLE + "\\begin{document}\n"
            + body(solutions, per_scalar) + "\\end{document}\n")
