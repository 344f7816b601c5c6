"""The DOT of a computation: the forward graph, and the backward (symbol-to-symbol) graph.

Forward graph: one box per Value (label, data, grad once known) and one small circle per
op, data flowing left to right. Backward graph (Goodfellow's symbol-to-symbol derivatives,
Deep Learning §6.5.5): ``build_grad(z, create_graph=True)`` makes every gradient ∂z/∂v a
Value computed from forward values by each op's ``bprop``; the picture adds those gradient
nodes (orange) to the forward graph, with dashed blue edges where a gradient op *uses* a
forward value, and each table entry labelled with what it is (``∂z/∂w``). A gradient that
serves several nodes (``a + b`` passes G to both) is one node with every name it has.

Node names are ``n0, n1, …`` in topological order (op circles ``n3_op``), so the same graph
gives the same DOT every run.

Two kinds of node are drawn more than once, each copy named after the use it serves
(``n7_k1``: input 1 of node 7), so the layout stays local:

* a bare number written into arithmetic (``x * 0.9``, the 1 of bprop's ``1 − out²``) is one
  shared constant leaf in the engine (``value.constant``), but gets its own small box at each
  use, in its consumer's cluster, as if each use were its own constant. Labelled constants and
  explicit ``Value(c, role="const")`` stay one box (they are named things).
* a leaf (input, parameter, named constant) used far downstream of its first use (its
  consumers more than ``FAR_RANKS`` ranks apart) is drawn again next to each far use, marked
  ``↺`` and dashed. Edges across hundreds of ranks make dot's layout very slow (an
  800-node chain: 7–9 s with system dot, 13–18 s with wasm; 0.1 s with the copies, see
  ``python -m bench.draw_dot --long-edges 480``); copies keep every edge short.

Graphs larger than ``max_nodes`` DOT nodes are summarised:
nn neurons, then layers, are collapsed into boxes, and what still does not fit is gathered
into one box, with a note saying so.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from graphviz.quoting import quote

from .. import GradTable, Value, build_grad, ops, topological_order
from . import style
from .clusters import (
    Key,
    assign_neurons,
    extend_to_gradients,
    layer_name,
    neuron_name,
    neuron_of,
)
from .drawing import Drawing

DEFAULT_MAX_NODES = 400
MIN_MAX_NODES = 8
LAYOUT_EFFORT_ABOVE = 150  # DOT nodes; above this, dot's layout effort is capped (nslimit)
FAR_RANKS = 6  # a leaf's use more than this many ranks after its first use gets a ↺ copy
_SUMMARY = "summary"


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


def _check_root(root: Any, what: str) -> Value:
    if not isinstance(root, Value):
        raise TypeError(f"{what}: expected the Value to draw, got {type(root).__name__}: {root!r}")
    return root


def _check_max_nodes(max_nodes: Any) -> int | None:
    if max_nodes is None:
        return None
    if not isinstance(max_nodes, int) or isinstance(max_nodes, bool) or max_nodes < MIN_MAX_NODES:
        raise ValueError(
            f"max_nodes must be None or an integer ≥ {MIN_MAX_NODES}, got {max_nodes!r}"
        )
    return max_nodes


def draw_forward(
    root: Value,
    *,
    precision: int = 4,
    show_grad: bool | None = None,
    show_steps: bool = False,
    legend: bool = True,
    clusters: bool = True,
    collapse: str | Iterable[str] | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    rankdir: str = "LR",
    title: str | None = None,
) -> Drawing:
    """The forward graph of ``root``.

    ``show_grad``: print each node's ``.grad`` (default: once ``root.backward()`` has run).
    ``show_steps``: number each node by the step at which build_grad knew its gradient
    (0 for root). ``clusters``: group nn nodes per layer and neuron (by their labels);
    ``collapse``: "neurons", "layers", or names such as ``"layers.0.neurons.1"`` to draw as
    one box. ``max_nodes``: above this many DOT nodes the graph is summarised (None: never).
    """
    root = _check_root(root, "draw_forward")
    style.fmt(0.0, precision)
    order = topological_order(root)
    last = getattr(root, "grad_table", None)  # the table of the last backward(), if any
    table = None
    if show_steps:
        table = last if last is not None else build_grad(root)
    if show_grad is None:
        show_grad = last is not None or any(v.grad != 0.0 for v in order)
    b = _Builder(order, set(order), {}, [], precision, bool(show_grad), table,
                 show_steps=show_steps)
    return b.emit(
        sinks=[root], legend=legend, clusters=clusters, collapse=collapse,
        max_nodes=_check_max_nodes(max_nodes), rankdir=rankdir, title=title,
        name="forward",
    )


def draw_steps(root: Value, **opts: Any) -> Drawing:
    """The forward graph with each node numbered by the step its gradient became known."""
    return draw_forward(root, show_steps=True, **opts)


def draw_backward(
    root: Value,
    *,
    wrt: Value | Iterable[Value] | None = None,
    table: GradTable | None = None,
    precision: int = 4,
    show_steps: bool = True,
    link_grads: bool = False,
    legend: bool = True,
    clusters: bool = True,
    collapse: str | Iterable[str] | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    rankdir: str = "LR",
    title: str | None = None,
) -> Drawing:
    """The symbol-to-symbol graph: the forward graph plus the gradient nodes of
    ``build_grad(root, wrt, create_graph=True)`` (or of a symbolic ``table`` you pass).
    By default ``wrt`` is every leaf except the numbers written into the expression.

    Gradient table entries are labelled ∂root/∂v (every v they are the gradient of) and, with
    ``show_steps``, the step at which build_grad knew them. ``link_grads`` adds a dotted line
    from each gradient to the node it is the gradient of. ``.grad`` is not touched.
    """
    root = _check_root(root, "draw_backward")
    style.fmt(0.0, precision)
    if table is None:
        if wrt is None:  # every leaf but the bare numbers (their gradients are of no use)
            targets = [v for v in topological_order(root) if v.is_leaf and v.op is not ops.NUMBER]
        else:
            targets = [wrt] if isinstance(wrt, Value) else list(wrt)
        table = build_grad(root, targets or None, create_graph=True)
    elif not isinstance(table, GradTable):
        raise TypeError(f"table must be a GradTable, got {type(table).__name__}")
    elif not table.symbolic or table.root is not root:
        raise ValueError(
            "table must come from build_grad(root, ..., create_graph=True) for this root "
            f"(got symbolic={table.symbolic}, root matches: {table.root is root})"
        )
    forward_order = topological_order(root)
    forward = set(forward_order)
    grad_of: dict[Value, list[Value]] = {}
    float_grads: list[tuple[Value, Any]] = []
    for node, g in table.items():
        if isinstance(g, Value):
            grad_of.setdefault(g, []).append(node)
        else:
            float_grads.append((node, g))
    grad_order = topological_order(grad_of, exclude=forward)
    b = _Builder(forward_order + grad_order, forward, grad_of, float_grads, precision, False,
                 table, link_grads=link_grads, show_steps=show_steps)
    # sinks for summarising: the gradients first (what the picture is about), then z
    sinks = [g for g in grad_of if g not in forward] + [root]
    return b.emit(
        sinks=sinks, legend=legend, clusters=clusters, collapse=collapse,
        max_nodes=_check_max_nodes(max_nodes), rankdir=rankdir, title=title,
        name="backward", grad_order=grad_order,
    )


_UNESCAPED_QUOTE = re.compile(r'(?<!\\)"')


def _quote_text(text: str) -> str:
    """A DOT quoted string (what graphviz.quoting.quote does for labels, but fast)."""
    if '"' in text:
        text = _UNESCAPED_QUOTE.sub('\\\\"', text)
    return f'"{text}"'


@lru_cache(maxsize=256)
def _attr_text(items: tuple[tuple[str, str], ...]) -> str:
    """``k=v k=v`` for a node's style attributes (few distinct sets: cached)."""
    return " ".join(f"{k}={quote(v)}" for k, v in items)


