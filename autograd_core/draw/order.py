"""Which box is above which in a column: inputs x₁ above x₂, W⁽¹⁾₁₁ above W⁽¹⁾₁₂.

dot orders the nodes of each rank to reduce edge crossings, and a picture crosses exactly as
often as its mirror image, so which way up a column comes out is left to the order dot first
meets the nodes in, which changed between Graphviz versions: on Vo's network 2.43 drew x⁽⁰⁾₂
above x⁽⁰⁾₁ and 16.1 drew the weights of each neuron upside down. What holds in both
(measured, see tests/test_draw_layout.py):

* A chain of invisible flat edges between boxes of one cluster that share a column,
  ``{rank=same; a -> b -> c}``, fixes their order: dot never swaps two boxes a flat edge
  joins. This needs ``remincross=false`` (the builder sets it): dot's last crossing pass
  over the whole graph reads a cluster's flat edges with the top level's indices, and so
  reordered the boxes of Vo's neurons at random (its ∂l/∂W⁽²⁾₁ⱼ came 13, 11, 12).
* With ``rankdir`` LR or RL a flat edge's tail goes above its head at the top level of the
  graph, but below it inside a cluster (dot flips the top level only), so chains inside
  clusters are written reversed.
* Nothing fixes the order of sibling clusters (dot swaps whole clusters freely to save
  crossings; top-level anchor points tied to each cluster, tried before, made no difference
  when reversed). The neurons of a layer come out 1, 2, 3 because what they read and feed
  (x⁽⁰⁾ᵢ above each other, the next layer's W⁽ᴸ⁾ₙ₁ above W⁽ᴸ⁾ₙ₂) is chained in that order
  and uncrossed edges follow; ``newrank=true`` (one ranking for the whole graph instead of
  one per cluster) made that hold on Vo's backward graph and cut its crossings (253 → 222).
  A collapsed group therefore has no cluster of its own: its box and its visible
  gradients sit in the parent's cluster, where chains order them.
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
