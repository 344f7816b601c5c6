"""``Value``: one scalar of a computation, the node of the graph.

A Value holds its number (``data``), the gradient accumulated by ``backward()`` (``grad``), an
optional ``label``, the :class:`~.op.Op` that produced it (``op``) and that op's inputs, in
order (``inputs``). Nothing a Value holds refers back to the Value itself, so a finished graph
is freed by reference counting alone.

Each operator is one line that applies an op: the op's forward rule, its domain and its
derivative rule are written together in its block in :mod:`.ops`.
"""

from __future__ import annotations

import math
import numbers
import weakref
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Union

from . import backprop
from .errors import AnomalyError
from .exact import Exact
from .graph import ordered
from .mode import state
from .naming import describe, expression
from .op import Op, OutsideDomain, instance
from .ops import activations as act
from .ops import arithmetic as ar
from .ops import functions as fn
from .ops import leaves

if TYPE_CHECKING:
    from .grad_table import GradTable

Number = int | float
Operand = Union["Value", int, float, Fraction]

_new = object.__new__

# The leaf clock: a count that every leaf made by ``Value(...)`` advances. Each node records the
# count at its creation (``_epoch``). A node is made after its inputs, so it can only descend
# from nodes whose epoch is at most its own: ``grad(z, [x])`` never needs to look below the
# nodes older than x (see graph.ancestors_since). Ops only read the clock.
_clock = 0


# ---------------------------------------------------------------- making nodes
def node(data: Any, inputs: tuple[Value, ...], op: Op) -> Value:
    """The output node of an op (the hot path: no validation, no label)."""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out._epoch = _clock
    if state.fast:
        out.op = op
        out.inputs = inputs
        return out
    return _node_with_modes(out, inputs, op)


def _node_with_modes(out: Value, inputs: tuple[Value, ...], op: Op) -> Value:
    """``node`` under ``no_grad()`` or ``detect_anomaly()``."""
    if state.check_finite and not math.isfinite(out.data):
        if all(math.isfinite(i.data) for i in inputs):
            raise AnomalyError(
                f"{op.name} produced {out.data} from finite inputs "
                f"({', '.join(describe(i) for i in inputs)})"
            )
    if state.build_graph:
        out.op = op
        out.inputs = inputs
    else:
        out.op = leaves.INPUT
        out.inputs = ()
    return out


def outside_domain(error: OutsideDomain, op: Op, inputs: tuple[Value, ...]) -> Any:
    """An op's forward rule left its domain: the IEEE value inside a derivative graph, else the
    error the user sees, naming the operands (``log of a non-positive number: p=0.0``)."""
    if state.ieee:
        return error.ieee
    exponent = describe(inputs[1]) if len(inputs) > 1 else repr(op.param)
    message = error.message.format(*map(describe, inputs), c=exponent)
    raise error.kind(message) from None


def apply(op: Op, *inputs: Value) -> Value:
    """out = op(inputs): the op's forward rule on the inputs' numbers, recorded as a node.

    The general form of the operators below (which write it out for speed); used for ops with
    a parameter (``a ** 3``, ``leaky_relu(0.2)``) and for n-ary ops (Σ, logsumexp).
    """
    try:
        data = op.forward(*[i.data for i in inputs])
    except OutsideDomain as e:
        data = outside_domain(e, op, inputs)
    if op.kinked and inputs[0].data == 0:
        op = instance(type(op), op.param, at_kink=True)
    return node(data, inputs, op)


# The operators are made from their op by these four, which write ``apply`` out for one op:
# the forward rule called directly and the node built in place (no argument tuple, no call to
# ``node``), so that an op costs what it did when each operator was written by hand: about
# 4,300 instructions per op of the benchmark's chain build (callgrind), 12% fewer than with
# the ``node`` call.
def _unary(op: Op) -> Callable[[Value], Value]:
    forward = op.forward

    def operator(a: Value) -> Value:
        try:
            data = forward(a.data)
        except OutsideDomain as e:
            data = outside_domain(e, op, (a,))
        out = _new(Value)
        out.data = data
        out.grad = 0.0
        out._epoch = _clock
        if state.fast:
            out.op = op
            out.inputs = (a,)
            return out
        return _node_with_modes(out, (a,), op)

    operator.__doc__ = op.formula
    return operator


def _kinked(op: Op) -> Callable[[Value], Value]:
    """A one-input op with no derivative at 0: a node computed at 0 records the kink twin."""
    forward, twin = op.forward, instance(type(op), op.param, at_kink=True)

    def operator(a: Value) -> Value:
        x = a.data
        out = _new(Value)
        out.data = forward(x)
        out.grad = 0.0
        out._epoch = _clock
        if state.fast:
            out.op = twin if x == 0 else op
            out.inputs = (a,)
            return out
        return _node_with_modes(out, (a,), twin if x == 0 else op)

    operator.__doc__ = op.formula
    return operator


