"""A Moodle XML quiz: one numerical question per number to compute, with the tolerance the
decimals imply and feedback for each slip ``backprop verify`` diagnoses.

The structure is Moodle's question bank import format ("Moodle XML format"): a ``<quiz>`` of
``<question>`` elements; a ``category`` question puts the questions after it in a category
(``$course$/vo_mlp/variant-01``: one per variant); each ``numerical`` question has its
``<name>``, ``<questiontext format="html">``, ``<generalfeedback>``, ``<defaultgrade>``,
``<penalty>`` and ``<answer fraction="…">`` elements, each answer with its ``<text>``,
``<tolerance>`` and ``<feedback>``.

Moodle takes the first answer whose interval [text − tolerance, text + tolerance] holds the
response, so the answers are: the true value (fraction 100, tolerance ½·10⁻ᵏ for k decimals,
which accepts exactly the correctly rounded k-decimal answers), then the value of each slip
(fraction 0, same tolerance, the slip named in its feedback: a sign flipped, a factor 2, a
missing upstream factor, the activation's derivative at the wrong point, …), then ``*``
(anything else: "no single slip explains it"). Slips whose value is within two tolerances
of the true value are left out (they could not be told from the right answer), and slips
that give the same number share one answer.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..markup import html_text, xml_chars
from ..verify.claims import CLOSE, DECIMALS, SIGFIG
from ..verify.diagnose import NO_SINGLE_SLIP, candidates
from ..verify.model import Model, build
from ..verify.parser import ExampleSpec, Target, parse
from .making import ExerciseSet
from .variants import Part, Question

PENALTY = "0.3333333"  # Moodle's default penalty for each wrong try (adaptive mode)


@dataclass(frozen=True, slots=True)
class Choice:
    """One ``<answer>``: the value it stands for, its fraction and its feedback."""

    value: float | None  # None: '*', any other response
    fraction: int
    feedback: str


def tolerance(k: int) -> Decimal:
    """½·10⁻ᵏ: the half-unit of the last decimal asked."""
    return Decimal(5).scaleb(-(k + 1))


def entry_tolerance(q: Question, true: float) -> Decimal:
    """The ± an entry's answers get: ½·10⁻ᵏ for k decimals, or the question's own tolerance
    (``decimals N``: ½·10⁻ᴺ; ``rtol R atol A``: A + R·|true|; ``sigfig N``: half a unit of
    the N-th significant digit of the true value; ``last-digit``: 1.5·10⁻ᵏ)."""
    t = q.tolerance
    if t is None:
        return tolerance(q.decimals)
    if t.mode == DECIMALS:
        return tolerance(t.places)
    if t.mode == CLOSE:
        exact = Decimal(t.atol.numerator) / t.atol.denominator + \
            Decimal(t.rtol.numerator) / t.rtol.denominator * abs(Decimal(true))
        return Decimal(f"{exact:.6g}")
    if t.mode == SIGFIG:
        e = math.floor(math.log10(abs(true))) if true else 0
        return Decimal(5).scaleb(e - t.places)
    return tolerance(q.decimals) * 3  # last digit off by one: 1.5 units


def to_moodle(exercises: ExerciseSet) -> str:
    """The quiz's XML text (UTF-8), every variant in its own category."""
    quiz = ET.Element("quiz")
    for v in exercises.variants:
        _category(quiz, f"$course$/{exercises.title}/{exercises.file_stem(v)}")
        specs = parse(v.worked)
        for number, (part, spec) in enumerate(zip(v.parts, specs, strict=True), start=1):
            model = build(spec)
            name = f"{exercises.title} {v.id}" + (f" part {number}" if len(v.parts) > 1 else "")
            for q in part.questions:
                for k in range(q.size):
                    _numerical(quiz, name, part, spec, model, q, k)
    ET.indent(quiz, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, "unicode") + "\n"


def _category(quiz: ET.Element, path: str) -> None:
    q = ET.SubElement(quiz, "question", type="category")
    _text(ET.SubElement(q, "category"), path)


def _text(parent: ET.Element, text: str) -> None:
    ET.SubElement(parent, "text").text = xml_chars(text)


