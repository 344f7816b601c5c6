"""The README's section on errors: its snippet runs as written (in a scratch folder) and
prints what its comments say, and its table names every exception class the library
defines for users."""

from __future__ import annotations

import contextlib
import io
import re

from test_engine_readme import README, _expected_output


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Errors: what you can meet")
    return text[start:text.index("\n## ", start + 1)]


def test_the_errors_snippet_prints_what_it_says(tmp_path, monkeypatch):
    (block,) = re.findall(r"```python\n(.*?)```", _section(), flags=re.S)
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
    assert out.getvalue().splitlines() == _expected_output(block)


def test_the_table_lists_every_public_exception():
    from autograd_core import AnomalyError
    from autograd_core.draw import RendererMissing, RenderFailed, RenderTimeout
    from autograd_core.exercise import ExerciseError
    from autograd_core.formula import FormulaError
    from autograd_core.verify import VerifyError
    from nn import ModelFileError

    section = _section()
    for cls in (AnomalyError, RenderFailed, RendererMissing, RenderTimeout, FormulaError,
                VerifyError, ExerciseError, ModelFileError):
        assert f"| `{cls.__name__}`" in section, cls
        for base in cls.__mro__[1:2]:
            assert base.__name__ in section
