"""Groups a graph declares through its labels' dotted paths (no knowledge of nn here).

A label ``a.0.b.2.rest`` declares that its node belongs to the group ``a.0`` and, inside
it, to ``a.0.b.2``: every proper prefix of the path that ends in a number is a group, the
outermost first. :mod:`nn` labels its nodes this way (``layers.1.neurons.0.w.2``: layer
``layers.1``, neuron ``layers.1.neurons.0``, member ``w.2``), and so can any model. A member
named ``out`` is its group's output: it *closes* the group.

Unlabelled nodes join a group by inheritance: a node computed from nodes of group G belongs
to G, except that a closed group's output pulls nobody in (its consumers are the next
group's). A node whose inputs point to different open groups belongs to none. An unlabelled
leaf (a constant) goes where its consumers are, if they agree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .. import Value

Path = tuple[str, ...]  # group names, outermost first: ("layers.0", "layers.0.neurons.1")
_NUMBER = re.compile(r"\d+")


def declared(label: str | None) -> tuple[Path, str] | None:
    """(the groups a label declares, its member name inside the innermost), or None.

    >>> declared("layers.1.neurons.0.w.2")
    (('layers.1', 'layers.1.neurons.0'), 'w.2')
    """
    if not label or "." not in label:
        return None
    parts = label.split(".")
    ends = [k for k in range(1, len(parts) - 1) if _NUMBER.fullmatch(parts[k])]
    groups = tuple(".".join(parts[: k + 1]) for k in ends)
    if not groups:
        return None
    innermost = groups[-1]
    return groups, label[len(innermost) + 1:]


def sort_key(name: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order of names: ``layers.2`` before ``layers.10``, ``x0[2]`` before ``x0[10]``."""
    return tuple((0, int(p), "") if p.isdecimal() else (1, 0, p)
                 for p in re.split(r"(\d+)", name) if p)


def assign(order: Sequence[Value]) -> dict[Value, Path]:
    """The groups each node belongs to (nodes of no group are absent); ``order`` topological."""
    member: dict[Value, Path] = {}
    closed: set[Value] = set()
    for node in order:
        found = declared(node.label)
        if found is not None:
            member[node] = found[0]
            if found[1] == "out":
                closed.add(node)
            continue
        if node.inputs:
            paths = {member[i] for i in node.inputs if i in member and i not in closed}
            if len(paths) == 1:
                member[node] = paths.pop()
    _place_constants(order, member)
    return member


def _place_constants(order: Sequence[Value], member: dict[Value, Path]) -> None:
    """Unlabelled leaves follow their consumers when these agree (in place)."""
    consumers: dict[Value, set[Path | None]] = {}
    for node in order:
        for i in node.inputs:
            if i.inputs or i in member or i.label is not None:
                continue
            consumers.setdefault(i, set()).add(member.get(node))
    for leaf, paths in consumers.items():
        agreed = _agreed(paths)
        if agreed is not None:
            member[leaf] = agreed


def _agreed(paths: set[Path | None]) -> Path | None:
    """The one group all agree on (None if they differ or one has none)."""
    if len(paths) != 1:
        return None
    return next(iter(paths))


def outputs(member: dict[Value, Path]) -> set[Value]:
    """The nodes that close their group (members named ``out``)."""
    return {v for v in member if (d := declared(v.label)) is not None and d[1] == "out"}


def extend_to_gradients(
    grad_order: Sequence[Value],
    member: dict[Value, Path],
    grad_of: dict[Value, list[Value]],
) -> None:
    """Put the nodes of a gradient graph into groups too (in place): each joins the group
    whose back-propagation step computed it.

    A gradient ∂z/∂v joins v's group (if all the nodes it is the gradient of agree). Another
    node of the gradient graph (a scratch node: a product G·x, a local derivative such as
    x·(1 − x)) joins the group its gradient-graph inputs agree on; one computed from forward
    values only joins the group of those, a group's output included (1 − x⁽¹⁾₂ is part of
    neuron 2's σ). An input in no group votes for none, except a leaf (an input, a number).
    """
    gradient = set(grad_order)
    for node in grad_order:
        if node in member:
            continue
        of = grad_of.get(node)
        if of:
            paths: set[Path | None] = {member.get(v) for v in of}
        else:
            from_gradients = [i for i in node.inputs if i in gradient and not i.is_leaf]
            voters = from_gradients or [i for i in node.inputs if i in member or not i.is_leaf]
            paths = {member.get(i) for i in voters}
        agreed = _agreed(paths)
        if agreed is not None:
            member[node] = agreed