class _Builder:
    """Decides kinds, labels, groups and the size plan, then writes the Digraph."""

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
    ) -> None:
        self.order = order
        self.index = {v: i for i, v in enumerate(order)}
        self.forward = forward
        self.grad_of = grad_of
        self.float_grads = float_grads
        self.precision = precision
        self.show_grad = show_grad
        self.table = table
        self.link_grads = link_grads
        self.table_steps = show_steps and table is not None
        self.grad_placeholder = grad_placeholder  # "grad ?" lines, filled in by the stepper
        self.svg_ids = svg_ids  # id=<DOT name> on nodes, so the SVG can be scripted
        self.backward = bool(grad_of) or bool(float_grads)
        root = table.root if table is not None else None
        self.zname = (root.label if root is not None and root.label else "z")
        # bare pooled constants: one box per use (never a gradient node; a constant nothing
        # uses, such as a root, keeps its own box)
        used = {i for v in order for i in v.inputs if is_shared_constant(i)}
        self.per_use: set[Value] = {v for v in used if v not in grad_of and v in self.index}
        self.far_uses = self._far_uses()

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

    # ---------------------------------------------------------------- what each node is
    def kind(self, v: Value) -> str:
        if v in self.grad_of:
            return "grad"
        if v in self.forward:
            return v.role if v.op.bprop is None else "value"
        return "const" if v.op.bprop is None else "grad_value"

    def op_kind(self, v: Value) -> str:
        return "op" if v in self.forward else "grad_op"

    def vname(self, v: Value) -> str:
        """A forward node's name in ∂z/∂name: its label, else its op and step."""
        if self.table is not None:
            return self.table.name(v)
        return v.label if v.label is not None else f"{v.op.name}#{self.index[v]}"

    def fields(self, v: Value) -> list[str]:
        f = style.fmt
        p = self.precision
        if v in self.grad_of:
            of = self.grad_of[v]
            names = [f"∂{self.zname}/∂{self.vname(u)}" for u in of[:3]]
            if len(of) > 3:
                names.append(f"… and {len(of) - 3} more")
            out = [*names, f"= {f(v.data, p)}"]
            if self.table is not None and self.table_steps:
                out.append("step " + ", ".join(str(self.table.step(u)) for u in of[:3]))
            return out
        out = [self.short_label(v)] if v.label is not None else []
        bare_const = v.label is None and v.op.bprop is None and v.role == "const"
        out.append(f(v.data, p) if bare_const and not self.show_grad else f"data {f(v.data, p)}")
        if self.grad_placeholder is not None:
            out.append(f"grad {self.grad_placeholder}")
        elif self.show_grad:
            out.append(f"grad {f(v.grad, p)}")
        if self.table_steps and not self.backward and self.table is not None and v in self.table:
            out.append(f"step {self.table.step(v)}")
        if v.op.at_kink:
            out.append("⚠ at kink")
        return out

    def short_label(self, v: Value) -> str:
        """Inside its neuron's cluster a node shows its label relative to it (``w.1``)."""
        label = v.label or ""
        if self.clustered and v in self.member:
            parsed = neuron_of(label)
            if parsed is not None and parsed[1] and parsed[0] == self.member[v]:
                return parsed[1]
        return label

    # ---------------------------------------------------------------- the plan
    def groups(self, clusters: bool, collapse: Any, grad_order: Sequence[Value]) -> None:
        self.member: dict[Value, Key] = {}
        if clusters or collapse is not None:
            forward_order = [v for v in self.order if v in self.forward]
            self.member = assign_neurons(forward_order)
            if self.backward and self.member:
                extend_to_gradients(grad_order, self.member, self.grad_of)
        self.clustered = clusters
        self.neurons = sorted(set(self.member.values()))
        self.layers = sorted({k[0] for k in self.neurons})

    def group_fn(self, collapse: Any) -> dict[Key, str]:
        """neuron key → name of the box it collapses into (absent: not collapsed)."""
        if collapse is None:
            return {}
        if collapse == "neurons":
            return {k: neuron_name(k) for k in self.neurons}
        if collapse == "layers":
            return {k: layer_name(k[0]) for k in self.neurons}
        names = [collapse] if isinstance(collapse, str) else list(collapse)
        known = {neuron_name(k) for k in self.neurons} | {layer_name(k) for k in self.layers}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValueError(
                f"collapse: no group named {unknown!r} in this graph; it has "
                f"{sorted(known) or 'no nn layers/neurons (labels layers.L.neurons.N.…)'}; "
                "or use 'neurons' / 'layers'"
            )
        chosen = set(names)
        out = {}
        for k in self.neurons:
            if layer_name(k[0]) in chosen:
                out[k] = layer_name(k[0])
            elif neuron_name(k) in chosen:
                out[k] = neuron_name(k)
        return out

    def units(self, gmap: dict[Key, str]) -> dict[Value, str]:
        """Value → group name, for the values collapsed into a group."""
        if not gmap:
            return {}
        return {v: gmap[k] for v, k in self.member.items() if k in gmap}

    def cost(self, collapsed: dict[Value, str]) -> int:
        """DOT nodes needed with ``collapsed`` drawn as groups (copies included)."""
        groups = set(collapsed.values())
        n = len(groups) + len(self.float_grads)
        for v in self.order:
            if v in collapsed or v in self.per_use:
                continue
            if v.op.bprop is None:
                n += 1
                continue
            n += 2
            for j, i in enumerate(v.inputs):
                if i in self.per_use or ((v, j) in self.far_uses and i not in collapsed):
                    n += 1
        return n

    def copies_of(self, v: Value) -> int:
        """How many copies (per-use constants, ↺ leaves) a drawn op node brings at most."""
        return sum(1 for j, i in enumerate(v.inputs)
                   if i in self.per_use or (v, j) in self.far_uses)

    def plan(self, collapse: Any, max_nodes: int | None, sinks: Sequence[Value]) -> None:
        gmap = self.group_fn(collapse)
        collapsed = self.units(gmap)
        total = self.cost(collapsed)
        self.hidden: set[Value] = set()
        self.note = None
        self.total_cost = total
        if max_nodes is None or total <= max_nodes:
            self.collapsed = collapsed
            return
        steps = []
        if collapse is None and self.neurons:
            for mode in ("neurons", "layers"):
                gmap = self.group_fn(mode)
                collapsed = self.units(gmap)
                total = self.cost(collapsed)
                steps.append(f"{mode} collapsed into boxes")
                if total <= max_nodes:
                    break
        self.collapsed = collapsed
        if total > max_nodes:
            self.hidden = self.keep_nearest(sinks, max_nodes)
            shown = len(self.order) - len(self.hidden)
            steps.append(
                f"showing the {shown} values nearest the output; the other "
                f"{len(self.hidden)} are in one box"
            )
        self.note = (
            f"Summarised: the full picture needs {self.total_cost} nodes, more than "
            f"max_nodes={max_nodes}; " + "; ".join(steps)
            + ". Pass max_nodes=None to draw everything (slow to render beyond ~3000 nodes)."
        )

    def keep_nearest(self, sinks: Sequence[Value], max_nodes: int) -> set[Value]:
        """Breadth-first from the sinks, keep what fits in ``max_nodes - 1``; hide the rest."""
        budget = max_nodes - 1 - len(self.float_grads)
        collapsed = self.collapsed
        kept_units: set[Any] = set()
        kept: set[Value] = set()
        used = 0
        seen = set(sinks)
        queue = deque(sinks)
        while queue:
            v = queue.popleft()
            unit = collapsed.get(v, v)
            if unit not in kept_units:
                c = 1 if unit is not v or v.op.bprop is None else 2 + self.copies_of(v)
                if used + c > budget:
                    break
                used += c
                kept_units.add(unit)
            kept.add(v)
            for parent in v.inputs:
                if parent not in seen and parent in self.index and parent not in self.per_use:
                    seen.add(parent)
                    queue.append(parent)
        # a group is either wholly kept or wholly hidden; per-use constants go with their users
        return {v for v in self.order
                if collapsed.get(v, v) not in kept_units and v not in self.per_use}

    # ---------------------------------------------------------------- writing the DOT
    def emit(self, *, sinks: Sequence[Value], legend: bool, clusters: bool, collapse: Any,
             max_nodes: int | None, rankdir: str, title: str | None, name: str,
             grad_order: Sequence[Value] = ()) -> Drawing:
        if rankdir not in ("LR", "TB", "RL", "BT"):
            raise ValueError(f"rankdir must be LR, TB, RL or BT, got {rankdir!r}")
        self.groups(clusters, collapse, grad_order)
        self.plan(collapse, max_nodes, sinks)
        g = Drawing(name=name)
        g.graph_attr.update(rankdir=rankdir, fontname=style.FONT, nodesep="0.15",
                            ranksep="0.3")
        g.node_attr.update(shape="box", style="filled", fontname=style.FONT, fontsize="12",
                           height="0.3")
        g.edge_attr.update(arrowsize="0.6", fontname=style.FONT)
        label = "\n".join(x for x in (title, self.note) if x)
        if label:
            g.graph_attr.update(label=label, labelloc="t", labeljust="l", fontsize="13")
        g.note = self.note

        rep: dict[Value, str] = {}
        for v in self.order:
            if v in self.per_use:
                rep[v] = ""  # drawn once per use, next to each consumer
            elif v in self.hidden:
                rep[v] = _SUMMARY
            elif v in self.collapsed:
                rep[v] = "g_" + self.collapsed[v].replace(".", "_")
            else:
                rep[v] = f"n{self.index[v]}"
        used_kinds: set[str] = set()
        # nodes, by cluster path
        buckets: dict[tuple[Any, ...], list[tuple[str, dict[str, str]]]] = {}
        group_members: dict[str, list[Value]] = {}
        src_of: dict[tuple[Value, int], str] = {}  # (consumer, input position) → a copy's id
        for v in self.order:
            r = rep[v]
            if r == _SUMMARY or not r:
                continue
            key = self.member.get(v) if clusters else None
            if v in self.collapsed:
                group_members.setdefault(self.collapsed[v], []).append(v)
                continue
            path = () if key is None else (key[0], key[1])
            bucket = buckets.setdefault(path, [])
            kind = self.kind(v)
            used_kinds.add(kind)
            attrs = {"label": style.lines(*self.fields(v)), **style.NODE_STYLES[kind]}
            if v.op.at_kink:
                attrs.update(style.KINK_STYLE)
                used_kinds.add("kink")
            if self.svg_ids:
                attrs["id"] = r
            bucket.append((r, attrs))
            g.ids[v] = r
            if v.op.bprop is not None:
                ok = self.op_kind(v)
                used_kinds.add(ok)
                oattrs = {"label": v.op.symbol, **style.NODE_STYLES[ok]}
                if v.op.at_kink:
                    oattrs.update(style.KINK_STYLE)
                if self.svg_ids:
                    oattrs["id"] = r + "_op"
                bucket.append((r + "_op", oattrs))
                for j, i in enumerate(v.inputs):
                    copy = self._copy(v, j, i, r, rep)
                    if copy is None:
                        continue
                    cid, ckind, cattrs = copy
                    used_kinds.add(ckind)
                    if self.svg_ids:
                        cattrs["id"] = cid
                    bucket.append((cid, cattrs))
                    src_of[v, j] = cid
                    g.copies.setdefault(i, []).append((cid, v, j))
        for gname, members in group_members.items():
            used_kinds.add("group")
            attrs = {"label": style.lines(*self._group_fields(gname, members)),
                     **style.NODE_STYLES["group"]}
            if any(m.op.at_kink for m in members):
                attrs.update(style.KINK_STYLE)
                used_kinds.add("kink")
            parts = gname.split(".")
            path = (int(parts[1]),) if len(parts) == 4 else ()
            gid = "g_" + gname.replace(".", "_")
            if self.svg_ids:
                attrs["id"] = gid
            buckets.setdefault(path, []).append((gid, attrs))
        for j, (node, value) in enumerate(self.float_grads):
            used_kinds.add("grad")
            fields = [f"∂{self.zname}/∂{self.vname(node)}", f"= {style.fmt(value, self.precision)}"]
            if self.table_steps:
                fields.append(f"step {self.table.step(node)}")
            buckets.setdefault((), []).append(
                (f"fg{j}", {"label": style.lines(*fields), **style.NODE_STYLES["grad"]}))
        if self.hidden:
            used_kinds.add("group")
            sattrs = {"label": style.lines(f"⋯ {len(self.hidden)} more values",
                                           "summarised (max_nodes)"),
                      **style.NODE_STYLES["group"]}
            if self.svg_ids:
                sattrs["id"] = _SUMMARY
            buckets.setdefault((), []).append((_SUMMARY, sattrs))
        g.reps = {v: r for v, r in rep.items() if r}
        self._write_nodes(g, buckets)

        # edges
        edges: list[tuple[str, str, str]] = []
        seen_edges: set[tuple[str, str]] = set()
        for v in self.order:
            r = rep[v]
            if not r:
                continue
            if r == _SUMMARY or v in self.collapsed:
                target = r
                for i in v.inputs:
                    src = rep[i]
                    if src and src != target and (src, target) not in seen_edges:
                        seen_edges.add((src, target))
                        edges.append((src, target, self.edge_kind(i, v)))
                continue
            if v.op.bprop is None:
                continue
            op_id = r + "_op"
            for j, i in enumerate(v.inputs):
                copy = src_of.get((v, j))
                if copy is not None:
                    kind = self.edge_kind(i, v) if i not in self.per_use else (
                        "data" if v in self.forward else "grad")
                    edges.append((copy, op_id, kind))
                    continue
                src = rep[i]
                if src.startswith("n"):
                    edges.append((src, op_id, self.edge_kind(i, v)))
                elif (src, op_id) not in seen_edges:
                    seen_edges.add((src, op_id))
                    edges.append((src, op_id, self.edge_kind(i, v)))
            edges.append((op_id, r, "data" if v in self.forward else "grad"))
        if self.link_grads:
            for gv, of in self.grad_of.items():
                for u in of:
                    a, b = rep[gv], rep[u]
                    if a.startswith("n") and b.startswith("n") and a != b:
                        edges.append((a, b, "of"))
            for j, (node, _value) in enumerate(self.float_grads):
                if rep[node].startswith("n"):
                    edges.append((f"fg{j}", rep[node], "of"))
        body = g.body
        quote = g._quote
        styles = {k: " [" + " ".join(f"{a}={quote(b)}" for a, b in s.items()) + "]"
                  for k, s in style.EDGE_STYLES.items()}
        for a, b, kind in edges:
            body.append(f"\t{a} -> {b}{styles[kind]}\n")
        if legend:
            self._legend(g, used_kinds)
        n_drawn = sum(len(x) for x in buckets.values())
        if n_drawn > LAYOUT_EFFORT_ABOVE:
            # cap dot's network-simplex iterations: long edges (a leaf used far downstream)
            # otherwise make it run for minutes on a few hundred nodes (70 s → 1 s measured)
            g.graph_attr["nslimit"] = "1"
        g.counts = {
            "values": len(self.order),
            "dot_nodes": n_drawn,
            "edges": len(edges),
            "hidden": len(self.hidden),
        }
        return g

    def _copy(self, v: Value, j: int, i: Value, r: str,
              rep: dict[Value, str]) -> tuple[str, str, dict[str, str]] | None:
        """The copy of input ``j`` of the drawn node ``v`` (DOT id, kind, attributes), if any:
        a per-use constant box, or a ↺ copy of a leaf used far from its first use."""
        if i in self.per_use:
            fields = self.fields(i)
            if self.show_grad and self.grad_placeholder is None:
                fields = [f"data {style.fmt(i.data, self.precision)}",
                          f"grad {style.fmt(self.use_grad(v, j), self.precision)}",
                          *fields[2:]]
            attrs = {"label": style.lines(*fields), **style.NODE_STYLES["const"]}
            return f"{r}_k{j}", "const", attrs
        if (v, j) in self.far_uses and rep[i].startswith("n"):
            kind = self.kind(i)
            fields = self.fields(i)
            if i.label is not None:
                fields[0] = "↺ " + fields[0]
            else:
                fields.insert(0, "↺ " + self.vname(i))
            attrs = {"label": style.lines(*fields), **style.NODE_STYLES[kind],
                     **style.FAR_COPY_STYLE}
            return f"{r}_f{j}", "far", attrs
        return None

    def use_grad(self, v: Value, j: int) -> float:
        """∂z/∂v · ∂v/∂(input j): what one use of a constant adds to its gradient (the value
        its box showed when each use was its own constant)."""
        bprop = v.op.bprop
        assert bprop is not None
        try:
            contrib = bprop(tuple(i.data for i in v.inputs), v.data, v.grad)[j]
            return float(getattr(contrib, "data", contrib))
        except (ArithmeticError, ValueError):
            return float("nan")

    def edge_kind(self, src: Value, dst: Value) -> str:
        if dst in self.forward:
            return "data"
        return "uses" if src in self.forward and src not in self.grad_of else "grad"

    def _group_fields(self, gname: str, members: list[Value]) -> list[str]:
        forward = [m for m in members if m in self.forward]
        params = sum(1 for m in forward if m.role == "param")
        fields = [gname, f"{len(members)} nodes, {params} params"]
        outs = [m for m in forward if m.label is not None and m.label.endswith(".out")]
        if len(outs) == 1:
            fields.append(f"out {style.fmt(outs[0].data, self.precision)}")
            if self.show_grad:
                fields.append(f"grad {style.fmt(outs[0].grad, self.precision)}")
        elif outs:
            fields.append(f"{len(outs)} outputs")
        return fields

    def _write_nodes(self, g: Drawing, buckets: dict[tuple[Any, ...], list[Any]]) -> None:
        def lines(items: list[tuple[str, dict[str, str]]], indent: str) -> list[str]:
            out = []
            for nid, attrs in items:
                rest = {k: val for k, val in attrs.items() if k != "label"}
                out.append(f"{indent}{nid} [label={_quote_text(attrs['label'])} "
                           f"{_attr_text(tuple(rest.items()))}]\n")
            return out

        body = g.body
        body.extend(lines(buckets.get((), []), "\t"))
        for layer in self.layers:
            layer_items = buckets.get((layer,), [])
            neurons = [k for k in self.neurons if k[0] == layer and (layer, k[1]) in buckets]
            if not layer_items and not neurons:
                continue
            body.append(f"\tsubgraph cluster_layers_{layer} {{\n")
            body.append(f'\t\tlabel="{layer_name(layer)}" style="rounded,dashed" '
                        'color="#6d28d9" fontcolor="#6d28d9"\n')
            body.extend(lines(layer_items, "\t\t"))
            for key in neurons:
                body.append(f"\t\tsubgraph cluster_layers_{key[0]}_neurons_{key[1]} {{\n")
                body.append(f'\t\t\tlabel="{neuron_name(key)}" style="rounded" '
                            'color="#a78bfa" fontcolor="#6d28d9"\n')
                body.extend(lines(buckets[key], "\t\t\t"))
                body.append("\t\t}\n")
            body.append("\t}\n")

    def _legend(self, g: Drawing, kinds: set[str]) -> None:
        rows = style.legend_rows(kinds)
        if not rows:
            return
        quote = g._quote
        body = g.body
        body.append("\tsubgraph cluster_legend {\n")
        body.append('\t\tlabel="legend" style="rounded" color="#9ca3af" fontcolor="#6b7280"\n')
        for kind, text in rows:
            attrs = dict(style.NODE_STYLES.get(kind, style.NODE_STYLES["value"]))
            if kind == "kink":
                attrs.update(style.KINK_STYLE)
            if kind == "far":
                attrs.update(style.NODE_STYLES["input"], **style.FAR_COPY_STYLE)
            if attrs.get("shape") == "circle":
                attrs["shape"] = "ellipse"
            attrs["label"] = text
            attrs["fontsize"] = "10"
            body.append(f"\t\tlegend_{kind} ["
                        + " ".join(f"{k}={quote(v)}" for k, v in attrs.items()) + "]\n")
        body.append("\t}\n")
