"""The worked solution of a back-propagation example, step by step, in the slides' notation.

The forward pass in order (each quantity's formula in the example's names, the numbers
substituted, the result), then the backward pass in back-propagation order, each gradient
written as the chain rule with its factors: at layer level (δ⁽ˡ⁾ = f′(z⁽ˡ⁾) ∘ ∂l/∂x⁽ˡ⁾,
∂l/∂x⁽ˡ⁻¹⁾ = W⁽ˡ⁾ᵀ δ⁽ˡ⁾, ∂l/∂W⁽ˡ⁾ = δ⁽ˡ⁾ x⁽ˡ⁻¹⁾ᵀ) with one line per entry beneath. The
structure is the engine's: the grad_table's recorded terms (``keep_terms=True``) and each
op's own bprop; nothing is derived a second time by hand. Claims of the example are marked
with ``backprop verify``'s verdicts, so the solution doubles as the corrected slide.

>>> from autograd_core.solve import solve
>>> sol = solve('''
... input x = 0.5
... param w = -2.5
... param b = 1
... loss  y = sigmoid(w*x + b)
... claim dy/dw = 0.12
... ''')
>>> print(sol.line("y").stages[-1].text, sol.backward_line("w").stages[-1].text)
0.44 0.12
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .. import Value
from ..verify.checker import EXTENSION
from ..verify.errors import VerifyError
from ..verify.parser import parse
from ..verify.paths import display_path
from ..verify.source import read_source
from .build import solve_example, solve_value
from .rounding import Precision
from .solution import Solution, Solutions

SolveError = VerifyError  # bad input: ``FILE:LINE[:COLUMN]: message``


def solve(source: str | os.PathLike[str] | Value, targets: Any = None, *,
          per_scalar: bool = False, decimals: int | None = None,
          digits: int | None = None) -> Solutions | Solution:
    """The worked solution of a ``.worked`` file (a path), its text, or a graph.

    * a path or the text of a worked example: :class:`Solutions`, one per example (a file
      with a single example gives that :class:`Solution`);
    * a :class:`~autograd_core.Value` (and optionally the nodes whose gradients to show):
      a :class:`Solution` of that graph, its labelled nodes as the quantities.

    ``decimals``/``digits`` override the rounding (by default: the claims' decimals, else 4
    significant digits). Bad input raises :class:`SolveError` naming the file and line.
    """
    del per_scalar  # a rendering choice: pass it to to_text()/to_markdown()/…
    precision = _precision(decimals, digits)
    if isinstance(source, Value):
        wanted = None if targets is None else (
            [targets] if isinstance(targets, Value) else list(targets))
        return solve_value(source, wanted, precision=precision)
    if targets is not None:
        raise TypeError("targets apply to a Value; a worked example says what it computes")
    sols = _solve_source(source, precision)
    return sols[0] if len(sols) == 1 else sols


def solve_file(path: str | os.PathLike[str], precision: Precision | None = None) -> Solutions:
    """Every example of a worked-example file (errors name the file as the user wrote it)."""
    p = Path(path)
    text = read_source(p)  # bounded, regular files only: as backprop verify reads it
    return solve_text(text, name=p.stem, path=display_path(p), precision=precision)


def solve_text(text: str, *, name: str = "example", path: str | None = None,
               precision: Precision | None = None) -> Solutions:
    """Every example of a worked example's text."""
    try:
        specs = parse(text, default_name=name)
        return Solutions(solve_example(spec, path, precision) for spec in specs)
    except VerifyError as e:
        raise e.located(path or "<text>") from None


def explain_files(paths: list[Path]) -> str:
    """The correct working of every wrong claim of these files (``verify --explain``)."""
    from .explain import explain

    return "\n".join(text for p in paths if (text := explain(solve_file(p))))


def _solve_source(source: str | os.PathLike[str], precision: Precision | None) -> Solutions:
    if isinstance(source, os.PathLike):
        return solve_file(source, precision)
    one_line = "\n" not in source
    if one_line and (os.path.isfile(source.strip()) or source.strip().endswith(EXTENSION)):
        # os.path.isfile never raises: a 300-byte line is text, not "File name too long"
        return solve_file(source.strip(), precision)
    return solve_text(source, precision=precision)


def _precision(decimals: int | None, digits: int | None) -> Precision | None:
    if decimals is not None:
        return Precision(decimals=int(decimals))
    if digits is not None:
        return Precision(digits=int(digits))
    return None


__all__ = ["Precision", "Solution", "SolveError", "Solutions", "explain_files", "solve",
           "solve_file",
           "solve_text", "solve_value"]
