"""The backward pass, as the engine ran it, written in the example's quantities.

``build_grad(root, keep_terms=True)`` gives the grad_table and, for every node, the term each
consumer contributed. Between two *named* nodes lie unnamed ones (the products and the sum
inside W x + b); walking the table in its order (every consumer before its inputs), each node
learns, for every named node P above it, ∂P/∂node as a sum over paths of products of local
derivatives (:class:`Contribution`). Grouped by quantity, those are the Jacobians the lecture
writes at layer level:

* diagonal with f′ on it:        ∂l/∂z = f′(z) ∘ ∂l/∂x            (x = f(z))
* the entries of a matrix W:     ∂l/∂x = Wᵀ δ                      (z = W x + b)
* the entries of a vector x:     ∂l/∂W = δ xᵀ
* the identity:                  ∂l/∂b = δ
* anything else:                 ∂l/∂q = (∂P/∂q)ᵀ ∂l/∂P, the Jacobian filled in.

Every number comes from the engine: the gradients from the grad_table, the local derivatives
from the ops' own bprop (:func:`~.graph.local_derivatives`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import Value, build_grad
from . import names
from .expr import Bin, Diag, Expr, Mat, Neg, Num, Sym, T, column, matrix
from .graph import Expressions, local_derivatives, local_symbol
from .lines import Line, Part, result_of
from .quantities import Named, Quantity
from .rounding import Precision

MAX_PATHS = 6
MAX_WRITTEN = 40  # a path product of more nodes is written ∂P/∂q with its number
# A product grows by at least a node per link, less one where a −1 cancels a sign: past this
# size it can never shrink back to MAX_WRITTEN, so it is not kept (a chain of 3,000 unlabelled
# links kept products 9,000 nodes deep: a RecursionError, and quadratic work).
MAX_KEPT = MAX_WRITTEN + 8
KINK_NOTES = {
    "relu": "relu′(0) taken as 0, as PyTorch does",
    "abs": "|a|′ at a = 0 taken as 0, as PyTorch does",
    "step": "step′ taken as 0 everywhere (at 0 too), as PyTorch does",
}


@dataclass
class Contribution:
    """∂P/∂node for one named P above a node: the number, the paths' products written out
    (None when too many to write), and the conventions used on the way (kinks)."""

    value: Any
    paths: list[Expr] | None
    kinks: set[str] = field(default_factory=set)

    def symbol(self) -> Expr | None:
        """The paths' products added up (None when too many to write)."""
        if self.paths is None:
            return None
        out = self.paths[0]
        for p in self.paths[1:]:
            out = Bin("+", out, p)
        return out


_ONE = Num(1, "1")


def _is(e: Expr, value: int) -> bool:
    return isinstance(e, Num) and e.text == str(value)


def negate(e: Expr) -> Expr:
    return e.arg if isinstance(e, Neg) else Neg(e)


def times(a: Expr, b: Expr) -> Expr:
    """a · b with the ones dropped and the signs pulled in front."""
    negative = False
    while True:  # the signs of both factors, peeled off (−(−x) is x)
        if _is(a, -1):
            a, negative = _ONE, not negative
        elif _is(b, -1):
            b, negative = _ONE, not negative
        elif isinstance(a, Neg):
            a, negative = a.arg, not negative
        elif isinstance(b, Neg):
            b, negative = b.arg, not negative
        else:
            break
    out = b if _is(a, 1) else a if _is(b, 1) else Bin("·", a, b)
    if not negative:
        return out
    return _minus_one() if _is(out, 1) else negate(out)


def _minus_one() -> Num:
    return Num(-1, "-1")


def _size(e: Expr, limit: int = MAX_KEPT) -> int:
    """The number of nodes of e, counted up to ``limit + 1`` (enough to know it is too big
    to write; a walk with a stack, so no tree is too deep)."""
    from .expr import _children

    count, stack = 0, [e]
    while stack and count <= limit:
        count += 1
        stack.extend(_children(stack.pop()))
    return count


