"""The math of a solution line, as a small tree: written as Unicode text or LaTeX, and
evaluated from its *printed* numbers (to check that the page's arithmetic adds up).

Leaves are names (:class:`Sym`, which know the numbers they stand for) and printed numbers
(:class:`Num`); inner nodes are the operations a worked solution writes: ``+ − · × ∘ /``,
matrix products written side by side (``W x``), functions, powers, transposes, ``diag``,
and vectors and matrices (:class:`Mat`; a vector is a column).

>>> x = Sym("x", "x", Num(0.5, "0.5"))
>>> line = Bin("·", Num(2, "2"), Fn("σ", r"\\sigma", (x,), "sigmoid"))
>>> text(line), latex(line), text(substitute(line))
('2·σ(x)', '2 \\\\cdot \\\\sigma(x)', '2·σ(0.5)')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeVar

from .. import ops
from .rounding import printed

R = TypeVar("R")

# ------------------------------------------------------------------ the tree


class Expr:
    """A node of a solution's math."""

    __slots__ = ()


@dataclass(frozen=True, slots=True, eq=False)
class Num(Expr):
    """A number as printed (``text``, ASCII) and the exact value it stands for."""

    value: Any
    text: str


@dataclass(frozen=True, slots=True, eq=False)
class Sym(Expr):
    """A name (x⁽¹⁾₂, ∂l/∂W⁽²⁾, σ′(z⁽¹⁾)) and, in ``num``, the numbers it stands for.

    ``node`` is the engine's node it names, if one; ``deriv`` the function whose derivative
    it is (``"sigmoid"`` for σ′(z)), if it is one.
    """

    uni: str
    tex: str
    num: Expr | None = None
    node: Any = None
    deriv: str = ""


@dataclass(frozen=True, slots=True, eq=False)
class Bin(Expr):
    """``left op right``: ``+ − · × ∘ /``, or ``@`` for a matrix product written ``W x``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True, eq=False)
class Neg(Expr):
    """−arg."""

    arg: Expr


@dataclass(frozen=True, slots=True, eq=False)
class Fn(Expr):
    """``f(a, …)``; ``kind`` names what it computes (:func:`evaluate`), empty if nothing."""

    uni: str
    tex: str
    args: tuple[Expr, ...]
    kind: str = ""


@dataclass(frozen=True, slots=True, eq=False)
class Pow(Expr):
    """base^exponent."""

    base: Expr
    exponent: Expr


@dataclass(frozen=True, slots=True, eq=False)
class T(Expr):
    """argᵀ."""

    arg: Expr


@dataclass(frozen=True, slots=True, eq=False)
class Diag(Expr):
    """diag(v): the square matrix with v on its diagonal."""

    arg: Expr


@dataclass(frozen=True, slots=True, eq=False)
class Mat(Expr):
    """A matrix, row by row; a vector is a column (one entry per row)."""

    rows: tuple[tuple[Expr, ...], ...]
    vector: bool = False  # a vector (one index), written as a column

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) as written."""
        return len(self.rows), len(self.rows[0])


def column(items: Sequence[Expr]) -> Expr:
    """A column vector (a single entry is just that entry)."""
    if len(items) == 1:
        return items[0]
    return Mat(tuple((i,) for i in items), vector=True)


def matrix(items: Sequence[Expr], rows: int, cols: int) -> Expr:
    """A rows × cols matrix of the items, row by row (1 × 1 is the entry itself)."""
    if rows * cols == 1:
        return items[0]
    return Mat(tuple(tuple(items[r * cols:(r + 1) * cols]) for r in range(rows)))


def _children(e: Expr) -> list[Expr]:
    """The sub-expressions of a node, left to right (a name's numbers are not among them)."""
    if isinstance(e, Bin):
        return [e.left, e.right]
    if isinstance(e, (Neg, T, Diag)):
        return [e.arg]
    if isinstance(e, Fn):
        return list(e.args)
    if isinstance(e, Pow):
        return [e.base, e.exponent]
    if isinstance(e, Mat):
        return [c for row in e.rows for c in row]
    return []


