"""Grades written out: a table per student, JSON, a gradebook CSV, Gradescope's results.json.

Gradescope (its documented autograder output, ``/autograder/results/results.json``)::

    {"score": 7.5, "max_score": 12.0, "output": "…", "visibility": "visible",
     "tests": [{"name": "dl/dW2", "number": "1.8", "score": 0.6667, "max_score": 1.0,
                "status": "failed", "output": "your answer: …\\nwrong: entry 2: off by a
                factor 2", "visibility": "visible"}, …]}

One test per question; its output names the verdict and the slip, never the true value
(students see it at once), unless ``reveal`` is asked.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Sequence
from typing import Any

from .grading import Graded, Result

WIDTH = 110


def to_table(grades: Sequence[Graded]) -> str:
    """For the teacher: one table per student (answer, key, status, points, diagnosis)."""
    blocks = [_student_table(g) for g in grades]
    total = f"{len(grades)} submission{'s' * (len(grades) != 1)} graded"
    if grades:
        mean = sum(g.score for g in grades) / len(grades)
        total += f"; mean score {float(mean):.4g} / {float(max(g.max_score for g in grades)):g}"
    return "\n\n".join(blocks + [total])


def _student_table(g: Graded) -> str:
    head = f"== {g.student} ({g.file})" + (f", variant {g.variant}" if g.variant else "") + " =="
    lines = [head]
    several = len({r.part for r in g.results}) > 1
    rows = [("quantity", "answer", "key", "status", "points", "diagnosis")][:bool(g.results)]
    for r in g.results:
        rows.append((_test_name(g, r) if several else r.name, r.answer or "—", r.key, r.status,
                     f"{float(r.points):.4g}/{float(r.max_points):g}", _diagnosis(r)))
    widths = [min(max((len(row[i]) for row in rows), default=0), 36) for i in range(5)]
    room = max(WIDTH - 2 - sum(w + 2 for w in widths), 30)
    for row in rows:
        cells = [textwrap.wrap(c, widths[i]) or [""] for i, c in enumerate(row[:5])]
        cells.append(textwrap.wrap(row[5], room) or [""])
        for k in range(max(len(c) for c in cells)):
            parts = [(c[k] if k < len(c) else "").ljust(widths[i] if i < 5 else 0)
                     for i, c in enumerate(cells)]
            lines.append(("  " + "  ".join(parts)).rstrip())
    lines += [f"  {m}" for m in g.messages]
    lines.append(f"  total {float(g.score):g} / {float(g.max_score):g}")
    return "\n".join(lines)


def _diagnosis(r: Result) -> str:
    text = r.diagnosis or ""
    if r.follows_from:
        text = f"follows from the answer{'s' * (len(r.follows_from) > 1)} " \
               f"{', '.join(r.follows_from)}" + (f"; {text}" if text else "")
    return text


def _test_name(g: Graded, r: Result) -> str:
    parts = list(dict.fromkeys(x.part for x in g.results))
    return f"{parts.index(r.part) + 1}. {r.name}" if len(parts) > 1 else r.name


def to_json(grades: Sequence[Graded]) -> str:
    """Everything, for tools: ``{"submissions": [{"file", "student", "variant", "score",
    "max_score", "messages", "results": [{"part", "name", "status", …}]}]}``."""
    return json.dumps({"submissions": [_graded_dict(g) for g in grades]}, indent=2,
                      ensure_ascii=False)


def _graded_dict(g: Graded) -> dict[str, Any]:
    return {"file": g.file, "student": g.student, "variant": g.variant, "score": g.score,
            "max_score": g.max_score, "messages": g.messages,
            "results": [{"part": r.part, "name": r.name, "status": r.status,
                         "answer": r.answer, "key": r.key, "diagnosis": r.diagnosis,
                         "follows_from": r.follows_from, "points": r.points,
                         "max_points": r.max_points, "entries_ok": r.entries_ok,
                         "entries": r.entries, "line": r.line} for r in g.results]}


def to_csv(grades: Sequence[Graded]) -> str:
    """A gradebook: one row per student, the points of each question, total, messages."""
    questions: list[str] = []
    for g in grades:
        for r in g.results:
            name = _test_name(g, r)
            if name not in questions:
                questions.append(name)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["student", "variant", "file", "score", "max_score", *questions, "messages"])
    for g in grades:
        points = {_test_name(g, r): f"{float(r.points):.6g}" for r in g.results}
        w.writerow([g.student, g.variant or "", g.file, f"{float(g.score):g}",
                    f"{float(g.max_score):g}", *[points.get(q, "") for q in questions],
                    " | ".join(g.messages)])
    return out.getvalue()


def to_gradescope(g: Graded, *, reveal: bool = False, visibility: str = "visible"
                  ) -> dict[str, Any]:
    """Gradescope's ``results.json`` for one submission (see the module's docstring)."""
    tests = []
    parts = list(dict.fromkeys(r.part for r in g.results))
    counters: dict[str, int] = {}
    for r in g.results:
        p = parts.index(r.part) + 1
        counters[r.part] = counters.get(r.part, 0) + 1
        tests.append({"name": _test_name(g, r), "number": f"{p}.{counters[r.part]}",
                      "score": r.points, "max_score": r.max_points,
                      "status": "passed" if r.full else "failed",
                      "output": _test_output(r, reveal), "visibility": visibility})
    head = [f"Variant {g.variant}" if g.variant else "No variant could be graded."]
    head += g.messages
    head.append(f"Total: {float(g.score):g} / {float(g.max_score):g}")
    return {"score": g.score, "max_score": g.max_score, "output": "\n".join(head),
            "visibility": visibility, "tests": tests}


def _test_output(r: Result, reveal: bool) -> str:
    lines = [f"your answer: {r.answer if r.answer is not None else '(none)'}",
             f"verdict: {r.status}" + (f" ({r.entries_ok} of {r.entries} entries right)"
                                       if r.entries > 1 and r.answer is not None else "")]
    if r.diagnosis:
        lines.append(f"diagnosis: {r.diagnosis}")
    if r.follows_from:
        lines.append(f"it follows from your answer{'s' * (len(r.follows_from) > 1)} to "
                     f"{', '.join(r.follows_from)}: fix that first")
    if reveal and not r.full:
        lines.append(f"key: {r.key}")
    return "\n".join(lines)