def kink_note(node: Value) -> str:
    name = node.op.name.split("(")[0]
    if name == "leaky_relu":
        return f"leaky_relu′(0) taken as {float(node.op.param):g} (the slope), as PyTorch does"
    return KINK_NOTES.get(name, f"{name} is evaluated where it has no derivative; the "
                                "engine's subgradient is used")


class Backward:
    """Back-propagation from ``root``, read through the named nodes."""

    def __init__(self, root: Value, named: Named, precision: Precision, *,
                 deltas: bool = True) -> None:
        """Run back-propagation from root (keep_terms) and read every node's named consumers."""
        self.root = root
        self.deltas = deltas  # δ⁽ˡ⁾ names ∂loss/∂z⁽ˡ⁾: only when the root is the loss
        self.named = named
        self.precision = precision
        self.exprs = Expressions(named, precision)
        self.table = build_grad(root, keep_terms=True)
        self._locals: dict[Value, list[Any]] = {}
        self._positions: dict[Value, dict[Value, list[int]]] = {}  # consumer: input → places
        self._operands: dict[Value, tuple[list[Expr], Expr]] = {}  # consumer: (ins, out)
        self._subs: dict[Value, Backward] = {}
        self._written: dict[str, Expr] = {}  # each line's formula, for the δ recursion
        self.jac: dict[Value, dict[Value, Contribution]] = {}
        self._run()

    # ------------------------------------------------------------ scalar level
    def is_named(self, node: Value) -> bool:
        """Is the node the root or an entry of a named quantity?"""
        return node is self.root or node in self.named

    def grad(self, node: Value) -> Any:
        """∂root/∂node from the grad_table (0 where root does not depend on it)."""
        return self.table.get(node, 0.0)

    def edges(self, node: Value) -> list[tuple[Value, int, Any]]:
        """(consumer, input position, local derivative) for each use of node that the
        grad_table recorded a term for."""
        out = []
        for c in dict.fromkeys(c for c, _ in self.table.terms(node)):
            if c not in self._locals:
                self._locals[c] = local_derivatives(c)
                places: dict[Value, list[int]] = {}
                for k, inp in enumerate(c.inputs):
                    places.setdefault(inp, []).append(k)
                self._positions[c] = places
            out += [(c, k, self._locals[c][k]) for k in self._positions[c].get(node, [])]
        return out

    def _run(self) -> None:
        for node in self.table:
            if node is self.root:
                self.jac[node] = {}
                continue
            acc: dict[Value, Contribution] = {}
            for c, k, local in self.edges(node):
                sym = self._edge_symbol(c, k, local)
                kinks = {kink_note(c)} if c.at_kink else set()
                if self.is_named(c):
                    self._add(acc, c, local, [sym], kinks)
                    continue
                for P, con in self.jac.get(c, {}).items():
                    paths = None if con.paths is None else [times(p, sym) for p in con.paths]
                    if paths is not None and any(_size(p) > MAX_KEPT for p in paths):
                        paths = None  # too long ever to be written: ∂P/∂node, its number
                    self._add(acc, P, local * con.value, paths, kinks | con.kinks)
            self.jac[node] = acc

    @staticmethod
    def _add(acc: dict[Value, Contribution], P: Value, value: Any, paths: list[Expr] | None,
             kinks: set[str]) -> None:
        if P not in acc:
            acc[P] = Contribution(value, paths, set(kinks))
            return
        con = acc[P]
        con.value = con.value + value
        con.kinks |= kinks
        if con.paths is None or paths is None or len(con.paths) + len(paths) > MAX_PATHS:
            con.paths = None
        else:
            con.paths = con.paths + paths

    def _edge_symbol(self, c: Value, k: int, local: Any) -> Expr:
        if c not in self._operands:  # once per consumer: a Σ of n terms has n edges
            ins = [self.exprs.operand(i) for i in c.inputs]
            self._operands[c] = ins, self.exprs.name_of(c) or self.exprs.expression(c)
        ins, out = self._operands[c]
        return local_symbol(c, k, ins, out, local, self.precision)

    # ------------------------------------------------------------ names of gradients
    def root_name(self) -> names.Name:
        """How the differentiated node is written (l, E, x⁽²⁾)."""
        if self.root in self.named:
            q, k = self.named.where[self.root]
            return q.entry_name(k)
        return names.Name("z", "z")

    def grad_name(self, q: Quantity, k: int | None = None) -> names.Name:
        """δ⁽ˡ⁾ for a layer's pre-activation, else ∂l/∂q (of one entry when k is given)."""
        if q.kind == "pre" and self.deltas:
            d = names.delta(q.key, q.index(k) if k is not None else ())
            if d is not None:
                return d
        n = q.name if k is None else q.entry_name(k)
        return names.gradient(self.root_name(), n)

    def grad_sym(self, q: Quantity, k: int | None = None) -> Sym:
        """The gradient's name standing for its numbers."""
        n = self.grad_name(q, k)
        if k is not None:
            g = self.grad(q.items[k])
            return Sym(n.uni, n.tex, Num(g, self.precision.text(g)))
        values = [self.grad(i) for i in q.items]
        return Sym(n.uni, n.tex, q.layout([Num(v, self.precision.text(v)) for v in values]))

    # ------------------------------------------------------------ quantity level
    def relations(self, q: Quantity) -> dict[Quantity | None, dict[tuple[int, int], Contribution]]:
        """For each named quantity P above q (None: the root), ∂P_i/∂q_j by (i, j)."""
        rels: dict[Quantity | None, dict[tuple[int, int], Contribution]] = {}
        for j, item in enumerate(q.items):
            for P, con in self.jac.get(item, {}).items():
                if P is not self.root and P in self.named:
                    pq, i = self.named.where[P]
                else:
                    pq, i = None, 0
                rels.setdefault(pq, {})[(i, j)] = con
        return rels

    def chain(self, top: Quantity, bottom: Quantity) -> tuple[Expr, set[str]] | None:
        """∂top/∂bottom as the product of the Jacobians along the one chain of quantities
        between them, when each is diag(f′(z)), a matrix W or the identity (else None):
        ∂x⁽¹⁾/∂x⁽⁰⁾ = diag(σ′(z⁽¹⁾)) W⁽¹⁾."""
        paths: list[list[Expr | None]] = []
        kinks: set[str] = set()
        stack: list[tuple[Quantity, list[Expr | None]]] = [(bottom, [])]
        while stack and len(paths) < 2:
            q, factors = stack.pop()
            for pq, rel in self.relations(q).items():
                if pq is None or len(factors) > 8:
                    continue
                known, f = self._jacobian_factor(pq, q, rel)
                if not known:  # a Jacobian of another shape: no product to write
                    return None
                kinks |= {k for con in rel.values() for k in con.kinks}
                if pq is top:
                    paths.append([f, *factors])
                else:
                    stack.append((pq, [f, *factors]))
        if len(paths) != 1:
            return None
        kept = [f for f in paths[0] if f is not None]
        if not kept:
            return None
        out = kept[0]
        for f in kept[1:]:
            out = Bin("@", out, f)
        return out, kinks

    def _jacobian_factor(self, pq: Quantity, q: Quantity,
                         rel: dict[tuple[int, int], Contribution]) -> tuple[bool, Expr | None]:
        """(True, diag(f′(q)) | W | Wᵀ), (True, None) for the identity, (False, None) when
        the Jacobian is none of these."""
        form = classify(pq, q, rel, self.named, pq.size)
        p = self.precision
        if form.kind == "identity":
            return True, None
        node = form.node
        if form.kind == "scalar" and pq.size == q.size == 1:
            sym = _single(rel[(0, 0)])
            node = sym.node if isinstance(sym, Sym) and sym.deriv else None
        if form.kind in ("diag-f", "scalar") and node is not None:
            d = names.derivative_of(node.op.name, q.name)
            vals = [rel[(i, i)].value for i in range(q.size)]
            return True, Diag(Sym(d.uni, d.tex, q.layout([Num(v, p.text(v)) for v in vals])))
        if form.kind == "matrix" and form.other is not None:
            m = form.other.sym(p)
            return True, (T(m) if form.transposed else m)
        return False, None

    def line(self, q: Quantity) -> Line | None:
        """∂root/∂q at quantity level, with the per-entry lines beneath."""
        if not any(i in self.table for i in q.items):
            return None
        rels = self.relations(q)
        terms: list[Expr] = []
        notes: list[list[Part]] = []
        for pq, rel in rels.items():
            upstream = None if pq is None else self.grad_sym(pq)
            term, extra = self._contribution(pq, q, rel, upstream)
            terms.append(term)
            notes += extra
        symbolic = terms[0]
        for t in terms[1:]:
            symbolic = Bin("+", symbolic, t)
        from .expr import substitute

        values = [self.grad(i) for i in q.items]
        lhs_name = self.grad_name(q)
        lhs = Sym(lhs_name.uni, lhs_name.tex)
        stages: list[Expr] = []
        if q.kind == "pre" and self.deltas and names.delta(q.key) is not None:
            g = names.gradient(self.root_name(), q.name)
            stages.append(Sym(g.uni, g.tex))
        stages.append(symbolic)
        recursion = self._recursion(q, rels, symbolic)
        if recursion is not None:
            stages.append(recursion)
        factors = self._factors(rels, symbolic)
        if factors is not None:  # ∂l/∂x⁽²⁾·σ′(z⁽²⁾)·x⁽¹⁾ᵀ = 1.4646·0.2166·[…]
            stages += [factors, substitute(factors)]
        else:
            stages.append(substitute(symbolic))
        stages.append(result_of(values, q.layout, self.precision))
        self._written[q.key] = symbolic
        stages = _dedupe([lhs, *stages])[1:]  # ∂y/∂x = ∂y/∂x = 0.02: the name once
        line = Line(lhs, stages, values, notes=_unique(notes), quantity=q.key,
                    section="backward", nodes=list(q.items), root=self.root)
        line.entries = [self.entry_line(q, j) for j in range(q.size)] if q.size > 1 else []
        line.uses = [pq.key for pq in rels if pq is not None]
        return line

    def _recursion(self, q: Quantity, rels: dict[Quantity | None, Any], symbolic: Expr
                   ) -> Expr | None:
        """The lecture's recursion δ⁽ˡ⁾ = f′(z⁽ˡ⁾) ∘ (W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾): the upstream gradient
        replaced by its own formula, when q is a pre-activation read by one quantity whose
        gradient is a matrix product."""
        if q.kind != "pre" or len(rels) != 1 or not isinstance(symbolic, Bin):
            return None
        (pq,) = rels
        upstream = self._written.get(pq.key) if pq is not None else None
        if not (isinstance(upstream, Bin) and upstream.op == "@"):
            return None
        return Bin(symbolic.op, symbolic.left, upstream)

    def _factors(self, rels: dict[Quantity | None, Any], symbolic: Expr) -> Expr | None:
        """The line with a one-number δ written as its own factors (∂l/∂x⁽²⁾·σ′(z⁽²⁾)), so
        the chain rule shows every factor: ∂l/∂W⁽²⁾ = ∂l/∂x⁽²⁾·σ′(z⁽²⁾)·x⁽¹⁾ᵀ."""
        if len(rels) != 1:
            return None
        (pq,) = rels
        if pq is None or pq.kind != "pre" or pq.size != 1:
            return None
        up = self._written.get(pq.key)
        if not (isinstance(up, Bin) and up.op == "·"):
            return None
        g = self.grad_name(pq).uni
        if isinstance(symbolic, Sym) and symbolic.uni == g:
            return up
        if isinstance(symbolic, Bin) and symbolic.op == "@" and isinstance(symbolic.left, Sym) \
                and symbolic.left.uni == g:
            return Bin("·", up, symbolic.right)
        return None

    def entry_line(self, q: Quantity, j: int) -> Line:
        """∂root/∂q_j = Σ over the named nodes P above it of ∂root/∂P · ∂P/∂q_j."""
        from .expr import substitute

        item = q.items[j]
        terms: list[Expr] = []
        kinks: set[str] = set()
        for P, con in self.jac.get(item, {}).items():
            local = con.symbol()
            if local is None or _size(local) > MAX_WRITTEN:
                local = self._partial(P, q, j, con.value)
            kinks |= con.kinks
            if P is self.root:
                terms.append(local)
            else:
                pq, i = self.named.where[P]
                terms.append(times(self.grad_sym(pq, i), local))
        symbolic: Expr = terms[0] if terms else Num(0, "0")
        for t in terms[1:]:
            symbolic = Bin("+", symbolic, t)
        value = self.grad(item)
        n = self.grad_name(q, j)
        lhs = Sym(n.uni, n.tex)
        stages = _dedupe([lhs, symbolic, substitute(symbolic),
                          Num(value, self.precision.text(value))])[1:]
        return Line(lhs, stages, [value], notes=[[k] for k in sorted(kinks)],
                    quantity=q.label(j), section="backward", nodes=[item], root=self.root)

    def _partial(self, P: Value, q: Quantity, j: int, value: Any) -> Sym:
        top = self.root_name() if P is self.root else self._entry_name(P)
        d = names.gradient(top, q.entry_name(j))
        return Sym(d.uni, d.tex, Num(value, self.precision.text(value)))

    def _entry_name(self, P: Value) -> names.Name:
        pq, i = self.named.where[P]
        return pq.entry_name(i)

    def _contribution(self, pq: Quantity | None, q: Quantity,
                      rel: dict[tuple[int, int], Contribution], g: Sym | None
                      ) -> tuple[Expr, list[list[Part]]]:
        """One named quantity's term of ∂root/∂q at layer level, and its notes."""
        notes: list[list[Part]] = [[k] for con in rel.values() for k in sorted(con.kinks)]
        p_size = 1 if pq is None else pq.size
        form = classify(pq, q, rel, self.named, p_size)
        p = self.precision
        if form.kind == "identity":
            assert g is not None
            return g, notes
        if form.kind == "diag-f":
            f = form.fn
            d = names.derivative_of(f, q.name)
            vals = [rel[(i, i)].value for i in range(q.size)]
            fsym = Sym(d.uni, d.tex, q.layout([Num(v, p.text(v)) for v in vals]))
            notes.insert(0, _formula_note(form.node))
            return _apply(fsym, "∘", g), notes
        if form.kind == "matrix" and form.other is not None:
            m = form.other.sym(p)
            return _apply(T(m) if not form.transposed else m, "@", g), notes
        if form.kind == "outer" and form.other is not None:
            x = form.other.sym(p)
            assert g is not None
            return Bin("@", g, T(x)), notes
        if form.kind == "scalar":
            con = rel[(0, 0)]
            local = con.symbol()
            if local is None or _size(local) > MAX_WRITTEN:
                local = self._partial(self.root if pq is None else pq.items[0], q, 0, con.value)
            for item in _activation_nodes(con):
                notes.insert(0, _formula_note(item))
            return (local if g is None else times(g, local)), notes
        if pq is None:  # the root above a vector or matrix: each entry's derivative
            return self._root_entries(q, rel), notes
        if p_size == 1:  # ∂l/∂P · ∂P/∂q, laid out like q
            vals = [rel[(0, j)].value if (0, j) in rel else 0 for j in range(q.size)]
            d = names.gradient(pq.name, q.name)
            dsym = Sym(d.uni, d.tex, q.layout([Num(v, p.text(v)) for v in vals]))
            return (dsym if g is None else times(g, dsym)), notes
        rows = self._jacobian(pq, q, rel)
        d = names.gradient(pq.name, q.name)
        if len(q.shape) < 2:  # the Jacobian, filled in: (∂P/∂q)ᵀ ∂l/∂P
            jac = matrix([Num(v, p.text(v)) for r in rows for v in r], pq.size, q.size)
            jsym = Sym(f"({d.uni})", rf"\left({d.tex}\right)", jac)
            return Bin("@", T(jsym), g) if g is not None else jsym, notes
        gs = [self.grad(i) for i in pq.items]
        vals = [sum((gs[i] * rows[i][j] for i in range(pq.size)), start=0 * gs[0])
                for j in range(q.size)]
        n = names.Name(f"({d.uni})ᵀ{g.uni if g else ''}",
                       rf"\left({d.tex}\right)^{{\top}}{g.tex if g else ''}")
        return Sym(n.uni, n.tex, q.layout([Num(v, p.text(v)) for v in vals])), notes

    def _root_entries(self, q: Quantity, rel: dict[tuple[int, int], Contribution]) -> Expr:
        """∂root/∂q for a vector or matrix q below the root: the entries' own chain rules."""
        items: list[Expr] = []
        for j in range(q.size):
            con = rel.get((0, j))
            if con is None:
                items.append(Num(0, "0"))
                continue
            sym = con.symbol()
            if sym is None or _size(sym) > 24 or q.size > 9:
                sym = self._partial(self.root, q, j, con.value)
            items.append(sym)
        return q.layout(items)

    def _jacobian(self, pq: Quantity, q: Quantity, rel: dict[tuple[int, int], Contribution]
                  ) -> list[list[Any]]:
        """∂P_i/∂q_j for every entry: the rows back-propagation did not reach (∂l/∂P_i = 0
        does not need them) are filled in by back-propagating from P_i itself."""
        rows: list[list[Any]] = []
        for i, top in enumerate(pq.items):
            sub: Backward | None = None
            row = []
            for j in range(q.size):
                if (i, j) in rel:
                    row.append(rel[(i, j)].value)
                    continue
                if sub is None:
                    sub = self._sub(top)
                con = sub.jac.get(q.items[j], {}).get(top)
                row.append(0 if con is None else con.value)
            rows.append(row)
        return rows

    def _sub(self, top: Value) -> Backward:
        if top not in self._subs:
            self._subs[top] = Backward(top, self.named, self.precision, deltas=False)
        return self._subs[top]


