"""Grouping an nn graph per layer and per neuron, from the labels the nn package gives.

The convention (shared with ``nn``): parameters are labelled ``layers.L.neurons.N.w.i`` and
``layers.L.neurons.N.b``, a neuron's pre-activation ``layers.L.neurons.N.a`` and its output
``layers.L.neurons.N.out``. Unlabelled nodes join a neuron by inheritance: a node computed
from nodes of neuron (L, N) belongs to it, except that a neuron's ``.out`` closes it (its
consumers are the next layer's, not its own). A node whose inputs point to different open
neurons belongs to no neuron. A constant leaf goes where its consumers are, if they agree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .. import Value

Key = tuple[int, int]  # (layer, neuron)

_NEURON = re.compile(r"^(?:.*\.)?layers\.(\d+)\.neurons\.(\d+)(?:\.(.*))?$")


def neuron_of(label: str | None) -> tuple[Key, str] | None:
    """((layer, neuron), rest) for a label that follows the convention, else None.

    >>> neuron_of("layers.1.neurons.0.w.2")
    ((1, 0), 'w.2')
    """
    if label is None:
        return None
    m = _NEURON.match(label)
    if m is None:
        return None
    return (int(m.group(1)), int(m.group(2))), m.group(3) or ""


def assign_neurons(order: Sequence[Value]) -> dict[Value, Key]:
    """The neuron each node belongs to (nodes of no neuron are absent). ``order`` is topological."""
    member: dict[Value, Key] = {}
    closed: set[Value] = set()  # the .out nodes
    for node in order:
        parsed = neuron_of(node.label)
        if parsed is not None:
            key, rest = parsed
            member[node] = key
            if rest == "out":
                closed.add(node)
            continue
        if not node.inputs:
            continue
        keys = {member[i] for i in node.inputs if i in member and i not in closed}
        if len(keys) == 1:
            member[node] = keys.pop()
    # constants (and unlabelled leaves) follow their consumers when these agree
    consumers: dict[Value, set[Key | None]] = {}
    for node in order:
        for i in node.inputs:
            if i.inputs or i in member or i.label is not None:
                continue
            consumers.setdefault(i, set()).add(member.get(node))
    for leaf, keys in consumers.items():
        if len(keys) == 1 and None not in keys:
            member[leaf] = next(iter(keys))
    return member


def neuron_name(key: Key) -> str:
    return f"layers.{key[0]}.neurons.{key[1]}"


def layer_name(layer: int) -> str:
    return f"layers.{layer}"


def extend_to_gradients(
    grad_order: Sequence[Value],
    member: dict[Value, Key],
    grad_of: dict[Value, list[Value]],
) -> None:
    """Put the nodes of a gradient graph into neurons too (in place).

    A gradient ∂z/∂v joins v's neuron (if all the nodes it is the gradient of agree); the
    gradient graph's other nodes inherit from their inputs as forward nodes do, except that
    forward ``.out`` nodes and forward nodes of other neurons do not pull them in.
    """
    closed = {v for v in member if (p := neuron_of(v.label)) is not None and p[1] == "out"}
    for node in grad_order:
        if node in member:
            continue
        of = grad_of.get(node)
        if of:
            keys = {member.get(v) for v in of}
        else:
            keys = {member[i] for i in node.inputs if i in member and i not in closed}
        if len(keys) == 1 and None not in keys:
            member[node] = next(iter(keys))  # type: ignore[arg-type]
