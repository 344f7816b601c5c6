"""Check hand-worked back-propagation: which numbers are right, which are wrong, and why.

A worked example is a small text file (the format is described in :mod:`.parser`)::

    >>> from autograd_core.verify import check
    >>> report = check('''
    ... input x = 2
    ... param w = 3
    ... loss  l = (w*x - 1)^2
    ... claim l = 25
    ... claim dl/dw = -20
    ... ''')
    >>> [(c.name, c.status, c.diagnosis) for c in report.claims]
    [('l', 'ok', None), ('dl/dw', 'wrong', 'sign flipped')]

The same pieces from Python: :class:`Example` (a builder) writes the file for you.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from .checker import EXTENSION, check, check_file, check_model, check_text
from .claims import OK, STATUSES, TRUNCATED, WRONG, Tolerance
from .errors import VerifyError
from .report import ClaimResult, ExampleReport, Report

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"


def bundled_examples() -> list[Path]:
    """The worked examples shipped with the package (the lecture notes' examples), in order."""
    return sorted(EXAMPLES_DIR.glob(f"*{EXTENSION}"))


def check_bundled(*, tolerance: Tolerance | None = None) -> Report:
    """Check every bundled example (what ``backprop verify`` does with no file)."""
    report = Report([])
    for path in bundled_examples():
        report = report + check_file(path, tolerance=tolerance)
    return report


def _number(x: Any) -> str:
    if isinstance(x, str):
        return x.strip()
    if isinstance(x, Fraction):
        return str(x)
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"expected a number (or its text, e.g. '0.1083'), got {x!r}")
    return repr(x) if isinstance(x, float) else str(x)


def literal(x: Any) -> str:
    """A number, a list or a list of rows, written in the file format.

    Floats keep their shortest repr, so ``0.1083`` claims four decimals; pass a string
    (``"0.50"``) to claim a different number of decimals.
    """
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(literal(i) for i in x) + "]"
    if hasattr(x, "tolist"):  # numpy / torch
        return literal(x.tolist())
    return _number(x)


class Example:
    """Build a worked example from Python; ``check()`` runs exactly what the file would.

    >>> ex = Example("one neuron")
    >>> ex.input("x", [1.0, 2.0]).param("w", [0.5, -0.25]).param("b", 0.1)
    Example('one neuron', 3 statements)
    >>> ex.let("a", "dot(w, x) + b").loss("y", "sigmoid(a)")
    Example('one neuron', 5 statements)
    >>> ex.claim("y", 0.5250).claim("dy/dw", [0.2494, 0.4988]).check()["dy/dw"].status
    'ok'
    """

    def __init__(self, name: str, note: str | None = None) -> None:
        """Start an example called ``name`` (one line), with an optional note."""
        if "\n" in name:
            raise ValueError(f"an example name is one line, got {name!r}")
        self.name = name
        self.lines = [f"example {name}"]
        if note:
            self.note(note)

    def _add(self, line: str) -> Example:
        if "\n" in line:
            raise ValueError(f"one statement per call, got {line!r}")
        self.lines.append(line)
        return self

    def note(self, text: str) -> Example:
        """``note TEXT``: shown in the report."""
        return self._add(f"note {text}")

    def input(self, name: str, value: Any) -> Example:
        """``input NAME = value``."""
        return self._add(f"input {name} = {literal(value)}")

    def param(self, name: str, value: Any = None, *, shape: Sequence[int] | None = None
              ) -> Example:
        """``param NAME = value``, or ``param NAME : r x c`` with ``shape``."""
        if shape is not None:
            return self._add(f"param {name} : {' x '.join(str(int(d)) for d in shape)}")
        return self._add(f"param {name} = {literal(value)}")

    def const(self, name: str, value: Any) -> Example:
        """``const NAME = value``."""
        return self._add(f"const {name} = {literal(value)}")

    def let(self, name: str, formula: str) -> Example:
        """``let NAME = formula``."""
        return self._add(f"let {name} = {formula}")

    def loss(self, name: str, formula: str) -> Example:
        """``loss NAME = formula``."""
        return self._add(f"loss {name} = {formula}")

    def layer(self, name: str, weights: str, bias: str | None = None,
              activation: str = "identity", *, source: str | None = None,
              pre: str | None = None) -> Example:
        """``layer NAME: W, b, activation [from X] [pre Z]``."""
        parts = [weights] + ([bias] if bias else []) + [activation]
        tail = (f" from {source}" if source else "") + (f" pre {pre}" if pre else "")
        return self._add(f"layer {name}: {', '.join(parts)}{tail}")

    def perceptron(self, weights: str, data: str, labels: str, *, rate: float = 1,
                   steps: int = 1) -> Example:
        """``perceptron w: data X, labels Y, rate c, steps n``."""
        return self._add(f"perceptron {weights}: data {data}, labels {labels}, "
                         f"rate {_number(rate)}, steps {int(steps)}")

    def batch(self, m: int) -> Example:
        """``batch m``: the batch size."""
        return self._add(f"batch {int(m)}")

    def claim(self, quantity: str, value: Any, *, tolerance: Tolerance | str | None = None
              ) -> Example:
        """``claim QUANTITY = value`` (``tolerance``: this claim's own, e.g. "sigfig 3")."""
        tail = f" with {tolerance}" if tolerance is not None else ""
        return self._add(f"claim {quantity} = {literal(value)}{tail}")

    def tolerance(self, tolerance: Tolerance | str) -> Example:
        """``tolerance sigfig 3``: how the claims after it are compared."""
        return self._add(f"tolerance {tolerance}")

    def show(self, quantity: str) -> Example:
        """``show QUANTITY``: shown, not checked."""
        return self._add(f"show {quantity}")

    @property
    def text(self) -> str:
        """The file's text, as ``check`` reads it."""
        return "\n".join(self.lines) + "\n"

    def check(self) -> ExampleReport:
        """Check the example: its :class:`ExampleReport`."""
        return check_text(self.text, name=self.name)[0]

    def __repr__(self) -> str:
        """``Example('one neuron', 5 statements)``."""
        return f"Example({self.name!r}, {len(self.lines) - 1} statements)"


__all__ = [
    "EXTENSION", "OK", "STATUSES", "TRUNCATED", "WRONG", "ClaimResult", "Example", "Tolerance",
    "ExampleReport", "Report", "VerifyError", "bundled_examples", "check", "check_bundled",
    "check_file", "check_model", "check_text", "literal",
]
