"""A solution as one self-contained HTML page: the math as MathML (converted from the
LaTeX by ``latex2mathml``), styles inline, no script, nothing fetched from anywhere."""

from __future__ import annotations

from latex2mathml.converter import convert

from ..markup import html_text
from . import expr as E
from .lines import Line, Part
from .render_md import math_line
from .solution import MARK, SECTION_INTRO, Solution, _show_entries

STYLE = """
body { font-family: "Source Serif 4", "DejaVu Serif", Georgia, serif; font-size: 18px;
       line-height: 1.45; color: #1f2328; margin: 0; background: #fdfdfb; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; }
h2 { font-size: 1.5em; border-bottom: 2px solid #d0d7de; padding-bottom: 4px; margin-top: 1.6em; }
h3 { font-size: 1.15em; margin: 1.4em 0 0.3em; color: #57606a; }
h3 small { font-weight: normal; font-size: 0.8em; }
p.head { margin: 0.1em 0; color: #57606a; font-size: 0.9em; }
div.line { margin: 0.55em 0 0.55em 0.5em; padding: 0.35em 0.8em;
           border-left: 3px solid #d0d7de; overflow-x: auto; }
div.line.entry { margin-left: 2.5em; border-left-style: dotted; font-size: 0.92em; }
div.line.wrong { border-left-color: #cf222e; background: #fff5f5; }
div.line.ok { border-left-color: #1a7f37; }
math { font-family: "STIX Two Math", "Latin Modern Math", "DejaVu Math TeX Gyre", math;
       font-size: 1.08em; }
div.line > math { display: inline math; math-style: normal; margin: 0.15em 0; }
p.note { margin: 0.2em 0 0 1em; font-size: 0.86em; color: #57606a; }
p.claim { margin: 0.2em 0 0 1em; font-size: 0.9em; }
p.claim.ok { color: #1a7f37; } p.claim.wrong { color: #cf222e; }
p.claim.truncated { color: #9a6700; }
ul.conventions { font-size: 0.9em; color: #57606a; }
"""


def _math(tex: str, display: bool) -> str:
    """MathML for the LaTeX (HTML needs no namespace on <math>)."""
    mathml = str(convert(tex, display="block" if display else "inline"))
    return mathml.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "", 1)


def _part(p: Part) -> str:
    return html_text(p) if isinstance(p, str) else _math(E.latex(p), False)


def _status(line: Line) -> str:
    statuses = {str(getattr(c, "status", "")) for c in line.claims}
    if "wrong" in statuses:
        return " wrong"
    return " ok" if statuses == {"ok"} else ""


def line_html(line: Line, entry: bool = False) -> str:
    """One line as a block of MathML, its notes and its claims beneath."""
    cls = "line" + (" entry" if entry else "") + _status(line)
    out = [f'<div class="{cls}">', _math(math_line(line), True)]
    for note in line.notes:
        out.append(f'<p class="note">{"".join(_part(p) for p in note)}</p>')
    for c in line.claims:
        status = str(getattr(c, "status", ""))
        text = (f"{MARK.get(status, '•')} the example claims "
                f"{html_text(str(getattr(c, 'claimed_text', '')).replace('-', '−'))}: "
                f"<b>{html_text(status)}</b>")
        diagnosis = getattr(c, "diagnosis", None)
        if diagnosis:
            text += f" ({html_text(str(diagnosis))})"
        out.append(f'<p class="claim {html_text(status)}">{text}</p>')
    out.append("</div>")
    return "\n".join(out)


def fragment(solutions: list[Solution], per_scalar: bool = False) -> str:
    """The solutions as HTML without the page around them (for a notebook)."""
    out = []
    for sol in solutions:
        out.append(f"<h2>{html_text(sol.title)}</h2>")
        out += [f'<p class="head">{html_text(h)}</p>' for h in sol.header()]
        for key, title, lines in sol.sections():
            intro = SECTION_INTRO.get(key)
            small = f" <small>({html_text(intro)})</small>" if intro else ""
            out.append(f"<h3>{html_text(title)}{small}</h3>")
            for line in lines:
                out.append(line_html(line))
                out += [line_html(e, entry=True) for e in _show_entries(line, per_scalar)]
        if sol.conventions:
            out.append("<h3>Conventions</h3><ul class=\"conventions\">")
            out += [f"<li>{html_text(w)}</li>" for w in sol.conventions]
            out.append("</ul>")
    return "\n".join(out)


def doc_title(solutions: list[Solution]) -> str:
    """The example's title, or for several: "Worked solutions" and their file."""
    if len(solutions) == 1:
        return solutions[0].title
    where = solutions[0].path
    return f"Worked solutions: {where}" if where else "Worked solutions"


def page(solutions: list[Solution], per_scalar: bool = False) -> str:
    """One self-contained page."""
    title = doc_title(solutions)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html_text(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"<main>\n{fragment(solutions, per_scalar)}\n</main>\n</body>\n</html>\n")