def fold(root: Expr, combine: Callable[[Expr, list[R]], R],
         children: Callable[[Expr], list[Expr]] = _children,
         memo: dict[int, tuple[Expr, R]] | None = None) -> R:
    """``combine(node, [the results of its children])`` for ``root``, children first, with
    an explicit stack instead of recursion (a line of 10,000 terms is no deeper for Python
    than one number). A node shared by several parents is combined once; ``memo`` (keyed by
    ``id``, holding the node so the id stays its own) carries results from one call to the
    next."""
    done: dict[int, tuple[Expr, R]] = {} if memo is None else memo
    todo: list[tuple[Expr, bool]] = [(root, False)]
    while todo:
        node, ready = todo.pop()
        if id(node) in done:
            continue
        kids = children(node)
        if ready or not kids:
            done[id(node)] = (node, combine(node, [done[id(k)][1] for k in kids]))
            continue
        todo.append((node, True))
        todo.extend((k, False) for k in reversed(kids) if id(k) not in done)
    return done[id(root)][1]


def substitute(e: Expr) -> Expr:
    """The same line with every name replaced by the numbers it stands for."""
    return fold(e, _substituted)


def _substituted(e: Expr, kids: list[Expr]) -> Expr:  # noqa: C901 - one case per kind
    """``e`` rebuilt over its substituted children ``kids``."""
    if isinstance(e, Sym):
        return e.num if e.num is not None else e
    if isinstance(e, Bin):
        return Bin(e.op, kids[0], kids[1])
    if isinstance(e, Neg):
        return Neg(kids[0])
    if isinstance(e, Fn):
        return Fn(e.uni, e.tex, tuple(kids), e.kind)
    if isinstance(e, Pow):
        return Pow(kids[0], kids[1])
    if isinstance(e, T):
        return T(kids[0])
    if isinstance(e, Diag):
        return Diag(kids[0])
    if isinstance(e, Mat):
        rows, k = [], 0
        for row in e.rows:
            rows.append(tuple(kids[k:k + len(row)]))
            k += len(row)
        return Mat(tuple(rows), e.vector)
    return e


def numbers(e: Expr) -> list[Num]:
    """Every printed number of a line, left to right."""
    return [n for n in _nodes(e) if isinstance(n, Num)]


def _nodes(e: Expr) -> Iterator[Expr]:
    """Every node of a line, parents before children, left to right (no recursion)."""
    stack: list[Expr] = [e]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(_children(node)))


def size(e: Expr, most: int | None = None) -> int:
    """How many nodes the line has (counting stops past ``most``, if given)."""
    n = 0
    for _ in _nodes(e):
        n += 1
        if most is not None and n > most:
            break
    return n


def has_names(e: Expr) -> bool:
    """Does the line still contain a name (a symbol without its numbers)?"""
    return any(isinstance(n, Sym) for n in _nodes(e))


# ------------------------------------------------------------------ writing it
_LEVEL = {"+": 1, "-": 1, "·": 2, "×": 2, "∘": 2, "/": 2, "@": 2}
_ATOM = 9
_TEXT_OP = {"+": " + ", "-": " − ", "·": "·", "×": " × ", "∘": " ∘ ", "/": "/", "@": " "}
_TEX_OP = {"+": " + ", "-": " - ", "·": r" \cdot ", "×": r" \times ", "∘": r" \circ ",
           "@": r" \, "}
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _level(e: Expr) -> int:
    if isinstance(e, Bin):
        return _LEVEL[e.op]
    if isinstance(e, Neg) or (isinstance(e, Num) and e.text.startswith("-")):
        return 3
    if isinstance(e, Pow):
        return 4
    return _ATOM


def _negative(e: Expr) -> Expr | None:
    """−b for a right operand written as a negative number or −(…): a − b reads better."""
    if isinstance(e, Num) and e.text.startswith("-"):
        return Num(-e.value, e.text[1:])
    if isinstance(e, Neg):
        return e.arg
    return None


