"""The forward pass: each quantity's formula in the example's names, the numbers substituted,
and the result; beneath a vector or matrix, one line per entry, read from the graph.

A worked example's ``layer`` and ``let``/``loss`` statements give the formula at layer level
(z⁽¹⁾ = W⁽¹⁾x⁽⁰⁾ + b⁽¹⁾, x⁽¹⁾ = σ(z⁽¹⁾)); anything else (a perceptron's steps, a bare
graph) is written from the nodes themselves.
"""

from __future__ import annotations

from typing import Any

from ..formula.evaluate import derivative
from ..formula.syntax import Binary, Call, Index, ListExpr, Name, Num, Transpose, Unary
from ..verify.parser import Stmt
from . import expr as E
from . import names
from .backward import _dedupe
from .graph import Expressions
from .lines import Line, result_of
from .quantities import Named, Quantity
from .rounding import Precision


class Forward:
    """Writes the forward lines of one example."""

    def __init__(self, named: Named, precision: Precision) -> None:
        """Write the forward lines of the named quantities, rounded as precision says."""
        self.named = named
        self.precision = precision
        self.exprs = Expressions(named, precision)

    # ------------------------------------------------------------ formulas
    def sym(self, name: str) -> E.Sym:
        """A quantity's name, standing for its values."""
        return self.named[name].sym(self.precision)

    def formula(self, e: object) -> E.Expr:
        """A formula's syntax tree written in the example's names: children first, with an
        explicit stack (a loss of 10,000 terms is no deeper for Python than one term)."""
        done: dict[int, E.Expr] = {}
        todo: list[tuple[object, bool]] = [(e, False)]
        while todo:
            node, ready = todo.pop()
            kids = _subformulas(node)
            if ready or not kids:
                done[id(node)] = self._written(node, [done[id(k)] for k in kids])
            else:
                todo.append((node, True))
                todo.extend((k, False) for k in reversed(kids))
        return done[id(e)]

    def _written(self, e: object, kids: list[E.Expr]) -> E.Expr:  # noqa: C901 - per kind
        """One node of a formula, its sub-formulas already written (``kids``)."""
        if isinstance(e, Num):
            return E.Num(e.value, e.text)
        if isinstance(e, Name):
            return self.sym(e.name)
        if isinstance(e, Unary):
            return E.Neg(kids[0])
        if isinstance(e, Binary):
            a, b = kids
            if e.op == "^":
                return E.Pow(a, b)
            if e.op == "*":
                scalar = _is_scalar(a) or _is_scalar(b)
                return E.Bin("·" if scalar else "∘", a, b)
            return E.Bin(e.op, a, b)
        if isinstance(e, Index):
            return self.index(e, kids[0] if kids else None)
        if isinstance(e, Transpose):
            return E.T(kids[0])
        if isinstance(e, ListExpr):
            if all(_is_scalar(i) for i in kids):
                return E.column(kids)
            rows = [_cells(i) for i in kids]
            return E.Mat(tuple(tuple(r) for r in rows))
        if isinstance(e, Call):
            return self.call(e, kids)
        raise TypeError(f"cannot write {e!r}")  # pragma: no cover

    def index(self, e: Index, target: E.Expr | None) -> E.Expr:
        """v[i], M[i] (a row) or M[i, j], as the entry's own name (``target``: the indexed
        formula written out, None when it is a name)."""
        if target is None:
            assert isinstance(e.target, Name)
            q = self.named[e.target.name]
            idx = e.index
            if len(q.shape) == 2 and len(idx) == 1:  # a row of a matrix
                r = idx[0] - 1
                c = q.shape[1]
                return E.column([q.entry_sym(r * c + j, self.precision) for j in range(c)])
            k = idx[0] - 1 if len(idx) == 1 else (idx[0] - 1) * q.shape[1] + idx[1] - 1
            return q.entry_sym(k, self.precision)
        value = E.evaluate(target, exact=True)
        k = e.index[0] - 1 if len(e.index) == 1 else (e.index[0] - 1) * value.cols + e.index[1] - 1
        v = value.cells[k]
        label = f"{E.text(target)}[{','.join(map(str, e.index))}]"
        return E.Sym(label, f"{E.latex(target)}_{{{','.join(map(str, e.index))}}}",
                     E.Num(v, self.precision.text(v)))

    def call(self, e: Call, args: list[E.Expr]) -> E.Expr:
        """f(…) of the formula language, written as the slides write it (``args``: its
        arguments written out; none for ``grad``, whose arguments are names)."""
        f = e.func
        if f == "grad":
            z, p = e.args
            return self.grad_of(z, p)
        if f == "transpose":
            return E.T(args[0])
        kind = {"ln": "log"}.get(f, f)
        spelled = names.function(kind)
        if f == "leaky_relu":
            slope = e.args[1].value if len(e.args) == 2 and isinstance(e.args[1], Num) else 0.01
            return E.Fn(spelled.uni, spelled.tex, (args[0],), f"leaky_relu:{slope!r}")
        return E.Fn(spelled.uni, spelled.tex, tuple(args), kind)

    def grad_of(self, z: object, p: object) -> E.Expr:
        """grad(E, W) in a formula: ∂E/∂W with its numbers (computed by the engine)."""
        if not (isinstance(z, Name) and isinstance(p, Name)):
            raise TypeError("grad(z, p) of names only")
        qz, qp = self.named[z.name], self.named[p.name]
        from ..formula.tensor import Q

        g = derivative(Q(qz.shape, qz.items), Q(qp.shape, qp.items))
        n = names.gradient(qz.name, qp.name)
        values = g.values()
        return E.Sym(n.uni, n.tex, qp.layout([E.Num(v, self.precision.text(v)) for v in values]))

    # ------------------------------------------------------------ lines
    def line(self, q: Quantity, formula: E.Expr, values: list[Any] | None = None) -> Line:
        """lhs = formula = numbers = result, with one line per entry beneath."""
        values = [i.data for i in q.items] if values is None else values
        result = result_of(values, q.layout, self.precision)
        stages = _dedupe([formula, *self._numeric(formula), result])
        n = q.name
        line = Line(E.Sym(n.uni, n.tex), stages, values, quantity=q.key, section="forward",
                    nodes=list(q.items))
        if q.size > 1:
            line.entries = [self.entry_line(q, k) for k in range(q.size)]
        return line

    def _numeric(self, formula: E.Expr) -> list[E.Expr]:
        """The numbers substituted, then (for f(…) of an expression) f of its value."""
        sub = E.substitute(formula)
        out = [sub]
        if isinstance(sub, E.Fn) and len(sub.args) == 1 and sub.kind and not _atomic(sub.args[0]):
            inner = E.evaluate(formula.args[0] if isinstance(formula, E.Fn) else sub.args[0],
                               exact=True)
            out.append(E.Fn(sub.uni, sub.tex, (_as_expr(inner, self.precision),), sub.kind))
        return out

    def entry_line(self, q: Quantity, k: int) -> Line:
        """One entry, written from the graph: x⁽¹⁾₂ = σ(z⁽¹⁾₂) = σ(−0.75) = 0.3208."""
        node = q.items[k]
        n = q.entry_name(k)
        value = node.data
        result = E.Num(value, self.precision.text(value))
        if node.is_leaf:
            return Line(E.Sym(n.uni, n.tex), [q.number(k, value, self.precision)], [value],
                        quantity=q.label(k), section="forward", nodes=[node])
        formula = self.exprs.expression(node)
        stages = _dedupe([formula, *self._inlined(formula), *self._numeric(formula), result])
        return Line(E.Sym(n.uni, n.tex), stages, [value], quantity=q.label(k),
                    section="forward", nodes=[node])

    def _inlined(self, formula: E.Expr) -> list[E.Expr]:
        """f(z⁽¹⁾₂) of a computed entry: f of what z⁽¹⁾₂ computes, in numbers, as the slide
        writes it: σ(1.2·0.5 + 0.1·(−0.5) − 1.3)."""
        if not (isinstance(formula, E.Fn) and len(formula.args) == 1 and formula.kind):
            return []
        owner = self._owner(formula.args[0])
        if owner is None or owner[0].is_leaf:
            return []
        inner = self.exprs.expression(owner[0].items[owner[1]])
        if len(E.numbers(E.substitute(inner))) > 12:
            return []
        return [E.Fn(formula.uni, formula.tex, (E.substitute(inner),), formula.kind)]

    def graph_line(self, q: Quantity) -> Line:
        """A quantity with no statement to read: at layer level when its entries read like
        f(z) or W x + b, else its entries' expressions, laid out."""
        if not any(i.is_leaf for i in q.items):
            form = self.vector_form(q)
            if form is not None:
                return self.line(q, form)
        if q.size == 1:
            line = self.entry_line(q, 0)
            n = q.name
            line.lhs = E.Sym(n.uni, n.tex)
            line.quantity = q.key
            return line
        formula = q.layout([self.exprs.expression(i) if not i.is_leaf else
                            q.number(k, i.data, self.precision) for k, i in enumerate(q.items)])
        return self.line(q, formula)

    def _owner(self, e: E.Expr) -> tuple[Quantity, int] | None:
        if isinstance(e, E.Sym) and e.node is not None and e.node in self.named:
            return self.named.where[e.node]
        return None

    def vector_form(self, q: Quantity) -> E.Expr | None:
        """f(z) when every entry is f of the same entry of one quantity z; W x + b when
        entry i is Σⱼ W_ij x_j (+ b_i). None otherwise."""
        exprs = [self.exprs.expression(i) for i in q.items]
        first = exprs[0]
        if isinstance(first, E.Fn) and len(first.args) == 1 and first.kind:
            owners = [self._owner(e.args[0]) if isinstance(e, E.Fn) and e.kind == first.kind
                      else None for e in exprs]
            zs = {id(o[0]) for o in owners if o is not None}
            if all(o is not None and o[1] == k for k, o in enumerate(owners)) and len(zs) == 1:
                z = owners[0][0] if owners[0] is not None else q
                if z.size == q.size:
                    return E.Fn(first.uni, first.tex, (z.sym(self.precision),), first.kind)
        return self._affine(q, exprs)

    def _affine(self, q: Quantity, exprs: list[E.Expr]) -> E.Expr | None:
        """W x + b: entry i is Σⱼ W_ij x_j (+ b_i), with the same W, x and b in every entry."""
        rows = [self._affine_row(i, e, q.size) for i, e in enumerate(exprs)]
        first = rows[0]
        if first is None or any(r != first for r in rows):
            return None
        W, x, b = first
        z: E.Expr = E.Bin("@", W.sym(self.precision), x.sym(self.precision))
        return z if b is None else E.Bin("+", z, b.sym(self.precision))

    def _affine_row(self, i: int, e: E.Expr, size: int
                    ) -> tuple[Quantity, Quantity, Quantity | None] | None:
        terms = _terms(e)
        products = [t for t in terms if isinstance(t, E.Bin) and t.op == "·"]
        rest = [t for t in terms if not (isinstance(t, E.Bin) and t.op == "·")]
        if not products or len(rest) > 1:
            return None
        mats, xs = set(), set()
        for j, t in enumerate(products):
            assert isinstance(t, E.Bin)
            m, x = self._owner(t.left), self._owner(t.right)
            if m is None or x is None or len(m[0].shape) != 2 or m[0].shape != (
                    size, len(products)) or m[1] != i * len(products) + j or x[1] != j:
                return None
            mats.add(m[0])
            xs.add(x[0])
        b = self._owner(rest[0]) if rest else None
        if rest and (b is None or b[1] != i or b[0].size != size):
            return None
        if len(mats) != 1 or len(xs) != 1:
            return None
        return mats.pop(), xs.pop(), (b[0] if b is not None else None)

    def statement_lines(self, st: Stmt) -> list[Line]:
        """The lines of one statement of a worked example."""
        if st.kind in ("let", "loss"):
            q = self.named.get(st.name)
            return [] if q is None else [self.line(q, self.formula(st.expr))]
        if st.kind == "layer":
            return self.layer_lines(st)
        return []

    def layer_lines(self, st: Stmt) -> list[Line]:
        """z = W x + b and x = f(z) for a layer statement."""
        o = st.options
        out = self.named[st.name]
        pre = self.named[o["pre"] or f"{st.name}.a"]
        W = self.sym(o["weights"])
        source = self._layer_input(st, pre)
        x = self.sym(source)
        wq, xq = self.named[o["weights"]], self.named[source]
        if len(xq.shape) == 2:  # a batch: one sample per row
            z: E.Expr = E.Bin("@", x, E.T(W))
        elif len(wq.shape) == 1:
            z = E.Bin("@", E.T(W), x)
        else:
            z = E.Bin("@", W, x)
        if o["bias"] is not None:
            z = E.Bin("+", z, self.sym(o["bias"]))
        act = o["activation"]
        zs = pre.sym(self.precision)
        if act == "identity":
            a: E.Expr = zs
        else:
            f = names.function(act)
            kind = act if act != "leaky_relu" else f"leaky_relu:{o['slope'] or 0.01!r}"
            a = E.Fn(f.uni, f.tex, (zs,), kind)
        return [self.line(pre, z), self.line(out, a)]

    def _layer_input(self, st: Stmt, pre: Quantity) -> str:
        """The quantity a layer reads (``from X``, else found from the graph)."""
        if st.options["from"] is not None:
            return str(st.options["from"])
        seen = {id(q) for q in (self.named[st.options["weights"]],)}
        for node in _inputs_below(pre.items[0]):
            if node in self.named:
                q, _ = self.named.where[node]
                if id(q) not in seen and q.key != st.options["bias"]:
                    return q.key
        raise ValueError(f"layer {st.name}: cannot tell which quantity it reads")


