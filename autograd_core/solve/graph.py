"""What the engine computed, read in the example's names.

* :func:`expression`: what a node computes, down to named entries and numbers
  (``W⁽¹⁾₂₁·x⁽⁰⁾₁ + W⁽¹⁾₂₂·x⁽⁰⁾₂ + b⁽¹⁾₂``);
* :func:`local_derivatives`: ∂C/∂input for each input of a node C, *computed by the engine*
  (the op's own bprop, seeded with 1, as ``build_grad(C, C.inputs)`` applies it), one
  number per use;
* :func:`local_symbol`: how that derivative is written (the other factor of a product,
  1/a for log, σ′(a) for σ, …); its numbers are always the engine's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import Value, ops
from . import names
from .expr import Bin, Expr, Fn, Neg, Num, Pow, Sym, column
from .quantities import Named
from .rounding import Precision, given_text

MAX_DEPTH = 8  # deeper unnamed sub-expressions are written (…) with their value

# from the engine's registry: a new op block is written out with no edit here
ACTIVATIONS = tuple(block.kind for block in ops.registered(ops.ACTIVATION))  # f′(z) by name
ELEMENTARY = tuple(ops.elementwise())  # the functions of one number: f(a)


def base_op(node: Value) -> str:
    """The op's name without its parameter: leaky_relu(0.1) → leaky_relu, pow2 → pow2."""
    return node.op.name.split("(")[0]


def _number(node: Value) -> Num:
    return Num(node.data, given_text(node.data))


class Expressions:
    """Writes nodes as expressions over the named entries (cached: a graph is a DAG)."""

    def __init__(self, named: Named, precision: Precision) -> None:
        """Write nodes in terms of the named entries, rounded as precision says."""
        self.named = named
        self.precision = precision

    def name_of(self, node: Value) -> Expr | None:
        """The entry's name (with its number) if the node is one."""
        if node not in self.named:
            return None
        q, k = self.named.where[node]
        return q.entry_sym(k, self.precision)

    def operand(self, node: Value, depth: int = 0) -> Expr:
        """A node as an operand: its name, its number, or what it computes."""
        named = self.name_of(node)
        if named is not None:
            return named
        if node.is_leaf:
            return _number(node)
        if depth >= MAX_DEPTH:
            return Sym("(…)", r"(\ldots)", Num(node.data, self.precision.text(node.data)))
        return self.expression(node, depth + 1)

    def expression(self, node: Value, depth: int = 0) -> Expr:
        """What a node computes from its inputs, each written as an operand."""
        ins = [self.operand(i, depth) for i in node.inputs]
        return build(node, ins)


def _sum(ins: list[Expr]) -> Expr:
    out = ins[0]
    for e in ins[1:]:
        out = Bin("+", out, e)
    return out


_BINARY = {"add": "+", "sub": "-", "mul": "·", "div": "/"}


def build(node: Value, ins: list[Expr]) -> Expr:
    """The expression of one op applied to the written inputs."""
    op = node.op
    name = base_op(node)
    if name in _BINARY:
        return Bin(_BINARY[name], ins[0], ins[1])
    if name == "neg":
        return Neg(ins[0])
    if name == "sum":
        return _sum(ins)
    if name == "pow":
        return Pow(ins[0], ins[1])
    if name.startswith("pow"):
        return Pow(ins[0], _number_of(op.param))
    if name in ELEMENTARY:
        f = names.function(name)
        kind = name if op.param is None else f"{name}:{op.param!r}"
        return Fn(f.uni, f.tex, (ins[0],), kind)
    if name == "logsumexp":
        f = names.function(name)
        return Fn(f.uni, f.tex, (column(ins),), "logsumexp")
    f = names.function(name)
    return Fn(f.uni, f.tex, tuple(ins), "")


def _number_of(x: Any) -> Num:
    return Num(x, given_text(x))


