"""The README's exercise section runs as written and prints what it says; its answer file and
its vary lines are read as the section says."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from autograd_core.exercise import bundled_exercise, grade_answers, make_exercises
from autograd_core.exercise.answers import parse_answers
from autograd_core.verify.parser import parse

README = Path(__file__).resolve().parent.parent / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Exercises for your class")
    return text[start:text.index("\n## ", start + 1)]


def _expected(block: str) -> list[str]:
    """``print(…)  # text`` prints text; a call followed by ``# `` lines prints those lines."""
    lines = block.splitlines()
    out: list[str] = []
    for i, line in enumerate(lines):
        if line.startswith("print(") and ")  # " in line:
            out.append(line.partition(")  # ")[2])
        elif line and not line.startswith("#"):
            for below in lines[i + 1:]:
                if not below.startswith("# "):
                    break
                out.append(below[2:])
    return out


def test_the_python_snippet_prints_its_comments():
    (block,) = re.findall(r"```python\n(.*?)```", _section(), re.S)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
    assert out.getvalue().splitlines() == _expected(block)


def test_the_answer_file_is_graded_as_the_section_says():
    section = _section()
    answers = next(b for b in re.findall(r"```text\n(.*?)```", section, re.S)
                   if b.startswith("variant 07"))
    key = make_exercises(bundled_exercise("vo_mlp"), variants=40, seed=2026).key
    graded = grade_answers(key, parse_answers(answers))
    status = {r.name: r.status for r in graded.results if r.part == key.variant("07").parts[0].name}
    assert (status["x2"], status["dl/dW2"], status["dl/dW1"], status["dl/db1"]) == \
        ("ok", "ok", "ok", "missing")
    assert not graded.messages


def test_the_vary_lines_parse():
    vary = next(b for b in re.findall(r"```text\n(.*?)```", _section(), re.S)
                if b.startswith("vary"))
    text = ("input x0 = [0.5, -0.5]\nparam W1 = [[1, 2], [3, 4], [5, 6]]\n"
            "param W2 = [[1, 2, 3]]\nlet z = W2 @ (W1 @ x0)\nloss l = sum(z)\n"
            "show dl/dW1\n" + vary)
    (spec,) = parse(text)
    assert [st.kind for st in spec.exercise] == ["vary"] * 4 + ["points"]
