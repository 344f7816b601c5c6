"""The formula language shared by ``backprop draw "…"`` and the ``let``/``loss`` lines of
``backprop verify`` files: read (:mod:`.lexer`, :mod:`.syntax`), never ``eval``-ed, then
computed with Values (:mod:`.evaluate`, over the scalars, vectors and matrices of
:mod:`.tensor`).

>>> from autograd_core import Value
>>> from autograd_core.formula import Q, evaluate, parse_formula
>>> env = {"w": Q.scalar(Value(-2.5)), "x": Q.scalar(Value(0.5)), "b": Q.scalar(Value(1.0))}
>>> y = evaluate(parse_formula("(w*x + b).sigmoid()"), env.__getitem__)
>>> round(y.items[0].data, 4)
0.4378
>>> try:
...     parse_formula("sigmoid(w*x")
... except FormulaError as e:
...     print(e.line, e.column, e.message)
1 12 expected ')' to close sigmoid(, found the end of the line
"""

from __future__ import annotations

from .errors import FormulaError
from .evaluate import derivative, evaluate, gradient
from .lexer import NAME_RE, Token, tokenize_line
from .syntax import FUNCTIONS, Stream, parse_expr
from .tensor import Q, ShapeError, shape_str


def parse_formula(text: str, line: int = 1) -> object:
    """The syntax tree of a one-line formula (raises :class:`FormulaError` with its column)."""
    s = Stream(tokenize_line(text, line), line)
    tree = parse_expr(s)
    s.done()
    return tree


__all__ = ["FUNCTIONS", "NAME_RE", "FormulaError", "Q", "ShapeError", "Stream", "Token",
           "derivative", "evaluate", "gradient", "parse_expr", "parse_formula", "shape_str",
           "tokenize_line"]
