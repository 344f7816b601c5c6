"""A tiny, safe parser for the expressions ``backprop draw`` accepts (no ``eval``).

Grammar (usual precedence; ``^`` and ``**`` are powers, right-associative)::

    line    := [NAME "="] expr
    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := "-" unary | power
    power   := postfix [("^" | "**") unary]
    postfix := atom ("." FUNC "(" [args] ")")*
    atom    := NUMBER | NAME | FUNC "(" args ")" | "(" expr ")"

FUNC is one of the engine's methods: exp log (ln) sqrt tanh sigmoid relu leaky_relu abs
sin cos step; ``x.sigmoid()`` and ``sigmoid(x)`` mean the same. ``leaky_relu(x, 0.1)`` takes
a slope. Each NAME must be given a value (``w=-2.5``); every use of a name is the same node.

>>> z = parse_expression("y = sigmoid(w*x + b)", {"w": -2.5, "x": 0.5, "b": 1.0})
>>> z.label, round(z.data, 4)
('y', 0.4378)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..value import Value

FUNCTIONS = {
    "exp": Value.exp, "log": Value.log, "ln": Value.log, "sqrt": Value.sqrt,
    "tanh": Value.tanh, "sigmoid": Value.sigmoid, "relu": Value.relu, "abs": Value.abs,
    "sin": Value.sin, "cos": Value.cos, "step": Value.step, "leaky_relu": Value.leaky_relu,
}

_TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|"
                    r"([A-Za-z_][A-Za-z_0-9]*)|(\*\*|[-+*/^().,=]))")


class ExpressionError(ValueError):
    """The expression could not be read; the message points at the place."""


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ExpressionError(f"cannot read {text[pos:].strip()[:20]!r} at column {pos + 1} "
                                  f"of {text!r}")
        num, name, op = m.groups()
        start = m.start(m.lastindex or 0)
        if num is not None:
            out.append(("num", num, start))
        elif name is not None:
            out.append(("name", name, start))
        else:
            out.append(("op", op, start))
        pos = m.end()
    out.append(("end", "", len(text)))
    return out


class _Parser:
    def __init__(self, text: str, variables: Mapping[str, Value]) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0
        self.vars = variables

    def peek(self) -> tuple[str, str, int]:
        return self.toks[self.i]

    def error(self, msg: str) -> ExpressionError:
        col = self.peek()[2]
        return ExpressionError(f"{msg} at column {col + 1} of {self.text!r}")

    def accept(self, *ops: str) -> str | None:
        kind, text, _ = self.peek()
        if kind == "op" and text in ops:
            self.i += 1
            return text
        return None

    def expect(self, op: str) -> None:
        if self.accept(op) is None:
            found = self.peek()[1] or "the end"
            raise self.error(f"expected {op!r}, found {found!r}")

    def line(self) -> Value:
        label = None
        if self.toks[0][0] == "name" and self.toks[1][1] == "=":
            label = self.toks[0][1]
            self.i = 2
        v = self.expr()
        if self.peek()[0] != "end":
            raise self.error(f"unexpected {self.peek()[1]!r}")
        v = _as_value(v)
        if label is not None:
            v.label = label
        return v

    def expr(self) -> Any:
        v = self.term()
        while (op := self.accept("+", "-")) is not None:
            w = self.term()
            v = v + w if op == "+" else v - w
        return v

    def term(self) -> Any:
        v = self.unary()
        while (op := self.accept("*", "/")) is not None:
            w = self.unary()
            v = v * w if op == "*" else v / w
        return v

    def unary(self) -> Any:
        if self.accept("-") is not None:
            v = self.unary()
            return -v
        return self.power()

    def power(self) -> Any:
        v = self.postfix()
        if self.accept("^", "**") is not None:
            e = self.unary()
            v = _as_value(v) ** e
        return v

    def postfix(self) -> Any:
        v = self.atom()
        while self.accept(".") is not None:
            kind, name, _ = self.peek()
            if kind != "name" or name not in FUNCTIONS:
                raise self.error(f"unknown method {name!r} (known: {', '.join(FUNCTIONS)})")
            self.i += 1
            self.expect("(")
            args = self.args() if self.peek()[1] != ")" else []
            self.expect(")")
            v = self.call(name, [v, *args])
        return v

    def args(self) -> list[Any]:
        out = [self.expr()]
        while self.accept(",") is not None:
            out.append(self.expr())
        return out

    def call(self, name: str, args: list[Any]) -> Value:
        extra = 1 if name == "leaky_relu" else 0
        if not 1 <= len(args) <= 1 + extra:
            raise self.error(f"{name} takes {'1 or 2 arguments' if extra else '1 argument'}, "
                             f"got {len(args)}")
        x = _as_value(args[0])
        if len(args) == 2:
            slope = args[1]
            if isinstance(slope, Value):
                if slope._op.bprop is not None or slope.role != "const":
                    raise self.error("leaky_relu's slope must be a number")
                slope = slope.data
            return x.leaky_relu(float(slope))
        return FUNCTIONS[name](x)

    def atom(self) -> Any:
        kind, text, _ = self.peek()
        if kind == "num":
            self.i += 1
            return float(text)
        if kind == "name":
            self.i += 1
            if text in FUNCTIONS and self.peek()[1] == "(":
                self.expect("(")
                args = self.args()
                self.expect(")")
                return self.call(text, args)
            if text not in self.vars:
                self.i -= 1
                known = ", ".join(sorted(self.vars)) or "none"
                raise self.error(f"no value for {text!r} (given: {known}; pass {text}=NUMBER)")
            return self.vars[text]
        if self.accept("(") is not None:
            v = self.expr()
            self.expect(")")
            return v
        raise self.error(f"expected a number, a name or '(' but found {text or 'the end'!r}")


def _as_value(v: Any) -> Value:
    return v if isinstance(v, Value) else Value(v, role="const")


def parse_expression(
    text: str,
    inputs: Mapping[str, float] | None = None,
    params: Mapping[str, float] | None = None,
) -> Value:
    """Build the graph of ``text`` with the named inputs and parameters as labelled leaves."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(f"expected an expression such as 'sigmoid(w*x + b)', got {text!r}")
    variables: dict[str, Value] = {}
    for role, given in (("input", inputs or {}), ("param", params or {})):
        for name, value in given.items():
            if name in variables:
                raise ExpressionError(f"{name!r} is given twice")
            if name in FUNCTIONS:
                raise ExpressionError(f"{name!r} is a function name; choose another name")
            variables[name] = Value(value, label=name, role=role)
    return _Parser(text, variables).line()


def parse_assignments(items: list[str]) -> dict[str, float]:
    """``["w=-2.5", "x=0.5"]`` → ``{"w": -2.5, "x": 0.5}``."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", name):
            raise ExpressionError(f"expected NAME=NUMBER, got {item!r}")
        try:
            out[name] = float(value)
        except ValueError:
            raise ExpressionError(f"{name}: {value!r} is not a number") from None
    return out
