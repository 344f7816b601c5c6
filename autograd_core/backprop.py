"""Goodfellow et al.'s general back-propagation (Deep Learning, §6.5.6), without recursion.

``build_grad(z, targets)`` fills a grad_table with ∂z/∂V for every node V of G′, the graph
pruned to the nodes that are ancestors of z and descendants of a target:

    grad_table[z] = 1
    grad_table[V] = Σ_{C ∈ consumers(V)} C.op.bprop(inputs(C), V, grad_table[C])

The book writes build_grad recursively, memoizing in grad_table. Here the recursion is
unrolled: one iterative depth-first search orders the graph so every node comes after its
inputs; walking that order backwards, each node is reached only after all its consumers,
so its sum is complete, and it hands one contribution to each of its inputs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from operator import attrgetter
from typing import Any

from . import ops
from .errors import AnomalyError
from .grad_table import GradTable
from .mode import enable_grad, gc_paused, state
from .value import Value, describe

NUMBER = ops.NUMBER

_data = attrgetter("data")


def topological_order(
    root: Value | Iterable[Value], *, exclude: Iterable[Value] = ()
) -> list[Value]:
    """Every ancestor of ``root`` (root last), each node after all of its inputs.

    ``root`` may also be several roots: their ancestors, each listed once. Nodes in
    ``exclude`` (and what lies only behind them) are treated as not there.
    An explicit stack replaces recursion, so a chain of a million ops is fine.
    """
    roots = (root,) if isinstance(root, Value) else tuple(root)
    for r in roots:
        if not isinstance(r, Value):
            raise TypeError(f"expected a Value, got {type(r).__name__}: {r!r}")
    visited: set[Value] = set(exclude)
    order: list[Value] = []
    for r in roots:
        order += _topological_order(r, visited)
    return order


def ancestors_since(root: Value, targets: tuple[Value, ...]) -> list[Value]:
    """The ancestors of ``root`` that may descend from a target, in topological order.

    A node is made after its inputs, so a descendant of a target t is never older than t
    (``_epoch``, the leaf clock at creation, see :mod:`autograd_core.value`). The search cuts
    every node older than the oldest target, and with one target also stops at the target
    itself: what it finds is G′ plus the nodes that share its age, not all of root's
    ancestors. (A parameter made before the whole graph cuts nothing: every node is newer.)
    """
    oldest = min(t._epoch for t in targets)
    if len(targets) == 1:
        # nothing below a lone target descends from a target
        return [targets[0], *_topological_order(root, set(targets), oldest)]
    return _topological_order(root, set(), oldest)


def _topological_order(root: Value, visited: set[Value], oldest: int = 0) -> list[Value]:
    """topological_order(root), treating the nodes already in ``visited``, and the nodes
    older than epoch ``oldest``, as not there (every epoch is ≥ 0: by default none is cut)."""
    order: list[Value] = []
    if root._epoch < oldest:
        return order
    stack: list[tuple[Value, bool]] = [(root, False)]
    push, pop, append = stack.append, stack.pop, order.append
    seen, mark = visited.__contains__, visited.add
    while stack:
        node, inputs_done = pop()
        if inputs_done:
            append(node)
        elif not seen(node):
            mark(node)
            inputs = node._inputs
            if not inputs:  # a leaf has nothing to wait for
                append(node)
                continue
            push((node, True))
            for parent in inputs:
                if parent._epoch >= oldest and not seen(parent):
                    push((parent, False))
    return order


def prune(order: list[Value], targets: Iterable[Value]) -> list[Value]:
    """G′: the nodes of ``order`` that are descendants of a target (targets included)."""
    relevant: set[Value] = set(targets)
    is_relevant, add = relevant.__contains__, relevant.add
    kept = []
    for node in order:
        if is_relevant(node) or any(map(is_relevant, node._inputs)):
            add(node)
            kept.append(node)
    return kept


def build_grad(
    z: Value,
    targets: Iterable[Value] | None = None,
    *,
    seed: Any = 1.0,
    create_graph: bool = False,
    keep_terms: bool = False,
) -> GradTable:
    """Run back-propagation from ``z`` and return the grad_table.

    ``targets``: restrict the work to G′ (ancestors of z that descend from a target); by default
    every ancestor of z is in the table. ``create_graph``: bprop computes with Values, so the
    gradients are Values with a graph of their own (symbol-to-symbol differentiation).
    ``keep_terms``: also keep each consumer's contribution, for ``GradTable.chain_rule``.
    """
    with gc_paused():  # the pass makes no cycles: the collector would find nothing
        return _build_grad(z, targets, seed, create_graph, keep_terms, into_grad=False)


def backward(z: Value, seed: float, keep_terms: bool) -> GradTable:
    """``z.backward()``: build_grad over z's whole graph, then ∂z/∂node added into node.grad
    (in the same pass over the graph when nothing else is asked for)."""
    with gc_paused():
        return _build_grad(z, None, seed, False, keep_terms, into_grad=True)


def _build_grad(
    z: Value,
    targets: Iterable[Value] | None,
    seed: Any,
    create_graph: bool,
    keep_terms: bool,
    into_grad: bool,
) -> GradTable:
    """build_grad's work; ``into_grad``: also add each ∂z/∂node into ``node.grad``."""
    if targets is None:
        order = topological_order(z)
    else:
        targets = tuple(targets)
        order = prune(ancestors_since(z, targets), targets) if targets else []
    if not order or order[-1] is not z:  # no target feeds z: G′ is empty
        return GradTable(z, seed, {}, [], None, create_graph)
    if create_graph and not isinstance(seed, Value):
        seed = Value(seed, role="const")

    if targets is None and not (create_graph or keep_terms or state.check_finite):
        grads = _backprop_floats(order, z, seed, into_grad)  # adds into .grad as it goes
        terms = None
        into_grad = False
    else:
        relevant = set(order) if targets is not None else None
        terms = {} if keep_terms else None
        if create_graph:
            with enable_grad():
                grads = _backprop_general(order, z, seed, relevant, terms, True)
        else:
            grads = _backprop_general(order, z, seed, relevant, terms, False)

    del grads[z]  # the table keeps z's own entry apart (see GradTable)
    order.pop()
    order.reverse()
    table = GradTable(z, seed, grads, order, terms, create_graph)
    if into_grad:
        table.accumulate_into_grad()
    return table


