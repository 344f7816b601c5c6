"""Evaluate a formula's syntax tree into :class:`~.tensor.Q` quantities of Values.

Every entry is a node of one scalar graph, so back-propagation and drawings see each
multiplication. Names are looked up by the caller (``lookup(name) -> Q``); an error it
raises (a :class:`FormulaError` without a position) is pinned to the name's line and column,
and so are shape errors and domain errors (``log(-1)``) to their operator or call.

The tree is walked with an explicit stack, not by recursion, so a sum of 10⁵ terms is fine.
``number(num)`` turns a number written in the formula into an entry: a float by default,
an exact Fraction for ``backprop verify`` (paper arithmetic).

What the functions compute (``x`` a Value, applied entry by entry unless said otherwise):
every function of one number the engine's op registry has (``exp log=ln sqrt abs sin cos
sigmoid tanh softplus relu step``, ``leaky_relu(x, slope=0.01)``) as its Value method, and
``identity``;
``max(a, b)``, ``min(a, b)`` entry by entry with broadcasting (a tie splits the gradient
½–½, as PyTorch's ``maximum``), ``max(v)``, ``min(v)`` of a vector or matrix;
``softmax log_softmax logsumexp`` on a vector (a matrix: row by row); ``sum``, ``mean``;
``dot(a, b) = Σ aᵢbᵢ``; ``outer(a, b)ᵢⱼ = aᵢbⱼ``; ``transpose``; the losses
``bce(p, y)`` = ``binary_cross_entropy(p, y)`` = mean of −[y ln p + (1 − y) ln(1 − p)] and
``cross_entropy(u, y)`` = ``softmax_cross_entropy(u, y)`` = −Σⱼ yⱼ ln softmax(u)ⱼ from the
logits u, with y a vector of target probabilities or the class index (from 1, as on slides),
a matrix u being a batch (one sample per row; the mean over the samples);
``grad(z, p)`` = ∂z/∂p now, as constants (one step of gradient descent).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import Value, build_grad, log_softmax, logsumexp, ops, softmax
from . import tensor as T
from .errors import FormulaError
from .syntax import Binary, Call, Index, ListExpr, Name, Num, Transpose, Unary
from .tensor import Item, Q, ShapeError, shape_str

Lookup = Callable[[str], Q]
NumberOf = Callable[[Num], Item]


# the engine's functions of one number (Value has a method of each op's name), and aliases
UNARY: dict[str, Callable[[Value], Value]] = {
    name: getattr(Value, name) for name, block in ops.elementwise().items() if not block.params
}
UNARY.update(ln=Value.log, identity=lambda v: v)
_ERRORS = (ShapeError, ValueError, ZeroDivisionError, OverflowError, TypeError)


def float_number(num: Num) -> Item:
    """A written number as a float (``backprop draw``)."""
    return float(num.value)


def _children(e: object) -> tuple[object, ...] | None:
    """The sub-formulas to evaluate first (None for a number or a name)."""
    if isinstance(e, (Unary, Transpose)):
        return (e.operand,)
    if isinstance(e, Binary):
        return (e.left, e.right)
    if isinstance(e, Index):
        return (e.target,)
    if isinstance(e, ListExpr):
        return e.items
    if isinstance(e, Call):
        return e.args
    return None


def evaluate(e: object, lookup: Lookup, number: NumberOf = float_number) -> Q:
    """The value of the tree ``e``; names are ``lookup(name)``, numbers ``number(num)``."""
    todo: list[tuple[object, bool]] = [(e, False)]
    done: list[Q] = []
    while todo:
        node, ready = todo.pop()
        kids = _children(node)
        if kids is None:
            done.append(_leaf(node, lookup, number))
        elif not ready:
            todo.append((node, True))
            todo.extend((k, False) for k in reversed(kids))
        else:
            args = done[len(done) - len(kids):]
            del done[len(done) - len(kids):]
            done.append(_combine(node, args, lookup, number))
    return done[0]


def _leaf(e: object, lookup: Lookup, number: NumberOf) -> Q:
    if isinstance(e, Num):
        return Q.scalar(number(e))
    if isinstance(e, Name):
        try:
            return lookup(e.name)
        except FormulaError as err:
            raise err.at(e.line, e.column) from None
    raise FormulaError(f"cannot evaluate {e!r}")  # pragma: no cover


def _combine(e: object, args: list[Q], lookup: Lookup, number: NumberOf) -> Q:
    """One node of the tree, its sub-formulas already evaluated (``args``)."""
    if isinstance(e, Unary):
        return T.neg(args[0])
    if isinstance(e, Transpose):
        return T.transpose(args[0])
    assert isinstance(e, (Binary, Index, ListExpr, Call))
    try:
        if isinstance(e, Binary):
            if e.op == "@":
                return T.matmul(args[0], args[1])
            return T.elementwise(e.op, args[0], args[1])
        if isinstance(e, Index):
            return T.index(args[0], e.index)
        if isinstance(e, ListExpr):
            return T.stack(args)
        return _call(e, args)
    except _ERRORS as err:
        raise _pinned(err, e, f"{e.func}: " if isinstance(e, Call) else "") from None


def _pinned(err: Exception, node: Binary | Index | ListExpr | Call, prefix: str
            ) -> FormulaError:
    if isinstance(err, FormulaError):
        return err.at(node.line, node.column)
    return FormulaError(f"{prefix}{err}", node.line, column=node.column or None)


def _call(e: Call, args: list[Q]) -> Q:
    f = e.func
    a = args[0]
    if f == "grad":
        if a.shape:
            raise FormulaError(f"grad(z, p) needs a scalar z, got {shape_str(a.shape)}",
                               e.line, column=e.column or None)
        g = derivative(a, args[1])
        return Q(g.shape, g.values())
    if f in UNARY:
        return T.apply(a, UNARY[f])
    if f in CALLS:
        return CALLS[f](args)
    raise FormulaError(f"unknown function {f}", e.line)  # pragma: no cover


def _leaky_relu(args: list[Q]) -> Q:
    slope: Any = 0.01
    if len(args) == 2:
        if args[1].shape or isinstance(args[1].items[0], Value):
            raise ShapeError("the slope of leaky_relu is a number")
        slope = args[1].items[0]
    return T.apply(args[0], lambda v: v.leaky_relu(slope))


def _extreme(args: list[Q], sign: int) -> Q:
    """max (sign 1) or min (sign −1): of two quantities entry by entry, or of one."""
    if len(args) == 2:
        return T.elementwise("max" if sign > 0 else "min", args[0], args[1])
    a = args[0]
    if not a.shape:
        return a
    return Q((), [T.fold_extreme(a.items, sign)])


def _bce(args: list[Q]) -> Q:
    from nn.losses import binary_cross_entropy

    p, y = args
    shape, ps, ys = T.broadcast(p, y, "bce")
    terms = [binary_cross_entropy(T.lift(pi), T.constant(yi, "bce: the target y"))
             for pi, yi in zip(ps, ys, strict=True)]
    return T.mean(Q(shape, terms))


def _cross_entropy(args: list[Q]) -> Q:
    from nn.losses import cross_entropy

    u, y = args
    if not u.shape:
        raise ShapeError("cross_entropy needs a vector of logits (a matrix: one sample per "
                         "row)")
    rows = T.rows(u) if len(u.shape) == 2 else [u.items]
    targets: list[Any]
    if len(y.shape) == len(u.shape) and y.shape == u.shape:
        targets = T.rows(y) if len(y.shape) == 2 else [y.items]
        targets = [[T.constant(t, "cross_entropy: the target y") for t in row]
                   for row in targets]
    elif y.size == len(rows) and len(y.shape) <= 1:
        targets = [_class_index(t, len(rows[0])) for t in y.items]
    else:
        raise ShapeError(f"cross_entropy: the target is {shape_str(y.shape)}; give a vector "
                         f"of {u.shape[-1]} probabilities per sample or a class index from 1")
    losses = [cross_entropy([T.lift(v) for v in row], t)
              for row, t in zip(rows, targets, strict=True)]
    return T.mean(Q((len(losses),), losses)) if len(u.shape) == 2 else Q((), losses)


def _class_index(t: Item, n: int) -> int:
    k = T.constant(t, "cross_entropy: the class index")
    if k != int(k) or not 1 <= k <= n:
        raise ShapeError(f"cross_entropy: a class index is a whole number from 1 to {n} "
                         f"(indices count from 1 here), got {float(k):g}")
    return int(k) - 1


def _categorical(args: list[Q]) -> Q:
    from nn.losses import categorical_cross_entropy

    p, y = args
    if len(p.shape) != 1 or y.shape != p.shape:
        raise ShapeError("categorical_cross_entropy(p, y) needs two vectors of the same "
                         "length (probabilities, targets)")
    ys = [T.constant(t, "categorical_cross_entropy: the target y") for t in y.items]
    return Q((), [categorical_cross_entropy([T.lift(v) for v in p.items], ys)])


CALLS: dict[str, Callable[[list[Q]], Q]] = {
    "leaky_relu": _leaky_relu,
    "softmax": lambda a: T.rowwise(a[0], softmax, "softmax"),
    "log_softmax": lambda a: T.rowwise(a[0], log_softmax, "log_softmax"),
    "logsumexp": lambda a: T.rowwise(a[0], logsumexp, "logsumexp"),
    "sum": lambda a: T.total(a[0]),
    "mean": lambda a: T.mean(a[0]),
    "dot": lambda a: T.dot(a[0], a[1]),
    "outer": lambda a: T.outer(a[0], a[1]),
    "transpose": lambda a: T.transpose(a[0]),
    "max": lambda a: _extreme(a, 1),
    "min": lambda a: _extreme(a, -1),
    "bce": _bce, "binary_cross_entropy": _bce,
    "cross_entropy": _cross_entropy, "softmax_cross_entropy": _cross_entropy,
    "categorical_cross_entropy": _categorical,
}


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


def gradient(z: Value, wrt: list[Value]) -> list[Any]:
    """∂z/∂w for each w (0 where z does not depend on w), exact where the graph is."""
    table = build_grad(z, wrt, seed=T.ONE)
    return [_plain(table.get(w, 0)) for w in wrt]


def _plain(g: Any) -> Any:
    """A gradient as a number (a Fraction stays one; anything else becomes a float)."""
    return g if isinstance(g, T.EXACT_TYPES) else float(g)
