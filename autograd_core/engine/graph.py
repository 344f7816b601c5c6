"""Walking a graph without recursion: topological order, the pruned graph G′, and release.

Everything here needs only a node's ``inputs`` (and, for the cut by age, ``_epoch``), so a
chain of a million ops is walked with an explicit stack instead of Python's call stack.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from .ops.leaves import RELEASED


class Node(Protocol):
    """What the graph walk needs of a node: its inputs and its age on the leaf clock."""

    inputs: tuple[Any, ...]
    _epoch: int


def check_node(x: Any, who: str = "expected a Value") -> None:
    """TypeError unless x is a node of a graph (a Value)."""
    if not (hasattr(x, "inputs") and hasattr(x, "op")):
        raise TypeError(f"{who}, got {type(x).__name__}: {x!r}")


def topological_order(root: Any, *, exclude: Iterable[Any] = ()) -> list[Any]:
    """Every ancestor of ``root`` (root last), each node after all of its inputs.

    ``root`` may also be several roots: their ancestors, each listed once. Nodes in
    ``exclude`` (and what lies only behind them) are treated as not there.
    """
    roots = (root,) if hasattr(root, "inputs") else tuple(root)
    for r in roots:
        check_node(r)
    visited: set[Any] = set(exclude)
    order: list[Any] = []
    for r in roots:
        order += ordered(r, visited)
    return order


def ancestors_since(root: Any, targets: tuple[Any, ...]) -> list[Any]:
    """The ancestors of ``root`` that may descend from a target, in topological order.

    A node is made after its inputs, so a descendant of a target t is never older than t
    (``_epoch``, the leaf clock at creation, see :mod:`.value`). The search cuts every node
    older than the oldest target, and with one target also stops at the target itself: what
    it finds is G′ plus the nodes that share its age, not all of root's ancestors. (A
    parameter made before the whole graph cuts nothing: every node is newer.)
    """
    oldest = min(t._epoch for t in targets)
    if len(targets) == 1:
        # nothing below a lone target descends from a target
        return [targets[0], *ordered(root, set(targets), oldest)]
    return ordered(root, set(), oldest)


def ordered(root: Any, visited: set[Any], oldest: int = 0) -> list[Any]:
    """The depth-first topological order of ``root``'s ancestors, as one loop.

    Nodes already in ``visited``, and nodes older than epoch ``oldest``, count as not there
    (every epoch is ≥ 0: by default none is cut). A node is pushed once to have its inputs
    expanded and once more to be appended after them.
    """
    order: list[Any] = []
    if root._epoch < oldest:
        return order
    # A node whose inputs are being expanded sits under a None: when the None comes back up,
    # everything above it is done and the node goes next (no tuple made per node).
    stack: list[Any] = [root]
    push, pop, append = stack.append, stack.pop, order.append
    seen, mark = visited.__contains__, visited.add
    while stack:
        node = pop()
        if node is None:
            append(pop())
        elif not seen(node):
            mark(node)
            inputs = node.inputs
            if not inputs:  # a leaf has nothing to wait for
                append(node)
                continue
            push(node)
            push(None)
            for parent in inputs:
                if parent._epoch >= oldest and not seen(parent):
                    push(parent)
    return order


def prune(order: list[Any], targets: Iterable[Any]) -> list[Any]:
    """G′: the nodes of ``order`` that are descendants of a target (targets included)."""
    relevant: set[Any] = set(targets)
    is_relevant, add = relevant.__contains__, relevant.add
    kept = []
    for node in order:
        if is_relevant(node) or any(map(is_relevant, node.inputs)):
            add(node)
            kept.append(node)
    return kept


def release(root: Any) -> None:
    """Take ``root``'s graph apart, so that freeing it needs no deep recursion.

    Dropping the last reference to the end of a long chain frees it node by node, each free
    starting the next: CPython's trashcan keeps that off the C stack, but a smaller stack (the
    browser's, under Pyodide) overflows beyond a few thousand nodes. ``release`` cuts every
    op node's link to its inputs first, iteratively, so each node is then freed on its own.
    Leaves (inputs, parameters, constants) keep their data and ``.grad``; each op node keeps
    its data and ``.grad`` and becomes a constant leaf (op ``released``): nothing flows back
    through it any more. ``nn.fit`` calls it after each step. Grad tables kept on the nodes
    (``z.grad_table``) go too.
    """
    check_node(root, "release expects a Value")
    stack = [root]
    pop, push = stack.pop, stack.extend
    while stack:
        node = pop()
        inputs = node.inputs
        if inputs:  # an op node (a leaf, reached once per use, is left as it is)
            node.inputs = ()
            node.op = RELEASED
            node._table = None  # a store: reading the unset slot would raise and catch
            push(inputs)