class _Writer:
    """Text or LaTeX: the two spellings side by side. Each node is spelled as a list of
    pieces, strings and the sub-expressions to write in their place; :meth:`write` expands
    them with an explicit stack, so writing is linear in the line's length and never
    recursive (a sum of 10,000 terms is written like a sum of two)."""

    def __init__(self, tex: bool) -> None:
        self.tex = tex
        self.tall_memo: dict[int, tuple[Expr, bool]] = {}

    def write(self, e: Expr) -> str:
        out: list[str] = []
        stack: list[str | Expr] = [e]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                out.append(item)
            else:
                stack.extend(reversed(self.pieces(item)))
        return "".join(out)

    def tall(self, e: Expr) -> bool:
        """Does it hold a vector or a matrix (LaTeX then sizes its brackets: \\left( )?"""
        return fold(e, lambda n, kids: isinstance(n, Mat) or any(kids), memo=self.tall_memo)

    def paren(self, e: Expr, need: int) -> list[str | Expr]:
        if _level(e) < need:
            return self.wrapped(e)
        return [e]

    def wrapped(self, e: Expr) -> list[str | Expr]:
        if self.tex and self.tall(e):
            return [r"\left(", e, r"\right)"]
        return ["(", e, ")"]

    def pieces(self, e: Expr) -> list[str | Expr]:  # noqa: C901 - one case per kind of node
        if isinstance(e, Num):  # {-0.5}: a sign, not a subtraction (no space after it)
            if self.tex:
                return [f"{{{e.text}}}" if e.text.startswith("-") else e.text]
            return [e.text.replace("-", "−")]
        if isinstance(e, Sym):
            return [e.tex if self.tex else e.uni]
        if isinstance(e, Bin):
            return self.binary(e)
        if isinstance(e, Neg):
            return ["-" if self.tex else "−", *self.paren(e.arg, 2)]
        if isinstance(e, Fn):
            return self.call(e)
        if isinstance(e, Pow):
            return self.power(e)
        if isinstance(e, T):
            if isinstance(e.arg, Mat) and e.arg.vector:  # a vector, transposed: a row
                return self.mat(Mat((tuple(r[0] for r in e.arg.rows),)))
            inner = self.paren(e.arg, _ATOM)
            return ["{", *inner, r"}^{\top}"] if self.tex else [*inner, "ᵀ"]
        if isinstance(e, Diag):
            if self.tex:
                return [r"\operatorname{diag}\left(", e.arg, r"\right)"]
            return ["diag(", e.arg, ")"]
        if isinstance(e, Mat):
            return self.mat(e)
        raise TypeError(f"cannot write {e!r}")  # pragma: no cover

    def binary(self, e: Bin) -> list[str | Expr]:
        """a + b, a − b (a − 0.5 rather than a + (−0.5)), products with their factors'
        sums and signs in parentheses: 0.1·(−0.5)."""
        op, left, right = e.op, e.left, e.right
        if op == "/" and self.tex:
            return [r"\frac{", left, "}{", right, "}"]
        if op in "+-" and (flipped := _negative(right)) is not None:
            op, right = ("-" if op == "+" else "+"), flipped
        spell = _TEX_OP if self.tex else _TEXT_OP
        if op == "+":
            return [left, spell[op], right]
        if op == "-":
            return [left, spell[op], *self.paren(right, 2)]
        last = 3 if op == "/" else 2  # a/(b·c), but a·b·c
        if op in ("∘", "·", "×") and isinstance(right, Bin) and right.op == "@":
            last = 3  # f′(z) ∘ (Wᵀ δ): the product in parentheses
        return [*self.factor(left, 2), spell[op], *self.factor(right, last)]

    def factor(self, e: Expr, need: int) -> list[str | Expr]:
        """An operand of a product: in parentheses when a sum, a sign, or (``need`` 3) a
        product on the right of /."""
        lvl = _level(e)
        if lvl < need or lvl == 3:
            return self.wrapped(e)
        return [e]

    def call(self, e: Fn) -> list[str | Expr]:
        args = _joined(list(e.args), ", ")
        if not self.tex:
            return [f"{e.uni}(", *args, ")"]
        if e.tex == r"\sqrt":
            return [r"\sqrt{", *args, "}"]
        if any(self.tall(a) for a in e.args):
            return [rf"{e.tex}\left(", *args, r"\right)"]
        return [f"{e.tex}(", *args, ")"]

    def power(self, e: Pow) -> list[str | Expr]:
        base = self.paren(e.base, _ATOM)
        if self.tex:
            return ["{", *base, "}^{", e.exponent, "}"]
        if isinstance(e.exponent, Num) and e.exponent.text.lstrip("-").isdigit():
            return [*base, e.exponent.text.translate(SUPERSCRIPT)]
        return [*base, "^", *self.paren(e.exponent, _ATOM)]

    def mat(self, e: Mat) -> list[str | Expr]:
        r, c = e.shape
        if self.tex:
            rows = [_joined(list(row), " & ") for row in e.rows]
            return [r"\begin{bmatrix} ", *_joined(rows, r" \\ ", flat=True),
                    r" \end{bmatrix}"]
        if c == 1:
            return ["[", *_joined([row[0] for row in e.rows], ", "), "]ᵀ"]
        if r == 1:
            return ["[", *_joined(list(e.rows[0]), ", "), "]"]
        rows = [["[", *_joined(list(row), ", "), "]"] for row in e.rows]
        return ["[", *_joined(rows, ", ", flat=True), "]"]


