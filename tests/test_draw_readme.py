"""The README's pictures section runs as written (in a scratch folder, with and without the
system `dot`) and prints what its comments say (the convention of test_engine_readme)."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
from test_engine_readme import README, _expected_output


def _picture_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Pictures")
    end = text.index("\n## ", start + 1)
    return re.findall(r"```python\n(.*?)```", text[start:end], flags=re.S)


BLOCKS = _picture_blocks()


def test_the_pictures_section_has_its_snippets():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("dot", ["hidden", "as installed"])
@pytest.mark.parametrize("block", BLOCKS, ids=[f"snippet{i}" for i in range(len(BLOCKS))])
def test_readme_pictures_snippet_runs_and_prints_its_comments(block, dot, tmp_path,
                                                              monkeypatch):
    monkeypatch.chdir(tmp_path)
    if dot == "hidden":
        monkeypatch.setenv("PATH", str(tmp_path))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
    printed = [line.rstrip() for line in out.getvalue().splitlines()]
    assert printed == _expected_output(block)
    for name in re.findall(r'"([\w.]+\.(?:svg|png|pdf|html))"', block):
        assert (tmp_path / name).stat().st_size > 500, name
