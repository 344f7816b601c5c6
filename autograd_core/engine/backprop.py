"""Goodfellow et al.'s general back-propagation (Deep Learning, §6.5.6), without recursion.

``build_grad(z, targets)`` fills a grad_table with ∂z/∂V for every node V of G′, the graph
pruned to the nodes that are ancestors of z and descendants of a target:

    grad_table[z] = 1
    grad_table[V] = Σ_{C ∈ consumers(V)} C.op.bprop(inputs(C), V, grad_table[C])

The book writes build_grad recursively, memoizing in grad_table. Here the recursion is
unrolled: one iterative depth-first search orders the graph so every node comes after its
inputs (:mod:`.graph`); walking that order backwards, each node is reached only after all its
consumers, so its sum is complete, and it hands one contribution to each of its inputs. (The
book's ``op.bprop(inputs, X, G)`` gives the term for one input X; here one call gives the term
for every input: see :mod:`.op`.)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from . import naming
from .errors import AnomalyError
from .grad_table import GradTable
from .graph import ancestors_since, ordered, prune
from .mode import enable_grad, gc_paused, ieee_arithmetic, state
from .op import Bprop
from .ops.leaves import NUMBER

#: ``bprop_override(node)``: a rule to use instead of ``node.op.bprop``, or None for the op's.
BpropOverride = Callable[[Any], Bprop | None]


def build_grad(
    z: Any,
    targets: Iterable[Any] | None = None,
    *,
    seed: Any = 1.0,
    create_graph: bool = False,
    keep_terms: bool = False,
    bprop_override: BpropOverride | None = None,
) -> GradTable:
    """Run back-propagation from ``z`` and return the grad_table.

    ``targets``: restrict the work to G′ (ancestors of z that descend from a target); by default
    every ancestor of z is in the table. ``create_graph``: bprop computes with Values, so the
    gradients are Values with a graph of their own (symbol-to-symbol differentiation).
    ``keep_terms``: also keep each consumer's contribution, for ``GradTable.chain_rule``.
    ``bprop_override``: a function of a node returning a derivative rule to use for it instead
    of its op's (or None): back-propagation as a student who made a given slip would do it.
    """
    with gc_paused():  # the pass makes no cycles: the collector would find nothing
        return _build_grad(z, targets, seed=seed, create_graph=create_graph,
                           keep_terms=keep_terms, bprop_override=bprop_override)


def backward(z: Any, seed: Any, *, keep_terms: bool) -> GradTable:
    """``z.backward()``: build_grad over z's whole graph, then ∂z/∂node added into node.grad
    (in the same pass over the graph when nothing else is asked for)."""
    with gc_paused():
        return _build_grad(z, None, seed=seed, keep_terms=keep_terms, into_grad=True)


def _build_grad(
    z: Any,
    targets: Iterable[Any] | None,
    *,
    seed: Any,
    create_graph: bool = False,
    keep_terms: bool = False,
    bprop_override: BpropOverride | None = None,
    into_grad: bool = False,
) -> GradTable:
    """build_grad's work; ``into_grad``: also add each ∂z/∂node into ``node.grad``."""
    if targets is None:
        order = ordered(z, set())
        relevant = None
    else:
        targets = tuple(targets)
        order = prune(ancestors_since(z, targets), targets) if targets else []
        relevant = set(order)
    if not order or order[-1] is not z:  # no target feeds z: G′ is empty
        return GradTable(z, seed, {}, [], None, create_graph)
    if create_graph and not hasattr(seed, "inputs"):
        seed = z.__class__(seed, role="const")  # a Value: the rules then compute with Values

    terms: dict[Any, list[tuple[Any, Any]]] | None = {} if keep_terms else None
    plain = not (create_graph or keep_terms or state.check_finite or bprop_override)
    if plain and relevant is None:
        grads = _backprop_floats(order, z, seed, into_grad)  # adds into .grad as it goes
        into_grad = False
    elif create_graph:
        with enable_grad(), ieee_arithmetic():
            grads = backprop(order, z, seed, relevant=relevant, terms=terms, symbolic=True,
                             bprop_override=bprop_override)
    else:
        grads = backprop(order, z, seed, relevant=relevant, terms=terms,
                         bprop_override=bprop_override)

    del grads[z]  # the table keeps z's own entry apart (see GradTable)
    order.pop()
    order.reverse()
    table = GradTable(z, seed, grads, order, terms, create_graph)
    if into_grad:
        table.accumulate_into_grad()
    return table


