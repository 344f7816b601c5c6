"""The builder: from Values to a :class:`~.drawing.Drawing` (DOT), one concern per method.

:class:`GraphBuilder` is public: the forward, backward and circuit drawings and the stepper
all build their DOT with it. It decides each node's representative (its own box, a
collapsed group's box, the summary box, or a box per use), places the boxes in the
clusters their labels declare, and writes nodes, edges and the legend. Every piece of text
goes through :mod:`.quoting`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import GradTable, Value, ops
from ..notation import Namer, Symbol, derivative, group_title
from . import style
from .drawing import Drawing
from .groups import Path, assign, extend_to_gradients, outputs, sort_key
from .legend import legend_lines
from .nodes import Labeller
from .order import chain, leaf_columns
from .plan import Plan
from .quoting import attr_list, dot_id, label_string

NOTE_WIDTH = 90  # characters per line of the summary note above a picture
LAYOUT_EFFORT_ABOVE = 150  # DOT nodes; above this, dot's layout effort is capped (nslimit)
FAR_RANKS = 6  # a leaf's use more than this many ranks after its first use gets a ↺ copy
SUMMARY = "summary"
RANKDIRS = ("LR", "TB", "RL", "BT")

Edge = tuple[str, str, str]  # tail, head, kind (a key of style.EDGE_STYLES)
Item = tuple[str, dict[str, str], list[str]]  # DOT id, attributes, label lines


def is_shared_constant(v: Value) -> bool:
    """True for a bare number written into arithmetic (op ``NUMBER``, see value.constant).

    Such a leaf is shared by every use of the number in every graph, so it is drawn once per
    use. A constant made with ``Value(c, role="const")`` is the user's own: one box.
    """
    return v.op is ops.NUMBER


def value_ranks(order: Sequence[Value]) -> dict[Value, int]:
    """Longest-path depth: 0 for leaves, 1 + the deepest input otherwise (``order`` topological)."""
    rank: dict[Value, int] = {}
    for v in order:
        r = 0
        for i in v.inputs:
            ri = rank.get(i, 0) + 1
            if ri > r:
                r = ri
        rank[v] = r
    return rank


@dataclass
class Placed:
    """What placing the nodes produced: DOT items per cluster path, kinds used, copies."""

    buckets: dict[Path, list[Item]] = field(default_factory=dict)
    kinds: set[str] = field(default_factory=set)
    src_of: dict[tuple[Value, int], str] = field(default_factory=dict)  # (consumer, j) → copy
    group_members: dict[str, list[Value]] = field(default_factory=dict)

    def add(self, path: Path, item: Item, kind: str | None = None) -> None:
        """Put one DOT node into the cluster ``path``."""
        self.buckets.setdefault(path, []).append(item)
        if kind is not None:
            self.kinds.add(kind)


class GraphBuilder:
    """Decides kinds, labels, groups and the size plan of a graph, then writes the Drawing.

    ``order``: every Value to draw, topologically; ``forward``: those of the forward graph;
    ``grad_of``: gradient node → the nodes it is the gradient of; ``float_grads``: gradients
    that are plain numbers. ``grad_placeholder`` writes ``grad ?`` lines for the stepper to
    fill, ``svg_ids`` gives every SVG node an ``id`` equal to its DOT name.
    """

    def __init__(
        self,
        order: Sequence[Value],
        forward: set[Value],
        grad_of: dict[Value, list[Value]],
        float_grads: list[tuple[Value, Any]],
        precision: int,
        show_grad: bool,
        table: GradTable | None,
        link_grads: bool = False,
        show_steps: bool = False,
        grad_placeholder: str | None = None,
        svg_ids: bool = False,
        namer: Namer | None = None,
    ) -> None:
        """Everything about the graph that does not depend on how it is drawn."""
        self.order = order
        self.index = {v: i for i, v in enumerate(order)}
        self.forward = forward
        self.grad_of = grad_of
        self.float_grads = float_grads
        self.show_grad = show_grad
        self.link_grads = link_grads
        self.svg_ids = svg_ids
        self.backward = bool(grad_of) or bool(float_grads)
        root = table.root if table is not None else None
        base = namer or Namer.of([v for v in order if v in forward])
        zname = base.text(root) if root is not None and root.label else "z"
        names = {g: (derivative(zname, base.text(of[0])), "") for g, of in grad_of.items()}
        self.labels = Labeller(
            forward, grad_of, base.with_names(names) if names else base, precision, show_grad,
            table, show_steps and table is not None, grad_placeholder, self.backward, zname)
        # bare pooled constants: one box per use (never a gradient node; a constant nothing
        # uses, such as a root, keeps its own box)
        used = {i for v in order for i in v.inputs if is_shared_constant(i)}
        self.per_use: set[Value] = {v for v in used if v not in grad_of and v in self.index}
        self.far_uses = self._far_uses()
        self.member: dict[Value, Path] = {}
        self.clustered = False

    def _far_uses(self) -> set[tuple[Value, int]]:
        """(consumer, input position) of each use of a leaf lying more than FAR_RANKS ranks
        after that leaf's first use: these uses get a ↺ copy of the leaf."""
        rank = value_ranks(self.order)
        first: dict[Value, int] = {}
        uses: list[tuple[Value, int, Value]] = []
        for v in self.order:
            for j, i in enumerate(v.inputs):
                if i.inputs or i in self.per_use:
                    continue
                r = rank[v]
                if r < first.get(i, r + 1):
                    first[i] = r
                uses.append((v, j, i))
        return {(v, j) for v, j, i in uses if rank[v] - first[i] > FAR_RANKS}

    # ---------------------------------------------------------------- the plan
    def group(self, clusters: bool, collapse: Any, grad_order: Sequence[Value]) -> None:
        """Which declared group each node belongs to (when clustering or collapsing)."""
        if clusters or collapse is not None:
            self.member = assign([v for v in self.order if v in self.forward])
            if self.backward and self.member:
                extend_to_gradients(grad_order, self.member, self.grad_of)
        self.clustered = clusters

    def parameter_gradients(self) -> set[Value]:
        """Gradient nodes of parameters: kept visible when groups collapse."""
        return {g for g, of in self.grad_of.items() if any(u.role == "param" for u in of)}

    def make_plan(self, collapse: Any, max_nodes: int | None, sinks: Sequence[Value],
                  dropped: str | None = None) -> Plan:
        """The size plan: collapsed groups and the summarised rest (``dropped``: what the
        caller already left out, for the note). A backward summary also gathers the values
        outside every group (inputs, the loss of each example) in one box."""
        plan = Plan(self.order, self.member, self.per_use, self.far_uses, len(self.float_grads),
                    keep=self.parameter_gradients())
        plan.make(collapse, max_nodes, sinks, root=sinks[-1] if self.backward else None,
                  dropped=dropped)
        return plan

    # ---------------------------------------------------------------- writing the DOT
    def emit(self, *, sinks: Sequence[Value], legend: bool, clusters: bool, collapse: Any,
             max_nodes: int | None, rankdir: str, title: str | None, name: str,
             grad_order: Sequence[Value] = (), dropped: str | None = None) -> Drawing:
        """The Drawing: plan, nodes by cluster, edges, legend, layout settings."""
        if rankdir not in RANKDIRS:
            raise ValueError(f"rankdir must be LR, TB, RL or BT, got {rankdir!r}")
        self.group(clusters, collapse, grad_order)
        self.emission = sorted(self.order, key=self.slide_key, reverse=True)
        self.plan = self.make_plan(collapse, max_nodes, sinks, dropped)
        g = self.new_drawing(name, rankdir, title)
        self.rep = self.representatives()
        self.rankdir = rankdir
        placed = self.place(g)
        g.reps = {v: r for v, r in self.rep.items() if r}
        self.write_nodes(g, placed.buckets)
        edges = self.edges(placed.src_of)
        self.write_edges(g, edges)
        if legend:
            g.body.extend(legend_lines(placed.kinds))
        n_drawn = sum(len(x) for x in placed.buckets.values())
        if n_drawn > LAYOUT_EFFORT_ABOVE:
            # cap dot's network-simplex iterations: long edges (a leaf used far downstream)
            # otherwise make it run for minutes on a few hundred nodes (70 s → 1 s measured)
            g.graph_attr["nslimit"] = "1"
        g.counts = {"values": len(self.order), "dot_nodes": n_drawn, "edges": len(edges),
                    "hidden": len(self.plan.hidden)}
        return g

    def new_drawing(self, name: str, rankdir: str, title: str | None) -> Drawing:
        """An empty Drawing with the graph-wide defaults and the title / summary note."""
        g = Drawing(name=name)
        # remincross=false: the last crossing pass over the whole graph does not honour the
        # chains inside clusters (it reads them with the top level's indices), so without it
        # the order of a cluster's boxes was left to chance (see order.py)
        g.graph_attr.update(rankdir=rankdir, fontname=style.FONT, nodesep="0.15", ranksep="0.3",
                            newrank="true", remincross="false")
        g.node_attr.update(shape="box", style="filled", fontname=style.FONT, fontsize="12",
                           height="0.3")
        g.edge_attr.update(arrowsize="0.6", fontname=style.FONT)
        lines = [x for x in (title, *textwrap.wrap(self.plan.note or "", NOTE_WIDTH)) if x]
        if lines:
            g.body.append(f"\tgraph [label={label_string(lines)} labelloc=t labeljust=l "
                          "fontsize=13]\n")
        g.note = self.plan.note
        return g

    def representatives(self) -> dict[Value, str]:
        """The DOT node standing for each Value ("" for per-use constants)."""
        rep: dict[Value, str] = {}
        for v in self.order:
            if v in self.per_use:
                rep[v] = ""  # drawn once per use, next to each consumer
            elif v in self.plan.hidden:
                rep[v] = SUMMARY
            elif v in self.plan.collapsed:
                rep[v] = "g_" + dot_id(self.plan.collapsed[v])
            else:
                rep[v] = f"n{self.index[v]}"
        return rep

    def slide_key(self, v: Value) -> tuple[object, ...]:
        """The order nodes and edges are written in (last first): by group, then by name, then
        topologically. The order of boxes in a column is fixed by :mod:`.order`'s chains; where
        crossings tie, dot keeps the order it first met clusters in, and this writing order
        (clusters last-first too) is the one with which both Graphviz 2.43 and 16.1 stack the
        neurons of the measured networks 1, 2, 3 (first-first: 17 pairs the wrong way up, 12
        now, all in the backward graph of a 3-4-3-1 network)."""
        path = tuple(sort_key(p) for p in self.member.get(v, ()))
        return path, sort_key(v.label) if v.label else (), self.index[v]

    def path_of(self, v: Value) -> Path:
        """The cluster a drawn node sits in (() outside every cluster). A collapsed group has
        no cluster of its own: what stays visible of it (its parameter gradients) sits beside
        its box, in the parent group's cluster, where chains can stack them (a rank
        constraint may not cross a cluster)."""
        if not self.clustered:
            return ()
        path = self.member.get(v, ())
        groups = self.plan.groups
        for k, name in enumerate(path):
            if name in groups:
                return path[:k]
        return path

    def place(self, g: Drawing) -> Placed:
        """Every DOT node, in the cluster it belongs to."""
        placed = Placed()
        for v in self.emission:
            r = self.rep[v]
            if r == SUMMARY or not r:
                continue
            if v in self.plan.collapsed:
                placed.group_members.setdefault(self.plan.collapsed[v], []).append(v)
                continue
            self.place_value(g, v, r, placed)
        for copies in g.copies.values():  # in topological order, whatever the writing order
            copies.sort(key=lambda c: (self.index[c[1]], c[2]))
        self.place_groups(placed)
        self.place_float_grads(placed)
        if self.plan.hidden:
            lines = [f"⋯ {len(self.plan.hidden)} more values", self.plan.hidden_what]
            placed.add((), self.item(SUMMARY, style.NODE_STYLES["group"], lines), "group")
        return placed

    def item(self, nid: str, attrs: dict[str, str], lines: list[str]) -> Item:
        """One DOT node (with its SVG id when the stepper asks for them)."""
        attrs = dict(attrs)
        if self.svg_ids:
            attrs["id"] = nid
        return nid, attrs, lines

    def place_value(self, g: Drawing, v: Value, r: str, placed: Placed) -> None:
        """A value's box, its op circle and the copies of its inputs drawn beside it."""
        path = self.path_of(v)
        kind = self.labels.kind(v)
        attrs = dict(style.NODE_STYLES[kind])
        if v.op.at_kink:
            attrs.update(style.KINK_STYLE)
            placed.kinds.add("kink")
        placed.add(path, self.item(r, attrs, list(self.labels.value_fields(v))), kind)
        g.ids[v] = r
        if v.op.bprop is None:
            return
        ok = self.labels.op_kind(v)
        oattrs = dict(style.NODE_STYLES[ok])
        if v.op.at_kink:
            oattrs.update(style.KINK_STYLE)
        placed.add(path, self.item(r + "_op", oattrs, [v.op.symbol]), ok)
        for j, i in enumerate(v.inputs):
            copy = self.copy(v, j, i, r)
            if copy is None:
                continue
            cid, ckind, cattrs, clines = copy
            placed.add(path, self.item(cid, cattrs, clines), ckind)
            placed.src_of[v, j] = cid
            g.copies.setdefault(i, []).append((cid, v, j))

    def place_groups(self, placed: Placed) -> None:
        """One box per collapsed group, in its parent group's cluster."""
        for gname, members in placed.group_members.items():
            attrs = dict(style.NODE_STYLES["group"])
            if any(m.op.at_kink for m in members):
                attrs.update(style.KINK_STYLE)
                placed.kinds.add("kink")
            path = self.member.get(members[0], ()) if self.clustered else ()
            parent = path[: path.index(gname)] if gname in path else ()
            lines: list[str] = list(self.labels.group_fields(gname, members))
            placed.add(parent, self.item("g_" + dot_id(gname), attrs, lines), "group")

    def place_float_grads(self, placed: Placed) -> None:
        """Gradients that are plain numbers: a gradient box each, outside every cluster."""
        for j, (node, value) in enumerate(self.float_grads):
            lines: list[str] = list(self.labels.float_grad_fields(node, value))
            placed.add((), (f"fg{j}", dict(style.NODE_STYLES["grad"]), lines), "grad")

    def copy(self, v: Value, j: int, i: Value,
             r: str) -> tuple[str, str, dict[str, str], list[str]] | None:
        """The copy of input ``j`` of the drawn node ``v`` (DOT id, kind, attributes, lines),
        if any: a per-use constant box, or a ↺ copy of a leaf used far from its first use."""
        if i in self.per_use:
            use = (self.use_grad(v, j) if self.show_grad and self.labels.grad_placeholder is None
                   else None)
            lines: list[str] = list(self.labels.constant_fields(i, use))
            return f"{r}_k{j}", "const", dict(style.NODE_STYLES["const"]), lines
        if (v, j) in self.far_uses and self.rep[i].startswith("n"):
            attrs = {**style.NODE_STYLES[self.labels.kind(i)], **style.FAR_COPY_STYLE}
            return f"{r}_f{j}", "far", attrs, list(self.labels.far_copy_fields(i))
        return None

    def use_grad(self, v: Value, j: int) -> float:
        """∂z/∂v · ∂v/∂(input j): what one use of a constant adds to its gradient (the value
        its box showed when each use was its own constant)."""
        bprop = v.op.bprop
        assert bprop is not None
        try:
            contrib: Any = bprop(tuple(i.data for i in v.inputs), v.data, v.grad)[j]
            return float(getattr(contrib, "data", contrib))
        except (ArithmeticError, ValueError):
            return float("nan")

    def write_nodes(self, g: Drawing, buckets: dict[Path, list[Item]]) -> None:
        """The node statements: outside clusters first, then each cluster, nested; in each,
        the chains that stack its leaves in the slides' order."""
        forward = [v for v in self.order if v in self.forward]
        rank = value_ranks(forward)
        columns = leaf_columns(forward, rank, lambda v: self.rep[v].startswith("n"),
                               self.path_of, self.slide_key)
        self.stacks = {path: [[self.rep[v] for v in leaves] for leaves in lists]
                       for path, lists in columns.items()}
        for path, ids in [*self.gradient_stacks(rank), *self.group_stacks(rank)]:
            self.stacks.setdefault(path, []).append(ids)
        self.pairs = self.mirror_pairs()
        g.body.extend(_node_lines(buckets.get((), []), "\t"))
        g.body.extend(self.chains((), "\t"))
        children: dict[Path, set[Path]] = {}
        for path in buckets:
            for k in range(1, len(path) + 1):
                children.setdefault(path[: k - 1], set()).add(path[:k])
        self._write_clusters(g, buckets, children, (), "\t")

    def gradient_stacks(self, rank: dict[Value, int]) -> list[tuple[Path, list[str]]]:
        """The gradient boxes of one cluster whose nodes share a column, a letter and a layer
        in the slides' notation (∂l/∂W⁽¹⁾₁₁, ∂l/∂W⁽¹⁾₁₂, ∂l/∂W⁽¹⁾₂₁; ∂l/∂z⁽¹⁾₁, ∂l/∂z⁽¹⁾₂ …),
        in their nodes' index order, so that they are stacked as their nodes are: 11 above
        12 above 21. Names in no notation (``w``, ``loss``) are left to dot."""
        if not self.backward:
            return []
        stacks: dict[tuple[Path, int, str, int], list[tuple[tuple[int, ...], str]]] = {}
        column = {v: r for v, r in rank.items() if not v.is_leaf}
        for v in rank:  # a leaf's column: just before its first use (see order.py)
            for i in v.inputs:
                if i.is_leaf and rank[v] - 1 < column.get(i, rank[v]):
                    column[i] = rank[v] - 1
        for gv, of in self.grad_of.items():
            r = self.rep.get(gv, "")
            ranked = [u for u in of if u in rank]
            if not r.startswith("n") or gv in self.forward or not ranked:
                continue
            node = max(ranked, key=lambda u: rank[u])  # as mirror_pairs chooses
            name = self.labels.namer.symbol(node.label) if node.label else None
            if not isinstance(name, Symbol) or name.plain or not name.index:
                continue
            if self.rep.get(node, "").startswith("n"):  # in its node's column, by index
                key = (self.path_of(gv), column.get(node, 0), name.base, name.layer or 0)
                place = name.index
            else:  # its node is collapsed: a neuron's weights, then its bias, neuron by neuron
                key = (self.path_of(gv), -1, "W" if name.base == "β" else name.base,
                       name.layer or 0)
                place = (name.index[0], int(name.base == "β"), *name.index[1:])
            stacks.setdefault(key, []).append((place, r))
        return [(key[0], [r for _index, r in sorted(boxes)])
                for key, boxes in sorted(stacks.items(), key=lambda kv: kv[0][1:])
                if len(boxes) > 1]

    def group_stacks(self, rank: dict[Value, int]) -> list[tuple[Path, list[str]]]:
        """The boxes of collapsed groups side by side in one cluster and column (the neurons
        of a layer), in the slides' order: neuron 1, 2, 3 from the top."""
        column: dict[tuple[Path, int], dict[str, str]] = {}
        for out in sorted(outputs(self.member), key=lambda v: self.index[v]):
            r = self.rep.get(out, "")
            if out in rank and out in self.plan.collapsed and r.startswith("g"):
                column.setdefault((self.path_of(out), rank[out]), {}).setdefault(
                    r, self.plan.collapsed[out])
        return [(key[0], sorted(boxes, key=lambda b: sort_key(boxes[b])))
                for key, boxes in sorted(column.items(), key=lambda kv: kv[0][1])
                if len(boxes) > 1]

    def chains(self, path: Path, indent: str) -> list[str]:
        """The rank constraints of the boxes of ``path``: the chains fixing the top-to-bottom
        order of leaves that share a column (x⁽⁰⁾₁ above x⁽⁰⁾₂, W⁽¹⁾₁₁ above W⁽¹⁾₁₂, see
        :mod:`.order`), and each gradient in its node's column (see :meth:`mirror_pairs`)."""
        out = [chain(ids, indent, in_cluster=bool(path), rankdir=self.rankdir)
               for ids in self.stacks.get(path, [])]
        stacked = self.clustered and bool(self.member)
        for pair in self.pairs.get(path, []):
            out.append(chain(pair, indent, in_cluster=bool(path), rankdir=self.rankdir) if stacked
                       else f"{indent}{{rank=same; {pair[0]}; {pair[1]}}}\n")
        return out

    def _write_clusters(self, g: Drawing, buckets: dict[Path, list[Item]],
                        children: dict[Path, set[Path]], parent: Path, indent: str) -> None:
        # written last-first, as the nodes (see slide_key)
        for path in sorted(children.get(parent, ()), key=lambda p: sort_key(p[-1]), reverse=True):
            name = path[-1]
            top = len(path) == 1
            look = ('style="rounded,dashed" color="#6d28d9"' if top
                    else 'style="rounded" color="#a78bfa"')
            g.body.append(f"{indent}subgraph cluster_{dot_id(name)} {{\n")
            heading = label_string([group_title(name)])
            g.body.append(f"{indent}\tlabel={heading} {look} fontcolor=\"#6d28d9\"\n")
            g.body.extend(_node_lines(buckets.get(path, []), indent + "\t"))
            g.body.extend(self.chains(path, indent + "\t"))
            self._write_clusters(g, buckets, children, path, indent + "\t")
            g.body.append(f"{indent}}}\n")

    def mirror_pairs(self) -> dict[Path, list[tuple[str, str]]]:
        """``(v, ∂z/∂v)`` for each gradient box and the forward box it belongs to (the deepest
        of its nodes, when it is shared), per cluster: in one rank, the gradient sits in the
        column of its node, so that the backward graph reads as the forward graph's mirror.
        In a picture with clusters the forward box is also put above its gradient (a flat
        edge): without it dot stacked Vo's neurons 2, 1, 3 or 1, 3, 2; without clusters it
        is left to dot, as fixing it there cost a third more crossings (Vo's worked backward
        graph: 297 instead of 184). A pair split across clusters is left to dot (a rank
        constraint may not cross a cluster)."""
        out: dict[Path, list[tuple[str, str]]] = {}
        if not self.backward:
            return out
        rank = value_ranks([v for v in self.order if v in self.forward])
        for gv, of in self.grad_of.items():
            a = self.rep.get(gv, "")
            drawn = [u for u in of if self.rep.get(u, "").startswith("n")]
            if not a.startswith("n") or gv in self.forward or not drawn:
                continue
            partner = max(drawn, key=lambda u: rank.get(u, 0))
            if self.path_of(partner) == self.path_of(gv):
                out.setdefault(self.path_of(gv), []).append((self.rep[partner], a))
        return out

    # ---------------------------------------------------------------- edges
    def edge_kind(self, src: Value, dst: Value) -> str:
        """data (forward), grad (inside the gradient graph), uses (forward value → gradient op)."""
        if dst in self.forward:
            return "data"
        return "uses" if src in self.forward and src not in self.grad_of else "grad"

    def edges(self, src_of: dict[tuple[Value, int], str]) -> list[Edge]:
        """Every edge of the picture, in a fixed order."""
        edges: list[Edge] = []
        seen: set[tuple[str, str]] = set()
        for v in self.emission:
            r = self.rep[v]
            if not r:
                continue
            if r == SUMMARY or v in self.plan.collapsed:
                self._group_edges(v, r, edges, seen)
            elif v.op.bprop is not None:
                self._op_edges(v, r, src_of, edges, seen)
        if self.link_grads:
            edges.extend(self._link_edges())
        return edges

    def _group_edges(self, v: Value, target: str, edges: list[Edge],
                     seen: set[tuple[str, str]]) -> None:
        for i in v.inputs:
            src = self.rep[i]
            if src and src != target and (src, target) not in seen:
                seen.add((src, target))
                edges.append((src, target, self.edge_kind(i, v)))

    def _op_edges(self, v: Value, r: str, src_of: dict[tuple[Value, int], str],
                  edges: list[Edge], seen: set[tuple[str, str]]) -> None:
        op_id = r + "_op"
        for j, i in enumerate(v.inputs):
            copy = src_of.get((v, j))
            if copy is not None:
                kind = self.edge_kind(i, v) if i not in self.per_use else (
                    "data" if v in self.forward else "grad")
                edges.append((copy, op_id, kind))
                continue
            src = self.rep[i]
            if src.startswith("n"):
                edges.append((src, op_id, self.edge_kind(i, v)))
            elif (src, op_id) not in seen:
                seen.add((src, op_id))
                edges.append((src, op_id, self.edge_kind(i, v)))
        edges.append((op_id, r, "data" if v in self.forward else "grad"))

    def _link_edges(self) -> list[Edge]:
        out: list[Edge] = []
        for gv, of in self.grad_of.items():
            for u in of:
                a, b = self.rep[gv], self.rep[u]
                if a.startswith("n") and b.startswith("n") and a != b:
                    out.append((a, b, "of"))
        for j, (node, _value) in enumerate(self.float_grads):
            if self.rep[node].startswith("n"):
                out.append((f"fg{j}", self.rep[node], "of"))
        return out

    def write_edges(self, g: Drawing, edges: Iterable[Edge]) -> None:
        """The edge statements, styled by kind. In a backward drawing the gradient graph's
        edges are written reversed (``dir=back``: drawn as they flow): back-propagation runs
        right to left, so its ranks then agree with the forward graph's and with each
        gradient's column; a forward value used by a gradient op does not constrain ranks,
        except a ↺ copy, drawn for that use alone (else it drifted to the first column, its
        dashed edge looping across the picture)."""
        styles = {k: " " + attr_list(s) for k, s in style.EDGE_STYLES.items()}
        if self.backward:
            styles["grad"] = " " + attr_list({**style.EDGE_STYLES["grad"], "dir": "back"})
            styles["uses"] = " " + attr_list({**style.EDGE_STYLES["uses"], "constraint": "false"})
        copies = {cid for uses in g.copies.values() for cid, _v, _j in uses}
        local = " " + attr_list(style.EDGE_STYLES["uses"])
        for a, b, kind in edges:
            if self.backward and kind == "grad":
                a, b = b, a
            # a ↺ copy is drawn for its one use: that edge places it, just before its op
            look = local if kind == "uses" and a in copies else styles[kind]
            g.body.append(f"\t{a} -> {b}{look}\n")


def _node_lines(items: list[Item], indent: str) -> list[str]:
    return [f"{indent}{nid} {attr_list(attrs, lines)}\n" for nid, attrs, lines in items]
