"""Scalars, vectors and matrices of :class:`~autograd_core.Value` s: just enough linear algebra
for a worked example (element-wise ops with broadcasting, ``@``, sums, softmax), every entry a
node of one scalar graph, so back-propagation and drawings see each multiplication.

Entries may be plain floats (numbers written in a formula); they become constant leaves
when an op needs a Value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from .. import Exact, Value, vsum
from .. import dot as scalar_dot

Item = Any  # Value | Fraction | float
EXACT_TYPES = (Fraction, int)  # numbers that stay exact (bool is an int too: refused below)
ONE = Fraction(1)  # the seed of back-propagation that keeps exact gradients exact


def lift(x: Item) -> Value:
    """The entry as a Value: a number becomes a constant leaf (an exact number stays exact)."""
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, (*EXACT_TYPES, float)):
        raise TypeError(f"expected a number, got {type(x).__name__}: {x!r}")
    return Value(Fraction(x) if isinstance(x, int) else x, role="const")


def data(x: Item) -> Any:
    """The entry's number (a Fraction where the arithmetic stayed exact, else a float)."""
    v = x.data if isinstance(x, Value) else x
    if isinstance(v, int) and not isinstance(v, bool):
        return Fraction(v)
    return v if isinstance(v, Fraction) else float(v)


def constant(x: Item, what: str) -> Any:
    """The number of an entry that must not depend on a parameter (a target, an index)."""
    if isinstance(x, Value):
        if not x.is_leaf:
            raise ShapeError(f"{what} is computed from other quantities; give it as numbers")
        return data(x)
    return data(x)


def shape_str(shape: tuple[int, ...]) -> str:
    """``a scalar``, ``a vector of 3``, ``a 2×3 matrix``."""
    if not shape:
        return "a scalar"
    if len(shape) == 1:
        return f"a vector of {shape[0]}"
    return f"a {shape[0]}×{shape[1]} matrix"


class Q:
    """A quantity: ``shape`` () / (n,) / (rows, cols) and its entries, row by row."""

    __slots__ = ("shape", "items")

    def __init__(self, shape: tuple[int, ...], items: Sequence[Item]) -> None:
        """A quantity of ``shape`` holding ``items`` row by row."""
        self.shape = tuple(shape)
        self.items = list(items)
        assert len(self.items) == math.prod(self.shape)

    @classmethod
    def scalar(cls, x: Item) -> Q:
        """A quantity of one entry."""
        return cls((), [x])

    @property
    def size(self) -> int:
        """The number of entries."""
        return len(self.items)

    def values(self) -> list[float]:
        """The entries' numbers, flat (exact where the arithmetic was)."""
        return [data(x) for x in self.items]

    def nested(self) -> Any:
        """The numbers as a float, a list, or a list of rows."""
        v = self.values()
        if not self.shape:
            return v[0]
        if len(self.shape) == 1:
            return v
        r, c = self.shape
        return [v[i * c:(i + 1) * c] for i in range(r)]

    def entry_label(self, name: str, k: int) -> str:
        """``name``, ``name[i]`` or ``name[i,j]`` (1-based) for the k-th entry."""
        if not self.shape:
            return name
        if len(self.shape) == 1:
            return f"{name}[{k + 1}]"
        return f"{name}[{k // self.shape[1] + 1},{k % self.shape[1] + 1}]"

    def __repr__(self) -> str:
        """``Q(a vector of 2: [1, 2])``."""
        return f"Q({shape_str(self.shape)}: {self.nested()!r})"


class ShapeError(ValueError):
    """Quantities whose shapes do not fit the operation."""
    pass