# ------------------------------------------------------------------ local derivatives
def local_derivatives(consumer: Value) -> list[Any]:
    """∂consumer/∂input for each input, in order (a node used twice gets two entries), as
    the engine's bprop gives them: the consumer's op's own rule with G = 1, exactly what one
    back-propagation from the consumer (seed 1) applies to it, without walking the graph
    below the consumer (that walk, once per node, made a 3000-term sum quadratic: 41 s)."""
    rule = consumer.op.bprop
    inputs = consumer.inputs
    if rule is None or not inputs:
        return []
    terms = rule(tuple(i.data for i in inputs), consumer.data, 1.0)
    return [_value(t) for t in terms]


def _value(t: Any) -> Any:
    return t.data if isinstance(t, Value) else t


def _one() -> Num:
    return Num(1, "1")


def _minus_one() -> Num:
    return Num(-1, "-1")


def _recip(e: Expr) -> Expr:
    return Bin("/", _one(), e)


LocalRule = Callable[[int, list[Expr], Expr, Any], Expr]


def _rule_mul(k: int, ins: list[Expr], out: Expr, value: Any) -> Expr:
    return ins[1 - k]


def _rule_div(k: int, ins: list[Expr], out: Expr, value: Any) -> Expr:
    if k == 0:
        return _recip(ins[1])
    return Neg(Bin("/", ins[0], Pow(ins[1], Num(2, "2"))))


def _rule_pow(k: int, ins: list[Expr], out: Expr, value: Any) -> Expr:
    if k == 0:
        return Bin("·", ins[1], Pow(ins[0], Bin("-", ins[1], _one())))
    return Bin("·", out, Fn("log", r"\log", (ins[0],), "log"))


_RULES: dict[str, LocalRule] = {
    "add": lambda k, ins, out, v: _one(),
    "sum": lambda k, ins, out, v: _one(),
    "sub": lambda k, ins, out, v: _one() if k == 0 else _minus_one(),
    "neg": lambda k, ins, out, v: _minus_one(),
    "mul": _rule_mul,
    "div": _rule_div,
    "pow": _rule_pow,
    "exp": lambda k, ins, out, v: out,
    "log": lambda k, ins, out, v: _recip(ins[0]),
    "sqrt": lambda k, ins, out, v: _recip(Bin("·", Num(2, "2"), Fn("√", r"\sqrt", (ins[0],),
                                                                  "sqrt"))),
    "sin": lambda k, ins, out, v: Fn("cos", r"\cos", (ins[0],), "cos"),
    "cos": lambda k, ins, out, v: Neg(Fn("sin", r"\sin", (ins[0],), "sin")),
}


def local_symbol(consumer: Value, k: int, ins: list[Expr], out: Expr, value: Any,
                 precision: Precision) -> Expr:
    """How ∂consumer/∂(input k) is written; ``value`` is the engine's number for it.

    Activations are written f′(a) (σ′(z⁽¹⁾₂)) standing for the engine's value; a rule this
    module does not know is written ∂C/∂a, also with the engine's value.
    """
    name = base_op(consumer)
    if name in _RULES:
        return _RULES[name](k, ins, out, value)
    if name.startswith("pow") and consumer.op.param is not None:
        c = consumer.op.param
        if c == 2:
            return Bin("·", Num(2, "2"), ins[0])
        return Bin("·", _number_of(c), Pow(ins[0], _number_of(c - 1)))
    num = Num(value, precision.text(value))
    arg = names.Name(_plain(ins[k]), _tex(ins[k]))
    if name in ACTIVATIONS:
        d = names.derivative_of(consumer.op.name, arg)
        return Sym(d.uni, d.tex, num, node=consumer, deriv=name)
    d = names.gradient(names.Name(_plain(out), _tex(out)), arg)
    return Sym(d.uni, d.tex, num)


def _plain(e: Expr) -> str:
    from .expr import text

    return text(e)


def _tex(e: Expr) -> str:
    from .expr import latex

    return latex(e)
