"""Assemble a solution: from a worked example (the verify format) or from a bare graph."""

from __future__ import annotations

import math
from typing import Any

from .. import Value, topological_order
from ..verify.checker import check_model
from ..verify.model import Model, build
from ..verify.numbers import as_float
from ..verify.parser import ExampleSpec, Stmt, Target
from . import expr as E
from . import names
from .backward import Backward
from .backward import order as backward_order
from .forward import Forward
from .lines import Line, arithmetic_note, result_of
from .quantities import LEAVES, Named, Quantity, from_graph
from .rounding import Precision, claims_precision
from .solution import Solution


def named_of(spec: ExampleSpec, model: Model) -> Named:
    """The example's quantities, with the numbers of its leaves as written."""
    texts = {st.name: list(st.literal.texts) for st in spec.stmts
             if st.kind in LEAVES and st.literal is not None}
    named = Named()
    for key, q in model.values.items():
        named.add(Quantity(key, q.shape, list(q.items), model.kinds[key], texts.get(key),
                           model.lines.get(key)))
    return named


def solve_example(spec: ExampleSpec, path: str | None = None,
                  precision: Precision | None = None) -> Solution:
    """The worked solution of one example of a ``.worked`` file."""
    model = build(spec)
    named = named_of(spec, model)
    p = precision or claims_precision(_written_claims(model))
    fw = Forward(named, p)
    given: list[Line] = []
    forward: list[Line] = []
    for st in spec.stmts:
        if st.kind in LEAVES and st.name in model.values:
            given.append(_given_line(named[st.name], p))
        elif st.kind == "perceptron":
            forward += [fw.graph_line(q) for q in named.quantities
                        if q.kind == "perceptron" and q.line == st.line]
        else:
            forward += fw.statement_lines(st)
    sol = Solution(spec.name, list(spec.notes), path, p, given, forward, [], [],
                   list(model.warnings), {q.key: q for q in named.quantities})
    back = None
    if model.loss is not None:
        root = model.values[model.loss].items[0]
        back = Backward(root, named, p)
        quantities = [q for q in named.quantities if q.kind != "const" and root not in q.items]
        sol.backward = [ln for q in backward_order(back, quantities)
                        if (ln := back.line(q)) is not None]
    _claims(sol, model, named, path, p, back)
    for line in sol.all_lines():
        note = arithmetic_note(line, p)
        if note is not None:
            line.notes.append(note)
    return sol


def _written_claims(model: Model) -> list[tuple[str, bool]]:
    """Each number a claim writes, and whether it is the true value exactly (0.5 for 0.5:
    it says nothing about how far the example rounds)."""
    out: list[tuple[str, bool]] = []
    for st in model.checks:
        if st.kind != "claim" or st.literal is None or st.target is None:
            continue
        try:
            values = model.compute(st.target, st.line).values()
        except (ValueError, ArithmeticError):
            values = []
        for k, t in enumerate(st.literal.texts):
            v = as_float(values[k]) if k < len(values) else math.nan
            out.append((t, math.isfinite(v) and abs(as_float(t) - v) <= 1e-12 * max(1, abs(v))))
    return out


def _given_line(q: Quantity, p: Precision) -> Line:
    n = q.name
    return Line(E.Sym(n.uni, n.tex), [q.numbers([i.data for i in q.items], p)],
                [i.data for i in q.items], quantity=q.key, section="given", nodes=list(q.items))


# ------------------------------------------------------------------ claims
def _claims(sol: Solution, model: Model, named: Named, path: str | None, p: Precision,
            back: Backward | None) -> None:
    """Put each claim (with verify's verdict) and each `show` on the line it is about."""
    if not model.checks:
        return
    report = check_model(model, path)
    results = iter(report.claims)
    extra: dict[str, Line] = {}
    backs: dict[int, Backward] = {}
    for st in model.checks:
        assert st.target is not None
        result = next(results) if st.kind == "claim" else None
        line = _line_for(sol, st.target, model)
        if line is None:
            key = str(st.target)
            if key not in extra:
                extra[key] = _claimed_line(st, model, named, p, backs, back)
            line = extra[key]
        if result is not None:
            line.claims.append(result)
        else:
            line.shown = True
    sol.claimed = list(extra.values())


