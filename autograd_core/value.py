"""``Value``: one scalar of a computation, the node of the graph.

A Value holds its number (``data``), the gradient accumulated by ``backward()`` (``grad``), an
optional ``label``, the :class:`~autograd_core.ops.Op` that produced it and that op's inputs,
in order. Nothing a Value holds refers back to the Value itself, so a finished graph is freed
by reference counting alone.

Each operator below computes its forward rule; its derivative rule (``bprop``) is the entry of
the same name in :mod:`autograd_core.ops`.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any, Union

from . import ops
from .errors import AnomalyError
from .mode import state

if TYPE_CHECKING:
    from .grad_table import GradTable

Number = int | float
Operand = Union["Value", int, float]

_new = object.__new__

# The leaf clock: a count that every leaf made by ``Value(...)`` advances. Each node records the
# count at its creation (``_epoch``). A node is made after its inputs, so it can only descend
# from nodes whose epoch is at most its own: ``grad(z, [x])`` never needs to look below the
# nodes older than x (see backprop.ancestors_since). Ops only read the clock.
_clock = 0


def _node(data: float, inputs: tuple[Value, ...], op: ops.Op) -> Value:
    """Make the output node of an op (the hot path: no validation, no label)."""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out._epoch = _clock
    if state.fast:
        out._op = op
        out._inputs = inputs
        return out
    return _node_with_modes(out, inputs, op)


def _node_with_modes(out: Value, inputs: tuple[Value, ...], op: ops.Op) -> Value:
    """``_node`` under ``no_grad()`` or ``detect_anomaly()``."""
    if state.check_finite and not math.isfinite(out.data):
        if all(math.isfinite(i.data) for i in inputs):
            raise AnomalyError(
                f"{op.name} produced {out.data} from finite inputs "
                f"({', '.join(describe(i) for i in inputs)})"
            )
    if state.build_graph:
        out._op = op
        out._inputs = inputs
    else:
        out._op = ops.INPUT
        out._inputs = ()
    return out


def _lift(x: Any) -> Value:
    """A Value for an operand: Values pass through, numbers become constant leaves (shared:
    see ``constant``)."""
    if x.__class__ is float or x.__class__ is int:  # the common case, without __init__'s checks
        c = _CONSTANTS.get(x)
        return c if c is not None else constant(x)
    if isinstance(x, Value):
        return x
    return Value(x, role="const")


# Numbers written into arithmetic (the 0.9 and 0.1 of ``(x * 0.9 + 0.1).tanh()``) become
# constant leaves, one per distinct number, shared by every use: a constant has no gradient to
# keep and nothing to update, and sharing it saves two of the five nodes of that link (and the
# cyclic collector's time spent walking them). Drawings still show one box per use.
_CONSTANTS: dict[float, Value] = {}
_CONSTANTS_MAX = 4096


def constant(x: Number) -> Value:
    """The shared constant leaf for the number x (what ``x`` becomes in ``v * x``).

    ±0.0 and NaN are not shared (0.0 == -0.0 would merge two signs; NaN equals nothing), and
    the pool is emptied when it holds ``_CONSTANTS_MAX`` numbers, so it stays small.

    >>> constant(0.9) is constant(0.9)
    True
    """
    shared = x.__class__ in (float, int) and x == x and x != 0
    if shared and (c := _CONSTANTS.get(x)) is not None:
        return c
    c = _new(Value)
    c.data = x if x.__class__ is float else _as_float(x, what="constant")
    c.grad = 0.0
    c._op = ops.NUMBER
    c._inputs = ()
    c._epoch = _clock
    if shared:
        if len(_CONSTANTS) >= _CONSTANTS_MAX:
            _CONSTANTS.clear()
        _CONSTANTS[x] = c
    return c


def describe(v: Value) -> str:
    """A short name for a node in messages: its label if any, else its op, with its value."""
    name = v.label if v.label is not None else ("constant" if v.role == "const" else v._op.name)
    return f"{name}={v.data!r}"


class Value:
    """A scalar that remembers how it was computed, so that it can be differentiated.

    >>> x = Value(0.5, label="x")
    >>> y = (x * 2.0).exp()
    >>> y.backward()
    >>> round(x.grad, 6)    # dy/dx = 2·e^(2x) at x = 0.5
    5.436564
    """

    # _label and _table are left unset on most nodes (one store less per op): unset reads as None
    __slots__ = ("data", "grad", "_label", "_op", "_inputs", "_epoch", "_table", "__weakref__")

    data: float
    grad: Any
    _op: ops.Op
    _inputs: tuple[Value, ...]

    def __init__(self, data: Any, label: str | None = None, *, role: str = "input") -> None:
        """A leaf: ``role`` is "input" (default), "param" (a trainable weight) or "const"."""
        if data.__class__ is not float:
            data = _as_float(data)
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Value label must be a string or None, got {label!r}")
        global _clock
        _clock += 1
        self._epoch = _clock
        self.data = data
        self.grad = 0.0
        if label is not None:
            self._label = label
        self._op = _LEAF_ROLES.get(role) or _bad_role(role)
        self._inputs = ()

    def __setstate__(self, state: tuple[None, dict[str, Any]]) -> None:
        """Unpickling or copying: the copy is made now, so it takes the leaf clock's current
        time (an epoch saved by another process would mean nothing here)."""
        for name, value in state[1].items():
            setattr(self, name, value)
        self._epoch = _clock

    # ------------------------------------------------------------ what it is
    @property
    def label(self) -> str | None:
        """An optional name, shown in drawings, tables and messages."""
        return getattr(self, "_label", None)

    @label.setter
    def label(self, label: str | None) -> None:
        if label is not None and self._op is ops.NUMBER:
            raise ValueError(
                f"this constant {self.data!r} stands for the number wherever it is written "
                f"(one leaf shared by every use in every graph), so it cannot be labelled; make "
                f"one of your own: "
                f"Value({self.data!r}, label={label!r}, role=\"const\")"
            )
        self._label = label

    @property
    def _grad_table(self) -> GradTable | None:
        """The table of the last backward() from this node, or None."""
        return getattr(self, "_table", None)

    @property
    def op(self) -> ops.Op:
        """The operation that produced this value (a leaf op for inputs, params, constants)."""
        return self._op

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The op's inputs, in order (``a + a`` has two)."""
        return self._inputs

    @property
    def is_leaf(self) -> bool:
        return self._op.bprop is None

    @property
    def role(self) -> str:
        """"input", "param" or "const" for a leaf; "op" for a computed node."""
        return self._op.name if self._op.bprop is None else "op"

    @property
    def at_kink(self) -> bool:
        """True when this node's op was evaluated at a non-differentiable point (relu at 0…)."""
        return self._op.at_kink

    @property
    def grad_table(self) -> GradTable:
        """The grad_table of the last ``backward()`` run from this node: node → ∂self/∂node."""
        if self._grad_table is None:
            raise AttributeError(
                "this Value has no grad_table yet: call .backward() on it first"
            )
        return self._grad_table

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label is not None else ""
        op = "" if self._op.bprop is None else f", op={self._op.name!r}"
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{op})"

    def __float__(self) -> float:
        return self.data

    # Values are hashed and compared for equality by identity (they key grad_tables);
    # ordering compares the numbers, so max(), sorted() and `if v > 0` work.
    def __lt__(self, other: Operand) -> bool:
        return self.data < _number(other)

    def __le__(self, other: Operand) -> bool:
        return self.data <= _number(other)

    def __gt__(self, other: Operand) -> bool:
        return self.data > _number(other)

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _number(other)

    # ------------------------------------------------------------ arithmetic
    def __add__(self, other: Operand) -> Value:
        """a + b"""
        other = other if other.__class__ is Value else _lift(other)
        return _node(self.data + other.data, (self, other), ops.ADD)

    def __radd__(self, other: Operand) -> Value:
        return _lift(other) + self

    def __sub__(self, other: Operand) -> Value:
        """a − b"""
        other = other if other.__class__ is Value else _lift(other)
        return _node(self.data - other.data, (self, other), ops.SUB)

    def __rsub__(self, other: Operand) -> Value:
        return _lift(other) - self

    def __mul__(self, other: Operand) -> Value:
        """a · b"""
        other = other if other.__class__ is Value else _lift(other)
        return _node(self.data * other.data, (self, other), ops.MUL)

    def __rmul__(self, other: Operand) -> Value:
        return _lift(other) * self

    def __truediv__(self, other: Operand) -> Value:
        """a / b (ZeroDivisionError naming b when b = 0)"""
        other = other if other.__class__ is Value else _lift(other)
        if other.data == 0.0:
            raise ZeroDivisionError(f"division by zero in div: divisor {describe(other)}")
        return _node(self.data / other.data, (self, other), ops.DIV)

    def __rtruediv__(self, other: Operand) -> Value:
        return _lift(other) / self

    def __neg__(self) -> Value:
        """−a"""
        return _node(-self.data, (self,), ops.NEG)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, exponent: Operand) -> Value:
        """aᶜ for a number c, or aᵇ for a Value b."""
        if isinstance(exponent, Value):
            return _node(_power(self, exponent.data, exponent), (self, exponent), ops.POW)
        c = _as_float(exponent, what="exponent")
        return _node(_power(self, c), (self,), ops.pow_const(c))

    def __rpow__(self, base: Number) -> Value:
        return _lift(base) ** self

    # ------------------------------------------------------------ elementary functions
    def exp(self) -> Value:
        """eᵃ (+inf on overflow, as floats do elsewhere)"""
        try:
            return _node(math.exp(self.data), (self,), ops.EXP)
        except OverflowError:
            return _node(math.inf, (self,), ops.EXP)

    def log(self) -> Value:
        """ln a, for a > 0"""
        if not self.data > 0.0 and not math.isnan(self.data):
            raise ValueError(f"log of a non-positive number: {describe(self)} (log needs a > 0)")
        return _node(math.log(self.data), (self,), ops.LOG)

    def sqrt(self) -> Value:
        """√a, for a ≥ 0"""
        if self.data < 0.0:
            raise ValueError(f"sqrt of a negative number: {describe(self)} (sqrt needs a ≥ 0)")
        return _node(math.sqrt(self.data), (self,), ops.SQRT)

    def tanh(self) -> Value:
        """tanh a (finite and exact at any |a|)"""
        return _node(math.tanh(self.data), (self,), ops.TANH)

    def sigmoid(self) -> Value:
        """σ(a) = 1/(1 + e⁻ᵃ), evaluated without overflow on either side"""
        a = self.data
        if a >= 0.0:
            s = 1.0 / (1.0 + math.exp(-a))
        else:
            e = math.exp(a)
            s = e / (1.0 + e)
        return _node(s, (self,), ops.SIGMOID)

    def sin(self) -> Value:
        """sin a"""
        return _node(_nan_outside_domain(math.sin, self.data), (self,), ops.SIN)

    def cos(self) -> Value:
        """cos a"""
        return _node(_nan_outside_domain(math.cos, self.data), (self,), ops.COS)

    def relu(self) -> Value:
        """max(0, a); derivative 0 at a = 0 (the node is flagged at_kink)"""
        a = self.data
        if a > 0.0 or a != a:  # a != a: NaN passes through, as in PyTorch
            return _node(a, (self,), ops.RELU)
        return _node(0.0, (self,), ops.RELU_AT_KINK if a == 0.0 else ops.RELU)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """a if a > 0 else slope·a; derivative slope at a = 0 (the node is flagged at_kink)"""
        slope = _as_float(slope, what="slope")
        a = self.data
        return _node(a if a > 0.0 else slope * a, (self,), ops.leaky_relu(slope, a == 0.0))

    def abs(self) -> Value:
        """|a|; derivative 0 at a = 0 (the node is flagged at_kink)"""
        a = self.data
        return _node(abs(a), (self,), ops.ABS_AT_KINK if a == 0.0 else ops.ABS)

    def __abs__(self) -> Value:
        return self.abs()

    def step(self) -> Value:
        """Heaviside: 1 if a > 0 else 0 (the perceptron's threshold); derivative 0"""
        a = self.data
        return _node(1.0 if a > 0.0 else 0.0, (self,), ops.STEP_AT_KINK if a == 0.0 else ops.STEP)

    # ------------------------------------------------------------ back-propagation
    def backward(self, gradient: Number = 1.0, *, keep_terms: bool = False) -> None:
        """Back-propagate from this node: add ∂self/∂node into ``node.grad`` for every node of
        its graph, and keep the table as ``self.grad_table``.

        ``gradient`` seeds ∂self/∂self (1 by default). With ``keep_terms=True`` the table also
        keeps every consumer's contribution, so ``grad_table.chain_rule(x)`` can show the sum.
        """
        from .backprop import backward

        self._table = backward(self, _as_float(gradient, what="gradient"), keep_terms)

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0 on every node of this node's graph."""
        from .backprop import topological_order

        for node in topological_order(self):
            node.grad = 0.0