def _activation_nodes(con: Contribution) -> list[Value]:
    out = []
    for path in con.paths or []:
        stack = [path]
        while stack:
            e = stack.pop()
            if isinstance(e, Sym) and e.deriv and e.node is not None:
                out.append(e.node)
            elif isinstance(e, (Bin,)):
                stack += [e.left, e.right]
            elif isinstance(e, Neg):
                stack.append(e.arg)
    return out


def _apply(f: Expr, op: str, g: Sym | None) -> Expr:
    if g is None:
        return f
    sizes = [_entries(f), _entries(g)]
    if 1 in sizes and op == "∘":
        op = "·"
    return Bin(op, f, g)


def _entries(e: Expr) -> int:
    if isinstance(e, Sym) and e.num is not None:
        return _entries(e.num)
    if isinstance(e, Mat):
        r, c = e.shape
        return r * c
    return 1


def _formula_note(node: Value | None) -> list[Part]:
    """The local derivative's formula, as the op states it."""
    if node is None:
        return []
    f = names.function(node.op.name)
    formula = " ".join(node.op.formula.split())
    return [f"{f.uni}′, the op's rule: {formula}"]


def _dedupe(stages: list[Expr]) -> list[Expr]:
    """Drop a stage written exactly like the one before it (1.4646 = 1.4646)."""
    from .expr import text

    out: list[Expr] = []
    for s in stages:
        if out and text(out[-1]) == text(s):
            continue
        out.append(s)
    return out