def _binary(op: Op) -> Callable[[Value, Operand], Value]:
    """A two-input op: ``a + b`` (a number b becomes a constant leaf)."""
    forward = op.forward

    def operator(a: Value, b: Operand) -> Value:
        b = b if b.__class__ is Value else lift(b)
        try:
            data = forward(a.data, b.data)
        except OutsideDomain as e:
            data = outside_domain(e, op, (a, b))
        out = _new(Value)
        out.data = data
        out.grad = 0.0
        out._epoch = _clock
        if state.fast:
            out.op = op
            out.inputs = (a, b)
            return out
        return _node_with_modes(out, (a, b), op)

    operator.__doc__ = op.formula
    return operator


def _reflected(op: Op) -> Callable[[Value, Operand], Value]:
    """The same op with the number on the left: ``2 * x`` (Python calls x.__rmul__(2))."""
    binary = _binary(op)

    def operator(b: Value, a: Operand) -> Value:
        return binary(lift(a), b)

    operator.__doc__ = op.formula
    return operator


# ---------------------------------------------------------------- numbers in expressions
def lift(x: Any) -> Value:
    """A Value for an operand: Values pass through, numbers become constant leaves (shared:
    see ``constant``)."""
    if x.__class__ is float or x.__class__ is int:  # the common case, without __init__'s checks
        c = _CONSTANTS.get(x)
        return c if c is not None else constant(x)
    if isinstance(x, Value):
        return x
    if isinstance(x, Fraction):
        return constant(x)
    return Value(x, role="const")


# Numbers written into arithmetic (the 0.9 and 0.1 of ``(x * 0.9 + 0.1).tanh()``) become
# constant leaves, one per distinct number, shared by every use: a constant has no gradient to
# keep and nothing to update, and sharing it saves two of the five nodes of that link (and the
# cyclic collector's time spent walking them). Drawings still show one box per use.
_CONSTANTS: dict[float, Value] = {}
# exact numbers have a pool of their own: Exact(1) == 1.0, but a float must not stand for it
_EXACT_CONSTANTS: dict[Fraction, Value] = {}
_CONSTANTS_MAX = 4096


def constant(x: Any) -> Value:
    """The shared constant leaf for the number x (what ``x`` becomes in ``v * x``).

    ±0.0 and NaN are not shared (0.0 == -0.0 would merge two signs; NaN equals nothing), and
    the pool is emptied when it holds ``_CONSTANTS_MAX`` numbers, so it stays small. An exact
    number (a Fraction) stays exact and is shared with the same exact number only.

    >>> constant(0.9) is constant(0.9)
    True
    """
    exact = isinstance(x, Fraction)
    pool = _EXACT_CONSTANTS if exact else _CONSTANTS
    shared = (exact or x.__class__ in (float, int)) and x == x and x != 0
    if shared and (c := pool.get(x)) is not None:
        return c
    c = _new(Value)
    c.data = x if x.__class__ is float else as_number(x, what="constant")
    c.grad = 0.0
    c.op = leaves.NUMBER
    c.inputs = ()
    c._epoch = _clock
    if shared:
        if len(pool) >= _CONSTANTS_MAX:
            pool.clear()
        pool[x] = c
    return c


