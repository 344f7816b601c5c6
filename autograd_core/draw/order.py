"""Which box is above which in a column: inputs x₁ above x₂, W⁽¹⁾₁₁ above W⁽¹⁾₁₂.

dot orders the nodes of each rank to reduce edge crossings, and a picture crosses exactly as
often as its mirror image, so which way up a column comes out is left to the order dot first
meets the nodes in, which changed between Graphviz versions: on Vo's network 2.43 drew x⁽⁰⁾₂
above x⁽⁰⁾₁ and 16.1 drew the weights of each neuron upside down. A chain of invisible flat
edges between the leaves that share a column, ``{rank=same; a -> b -> c}``, fixes their
order in every version; the boxes they feed follow, as uncrossed edges need them to.

A quirk of Graphviz, the same in 2.43 and 16.1 (measured, see tests/test_draw_layout.py):
with ``rankdir`` LR or RL a flat edge's tail goes above its head at the top level of the
graph, but below it inside a cluster, so chains inside clusters are written reversed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .. import Value
from .groups import Path

Key = Callable[[Value], tuple[object, ...]]


_INDEX = re.compile(r"(?:\[[^\[\]]*\]|\.?\d+)$")


def family(label: str | None) -> str | None:
    """A leaf's label without its last index: the leaves of one family are stacked in index
    order (``x0[1]``, ``x0[2]`` → ``x0``; ``layers.0.neurons.1.w.0`` → ``….w``; ``w2`` → ``w``).
    None for an unlabelled leaf or a label with no index."""
    if not label:
        return None
    stem = _INDEX.sub("", label)
    return stem if stem != label else None


def leaf_columns(order: Sequence[Value], rank: dict[Value, int],
                 drawn: Callable[[Value], bool], path_of: Callable[[Value], Path],
                 key: Key) -> dict[Path, list[list[Value]]]:
    """The drawn leaves of each cluster that share a column and a family, in index order.

    A leaf's column is one before its first consumer's (``rank``: longest path from the
    leaves over ``order``, topological); only stacks of two or more leaves are returned.
    """
    first_use: dict[Value, int] = {}
    for v in order:
        for i in v.inputs:
            if i.is_leaf and drawn(i) and family(i.label) is not None:
                r = rank[v]
                if r < first_use.get(i, r + 1):
                    first_use[i] = r
    stacks: dict[tuple[Path, int, str], list[Value]] = {}
    for leaf, r in first_use.items():
        stacks.setdefault((path_of(leaf), r, family(leaf.label) or ""), []).append(leaf)
    out: dict[Path, list[list[Value]]] = {}
    for (path, _r, _f), leaves in sorted(stacks.items(), key=lambda kv: kv[0][1:]):
        if len(leaves) > 1:
            out.setdefault(path, []).append(sorted(leaves, key=key))
    return out


def chain(ids: Sequence[str], indent: str, *, in_cluster: bool, rankdir: str) -> str:
    """The DOT line that stacks ``ids`` first to last (top to bottom in LR, left to right in
    TB), written reversed where Graphviz reverses it (inside a cluster, LR or RL)."""
    names = list(ids)
    if in_cluster and rankdir in ("LR", "RL"):
        names.reverse()
    return f"{indent}{{rank=same; {' -> '.join(names)} [style=invis]}}\n"


def anchors(stacks: Sequence[Sequence[str]], indent: str = "\t") -> list[str]:
    """Invisible points at the top level, one per target, chained first to last, each tied to
    its target by an invisible edge that does not constrain ranks: dot then stacks the
    clusters holding the targets (the neurons of a layer, by their outputs) in that order,
    which a chain inside no single cluster could say (a rank constraint may not cross
    clusters). Top-level chains are read the same way by every Graphviz version."""
    out: list[str] = []
    for k, targets in enumerate(stacks):
        points = [f"anchor_{k}_{j}" for j in range(len(targets))]
        out += [f'{indent}{p} [shape=point width=0 height=0 style=invis label=""]\n'
                for p in points]
        out.append(f"{indent}{{rank=same; {' -> '.join(points)} [style=invis]}}\n")
        out += [f"{indent}{p} -> {t} [style=invis constraint=false]\n"
                for p, t in zip(points, targets, strict=True)]
    return out
