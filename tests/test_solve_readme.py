"""The README's solve section: its Python snippet runs and prints what its comments say, and
its terminal excerpt is what ``backprop solve`` prints for Vo's example, line for line."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from test_engine_readme import _expected_output

from autograd_core.solve import solve_file
from autograd_core.verify import bundled_examples

README = Path(__file__).resolve().parent.parent / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Worked solutions: `backprop solve`")
    return text[start:text.index("\n## ", start + 1)]


def test_the_python_snippet_runs_and_prints_its_comments():
    (block,) = re.findall(r"```python\n(.*?)```", _section(), flags=re.S)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
    printed = [line.rstrip() for line in out.getvalue().splitlines()]
    assert printed == _expected_output(block)
    assert len(printed) >= 4


def test_the_excerpt_is_the_real_output():
    (excerpt,) = re.findall(r"```text\n(.*?)```", _section(), flags=re.S)
    vo = next(p for p in bundled_examples() if p.name == "01_vo_mlp.worked")
    real = solve_file(vo)[0].to_text().splitlines()
    lines = excerpt.rstrip("\n").splitlines()
    start = real.index(lines[0])
    assert real[start:start + len(lines)] == lines
