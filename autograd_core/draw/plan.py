"""How much of a graph is drawn: collapsed groups, and the summary of what still does not fit.

``collapse="neurons"`` draws every second-level group (an nn neuron) as one box,
``"layers"`` every top-level group (an nn layer), a list of names the groups named. Above
``max_nodes`` DOT nodes the plan collapses neurons, then layers, then keeps only the values
nearest the sinks (the gradients first in a backward drawing) and puts the rest in one box.
Gradients of parameters (∂l/∂W, ∂l/∂β) are never absorbed into a collapsed group: they are
what a backward picture is for.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import Value
from .groups import Path, sort_key


def group_targets(member: dict[Value, Path], collapse: Any) -> dict[str, str]:
    """innermost group name → the name of the box it collapses into (absent: not collapsed)."""
    if collapse is None:
        return {}
    paths = set(member.values())
    if collapse == "neurons":
        return {p[-1]: p[1] for p in paths if len(p) >= 2}
    if collapse == "layers":
        return {p[-1]: p[0] for p in paths}
    names = [collapse] if isinstance(collapse, str) else list(collapse)
    known = {name for p in paths for name in p}
    unknown = [n for n in names if n not in known]
    if unknown:
        has = sorted(known, key=sort_key) or "no groups (labels such as layers.L.neurons.N.…)"
        raise ValueError(f"collapse: no group named {unknown!r} in this graph; it has {has}; "
                         "or use 'neurons' / 'layers'")
    chosen = set(names)
    out = {}
    for p in paths:
        hit = next((name for name in p if name in chosen), None)
        if hit is not None:
            out[p[-1]] = hit
    return out


@dataclass
class Plan:
    """What the builder draws: ``collapsed`` (value → its group box), ``hidden`` (values in
    the summary box) and the ``note`` saying what was summarised."""

    order: Sequence[Value]
    member: dict[Value, Path]
    per_use: set[Value]
    far_uses: set[tuple[Value, int]]
    n_float_grads: int
    keep: set[Value] = field(default_factory=set)  # never collapsed (parameter gradients)
    collapsed: dict[Value, str] = field(default_factory=dict)
    hidden: set[Value] = field(default_factory=set)
    note: str | None = None
    total_cost: int = 0
    hidden_what: str = "summarised (max_nodes)"  # the summary box's second line

    @property
    def groups(self) -> set[str]:
        """The names of the collapsed groups (each drawn as one box)."""
        return set(self.collapsed.values())

    def units(self, targets: dict[str, str]) -> dict[Value, str]:
        """Value → group box name, for the values collapsed into a group."""
        if not targets:
            return {}
        return {v: targets[p[-1]] for v, p in self.member.items()
                if p[-1] in targets and v not in self.keep}

    def cost(self, collapsed: dict[Value, str], hidden: set[Value] | None = None) -> int:
        """DOT nodes needed with ``collapsed`` drawn as groups and ``hidden`` in one box
        (copies included)."""
        hidden = hidden or set()
        n = len(set(collapsed.values())) + self.n_float_grads + (1 if hidden else 0)
        for v in self.order:
            if v in collapsed or v in self.per_use or v in hidden:
                continue
            if v.op.bprop is None:
                n += 1
                continue
            n += 2
            for j, i in enumerate(v.inputs):
                if i in self.per_use or ((v, j) in self.far_uses and i not in collapsed
                                         and i not in hidden):
                    n += 1
        return n

    def copies_of(self, v: Value) -> int:
        """How many copies (per-use constants, ↺ leaves) a drawn op node brings at most."""
        return sum(1 for j, i in enumerate(v.inputs)
                   if i in self.per_use or (v, j) in self.far_uses)

    def outside(self, root: Value) -> set[Value]:
        """The values in no group but the root and the kept gradients: in a network's picture,
        the inputs and the loss of each example (and their gradients)."""
        return {v for v in self.order
                if v not in self.member and v not in self.keep and v is not root
                and v not in self.per_use}

    def make(self, collapse: Any, max_nodes: int | None, sinks: Sequence[Value],
             root: Value | None = None, dropped: str | None = None) -> None:
        """Decide what is collapsed and what is hidden. With a ``root`` (a backward
        drawing), each collapsing step also gathers the values outside every group in one
        box (:meth:`outside`): a batch's picture is otherwise a strip of one loss per
        example. ``dropped`` names what the caller already left out (for the note)."""
        collapsed = self.units(group_targets(self.member, collapse))
        total = self.total_cost = self.cost(collapsed)
        if max_nodes is None or total <= max_nodes:
            self.collapsed = collapsed
            return
        steps: list[str] = [dropped] if dropped else []
        hidden: set[Value] = set()
        if collapse is None and self.member:
            for mode in ("neurons", "layers"):
                collapsed = self.units(group_targets(self.member, mode))
                hidden = self.outside(root) if root is not None else set()
                total = self.cost(collapsed, hidden)
                steps.append(f"{mode} collapsed into boxes")
                if total <= max_nodes:
                    break
        self.collapsed = collapsed
        if total > max_nodes:
            self.hidden = self.keep_nearest(sinks, max_nodes)
            shown = len(self.order) - len(self.hidden)
            steps.append(f"showing the {shown} values nearest the output; the other "
                         f"{len(self.hidden)} are in one box")
        elif hidden:
            self.hidden = hidden
            self.hidden_what = "outside the layers"
            steps.append(f"the {len(hidden)} values outside the layers (inputs, the loss of "
                         "each example) are in one box")
        self.note = (
            f"Summarised: the full picture needs {self.total_cost} nodes, more than "
            f"max_nodes={max_nodes}; " + "; ".join(steps)
            + ". Pass max_nodes=None to draw everything (slow to render beyond ~3000 nodes)."
        )

    def keep_nearest(self, sinks: Iterable[Value], max_nodes: int) -> set[Value]:
        """Breadth-first from the sinks, keep what fits in ``max_nodes - 1``; hide the rest."""
        budget = max_nodes - 1 - self.n_float_grads
        index = set(self.order)
        kept_units: set[Any] = set()
        used = 0
        sinks = list(sinks)
        seen = set(sinks)
        queue = deque(sinks)
        while queue:
            v = queue.popleft()
            unit = self.collapsed.get(v, v)
            if unit not in kept_units:
                c = 1 if unit is not v or v.op.bprop is None else 2 + self.copies_of(v)
                if used + c > budget:
                    break
                used += c
                kept_units.add(unit)
            for parent in v.inputs:
                if parent not in seen and parent in index and parent not in self.per_use:
                    seen.add(parent)
                    queue.append(parent)
        # a group is either wholly kept or wholly hidden; per-use constants go with their users
        return {v for v in self.order
                if self.collapsed.get(v, v) not in kept_units and v not in self.per_use}