# ---------------------------------------------------------------- the node
class Value:
    """A scalar that remembers how it was computed, so that it can be differentiated.

    >>> x = Value(0.5, label="x")
    >>> y = (x * 2.0).exp()
    >>> y.backward()
    >>> round(x.grad, 6)    # dy/dx = 2·e^(2x) at x = 0.5
    5.436564
    """

    # _label and _table are left unset on most nodes (one store less per op): unset reads as None
    __slots__ = ("data", "grad", "_label", "op", "inputs", "_epoch", "_table", "__weakref__")

    data: Any
    grad: Any
    op: Op
    inputs: tuple[Value, ...]
    _epoch: int
    _label: str | None

    def __init__(self, data: Any, label: str | None = None, *, role: str = "input") -> None:
        """A leaf: ``role`` is "input" (default), "param" (a trainable weight) or "const"."""
        if data.__class__ is not float:
            data = as_number(data)
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Value label must be a string or None, got {label!r}")
        global _clock
        _clock += 1
        self._epoch = _clock
        self.data = data
        self.grad = 0.0
        if label is not None:
            self._label = label
        self.op = _LEAF_ROLES.get(role) or _bad_role(role)
        self.inputs = ()

    # ------------------------------------------------------------ what it is
    @property
    def label(self) -> str | None:
        """An optional name, shown in drawings, tables and messages."""
        return getattr(self, "_label", None)

    @label.setter
    def label(self, label: str | None) -> None:
        if label is not None and self.op is leaves.NUMBER:
            raise ValueError(
                f"this constant {self.data!r} stands for the number wherever it is written "
                f"(one leaf shared by every use in every graph), so it cannot be labelled; make "
                f"one of your own: "
                f"Value({self.data!r}, label={label!r}, role=\"const\")"
            )
        self._label = label

    @property
    def is_leaf(self) -> bool:
        """True for inputs, parameters and constants (nothing is back-propagated past them)."""
        return self.op.bprop is None

    @property
    def role(self) -> str:
        """"input", "param" or "const" for a leaf; "op" for a computed node."""
        return self.op.leaf_role or "op"

    @property
    def at_kink(self) -> bool:
        """True when this node's op was evaluated at a non-differentiable point (relu at 0…)."""
        return self.op.at_kink

    @property
    def grad_table(self) -> GradTable:
        """The grad_table of the last ``backward()`` run from this node: node → ∂self/∂node."""
        table: GradTable | None = getattr(self, "_table", None)
        if table is None:
            raise AttributeError(
                "this Value has no grad_table yet: call .backward() on it first"
            )
        return table

    def __repr__(self) -> str:
        """``Value(data=…, grad=…, label=…, op=…)``."""
        label = f", label={self.label!r}" if self.label is not None else ""
        op = "" if self.op.bprop is None else f", op={self.op.name!r}"
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{op})"

    def __float__(self) -> float:
        """The number: ``float(v) == v.data``."""
        return float(self.data)

    # Values are hashed and compared for equality by identity (they key grad_tables);
    # ordering compares the numbers, so max(), sorted() and `if v > 0` work.
    def __lt__(self, other: Operand) -> bool:
        return bool(self.data < _number(other))

    def __le__(self, other: Operand) -> bool:
        return bool(self.data <= _number(other))

    def __gt__(self, other: Operand) -> bool:
        return bool(self.data > _number(other))

    def __ge__(self, other: Operand) -> bool:
        return bool(self.data >= _number(other))

    # ------------------------------------------------------------ arithmetic (ops/arithmetic)
    __add__ = _binary(ar.ADD)
    __radd__ = _reflected(ar.ADD)
    __sub__ = _binary(ar.SUB)
    __rsub__ = _reflected(ar.SUB)
    __mul__ = _binary(ar.MUL)
    __rmul__ = _reflected(ar.MUL)
    __truediv__ = _binary(ar.DIV)
    __rtruediv__ = _reflected(ar.DIV)
    __neg__ = _unary(ar.NEG)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, exponent: Operand) -> Value:
        """aᶜ for a number c, or aᵇ for a Value b."""
        if isinstance(exponent, Value):
            return apply(ar.POW, self, exponent)
        return apply(ar.pow_const(as_number(exponent, what="exponent")), self)

    def __rpow__(self, base: Number) -> Value:
        return apply(ar.POW, lift(base), self)

    # ------------------------------------------------------------ functions (ops/functions)
    exp = _unary(fn.EXP)
    log = _unary(fn.LOG)
    sqrt = _unary(fn.SQRT)
    sin = _unary(fn.SIN)
    cos = _unary(fn.COS)

    # ------------------------------------------------------------ activations (ops/activations)
    tanh = _unary(act.TANH)
    sigmoid = _unary(act.SIGMOID)
    softplus = _unary(act.SOFTPLUS)
    relu = _kinked(act.RELU)
    abs = _kinked(act.ABS)
    __abs__ = abs
    step = _kinked(act.STEP)

    def leaky_relu(self, slope: Any = 0.01) -> Value:
        """a if a > 0 else slope·a; derivative slope at a = 0 (the node is flagged at_kink)"""
        return apply(act.leaky_relu(as_number(slope, what="slope")), self)

    # ------------------------------------------------------------ back-propagation
    def backward(self, gradient: Any = 1.0, *, keep_terms: bool = False) -> None:
        """Back-propagate from this node: add ∂self/∂node into ``node.grad`` for every node of
        its graph, and keep the table as ``self.grad_table``.

        ``gradient`` seeds ∂self/∂self (1 by default). With ``keep_terms=True`` the table also
        keeps every consumer's contribution, so ``grad_table.chain_rule(x)`` can show the sum.
        """
        seed = as_number(gradient, what="gradient")
        self._table = backprop.backward(self, seed, keep_terms=keep_terms)

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0 on every node of this node's graph."""
        for n in ordered(self, set()):
            n.grad = 0.0

    # ------------------------------------------------------------ copying and pickling
    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        """Pickle and deepcopy a graph of any depth without recursion.

        The pickler would save a node's inputs inside the node, one level of recursion per
        level of the graph (a RecursionError past ~200 ops). Instead the first node saved lists
        its ancestors, in topological order, before its own inputs: each of them is then saved
        after its own inputs, with nothing left to recurse into (see :class:`_Ancestors`).
        """
        fields = {k: getattr(self, k) for k in ("data", "grad", "_label", "op")
                  if hasattr(self, k)}
        if self.inputs and self not in _LISTED:
            fields = {"ancestors": _Ancestors(ordered(self, set())[:-1]), **fields}
        fields["inputs"] = self.inputs
        return (_restore, (), fields)

    def __setstate__(self, fields: dict[str, Any]) -> None:
        """Unpickling or copying: the copy is made now, so it takes the leaf clock's current
        time (an epoch saved by another process would mean nothing here)."""
        fields.pop("ancestors", None)
        for k, v in fields.items():
            setattr(self, k, v)
        self._epoch = _clock

    def __copy__(self) -> Value:
        """A shallow copy: a new node with the same data, op and inputs."""
        twin = _restore()
        self.__class__.__setstate__(twin, {k: getattr(self, k) for k in
                                           ("data", "grad", "_label", "op", "inputs")
                                           if hasattr(self, k)})
        return twin

    # ------------------------------------------------------------ for code written for micrograd
    @property
    def _prev(self) -> set[Value]:
        """micrograd's ``_prev``: the inputs, as a set (the engine keeps ``inputs``, in order)."""
        return set(self.inputs)

    @property
    def _op(self) -> str:
        """micrograd's ``_op``: the op as micrograd spells it ('+', '*', '**2', 'ReLU', 'tanh',
        '' for a leaf); the engine's own op object is ``op``."""
        spelling = self.op.micrograd
        return spelling.format(c=f"{float(self.op.param):g}") if "{c}" in spelling else spelling

    def _backward(self) -> None:
        """micrograd's ``_backward()``: add ``self.grad`` · ∂self/∂input into each input's
        ``.grad`` (one step of the chain rule, by hand). Computed from the op's bprop when
        called: nothing is stored on the node. A number written in the code (a shared
        constant, see :func:`constant`) gets nothing, as in ``backward()``: other graphs use
        the same node."""
        if self.op.bprop is None:
            return
        inputs = self.inputs
        terms = self.op.bprop(tuple(i.data for i in inputs), self.data, self.grad)
        for parent, term in zip(inputs, terms, strict=True):
            if parent.op is not leaves.NUMBER:
                parent.grad += term


