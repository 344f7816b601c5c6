"""Check worked examples: parse, build, compare every claim, diagnose the wrong ones."""

from __future__ import annotations

import math
import os
from pathlib import Path

from ..formula.errors import FormulaError
from ..formula.tensor import Q, shape_str
from .claims import TRUNCATED, WRONG, combine, decimals, rounded, status
from .diagnose import diagnose, fmt_values, transposed
from .errors import VerifyError
from .model import Model, build
from .parser import Literal, Stmt, parse
from .paths import display_path
from .report import ClaimResult, ExampleReport, Report, Shown

EXTENSION = ".worked"


def check(source: str | os.PathLike, *, name: str | None = None) -> Report:
    """Check a worked-example file (a path) or its text; return the :class:`Report`.

    A one-line string naming a file (or ending in ``.worked``) is a path; any other string
    is the text itself.
    Errors in the file raise :class:`VerifyError` (``file:line: message``).
    """
    if isinstance(source, os.PathLike):
        return check_file(source)
    one_line = "\n" not in source
    if one_line and (Path(source).is_file() or source.strip().endswith(EXTENSION)):
        return check_file(source.strip())
    return check_text(str(source), name=name)


def check_file(path: str | os.PathLike) -> Report:
    """Check a worked-example file. The report and its errors name the file as a user
    would (:func:`~.paths.display_path`: relative to the current directory, or the file
    name), never by an absolute path of this machine."""
    p = Path(path)
    shown = display_path(p)
    try:
        text = p.read_text(encoding="utf-8-sig")  # a BOM from a Windows editor is fine
    except OSError as e:
        raise VerifyError(f"cannot read the file: {e.strerror or e}", None, shown) from None
    return check_text(text, name=p.stem, path=shown)


def check_text(text: str, *, name: str | None = None, path: str | None = None) -> Report:
    """Check the text of a worked-example file; ``path`` (optional) names it in the report
    and the errors (an absolute path is shown as :func:`~.paths.display_path` says)."""
    path = display_path(path) if path else None
    try:
        specs = parse(text, default_name=name or "example")
        return Report([check_model(build(spec), path) for spec in specs])
    except FormulaError as e:
        raise VerifyError.of(e).located(path or "<text>") from None


def check_model(model: Model, path: str | None = None) -> ExampleReport:
    claims: list[ClaimResult] = []
    shown: list[Shown] = []
    for st in model.checks:
        assert st.target is not None
        true = model.compute(st.target, st.line)
        if st.kind == "show":
            true = Q(_squeeze(true.shape), true.items)
            shown.append(Shown(str(st.target), true.nested(),
                               fmt_values(true.values(), true.shape), st.line))
        else:
            claims.append(_claim(model, st, true))
    if not claims and not shown:
        raise VerifyError(f"example {model.name!r} has no claim and no show: nothing to check",
                          None)
    return ExampleReport(model.name, model.notes, path, claims, shown, list(model.warnings),
                         model)


def _squeeze(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(d for d in shape if d != 1)


def _claim(model: Model, st: Stmt, true: Q) -> ClaimResult:
    lit = st.literal
    assert lit is not None and st.target is not None
    name = str(st.target)
    claimed_nested = Q(lit.shape, lit.values).nested()
    if _squeeze(lit.shape) != _squeeze(true.shape) or lit.shape and not true.shape:
        if (len(_squeeze(true.shape)) == 2 and _squeeze(lit.shape) == _squeeze(true.shape)[::-1]
                and transposed(lit, true)):
            return ClaimResult(name, claimed_nested, _written(lit), true.nested(),
                               _computed_text(lit, true.values(), true.shape), WRONG,
                               f"transposed matrix: the true value is {shape_str(true.shape)}",
                               st.line)
        if lit.shape == () and true.size == 1:
            pass  # a scalar written for a 1-entry vector: fine
        else:
            raise VerifyError(f"claim {name}: {_written(lit)} is {shape_str(lit.shape)} but "
                              f"{name} is {shape_str(true.shape)}", st.line)
    values = true.values()
    statuses = [status(t, v) for t, v in zip(lit.texts, values, strict=False)]
    verdict = combine(statuses)
    diagnosis = None
    if verdict == WRONG:
        diagnosis = diagnose(model, st.target, lit, values, _squeeze(lit.shape) or lit.shape)
    elif verdict == TRUNCATED:
        diagnosis = "truncated, not rounded: correctly rounded it is " + _computed_text(
            lit, values, lit.shape)
    computed = Q(lit.shape, values).nested()
    return ClaimResult(name, claimed_nested, _written(lit), computed,
                       _computed_text(lit, values, lit.shape), verdict, diagnosis, st.line)


def _written(lit: Literal) -> str:
    return _layout(list(lit.texts), lit.shape)


def _computed_text(lit: Literal, values: list[float], shape: tuple[int, ...]) -> str:
    """The true value with as many decimals as the claim wrote (at least 4 when wrong)."""
    texts = []
    for i, v in enumerate(values):
        t = lit.texts[min(i, len(lit.texts) - 1)]
        k = decimals(t)
        if status(t, v) == WRONG and math.isfinite(v) and v != round(v):
            k = max(k, 4)
        texts.append(rounded(v, k))
    return _layout(texts, shape)


def _layout(texts: list[str], shape: tuple[int, ...]) -> str:
    if not shape:
        return texts[0]
    if len(shape) == 1:
        return "[" + ", ".join(texts) + "]"
    r, c = shape
    return "[" + ", ".join("[" + ", ".join(texts[i * c:(i + 1) * c]) + "]"
                           for i in range(r)) + "]"


__all__ = ["EXTENSION", "check", "check_file", "check_model", "check_text"]
