"""Evaluate a formula's syntax tree into :class:`~.tensor.Q` quantities of Values.

Every entry is a node of one scalar graph, so back-propagation and drawings see each
multiplication. Names are looked up by the caller (``lookup(name) -> Q``); an error it
raises (a :class:`FormulaError` without a position) is pinned to the name's line and column,
and so are shape errors and domain errors (``log(-1)``) to their operator or call.

What the functions compute (``x`` a Value, applied entry by entry unless said otherwise):
``exp log=ln sqrt abs sin cos sigmoid tanh relu step identity`` as the engine's methods;
``leaky_relu(x, slope=0.01)``; ``softmax log_softmax logsumexp`` on a vector (a matrix: row
by row); ``sum``, ``mean``; ``dot(a, b) = Σ aᵢbᵢ``; ``outer(a, b)ᵢⱼ = aᵢbⱼ``; ``transpose``;
``grad(z, p)`` = ∂z/∂p now, as constants (one step of gradient descent).
"""

from __future__ import annotations

from collections.abc import Callable

from .. import Value, build_grad, log_softmax, logsumexp, softmax
from . import tensor as T
from .errors import FormulaError
from .syntax import Binary, Call, Index, ListExpr, Name, Num, Transpose, Unary
from .tensor import Q, ShapeError, shape_str

Lookup = Callable[[str], Q]

UNARY: dict[str, Callable[[Value], Value]] = {
    "exp": Value.exp, "log": Value.log, "ln": Value.log, "sqrt": Value.sqrt, "abs": Value.abs,
    "sin": Value.sin, "cos": Value.cos, "step": Value.step, "sigmoid": Value.sigmoid,
    "tanh": Value.tanh, "relu": Value.relu, "identity": lambda v: v,
}
_VECTOR_FUNCTIONS: dict[str, Callable[[list[Value]], object]] = {
    "softmax": softmax, "log_softmax": log_softmax, "logsumexp": logsumexp,
}
_ERRORS = (ShapeError, ValueError, ZeroDivisionError, OverflowError)


def evaluate(e: object, lookup: Lookup) -> Q:
    """The value of the tree ``e``; names are ``lookup(name)``."""
    if isinstance(e, Num):
        return Q.scalar(e.value)
    if isinstance(e, Name):
        try:
            return lookup(e.name)
        except FormulaError as err:
            raise err.at(e.line, e.column) from None
    if isinstance(e, Unary):
        return T.neg(evaluate(e.operand, lookup))
    if isinstance(e, Binary):
        a, b = evaluate(e.left, lookup), evaluate(e.right, lookup)
        try:
            if e.op == "@":
                return T.matmul(a, b)
            return T.elementwise(e.op, a, b)
        except _ERRORS as err:
            raise _pinned(err, e, "") from None
    if isinstance(e, Index):
        target = evaluate(e.target, lookup)
        try:
            return T.index(target, e.index)
        except ShapeError as err:
            raise _pinned(err, e, "") from None
    if isinstance(e, Transpose):
        return T.transpose(evaluate(e.operand, lookup))
    if isinstance(e, ListExpr):
        items = [evaluate(i, lookup) for i in e.items]
        try:
            return T.stack(items)
        except ShapeError as err:
            raise _pinned(err, e, "") from None
    if isinstance(e, Call):
        try:
            return _call(e, lookup)
        except _ERRORS as err:
            raise _pinned(err, e, f"{e.func}: ") from None
    raise FormulaError(f"cannot evaluate {e!r}")  # pragma: no cover


def _pinned(err: Exception, node: Binary | Index | ListExpr | Call, prefix: str
            ) -> FormulaError:
    if isinstance(err, FormulaError):
        return err.at(node.line, node.column)
    return FormulaError(f"{prefix}{err}", node.line, column=node.column or None)


def _call(e: Call, lookup: Lookup) -> Q:
    f = e.func
    if f == "grad":
        z, p = (evaluate(a, lookup) for a in e.args)
        if z.shape:
            raise FormulaError(f"grad(z, p) needs a scalar z, got {shape_str(z.shape)}", e.line,
                               column=e.column or None)
        g = derivative(z, p)
        return Q(g.shape, g.values())
    args = [evaluate(a, lookup) for a in e.args]
    a = args[0]
    if f in UNARY:
        return T.apply(a, UNARY[f])
    if f == "leaky_relu":
        slope = 0.01
        if len(args) == 2:
            if args[1].shape or isinstance(args[1].items[0], Value):
                raise ShapeError("the slope of leaky_relu is a number")
            slope = float(args[1].items[0])
        return T.apply(a, lambda v: v.leaky_relu(slope))
    if f in ("softmax", "log_softmax", "logsumexp"):
        return T.rowwise(a, _VECTOR_FUNCTIONS[f], f)
    if f == "sum":
        return T.total(a)
    if f == "mean":
        return T.mean(a)
    if f == "dot":
        return T.dot(a, args[1])
    if f == "outer":
        return T.outer(a, args[1])
    if f == "transpose":
        return T.transpose(a)
    raise FormulaError(f"unknown function {f}", e.line)  # pragma: no cover


# ------------------------------------------------------------------ derivatives
def derivative(num: Q, den: Q) -> Q:
    """∂num/∂den: the gradient (num a scalar) or the Jacobian (rows: num's entries)."""
    if num.size == 1:
        num = Q((), num.items)
    if num.shape and len(den.shape) == 2:
        raise ShapeError(f"the derivative of {shape_str(num.shape)} with respect to "
                         f"{shape_str(den.shape)} has three indices; claim one entry at a "
                         "time (e.g. dx[1]/dW)")
    if len(num.shape) == 2 and den.shape:
        raise ShapeError("the derivative of a matrix is not a matrix; claim one entry of the "
                         "numerator at a time")
    wrt = [T.lift(d) for d in den.items]
    rows = [gradient(T.lift(n), wrt) for n in num.items]
    flat = [g for row in rows for g in row]
    return Q((*num.shape, *den.shape), flat)


def gradient(z: Value, wrt: list[Value]) -> list[float]:
    """∂z/∂w for each w (0 where z does not depend on w)."""
    table = build_grad(z, wrt)
    return [float(table.get(w, 0.0)) for w in wrt]