def _unique(notes: list[list[Part]]) -> list[list[Part]]:
    seen: list[str] = []
    out = []
    for n in notes:
        key = repr([p if isinstance(p, str) else id(p) for p in n])
        if n and key not in seen:
            seen.append(key)
            out.append(n)
    return out


@dataclass
class Form:
    """How a quantity P depends on q: the shape of their Jacobian."""

    kind: str  # identity | diag-f | matrix | outer | scalar | general
    other: Quantity | None = None
    transposed: bool = False
    fn: str = ""
    node: Value | None = None


def _single(con: Contribution) -> Expr | None:
    return con.paths[0] if con.paths is not None and len(con.paths) == 1 else None


def classify(pq: Quantity | None, q: Quantity, rel: dict[tuple[int, int], Contribution],
             named: Named, p_size: int) -> Form:
    """Recognise the layer-level form of ∂P/∂q from the entries' path products."""
    if p_size == 1 and q.size == 1:
        return Form("scalar")
    if pq is None:
        return Form("general")
    keys = set(rel)
    if p_size == q.size and keys == {(i, i) for i in range(q.size)}:
        syms = [_single(rel[(i, i)]) for i in range(q.size)]
        if all(s is not None and _is(s, 1) for s in syms):
            return Form("identity")
        derivs = {s.deriv for s in syms if isinstance(s, Sym)}
        if all(isinstance(s, Sym) and s.deriv for s in syms) and len(derivs) == 1:
            first = syms[0]
            assert isinstance(first, Sym)
            return Form("diag-f", fn=first.node.op.name, node=first.node)
    m = _matrix_form(p_size, q, rel, named)
    if m is not None:
        return m
    o = _outer_form(p_size, q, rel, named)
    return o if o is not None else Form("general")