def _joined(items: list[Any], sep: str, flat: bool = False) -> list[str | Expr]:
    """The items with ``sep`` between them (``flat``: each item is itself a list of pieces)."""
    out: list[str | Expr] = []
    for i, item in enumerate(items):
        if i:
            out.append(sep)
        if flat:
            out.extend(item)
        else:
            out.append(item)
    return out


def text(e: Expr) -> str:
    """The line in Unicode, as a terminal shows it."""
    return _Writer(tex=False).write(e)


def latex(e: Expr) -> str:
    """The line in LaTeX math (amsmath's bmatrix for vectors and matrices)."""
    return _Writer(tex=True).write(e)


# ------------------------------------------------------------------ evaluating it
class Arr:
    """A value while evaluating: a rows × cols grid; ``vec`` marks a vector (one index, a
    column on the page, broadcast as a row against a matrix, as NumPy does)."""

    __slots__ = ("rows", "cols", "cells", "vec")

    def __init__(self, rows: int, cols: int, cells: list[Any], vec: bool = False) -> None:
        """A grid of rows × cols cells, row by row."""
        self.rows, self.cols, self.cells, self.vec = rows, cols, cells, vec

    @classmethod
    def scalar(cls, x: Any) -> Arr:
        """A number."""
        return cls(1, 1, [x])

    @classmethod
    def vector(cls, cells: list[Any]) -> Arr:
        """A vector of the cells (one cell: a number)."""
        return cls(len(cells), 1, cells, vec=True) if len(cells) != 1 else cls.scalar(cells[0])

    @property
    def is_scalar(self) -> bool:
        """Is it a single number?"""
        return self.rows == self.cols == 1

    @property
    def shape(self) -> tuple[int, ...]:
        """() for a number, (n,) for a vector, (rows, cols) for a matrix."""
        if self.is_scalar:
            return ()
        return (self.rows,) if self.vec else (self.rows, self.cols)

    def map(self, f: Callable[[Any], Any]) -> Arr:
        """f applied to every cell."""
        return Arr(self.rows, self.cols, [f(x) for x in self.cells], self.vec)

    def row_major(self) -> tuple[int, int, list[Any]]:
        """(rows, cols, cells) with a vector laid out as one row (NumPy's broadcasting)."""
        return (1, self.rows, self.cells) if self.vec else (self.rows, self.cols, self.cells)