# ------------------------------------------------------------------ element-wise
def broadcast(a: Q, b: Q, op: str) -> tuple[tuple[int, ...], list[Item], list[Item]]:
    """NumPy's rule for ≤ 2 dimensions: align the trailing axes; size 1 stretches."""
    sa, sb = a.shape, b.shape
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    out = []
    for x, y in zip(pa, pb, strict=False):
        if x != y and 1 not in (x, y):
            raise ShapeError(f"{op}: cannot combine {shape_str(sa)} with {shape_str(sb)}")
        out.append(max(x, y))
    shape = tuple(out)

    def expand(q: Q, padded: tuple[int, ...]) -> list[Item]:
        if padded == shape:
            return q.items
        res = []
        for k in range(math.prod(shape)):
            idx = []
            rem = k
            for dim in reversed(shape):
                idx.append(rem % dim)
                rem //= dim
            idx.reverse()
            flat = 0
            for i, dim in zip(idx, padded, strict=False):
                flat = flat * dim + (i if dim > 1 else 0)
            res.append(q.items[flat])
        return res

    return shape, expand(a, pa), expand(b, pb)


def _pow(x: Item, y: Item) -> Item:
    """xʸ through the engine, which checks the domain (a negative base to a fractional power
    is an error, not a complex number); a whole exponent stays an int (exact powers)."""
    if isinstance(y, Value):
        return lift(x) ** y
    e = data(y)
    if isinstance(e, Fraction) and e.denominator == 1:
        if abs(e.numerator) > MAX_EXPONENT:
            raise ValueError(f"the exponent {e.numerator} is beyond ±{MAX_EXPONENT}")
        return lift(x) ** int(e)  # beyond Exact's EXACT_BITS bits, or ±1e308: a float
    return lift(x) ** float(e)


MAX_EXPONENT = 10_000  # |n| of x^n


def _exact(x: Item) -> Item:
    """A number written in a formula (a Fraction) as an :class:`~autograd_core.Exact`, whose
    arithmetic is bounded: beyond ``EXACT_BITS`` bits or the float range it gives the IEEE
    float (``1e300 * 1e300`` is inf, as in floats, not a 601-digit integer)."""
    return Exact(x) if x.__class__ in (Fraction, int) else x


def extreme(x: Item, y: Item, sign: int) -> Value:
    """max(x, y) (sign 1) or min(x, y) (sign −1) = (x + y ± |x − y|) / 2: exact, and a tie
    x = y is abs's kink, where each side gets half the gradient (as PyTorch's maximum)."""
    a, b = lift(x), lift(y)
    gap = (a - b).abs()
    return (a + b + gap) / 2 if sign > 0 else (a + b - gap) / 2


def fold_extreme(items: Sequence[Item], sign: int) -> Value:
    """max or min of several entries, pairwise from the left."""
    out = lift(items[0])
    for x in items[1:]:
        out = extreme(out, x, sign)
    return out


BINARY: dict[str, Callable[[Item, Item], Item]] = {
    "+": lambda x, y: _exact(x) + _exact(y),
    "-": lambda x, y: _exact(x) - _exact(y),
    "*": lambda x, y: _exact(x) * _exact(y),
    "/": lambda x, y: _exact(x) / _exact(y),
    "^": _pow,
    "max": lambda x, y: extreme(x, y, 1),
    "min": lambda x, y: extreme(x, y, -1),
}


def elementwise(op: str, a: Q, b: Q) -> Q:
    """``a op b`` entry by entry, with NumPy's broadcasting."""
    shape, xs, ys = broadcast(a, b, op)
    f = BINARY[op]
    return Q(shape, [f(x, y) for x, y in zip(xs, ys, strict=True)])


def apply(a: Q, fn: Callable[[Value], Value]) -> Q:
    """``fn`` applied to every entry."""
    return Q(a.shape, [fn(lift(x)) for x in a.items])


def neg(a: Q) -> Q:
    """−a."""
    return Q(a.shape, [-x for x in a.items])


# ------------------------------------------------------------------ linear algebra
def rows(a: Q) -> list[list[Item]]:
    """The rows of a matrix."""
    r, c = a.shape
    return [a.items[i * c:(i + 1) * c] for i in range(r)]