def _entry(q: Quantity, index: tuple[int, ...] | None) -> int | None:
    if not index:
        return None
    if len(q.shape) == 2 and len(index) == 2:
        return (index[0] - 1) * q.shape[1] + index[1] - 1
    if len(q.shape) == 1 and len(index) == 1:
        return index[0] - 1
    return None


def _find(lines: list[Line], key: str, index: tuple[int, ...] | None,
          named_q: Quantity | None) -> Line | None:
    for line in lines:
        if line.quantity != key:
            continue
        k = _entry(named_q, index) if named_q is not None else None
        if index and k is None:
            return None
        if k is not None and line.entries:
            return line.entries[k]
        if k is not None and named_q is not None and named_q.size > 1:
            return None
        return line
    return None


def _line_for(sol: Solution, target: Target, model: Model) -> Line | None:
    if target.kind == "value" and target.num is not None:
        q = _quantity(sol, target.num.name)
        return _find(sol.given + sol.forward, target.num.name, target.num.index, q)
    if (target.kind == "deriv" and target.num is not None and target.den is not None
            and target.num.name == model.loss and not target.num.index):
        q = _quantity(sol, target.den.name)
        return _find(sol.backward, target.den.name, target.den.index, q)
    return None


def _quantity(sol: Solution, key: str) -> Quantity | None:
    return sol.quantities.get(key)


def _claimed_line(st: Stmt, model: Model, named: Named, p: Precision,
                  backs: dict[int, Backward], main: Backward | None) -> Line:
    """A line for a claim about something the solution does not write on its own: a
    derivative of another quantity (its own back-propagation), a Jacobian, a count."""
    target = st.target
    assert target is not None
    true = model.compute(target, st.line)
    values = true.values()
    if target.kind == "count":
        shapes = list(model.param_shapes.values())
        terms: list[E.Expr] = []
        for s in shapes:
            dims: list[E.Expr] = [E.Num(d, str(d)) for d in s] or [E.Num(1, "1")]
            t = dims[0]
            for dim in dims[1:]:
                t = E.Bin("·", t, dim)
            terms.append(t)
        total = terms[0]
        for t in terms[1:]:
            total = E.Bin("+", total, t)
        n = names.Name("number of parameters", r"\text{number of parameters}")
        return Line(E.Sym(n.uni, n.tex), [total, E.Num(values[0], str(int(values[0])))],
                    values, quantity=str(target), section="claimed")
    assert target.num is not None and target.den is not None
    num_q, den_q = named[target.num.name], named[target.den.name]
    num_k, den_k = _entry(num_q, target.num.index), _entry(den_q, target.den.index)
    top = num_q.items[num_k] if num_k is not None else (
        num_q.items[0] if num_q.size == 1 else None)
    chain = None
    if main is not None and num_k is None and den_k is None and target.kind == "deriv":
        chain = main.chain(num_q, den_q)
    if chain is not None:
        line = _jacobian_line(chain[0], num_q, den_q, true, p, str(target))
        line.notes = [[k] for k in sorted(chain[1])]
        return line
    if top is not None and target.kind == "deriv":
        key = id(top)
        if key not in backs:
            backs[key] = Backward(top, named, p, deltas=False)
        back = backs[key]
        found = back.line(den_q) if den_k is None else back.entry_line(den_q, den_k)
        if found is not None:
            line = found
            line.quantity, line.section = str(target), "claimed"
            line.support = _support(back, [q for q in named.quantities if q.key != den_q.key
                                           and q.kind != "const" and top not in q.items])
            return line
    top_name = num_q.entry_name(num_k) if num_k is not None else num_q.name
    den_name = den_q.entry_name(den_k) if den_k is not None else den_q.name
    d = names.gradient(top_name, den_name)
    shape = true.shape
    rows, cols = (shape + (1, 1))[:2] if len(shape) < 2 else shape
    layout = (lambda items: E.matrix(items, rows, cols)) if len(shape) == 2 else E.column
    num_nodes = [num_q.items[num_k]] if num_k is not None else list(num_q.items)
    den_nodes = [den_q.items[den_k]] if den_k is not None else list(den_q.items)
    return Line(E.Sym(d.uni, d.tex), [result_of(values, layout, p)], values,
                quantity=str(target), section="claimed", nodes=num_nodes, wrt=den_nodes,
                notes=[["The Jacobian, entry (i, j) = ∂ of entry i by entry j, computed by "
                        "back-propagation from each entry in turn."]])


