"""Check worked examples: parse, build, compare every claim, carry errors forward, diagnose
the root slips.

The order of the work, per example:

1. every claim's true value from the exact arithmetic, and its status under its tolerance
   (the claim's own, else the file's ``tolerance`` line, else the caller's, else the digits
   as written: :mod:`.claims`);
2. every wrong claim that the example's *other* claimed numbers reproduce is marked as
   following from them (:mod:`.carried`): ``wrong`` when one of them is wrong (error carried
   forward), ``ok`` when they are only rounded;
3. the other wrong claims, the root slips, get a diagnosis (:mod:`.diagnose`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..formula.errors import FormulaError
from ..formula.tensor import Q, shape_str
from .carried import Carried, carry_forward
from .claims import DEFAULT, OK, TRUNCATED, WRONG, Tolerance, combine, judge
from .diagnose import diagnose, fmt_values, transposed
from .errors import VerifyError
from .model import Model, build
from .numbers import as_float, as_fraction_text, fixed, fixed_apart, truth
from .parser import Literal, Stmt, parse
from .paths import display_path
from .report import ClaimResult, ExampleReport, Report, Shown
from .source import read_source

EXTENSION = ".worked"


def check(source: str | os.PathLike[str], *, name: str | None = None,
          tolerance: Tolerance | None = None) -> Report:
    """Check a worked-example file (a path) or its text; return the :class:`Report`.

    A one-line string naming a file (or ending in ``.worked``) is a path; any other string
    is the text itself. ``tolerance``: how claims without one of their own are compared.
    Errors in the file raise :class:`VerifyError` (``file:line: message``).
    """
    if isinstance(source, os.PathLike):
        return check_file(source, tolerance=tolerance)
    one_line = "\n" not in source
    if one_line and (os.path.isfile(source) or source.strip().endswith(EXTENSION)):
        return check_file(source.strip(), tolerance=tolerance)
    return check_text(str(source), name=name, tolerance=tolerance)


def check_file(path: str | os.PathLike[str], *, tolerance: Tolerance | None = None
               ) -> Report:
    """Check a worked-example file. The report and its errors name the file as a user
    would (:func:`~.paths.display_path`: relative to the current directory, or the file
    name), never by an absolute path of this machine."""
    p = Path(path)
    text = read_source(p)
    return check_text(text, name=p.stem, path=display_path(p), tolerance=tolerance)


def check_text(text: str, *, name: str | None = None, path: str | None = None,
               tolerance: Tolerance | None = None) -> Report:
    """Check the text of a worked-example file; ``path`` (optional) names it in the report
    and the errors (an absolute path is shown as :func:`~.paths.display_path` says)."""
    path = display_path(path) if path else None
    try:
        specs = parse(text, default_name=name or "example")
        return Report([check_model(build(spec), path, tolerance=tolerance)
                       for spec in specs])
    except FormulaError as e:
        raise VerifyError.of(e).located(path or "<text>") from None


@dataclass
class Judged:
    """A claim compared with its true value, before errors are carried forward."""

    stmt: Stmt
    true: Q  # shaped as claimed when the shapes agree
    status: str
    tolerance: Tolerance
    shape_note: str | None = None  # a claim of the wrong shape: why


def check_model(model: Model, path: str | None = None, *,
                tolerance: Tolerance | None = None) -> ExampleReport:
    """The report of one built example (see the module docstring for the order)."""
    judged: list[Judged] = []
    shown: list[Shown] = []
    for st in model.checks:
        assert st.target is not None
        true = model.compute(st.target, st.line)
        if st.kind == "show":
            true = Q(_squeeze(true.shape), true.items)
            shown.append(Shown(str(st.target), _numbers(true.nested()),
                               fmt_values(true.values(), true.shape), st.line))
        else:
            judged.append(_judge(st, true, st.tolerance or tolerance or DEFAULT))
    if not judged and not shown:
        raise VerifyError(f"example {model.name!r} has no claim and no show: nothing to check",
                          None)
    carried = carry_forward(model, judged)
    claims = [_result(model, j, carried.get(id(j)), path) for j in judged]
    return ExampleReport(model.name, model.notes, path, claims, shown, list(model.warnings),
                         model)


def _squeeze(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(d for d in shape if d != 1)


def _judge(st: Stmt, true: Q, tol: Tolerance) -> Judged:
    """The status of one claim (a claim of the wrong shape is wrong, with the reason)."""
    lit = st.literal
    assert lit is not None and st.target is not None
    if _squeeze(lit.shape) != _squeeze(true.shape):  # [0.5] for a scalar is fine
        name = str(st.target)
        if (len(_squeeze(true.shape)) == 2 and _squeeze(lit.shape) == _squeeze(true.shape)[::-1]
                and transposed(lit, true, tol)):
            note = f"transposed matrix: the true value is {shape_str(true.shape)}"
        else:
            note = (f"shape: {_written(lit)} is {shape_str(lit.shape)} but {name} is "
                    f"{shape_str(true.shape)}")
        return Judged(st, true, WRONG, tol, note)
    true = Q(lit.shape, true.items)
    statuses = [judge(w, v, tol) for w, v in zip(lit.numbers, true.values(), strict=True)]
    return Judged(st, true, combine(statuses), tol)


def _result(model: Model, j: Judged, carried: Carried | None, path: str | None
            ) -> ClaimResult:
    st, lit = j.stmt, j.stmt.literal
    assert lit is not None and st.target is not None
    name = str(st.target)
    claimed = _numbers(Q(lit.shape, list(lit.values)).nested())
    status, diagnosis, follows = j.status, None, []
    if j.shape_note is not None:
        computed: Any = _numbers(j.true.nested())
        computed_text = fmt_values(j.true.values(), j.true.shape)
        diagnosis = j.shape_note
    else:
        values = j.true.values()
        computed = _numbers(j.true.nested())
        computed_text = _computed_text(lit, values, lit.shape, j.tolerance)
        if carried is not None:
            status, diagnosis, follows = carried.status, carried.text, list(carried.names)
        elif status == WRONG:
            diagnosis = diagnose(model, st.target, lit, values,
                                 _squeeze(lit.shape) or lit.shape, j.tolerance)
        elif status == TRUNCATED:
            diagnosis = "truncated, not rounded: correctly rounded it is " + computed_text
    return ClaimResult(name, claimed, _written(lit), computed, computed_text, status,
                       diagnosis, st.line, follows_from=follows, file=path,
                       tolerance=str(j.tolerance))


def _numbers(x: Any) -> Any:
    """Exact numbers as floats (for JSON and the report's ``claimed``/``computed``)."""
    if isinstance(x, list):
        return [_numbers(v) for v in x]
    return as_float(x)


def _written(lit: Literal) -> str:
    return _layout(list(lit.texts), lit.shape)


def _computed_text(lit: Literal, values: list[Any], shape: tuple[int, ...],
                   tol: Tolerance = DEFAULT) -> str:
    """The true value written as the claim was (its decimals; at least 4 when wrong)."""
    texts = []
    for i, v in enumerate(values):
        w = lit.numbers[min(i, len(lit.texts) - 1)]
        texts.append(_like(w, v, judge(w, v, tol) == WRONG))
    return _layout(texts, shape)


def _like(w: Any, v: Any, wrong: bool) -> str:
    """v written like w: a fraction as a fraction, an integer as one, else k decimals."""
    if w.exact:
        frac = as_fraction_text(v)
        if frac is not None and ("/" in w.text or "/" not in frac):
            return frac
        return fixed(v, 0) if _whole(v) else fixed_apart(v, w.value)
    k = w.decimals
    if wrong and not _whole(v):
        k = max(k, 4)
    return fixed(v, k)


def _whole(v: Any) -> bool:
    t = truth(v)
    return t is not None and t[0].denominator == 1


def _layout(texts: list[str], shape: tuple[int, ...]) -> str:
    if not shape:
        return texts[0]
    if len(shape) == 1:
        return "[" + ", ".join(texts) + "]"
    r, c = shape
    return "[" + ", ".join("[" + ", ".join(texts[i * c:(i + 1) * c]) + "]"
                           for i in range(r)) + "]"


__all__ = ["EXTENSION", "OK", "check", "check_file", "check_model", "check_text"]