def matmul(a: Q, b: Q) -> Q:
    """A @ x (matrix-vector), xᵀ A (vector-matrix), A @ B, or x · y (two vectors)."""
    sa, sb = a.shape, b.shape
    if not sa or not sb:
        raise ShapeError("@ needs vectors or matrices; use * to scale by a scalar")
    inner_a = sa[-1]
    inner_b = sb[0]
    if inner_a != inner_b:
        raise ShapeError(f"@: {shape_str(sa)} times {shape_str(sb)}: inner sizes "
                         f"{inner_a} and {inner_b} differ")
    if len(sa) == 1 and len(sb) == 1:
        return Q((), [scalar_dot(a.items, b.items)])
    if len(sa) == 2 and len(sb) == 1:
        return Q((sa[0],), [scalar_dot(row, b.items) for row in rows(a)])
    cols = [[b.items[i * sb[1] + j] for i in range(sb[0])] for j in range(sb[1])]
    if len(sa) == 1:
        return Q((sb[1],), [scalar_dot(a.items, col) for col in cols])
    return Q((sa[0], sb[1]), [scalar_dot(row, col) for row in rows(a) for col in cols])


def transpose(a: Q) -> Q:
    """Aᵀ (a vector or a scalar is its own transpose)."""
    if len(a.shape) < 2:
        return a
    r, c = a.shape
    return Q((c, r), [a.items[i * c + j] for j in range(c) for i in range(r)])


def total(a: Q) -> Q:
    """Σ of the entries (one n-ary sum node)."""
    return Q((), [a.items[0] if a.size == 1 else vsum(a.items)])


def mean(a: Q) -> Q:
    """Σ of the entries / their count."""
    return Q((), [total(a).items[0] / a.size])


def dot(a: Q, b: Q) -> Q:
    """Σᵢ aᵢbᵢ for two vectors of one length."""
    if len(a.shape) != 1 or a.shape != b.shape:
        raise ShapeError(f"dot needs two vectors of the same length, got {shape_str(a.shape)} "
                         f"and {shape_str(b.shape)}")
    return Q((), [scalar_dot(a.items, b.items)])


def outer(a: Q, b: Q) -> Q:
    """(a bᵀ)ᵢⱼ = aᵢbⱼ."""
    if len(a.shape) != 1 or len(b.shape) != 1:
        raise ShapeError("outer needs two vectors")
    return Q((a.size, b.size), [x * y for x in a.items for y in b.items])


def rowwise(a: Q, fn: Callable[[list[Value]], Any], name: str) -> Q:
    """softmax & co.: on a vector, or on each row of a matrix (one sample per row)."""
    if len(a.shape) == 1:
        out = fn([lift(x) for x in a.items])
        return Q((), [out]) if isinstance(out, Value) else Q(a.shape, out)
    if len(a.shape) == 2:
        outs = [fn([lift(x) for x in row]) for row in rows(a)]
        if isinstance(outs[0], Value):
            return Q((a.shape[0],), outs)
        return Q(a.shape, [x for row in outs for x in row])
    raise ShapeError(f"{name} needs a vector (or a matrix, row by row), got a scalar")


def index(a: Q, idx: tuple[int, ...]) -> Q:
    """1-based: v[i] is an entry, M[i] a row, M[i, j] an entry."""
    if not a.shape:
        raise ShapeError("a scalar has no entries to index")
    for i, dim in zip(idx, a.shape, strict=False):
        if not 1 <= i <= dim:
            raise ShapeError(f"index {i} is out of range 1..{dim} ({shape_str(a.shape)})")
    if len(idx) > len(a.shape):
        raise ShapeError(f"{len(idx)} indices for {shape_str(a.shape)}")
    if len(a.shape) == 1:
        return Q((), [a.items[idx[0] - 1]])
    r, c = a.shape
    if len(idx) == 1:
        return Q((c,), a.items[(idx[0] - 1) * c: idx[0] * c])
    return Q((), [a.items[(idx[0] - 1) * c + idx[1] - 1]])


def stack(items: list[Q]) -> Q:
    """[a, b, c] of scalars → vector; of equal vectors → matrix (rows)."""
    first = items[0].shape
    if any(q.shape != first for q in items):
        raise ShapeError("the entries of a list must all have the same shape")
    if len(first) > 1:
        raise ShapeError("a list of matrices is not a matrix")
    return Q((len(items), *first), [x for q in items for x in q.items])