# op nodes listed by an ancestor list being saved: they are saved shallowly (see _Ancestors)
_LISTED: weakref.WeakSet[Value] = weakref.WeakSet()


class _Ancestors(list[Value]):
    """A node's ancestors in topological order, as the pickler (or deepcopy) saves them.

    While the list is being saved, its op nodes are "listed": their own ``__reduce_ex__`` then
    leaves out an ancestor list of its own, since their inputs come earlier in this one. The
    marks go when the list has been saved (or dropped).
    """

    def __init__(self, nodes: list[Value]) -> None:
        super().__init__(nodes)
        _LISTED.update(n for n in nodes if n.inputs)

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        """Saved as a plain list, item by item (pickle's list items are saved in a loop)."""
        return (list, (), None, self._one_by_one())

    def _one_by_one(self) -> Any:
        try:
            yield from self
        finally:
            self._unlist()

    def _unlist(self) -> None:
        for n in self:
            _LISTED.discard(n)

    def __del__(self) -> None:
        self._unlist()


def _restore() -> Value:
    """An empty node for the unpickler to fill (``__setstate__``)."""
    return _new(Value)


_LEAF_ROLES = {"input": leaves.INPUT, "param": leaves.PARAM, "const": leaves.CONST}


def _bad_role(role: str) -> Op:
    raise ValueError(f"Value role must be one of {sorted(_LEAF_ROLES)}, got {role!r}")


def as_number(x: Any, what: str = "Value data") -> Any:
    """A real number as a float, or as an :class:`~.exact.Exact` for a rational one given as
    a Fraction; anything else is a TypeError that says what was given."""
    if isinstance(x, float):
        return float(x)
    if isinstance(x, Fraction):
        return x if isinstance(x, Exact) else Exact(x)
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


def _number(x: Operand) -> Any:
    return x.data if isinstance(x, Value) else as_number(x, what="comparison operand")


__all__ = ["Value", "apply", "as_number", "constant", "describe", "expression", "lift", "node"]