def _numerical(quiz: ET.Element, name: str, part: Part, spec: ExampleSpec, model: Model,
               q: Question, k: int) -> None:
    entry = _entry(q, k)
    el = ET.SubElement(quiz, "question", type="numerical")
    _text(ET.SubElement(el, "name"), f"{name}: {q.name}{entry}")
    _text(ET.SubElement(el, "questiontext", format="html"), _question_html(part, q, k))
    _text(ET.SubElement(el, "generalfeedback", format="html"),
          f"<p>{html_text(q.name + entry, quote=False)} = {html_text(q.texts[k], quote=False)}"
          "</p>")
    ET.SubElement(el, "defaultgrade").text = f"{float(q.points) / q.size:.7g}"
    ET.SubElement(el, "penalty").text = PENALTY
    ET.SubElement(el, "hidden").text = "0"
    tol = entry_tolerance(q, q.values[k])
    for c in choices(model, spec, q, k):
        a = ET.SubElement(el, "answer", fraction=str(c.fraction), format="moodle_auto_format")
        _text(a, "*" if c.value is None else _number(c.value))
        ET.SubElement(a, "tolerance").text = "0" if c.value is None else str(tol)
        feedback = ET.SubElement(a, "feedback", format="html")
        _text(feedback, f"<p>{html_text(c.feedback, quote=False)}</p>")
    ET.SubElement(el, "unitgradingtype").text = "0"
    ET.SubElement(el, "unitpenalty").text = "0.1000000"
    ET.SubElement(el, "showunits").text = "3"
    ET.SubElement(el, "unitsleft").text = "0"


def _number(x: float) -> str:
    return f"{float(x):.12g}"


def _entry(q: Question, k: int) -> str:
    """``[i]`` / ``[i,j]`` (from 1) for one entry of a vector or matrix; '' for a number."""
    if q.size == 1:
        return ""
    if len(q.shape) == 2:
        return f"[{k // q.shape[1] + 1},{k % q.shape[1] + 1}]"
    return f"[{k + 1}]"


def _question_html(part: Part, q: Question, k: int) -> str:
    def e(text: str) -> str:
        return html_text(text, quote=False)

    notes = f" {e(' '.join(part.notes))}" if part.notes else ""
    which = _entry(q, k)
    of = f" (one entry of {q.name}, counted from 1; a matrix row by row)" if which else ""
    return (f"<p><b>{e(part.name)}</b>.{notes}</p>"
            f"<p>Given:</p><pre>{e(chr(10).join(part.given))}</pre>"
            f"<p>Computed as:</p><pre>{e(chr(10).join(part.computation))}</pre>"
            f"<p>Compute <b>{e(q.name + which)}</b>{e(of)}, rounded to {q.decimals} "
            f"decimal{'s' * (q.decimals != 1)}"
            + (f" (judged with {e(str(q.tolerance))})" if q.tolerance else "") + ".</p>")


def choices(model: Model, spec: ExampleSpec, q: Question, k: int) -> list[Choice]:
    """The answers of entry ``k``: right, each distinguishable slip, anything else."""
    true = q.values[k]
    tol = float(entry_tolerance(q, true))
    out = [Choice(true, 100, "Right.")]
    target = _target(spec, q.name)
    slips: list[tuple[float, list[str]]] = []
    if target is not None:
        for make in candidates(model, target, list(q.values), _squeeze(q.shape)):
            for cand in make():
                if len(cand.values) != q.size:
                    continue
                value = float(cand.values[k])
                if value != value or abs(value - true) <= 2 * tol:
                    continue  # not a number, or the same written digits as the right answer
                same = next((s for s in slips if abs(s[0] - value) <= 2 * tol), None)
                if same is None:
                    slips.append((value, [cand.text]))
                elif cand.text not in same[1]:
                    same[1].append(cand.text)
    out += [Choice(value, 0, _either(texts)) for value, texts in slips]
    out.append(Choice(None, 0, _sentence(NO_SINGLE_SLIP)))
    return out


def _either(texts: Sequence[str]) -> str:
    return _sentence(texts[0]) if len(texts) == 1 else "Either " + "; or ".join(texts) + "."


def _sentence(text: str) -> str:
    """A capital first letter (only: names such as W2 keep their case) and a full stop."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _target(spec: ExampleSpec, name: str) -> Target | None:
    return next((st.target for st in spec.stmts if st.target is not None
                 and str(st.target) == name), None)


def _squeeze(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(d for d in shape if d != 1)
