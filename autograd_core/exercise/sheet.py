"""The student's sheet (Markdown): what is given, how it is computed, what to compute, and the
answer file to hand in. It holds no answer: only the variant's given numbers. Every text from
the teacher's file (the title, names, notes, statements) goes through
:mod:`autograd_core.markup`, so none of it can become HTML or a link on the page.
"""

from __future__ import annotations

from ..formula.tensor import shape_str
from ..markup import md_code, md_fence, md_text
from ..verify.parser import ExampleSpec, Stmt, parse
from .variants import Part, Question, Variant

BLANK = "_"  # an entry of the answer template still to fill in


def sheet(v: Variant, title: str) -> str:
    """The Markdown sheet of variant ``v`` of the exercise ``title``."""
    specs = parse(v.worked)
    several = len(v.parts) > 1
    out = [f"# {md_text(title)}: variant {md_text(v.id)}", ""]
    if v.student:
        out += [f"**Student:** {md_text(v.student)}", ""]
    out += ["Compute every quantity asked below by hand, step by step, and hand in a plain "
            "text file with one line per answer, as in the answer file at the end. Round each "
            "number to the decimals asked (round, do not cut: 0.23456 is 0.2346 to 4 "
            "decimals).", ""]
    for number, (part, spec) in enumerate(zip(v.parts, specs, strict=True), start=1):
        out += _part(part, spec, number if several else None)
    out += ["## Your answer file", "",
            f"Replace each `{BLANK}` by a number; keep the `variant` line as it is. "
            "`dA/dB` means ∂A/∂B: shaped like B when A is one number, else the Jacobian, "
            "one row per entry of A. A matrix is written row by row, `[[a, b], [c, d]]`. "
            "`#` starts a comment.", "",
            *_code_block(answer_template(v)), ""]
    return "\n".join(out)


def _code_block(lines: list[str]) -> list[str]:
    """The lines in a fenced code block no line of them can close."""
    opening, closing = md_fence(lines)
    return [opening, *lines, closing]


def answer_template(v: Variant) -> list[str]:
    """The answer file with every entry blank (``_``)."""
    lines = [f"variant {v.id}"]
    for number, part in enumerate(v.parts, start=1):
        if len(v.parts) > 1:
            lines += ["", f"example {number}   # {part.name}"]
        for q in part.questions:
            lines.append(f"{q.name} = {_blank(q)}")
    return lines


def _blank(q: Question) -> str:
    from .rewrite import literal_text

    return literal_text([BLANK] * q.size, q.shape)


def _part(part: Part, spec: ExampleSpec, number: int | None) -> list[str]:
    name = md_text(part.name)
    head = f"## {number}. {name}" if number is not None else f"## {name}"
    out = [head, ""]
    if part.notes:
        out += [md_text(" ".join(part.notes)), ""]
    out += ["Given:", "", *_code_block(part.given), ""]
    out += ["Computed as:", "", *_code_block(part.computation), ""]
    readings = [r for st in spec.stmts for r in [_reading(st, spec)] if r]
    if readings:
        out += ["which reads:", ""] + [f"- {r}" for r in readings] + [""]
    out += ["Compute:", "", "| | quantity | what it is | decimals | points |",
            "|---|---|---|---|---|"]
    for i, q in enumerate(part.questions, start=1):
        what = _what(spec, q)
        judged = f" (judged with {q.tolerance})" if q.tolerance is not None else ""
        out.append(f"| {i} | {md_code(q.name, table=True)} | {md_text(what)} | {q.decimals}"
                   f"{md_text(judged)} | {float(q.points):g} |")
    out.append("")
    return out


def _reading(st: Stmt, spec: ExampleSpec) -> str:
    """A statement of the computation in words and formulas."""
    if st.kind == "layer":
        o = st.options
        source = o["from"] or _previous(spec, st)
        pre = o["pre"] or f"{st.name}.a"
        bias = f" + {o['bias']}" if o["bias"] else ""
        act = o["activation"] + (f"(·, {float(o['slope']):g})" if o["slope"] is not None else "")
        return (f"`{pre} = {o['weights']} {source}{bias}` ({o['weights']} is out × in), then "
                f"`{st.name} = {act}({pre})`" + ("" if o["activation"] == "softmax" else
                                                 ", entry by entry"))
    if st.kind == "perceptron":
        o = st.options
        return (f"the perceptron rule, {o['steps']} step(s), one sample (row of {o['data']}) "
                f"per step in turn: `sum.t = {st.name}·x`, `u.t = step(sum.t)` (1 when the sum "
                f"is > 0, else 0), `{st.name}.t = {st.name} + {float(o['rate']):g}·(y − u.t)·x`")
    if st.kind == "batch":
        return f"the batch size is m = {st.options['m']}"
    return ""


def _previous(spec: ExampleSpec, st: Stmt) -> str:
    layers = [s.name for s in spec.stmts if s.kind == "layer" and s.line < st.line]
    if layers:
        return layers[-1]
    inputs = [s.name for s in spec.stmts if s.kind == "input"]
    return inputs[0] if inputs else "x"


def _what(spec: ExampleSpec, q: Question) -> str:
    target = next((st.target for st in spec.stmts if st.target is not None
                   and str(st.target) == q.name), None)
    shape = shape_str(q.shape) if q.shape else "a number"
    if target is not None and target.kind == "count":
        return "how many numbers the parameters hold"
    if target is not None and target.kind == "deriv":
        return f"∂{target.num}/∂{target.den}, {shape}"
    return shape