def _owner(e: Expr | None, named: Named) -> tuple[Quantity, int] | None:
    if isinstance(e, Sym) and e.node is not None and not e.deriv and e.node in named:
        return named.where[e.node]
    return None


def _matrix_form(p_size: int, q: Quantity, rel: dict[tuple[int, int], Contribution],
                 named: Named) -> Form | None:
    """J[i][j] is the entry (i, j) of one matrix M (then Mᵀ g), or (j, i) (then M g)."""
    if len(q.shape) == 2 or len(rel) != p_size * q.size:
        return None
    owners = {key: _owner(_single(con), named) for key, con in rel.items()}
    if any(o is None for o in owners.values()):
        return None
    mats = {o[0] for o in owners.values() if o is not None}
    if len(mats) != 1:
        return None
    (m,) = mats
    if len(m.shape) != 2:
        return None
    r, c = m.shape
    if (r, c) == (p_size, q.size) and all(
            o is not None and o[1] == i * c + j for (i, j), o in owners.items()):
        return Form("matrix", m)
    if (r, c) == (q.size, p_size) and all(
            o is not None and o[1] == j * c + i for (i, j), o in owners.items()):
        return Form("matrix", m, transposed=True)
    return None


def _outer_form(p_size: int, q: Quantity, rel: dict[tuple[int, int], Contribution],
                named: Named) -> Form | None:
    """q is a matrix W with P_i depending on W_ij through x_j alone: ∂l/∂W = g xᵀ."""
    if len(q.shape) != 2:
        return None
    r, c = q.shape
    if r != p_size or len(rel) != q.size:
        return None
    xs = set()
    for (i, k), con in rel.items():
        o = _owner(_single(con), named)
        if o is None or i != k // c:
            return None
        x, pos = o
        if pos != k % c or x.size != c or len(x.shape) == 2:
            return None
        xs.add(x)
    if len(xs) != 1:
        return None
    return Form("outer", xs.pop())


