"""The README's engine section runs as written and prints what its comments say.

Convention in those snippets: ``print(...)  # text`` prints the line ``text``; a ``print(...)``
with no comment prints the ``# `` lines right below it."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def _engine_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index("## The engine")
    end = text.index("\n## ", start + 1)
    return re.findall(r"```python\n(.*?)```", text[start:end], flags=re.S)


def _expected_output(block: str) -> list[str]:
    lines = block.splitlines()
    expected: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped.startswith("print("):
            continue
        code, _, comment = stripped.partition(")  # ")
        if comment:
            expected.append(comment.strip())
            continue
        for below in lines[i + 1:]:
            if not below.startswith("# "):
                break
            expected.append(below[2:].rstrip())
    return expected


BLOCKS = _engine_blocks()


def test_the_engine_section_has_its_snippets():
    assert len(BLOCKS) >= 6
    assert sum(bool(_expected_output(b)) for b in BLOCKS) >= 5


@pytest.mark.parametrize("block", BLOCKS, ids=[f"snippet{i}" for i in range(len(BLOCKS))])
def test_readme_engine_snippet_runs_and_prints_its_comments(block):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
    printed = [line.rstrip() for line in out.getvalue().splitlines()]
    assert printed == _expected_output(block)