def _exact_or_float(forward: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The op's forward rule on a paper number: exact where the op keeps rationals rational
    (relu, step, abs), a float where it leaves them (exp, σ, …)."""
    def apply(x: Any) -> Any:
        out = forward(x)
        return out if isinstance(out, int | Fraction) else float(out)
    return apply


# the engine's forward rules, by name (a new op block is evaluated with no edit here)
ELEMENTWISE_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    name: _exact_or_float(block.forward) for name, block in ops.elementwise().items()
    if not block.params
}
ELEMENTWISE_FUNCTIONS["identity"] = lambda x: x


def _fsum(cells: list[Any]) -> Any:
    if all(not isinstance(c, float) for c in cells):
        return sum(cells, start=Fraction(0))
    return math.fsum(float(c) for c in cells)


def _softmax(cells: list[Any]) -> list[Any]:
    m = max(float(c) for c in cells)
    es = [math.exp(float(c) - m) for c in cells]
    total = math.fsum(es)
    return [e / total for e in es]


def _rowwise(a: Arr, f: Callable[[list[Any]], Any]) -> Arr:
    """softmax & co.: on a vector, or on each row of a matrix."""
    if a.vec or a.is_scalar:
        out = f(a.cells)
        return Arr.vector(out) if isinstance(out, list) else Arr.scalar(out)
    rows = [f(a.cells[i * a.cols:(i + 1) * a.cols]) for i in range(a.rows)]
    if isinstance(rows[0], list):
        return Arr(a.rows, a.cols, [x for r in rows for x in r])
    return Arr.vector(rows)


_REDUCTIONS: dict[str, Callable[[Arr], Arr]] = {
    "sum": lambda a: Arr.scalar(_fsum(a.cells)),
    "mean": lambda a: Arr.scalar(_fsum(a.cells) / len(a.cells)),
    "softmax": lambda a: _rowwise(a, _softmax),
    "log_softmax": lambda a: _rowwise(a, lambda c: [math.log(p) for p in _softmax(c)]),
    "logsumexp": lambda a: _rowwise(a, lambda c: math.log(math.fsum(math.exp(float(x))
                                                                    for x in c))),
}


def evaluate(e: Expr, exact: bool = False,
             memo: dict[int, tuple[Expr, Arr]] | None = None) -> Arr:
    """The value of a line, computed from its numbers *as printed* (exact fractions where
    the arithmetic is rational); ``exact=True`` uses the exact values behind them.
    Walked by :func:`fold`, never by recursion; ``memo`` keeps the values of sub-lines for
    a later call (the same ``exact`` only)."""
    return fold(e, _Evaluator(exact).combine, _operands, memo)


def _operands(e: Expr) -> list[Expr]:
    """What a node's value is computed from: its children, and a name's numbers."""
    if isinstance(e, Sym):
        return [] if e.num is None else [e.num]
    return _children(e)


class _Evaluator:
    def __init__(self, exact: bool) -> None:
        self.exact = exact

    def combine(self, e: Expr, args: list[Arr]) -> Arr:  # noqa: C901 - one case per kind
        """The value of ``e`` from the values ``args`` of its operands."""
        if isinstance(e, Num):
            return Arr.scalar(e.value if self.exact else printed(e.text))
        if isinstance(e, Sym):
            if not args:
                raise ValueError(f"{e.uni} has no numbers")
            return args[0]
        if isinstance(e, Mat):
            cells = [a.cells[0] for a in args]
            if e.vector:
                return Arr.vector(cells)
            return Arr(len(e.rows), len(e.rows[0]), cells)
        if isinstance(e, Neg):
            return args[0].map(lambda x: -x)
        if isinstance(e, T):
            return _transposed(args[0])
        if isinstance(e, Diag):
            a = args[0]
            n = len(a.cells)
            return Arr(n, n, [a.cells[i] if i == j else 0 for i in range(n) for j in range(n)])
        if isinstance(e, Fn):
            return self.call(e, args)
        if isinstance(e, Pow):
            base, k = args[0], args[1].cells[0]
            whole = not isinstance(k, float) or k == int(k)
            return base.map(lambda x: x ** int(k) if whole else float(x) ** float(k))
        if isinstance(e, Bin):
            return _binary(e.op, args[0], args[1])
        raise TypeError(f"cannot evaluate {e!r}")  # pragma: no cover

    def call(self, e: Fn, args: list[Arr]) -> Arr:
        kind, _, param = e.kind.partition(":")
        if kind in ELEMENTWISE_FUNCTIONS:
            return args[0].map(ELEMENTWISE_FUNCTIONS[kind])
        if kind == "leaky_relu":
            slope = Fraction(param) if param else Fraction(1, 100)
            return args[0].map(lambda x: x if x > 0 else slope * x)
        if kind in _REDUCTIONS:
            return _REDUCTIONS[kind](args[0])
        if kind == "dot":
            return Arr.scalar(_fsum([x * y for x, y in
                                     zip(args[0].cells, args[1].cells, strict=True)]))
        if kind == "outer":
            a, b = args
            return Arr(len(a.cells), len(b.cells), [x * y for x in a.cells for y in b.cells])
        if kind == "transpose":
            return _transposed(args[0])
        raise ValueError(f"cannot evaluate {e.uni}")


def _transposed(a: Arr) -> Arr:
    """aᵀ: a vector becomes a row, a matrix its transpose."""
    if a.vec:
        return Arr(1, a.rows, a.cells)
    return Arr(a.cols, a.rows, [a.cells[i * a.cols + j]
                                 for j in range(a.cols) for i in range(a.rows)])


_ELEMENTWISE: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda x, y: x + y, "-": lambda x, y: x - y, "·": lambda x, y: x * y,
    "×": lambda x, y: x * y, "∘": lambda x, y: x * y, "/": lambda x, y: x / y,
    "^": lambda x, y: x ** y,
}


def _matmul(a: Arr, b: Arr) -> Arr:
    """NumPy's @ for vectors and matrices: M v and v M are vectors, v w a number."""
    column_a = a.vec and not b.vec and b.rows == 1 and a.rows != 1  # δ xᵀ: a column
    row_b = b.vec and not a.vec and a.cols == 1 and b.rows != 1
    ar, ac, acells = (1, a.rows, a.cells) if a.vec and not column_a else (a.rows, a.cols,
                                                                          a.cells)
    br, bc, bcells = (b.rows, 1, b.cells) if b.vec and not row_b else (
        (1, b.rows, b.cells) if row_b else (b.rows, b.cols, b.cells))
    if ac != br:
        raise ValueError(f"matrix product of {ar}×{ac} and {br}×{bc}")
    cells = [_fsum([acells[i * ac + k] * bcells[k * bc + j] for k in range(ac)])
             for i in range(ar) for j in range(bc)]
    if a.vec and b.vec:
        return Arr.scalar(cells[0])
    if (a.vec and not column_a) or (b.vec and not row_b):
        return Arr.vector(cells)
    return Arr(ar, bc, cells)


def _binary(op: str, a: Arr, b: Arr) -> Arr:
    if op == "@" and not (a.is_scalar or b.is_scalar):
        return _matmul(a, b)
    f = _ELEMENTWISE["·" if op == "@" else op]
    if a.is_scalar:
        return b.map(lambda y: f(a.cells[0], y))
    if b.is_scalar:
        return a.map(lambda x: f(x, b.cells[0]))
    if a.vec == b.vec and (a.rows, a.cols) == (b.rows, b.cols):
        return Arr(a.rows, a.cols, [f(x, y) for x, y in zip(a.cells, b.cells, strict=True)],
                   a.vec)
    (ar, ac, ax), (br, bc, bx) = a.row_major(), b.row_major()
    rows, cols = max(ar, br), max(ac, bc)
    if ar not in (1, rows) or br not in (1, rows) or ac not in (1, cols) or bc not in (1, cols):
        raise ValueError(f"{op} of {ar}×{ac} and {br}×{bc}")
    cells = [f(ax[(i % ar) * ac + (j % ac)], bx[(i % br) * bc + (j % bc)])
             for i in range(rows) for j in range(cols)]
    return Arr(rows, cols, cells)