def _jacobian_line(chain: E.Expr, num_q: Quantity, den_q: Quantity, true: Any,
                   p: Precision, key: str) -> Line:
    """∂P/∂Q = diag(f′(z)) W …: the Jacobians along the chain, multiplied out."""
    values = true.values()
    rows = num_q.size if num_q.size > 1 else 1
    d = names.gradient(num_q.name, den_q.name)
    result = result_of(values, lambda items: E.matrix(items, rows, den_q.size), p)
    stages = [chain, E.substitute(chain), result]
    return Line(E.Sym(d.uni, d.tex), stages, values, quantity=key, section="claimed",
                nodes=list(num_q.items), wrt=list(den_q.items))


def _support(back: Backward, quantities: list[Quantity]) -> list[Line]:
    """The lines of a claim's own back-propagation, in its order (for --explain)."""
    return [ln for q in backward_order(back, quantities) if (ln := back.line(q)) is not None]


# ------------------------------------------------------------------ a bare graph
def solve_value(root: Value, targets: list[Value] | None = None, *, title: str | None = None,
                precision: Precision | None = None) -> Solution:
    """The worked solution of a graph: its labelled nodes are the quantities."""
    if not isinstance(root, Value):
        raise TypeError(f"solve: expected a Value, got {type(root).__name__}")
    p = precision or Precision()
    nodes = topological_order(root)
    if targets is not None:
        inside = set(nodes)
        for t in targets:
            if not isinstance(t, Value):
                raise TypeError(f"solve: a target must be a Value, got {type(t).__name__}")
            if t not in inside:
                from .. import describe

                raise ValueError(f"the target {describe(t)} is not in the graph of "
                                 f"{describe(root)}: it does not depend on it")
    named = from_graph(root, nodes)
    fw = Forward(named, p)
    roles = {"input": 0, "param": 1, "const": 2}
    leaves = sorted((q for q in named.quantities if q.is_leaf),
                    key=lambda q: (roles.get(q.kind, 3), q.key))
    given = [_given_line(q, p) for q in leaves]
    forward = [fw.graph_line(q) for q in named.quantities if not q.is_leaf]
    back = Backward(root, named, p)
    wanted = None if targets is None else set(targets)
    quantities = [q for q in named.quantities if root not in q.items and q.kind != "const"
                  and (wanted is None or any(i in wanted for i in q.items))]
    if wanted is not None:
        missing = [t for t in wanted if t not in named]
        for t in missing:  # an unlabelled target: a quantity of its own
            q = Quantity(t.label or "target", (), [t], "input")
            named.add(q)
            quantities.append(q)
    backward = [ln for q in backward_order(back, quantities) if (ln := back.line(q)) is not None]
    name = title or (root.label and f"the gradients of {root.label}") or "a computation"
    sol = Solution(name, [], None, p, given, forward, backward, [], [],
                   {q.key: q for q in named.quantities})
    for line in sol.all_lines():
        note = arithmetic_note(line, p)
        if note is not None:
            line.notes.append(note)
    return sol