__all__ = ["Backward", "Contribution", "Form", "classify", "column", "times"]


def order(back: Backward, quantities: list[Quantity]) -> list[Quantity]:
    """The quantities in a back-propagation order: each after every named quantity its
    gradient is computed from; among those ready, parameters first (∂l/∂W, ∂l/∂b, then ∂l/∂x,
    as the lecture writes a layer), then the grad_table's own order."""
    table = back.table
    todo = [q for q in quantities if any(i in table for i in q.items)]
    step = {id(q): min(table.step(i) for i in q.items if i in table) for q in todo}
    above: dict[int, set[int]] = {}
    for q in todo:
        deps: set[int] = set()
        for item in q.items:
            for P in back.jac.get(item, {}):
                if P is not back.root and P in back.named:
                    deps.add(id(back.named.where[P][0]))
        deps.discard(id(q))
        above[id(q)] = deps
    done: set[int] = set()
    out: list[Quantity] = []
    while len(out) < len(todo):
        ready = [q for q in todo if id(q) not in done and above[id(q)] <= done]
        if not ready:  # a cycle between quantities sharing nodes: fall back to the table
            ready = [q for q in todo if id(q) not in done]
        q = min(ready, key=lambda q: (q.kind != "param", step[id(q)]))
        done.add(id(q))
        out.append(q)
    return out
