"""The expressions ``backprop draw`` accepts: the formula language of ``backprop verify``
(:mod:`autograd_core.formula`, parsed, never ``eval``-ed), with named leaves and an
optional ``NAME =`` that labels the result.

``x.sigmoid()`` and ``sigmoid(x)`` mean the same; ``leaky_relu(x, 0.1)`` takes a slope;
``+ - * / ^ ** @``, ``[a, b]``, ``v[i]``, ``sum``, ``dot`` … work as in worked-example files,
as long as the result is one number. Each NAME must be given a value (``w=-2.5``); every
use of a name is the same node.

>>> z = parse_expression("y = sigmoid(w*x + b)", {"w": -2.5, "x": 0.5, "b": 1.0})
>>> z.label, round(z.data, 4)
('y', 0.4378)
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .. import Value
from ..formula import (
    FUNCTIONS,
    NAME_RE,
    FormulaError,
    Q,
    Stream,
    evaluate,
    parse_expr,
    shape_str,
    tokenize_line,
)
from ..formula.syntax import Num
from ..verify.numbers import NumberError, written

ExpressionError = FormulaError  # what parse_expression raises (a ValueError)


def parse_expression(
    text: str,
    inputs: Mapping[str, float] | None = None,
    params: Mapping[str, float] | None = None,
) -> Value:
    """Build the graph of ``text`` with the named inputs and parameters as labelled leaves."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(f"expected an expression such as 'sigmoid(w*x + b)', got {text!r}")
    variables: dict[str, Q] = {}
    for role, given in (("input", inputs or {}), ("param", params or {})):
        for name, value in given.items():
            if name in variables:
                raise ExpressionError(f"{name!r} is given twice")
            if name in FUNCTIONS:
                raise ExpressionError(f"{name!r} is a function name; choose another name")
            variables[name] = Q.scalar(Value(value, label=name, role=role))

    def lookup(name: str) -> Q:
        if name not in variables:
            known = ", ".join(sorted(variables)) or "none"
            raise ExpressionError(f"no value for {name!r} (given: {known}; pass {name}=NUMBER)")
        return variables[name]

    try:
        s = Stream(tokenize_line(text))
        label = None
        if s.peek().kind == "name" and s.peek(1).text == "=":
            label = s.next().text
            s.next()
        q = evaluate(_whole(s), lookup, _number)
        if q.size != 1:
            raise ExpressionError(f"the expression is {shape_str(q.shape)}; draw one number "
                                  "(e.g. sum(...) or an entry v[i])", 1, column=1)
    except FormulaError as e:
        raise e.in_one_line(text.rstrip()) from None
    v = q.items[0]
    v = v if isinstance(v, Value) else Value(float(v), role="const")
    if label is not None:
        v.label = label
    return v


def _number(num: Num) -> float:
    """A number written in the expression, within the limits verify and solve keep (60
    digits, an exponent within ±300): beyond them a float would silently be ±∞ or 0."""
    try:
        written(num.text)
    except NumberError as e:
        raise ExpressionError(str(e)) from None
    return float(num.value)


def _whole(s: Stream) -> object:
    tree = parse_expr(s)
    s.done()
    return tree


def parse_assignments(items: list[str]) -> dict[str, float]:
    """``["w=-2.5", "x=0.5"]`` → ``{"w": -2.5, "x": 0.5}``."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not re.fullmatch(NAME_RE, name):
            raise ExpressionError(f"expected NAME=NUMBER, got {item!r}")
        try:
            written(value)  # the limits of a written number (see _number)
            out[name] = float(value)
        except NumberError as e:
            raise ExpressionError(f"{name}: {e}") from None
        except ValueError:
            raise ExpressionError(f"{name}: {value!r} is not a number") from None
    return out