_LEAF_ROLES = {"input": ops.INPUT, "param": ops.PARAM, "const": ops.CONST}


def _bad_role(role: str) -> ops.Op:
    raise ValueError(f"Value role must be one of {sorted(_LEAF_ROLES)}, got {role!r}")


def _as_float(x: Any, what: str = "Value data") -> float:
    """A real number as a float; anything else is a TypeError that says what was given."""
    if isinstance(x, float):
        return float(x)
    if isinstance(x, numbers.Real):
        try:
            return float(x)
        except OverflowError:
            raise OverflowError(
                f"{what} is too large for a float (|x| > 1.8e308): {_shorten(x)}"
            ) from None
    if isinstance(x, Value):
        raise TypeError(f"{what} must be a number, got a Value ({x!r}); use the Value itself")
    if not isinstance(x, (str, bytes, complex)) and hasattr(x, "__float__"):
        try:  # numpy / torch scalars
            return float(x)
        except (TypeError, ValueError):
            pass
    raise TypeError(
        f"{what} must be a real number (int or float), got {type(x).__name__}: {x!r}"
    )


def _shorten(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 40 else f"{text[:20]}…{text[-10:]} ({len(text)} digits)"


def _number(x: Operand) -> float:
    return x.data if isinstance(x, Value) else _as_float(x, what="comparison operand")


def _power(base: Value, c: float, exponent: Value | None = None) -> float:
    """aᶜ with the domain errors named (0 to a negative power, negative to a fraction)."""
    a = base.data
    if a == 0.0 and c < 0.0:
        raise ZeroDivisionError(
            f"pow: 0 to a negative power: base {describe(base)}, exponent {c!r}"
        )
    if a < 0.0 and not c.is_integer() and math.isfinite(c):
        raise ValueError(
            f"pow: negative base to a non-integer power has no real value: base "
            f"{describe(base)}, exponent {describe(exponent) if exponent else repr(c)}"
        )
    try:
        return a**c
    except OverflowError:
        odd = c.is_integer() and c % 2 == 1
        return math.copysign(math.inf, a) if odd else math.inf


def _nan_outside_domain(f: Any, a: float) -> float:
    """f(a), NaN where math raises for a non-finite argument (sin(inf))."""
    try:
        return f(a)
    except ValueError:
        return math.nan