def backprop(
    order: list[Any],
    z: Any,
    seed: Any,
    *,
    relevant: set[Any] | None = None,
    terms: dict[Any, list[tuple[Any, Any]]] | None = None,
    symbolic: bool = False,
    bprop_override: BpropOverride | None = None,
) -> dict[Any, Any]:
    """The loop of build_grad: every consumer hands each input its term G · ∂C/∂input.

    ``order`` is topological (z last); walked backwards, each node comes after all of its
    consumers, so its gradient ``grads[node]`` is complete when it is read. ``relevant``:
    only the nodes of G′ receive terms. ``terms``: record each term. ``symbolic``: the rules
    compute with the Values themselves (a derivative graph). ``bprop_override``: see
    :func:`build_grad`. Inside ``detect_anomaly()`` each term is checked.
    """
    grads: dict[Any, Any] = {z: seed}
    check = state.check_finite
    for node in reversed(order):
        rule = node.op.bprop
        if rule is None:  # a leaf: nothing below it
            continue
        if bprop_override is not None:
            rule = bprop_override(node) or rule
        inputs = node.inputs
        if relevant is not None and not any(map(relevant.__contains__, inputs)):
            continue  # a target whose inputs are outside G′: its bprop is not needed
        G = grads[node]
        if symbolic:
            contributions = rule(inputs, node, G)
        else:
            contributions = rule(tuple(i.data for i in inputs), node.data, G)
        for parent, term in zip(inputs, contributions, strict=True):
            if relevant is not None and parent not in relevant:
                continue
            if check:
                _check_finite(node, parent, term, G)
            if terms is not None:
                terms.setdefault(parent, []).append((node, term))
            g = grads.get(parent)
            grads[parent] = term if g is None else g + term
    return grads


def _backprop_floats(order: list[Any], z: Any, seed: Any, into_grad: bool) -> dict[Any, Any]:
    """:func:`backprop` for the common case, kept lean: the whole graph, numbers, nothing
    recorded, and ``.grad`` filled in the same pass.

    Kept because ``make bench`` defends it: written out for one and two inputs (where building
    a tuple with a generator and a zip() would cost more than the arithmetic), it makes a
    backward pass about twice as fast as the general loop (bench: "backward, general loop").
    A hypothesis test holds both loops to identical grad_tables.
    """
    grads: dict[Any, Any] = {z: seed}
    get = grads.get
    for node in reversed(order):
        G = grads[node]  # complete: every consumer of node came earlier in this loop
        op = node.op
        if into_grad and op is not NUMBER:  # a shared number keeps no .grad (value.constant)
            node.grad += G
        rule = op.bprop
        if rule is None:
            continue
        inputs = node.inputs
        n = len(inputs)
        if n == 1:
            (a,) = inputs
            (ca,) = rule((a.data,), node.data, G)
            g = get(a)
            grads[a] = ca if g is None else g + ca
        elif n == 2:
            a, b = inputs
            ca, cb = rule((a.data, b.data), node.data, G)
            g = get(a)
            grads[a] = ca if g is None else g + ca
            g = get(b)
            grads[b] = cb if g is None else g + cb
        else:
            contributions = rule(tuple([i.data for i in inputs]), node.data, G)
            for parent, c in zip(inputs, contributions, strict=True):
                g = get(parent)
                grads[parent] = c if g is None else g + c
    return grads


def _check_finite(consumer: Any, parent: Any, contribution: Any, upstream: Any) -> None:
    """detect_anomaly(): a term that is not finite although everything it came from was."""
    value = getattr(contribution, "data", contribution)
    up = getattr(upstream, "data", upstream)
    if (
        not math.isfinite(value)
        and math.isfinite(up)
        and all(math.isfinite(i.data) for i in consumer.inputs)  # not a NaN/inf passed through
    ):
        raise AnomalyError(
            f"backward of {consumer.op.name} ({naming.describe(consumer)}) gave a non-finite "
            f"gradient {value} for its input {naming.describe(parent)}"
        )