def _backprop_floats(
    order: list[Value], z: Value, seed: float, into_grad: bool
) -> dict[Value, Any]:
    """The common case, kept lean: whole graph, plain floats, nothing recorded.

    Each step is grads[parent] += bprop(...) for each input; it is written out for one and
    two inputs, where building tuple(map(...)) and a zip() would cost more than the
    arithmetic itself (this halves the time of a backward pass).
    """
    grads: dict[Value, Any] = {z: seed}
    get = grads.get
    for node in reversed(order):
        G = grads[node]  # complete: every consumer of node came earlier in this loop
        op = node._op
        if into_grad and op is not NUMBER:  # a shared number keeps no .grad (value.constant)
            node.grad += G
        bprop = op.bprop
        if bprop is None:
            continue
        inputs = node._inputs
        n = len(inputs)
        if n == 1:
            (a,) = inputs
            (ca,) = bprop((a.data,), node.data, G)
            g = get(a)
            grads[a] = ca if g is None else g + ca
        elif n == 2:
            a, b = inputs
            ca, cb = bprop((a.data, b.data), node.data, G)
            g = get(a)
            grads[a] = ca if g is None else g + ca
            g = get(b)
            grads[b] = cb if g is None else g + cb
        else:
            contributions = bprop(tuple(map(_data, inputs)), node.data, G)
            for parent, c in zip(inputs, contributions, strict=True):
                g = get(parent)
                grads[parent] = c if g is None else g + c
    return grads


def _backprop_general(
    order: list[Value],
    z: Value,
    seed: Any,
    relevant: set[Value] | None,
    terms: dict[Value, list[tuple[Value, Any]]] | None,
    symbolic: bool,
) -> dict[Value, Any]:
    """Every option: pruning to G′, Value arithmetic, recorded terms, anomaly checks."""
    grads: dict[Value, Any] = {z: seed}
    check = state.check_finite
    for node in reversed(order):
        bprop = node._op.bprop
        if bprop is None:
            continue
        inputs = node._inputs
        if relevant is not None and not any(map(relevant.__contains__, inputs)):
            continue  # a target whose inputs are outside G′: its bprop is not needed
        if symbolic:
            contributions = bprop(inputs, node, grads[node])
        else:
            contributions = bprop(tuple(map(_data, inputs)), node.data, grads[node])
        for parent, c in zip(inputs, contributions, strict=True):
            if relevant is not None and parent not in relevant:
                continue
            if check:
                _check_finite(node, parent, c, grads[node])
            if terms is not None:
                terms.setdefault(parent, []).append((node, c))
            g = grads.get(parent)
            grads[parent] = c if g is None else g + c
    return grads


def _check_finite(consumer: Value, parent: Value, contribution: Any, upstream: Any) -> None:
    value = contribution.data if isinstance(contribution, Value) else contribution
    up = upstream.data if isinstance(upstream, Value) else upstream
    if (
        not math.isfinite(value)
        and math.isfinite(up)
        and all(math.isfinite(i.data) for i in consumer._inputs)  # not a NaN/inf passed through
    ):
        raise AnomalyError(
            f"backward of {consumer._op.name} ({describe(consumer)}) gave a non-finite "
            f"gradient {value} for its input {describe(parent)}"
        )


def grad(
    z: Value, wrt: Value | Iterable[Value], create_graph: bool = False
) -> tuple[Any, ...]:
    """∂z/∂w for each w in ``wrt``, without touching any ``.grad``.

    Only G′, the nodes between the targets and z, is back-propagated (with one target the
    search for G′ also stops at it; otherwise it walks z's ancestors). A target z does not
    depend on gets 0. With ``create_graph=True`` the results are Values that can be
    differentiated again (second and higher derivatives).
    """
    if not isinstance(z, Value):
        raise TypeError(f"grad: z must be a Value, got {type(z).__name__}: {z!r}")
    targets = (wrt,) if isinstance(wrt, Value) else tuple(wrt)
    for t in targets:
        if not isinstance(t, Value):
            raise TypeError(f"grad: every target must be a Value, got {type(t).__name__}: {t!r}")
    table = build_grad(z, targets, create_graph=create_graph)
    results = tuple(table.get(t, 0.0) for t in targets)
    if create_graph:
        results = tuple(r if isinstance(r, Value) else Value(r, role="const") for r in results)
    return results