def _inputs_below(node: Any) -> list[Any]:
    out: list[Any] = []
    stack = list(node.inputs)
    seen: set[int] = set()
    while stack:
        n = stack.pop(0)
        if id(n) in seen:
            continue
        seen.add(id(n))
        out.append(n)
        if n.label is None:
            stack.extend(n.inputs)
    return out


def _subformulas(e: object) -> list[object]:
    """What :meth:`Forward.formula` writes before ``e``: its operands (not the names in an
    index or a ``grad``)."""
    if isinstance(e, (Unary, Transpose)):
        return [e.operand]
    if isinstance(e, Binary):
        return [e.left, e.right]
    if isinstance(e, Index):
        return [] if isinstance(e.target, Name) else [e.target]
    if isinstance(e, ListExpr):
        return list(e.items)
    if isinstance(e, Call):
        return [] if e.func == "grad" else list(e.args)
    return []


def _terms(e: E.Expr) -> list[E.Expr]:
    """The terms of a sum, left to right (a stack, not recursion: a Σ of 5,000 terms is a
    sum 5,000 deep)."""
    out: list[E.Expr] = []
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, E.Bin) and node.op == "+":
            stack += [node.right, node.left]
        else:
            out.append(node)
    return out


def _is_scalar(e: E.Expr) -> bool:
    """Is ``e`` one number?"""
    try:
        return E.evaluate(e, exact=True).is_scalar
    except (ValueError, TypeError, ZeroDivisionError, OverflowError):
        return False


def _cells(e: E.Expr) -> list[E.Expr]:
    if isinstance(e, E.Mat):
        return [c for row in e.rows for c in row]
    return [e]


def _atomic(e: E.Expr) -> bool:
    return isinstance(e, (E.Num, E.Mat)) and not (
        isinstance(e, E.Mat) and any(not isinstance(c, E.Num) for r in e.rows for c in r))


def _as_expr(a: E.Arr, precision: Precision) -> E.Expr:
    nums: list[E.Expr] = [E.Num(v, precision.text(v)) for v in a.cells]
    if a.vec:
        return E.column(nums)
    return E.matrix(nums, a.rows, a.cols)
