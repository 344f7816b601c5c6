"""The circuit view: the forward graph as CS231n draws it on the board.

Leaves are small boxes (inputs, parameters, constants), each op a circle, and every wire
carries two numbers in one label beside it: the value flowing forward (green) and, below
it (red), the gradient flowing back along it, ∂z/∂C · ∂C/∂v for the consumer C it enters (a
value used twice gets two wires whose gradients add up to ∂z/∂v). With ``local=True`` a
third row (grey) shows the local derivative ∂C/∂v. The output leaves through a last wire
into its name, with gradient 1 (the seed).

>>> from autograd_core import Value
>>> x = Value(2.0, label="x"); w = Value(-3.0, label="w", role="param")
>>> y = w * x; y.label = "y"
>>> g = draw_circuit(y)
>>> sorted(g.ids[v] for v in (x, w, y))
['c0', 'c1', 'c2_op']
"""

from __future__ import annotations

from typing import Any

from .. import GradTable, Value, build_grad, topological_order
from ..notation import Namer
from . import style
from .builder import is_shared_constant, value_ranks
from .drawing import Drawing
from .groups import sort_key
from .order import chain, leaf_columns
from .quoting import attr_list

VALUE_COLOR = "#15803d"  # green: the forward value on a wire
GRAD_COLOR = "#b91c1c"  # red: the gradient flowing back along it
LOCAL_COLOR = "#4b5563"  # grey: the local derivative ∂C/∂(wire)
CIRCUIT_MAX_VALUES = 200


def local_derivative(consumer: Value, j: int) -> float:
    """∂C/∂(input j) of the consumer C at its current inputs (its bprop with G = 1)."""
    bprop = consumer.op.bprop
    assert bprop is not None
    try:
        d: Any = bprop(tuple(i.data for i in consumer.inputs), consumer.data, 1.0)[j]
        return float(getattr(d, "data", d))
    except (ArithmeticError, ValueError):
        return float("nan")


class _Circuit:
    """The DOT of one circuit: leaf boxes, op circles, labelled wires."""

    def __init__(self, root: Value, table: GradTable, precision: int, local: bool) -> None:
        self.root, self.table, self.precision, self.local = root, table, precision, local
        self.order = topological_order(root)
        self.namer = Namer.of(self.order)
        self.ids: dict[Value, str] = {}

    def fmt(self, x: Any) -> str:
        """A number with the drawing's precision."""
        return style.fmt(x, self.precision)

    def nodes(self, g: Drawing, kinds: set[str]) -> None:
        """A box per leaf (a shared number: per use, in ``wires``), a circle per op."""
        for k, v in enumerate(self.order):
            if v.is_leaf:
                if is_shared_constant(v) and v is not self.root:
                    continue  # a box per use, next to its consumer
                self.ids[v] = f"c{k}"
                kind = v.role if v.role in style.NODE_STYLES else "input"
                kinds.add(kind)
                name = self.namer.text(v) if v.label is not None else self.fmt(v.data)
                g.body.append(f"\tc{k} {attr_list(style.NODE_STYLES[kind], [name])}\n")
            else:
                self.ids[v] = f"c{k}_op"
                kinds.add("op")
                attrs = dict(style.NODE_STYLES["op"])
                if v.op.at_kink:
                    attrs.update(style.KINK_STYLE)
                g.body.append(f"\tc{k}_op {attr_list(attrs, [v.op.symbol])}\n")

    def stack_leaves(self, g: Drawing, rankdir: str) -> None:
        """Chains stacking the leaves that share a column as the slides do: x⁽⁰⁾₁ above
        x⁽⁰⁾₂, W⁽²⁾₁₁ above W⁽²⁾₁₂ (see :mod:`.order`; a circuit has no clusters)."""
        index = {v: k for k, v in enumerate(self.order)}

        def key(v: Value) -> tuple[object, ...]:
            return sort_key(v.label) if v.label else (), index[v]

        columns = leaf_columns(self.order, value_ranks(self.order),
                               lambda v: v in self.ids, lambda v: (), key)
        for leaves in columns.get((), []):
            g.body.append(chain([self.ids[v] for v in leaves], "\t", in_cluster=False,
                                rankdir=rankdir))

    def wire_label(self, v: Value) -> str:
        """The value on a wire, with its name when it has one (z⁽¹⁾₂ = 0.25)."""
        value = self.fmt(v.data)
        return f"{self.namer.text(v)} = {value}" if v.label is not None and v.inputs else value

    def wire(self, g: Drawing, src: str, dst: str, value: str, grad: str,
             local: str | None = None) -> None:
        """One wire: one edge whose label has the value (green) above the gradient (red)
        and, with ``local``, the local derivative (grey); the rows are coloured in the SVG
        (see :mod:`.rows`), so the numbers of a wire always sit together beside it."""
        wid = f"wire{len(g.row_colors)}"
        lines = [value, grad] if local is None else [value, grad, f"local {local}"]
        look = {"color": "#374151", "fontcolor": VALUE_COLOR, "fontsize": "14", "id": wid}
        g.body.append(f"\t{src} -> {dst} {attr_list(look, lines)}\n")
        g.row_colors[wid] = (VALUE_COLOR, GRAD_COLOR, LOCAL_COLOR)[: len(lines)]

    def wires(self, g: Drawing) -> None:
        """A wire per use of each value, and the output's last wire."""
        for k, v in enumerate(self.order):
            if v.is_leaf:
                continue
            upstream = self.table.get(v, 0.0)
            for j, i in enumerate(v.inputs):
                d = local_derivative(v, j)
                src = self.ids.get(i)
                if src is None:  # a shared number: its own small box at this use
                    src = f"c{k}_k{j}"
                    const = attr_list(style.NODE_STYLES["const"], [self.fmt(i.data)])
                    g.body.append(f"\t{src} {const}\n")
                grad = self.fmt(float(upstream) * d)
                self.wire(g, src, self.ids[v], self.wire_label(i), grad,
                          self.fmt(d) if self.local else None)
        out = "c_out"
        name = self.namer.text(self.root) if self.root.label is not None else "z"
        g.body.append(f"\t{out} {attr_list({'shape': 'plaintext', 'style': ''}, [name])}\n")
        self.wire(g, self.ids[self.root], out, self.wire_label(self.root), self.fmt(1.0))


def draw_circuit(
    root: Value,
    *,
    precision: int = 4,
    local: bool = False,
    legend: bool = True,
    rankdir: str = "LR",
    title: str | None = None,
) -> Drawing:
    """The circuit of ``root``: beside each wire its value (green) above its gradient
    (red); ``local`` adds each wire's local derivative (grey). Runs ``build_grad(root)``
    (no ``.grad`` is touched). Readable up to networks of Vo's size (2-3-1)."""
    if not isinstance(root, Value):
        raise TypeError(f"draw_circuit: expected the Value to draw, got {type(root).__name__}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be LR, TB, RL or BT, got {rankdir!r}")
    style.fmt(0.0, precision)
    c = _Circuit(root, build_grad(root), precision, local)
    if len(c.order) > CIRCUIT_MAX_VALUES:
        raise ValueError(f"draw_circuit: {len(c.order)} values is too many for a circuit "
                         f"(at most {CIRCUIT_MAX_VALUES}); use draw_forward, which summarises")
    g = Drawing(name="circuit")
    g.graph_attr.update(rankdir=rankdir, fontname=style.FONT, nodesep="0.35", ranksep="1.1")
    g.node_attr.update(shape="box", style="filled", fontname=style.FONT, fontsize="14",
                       height="0.3")
    g.edge_attr.update(arrowsize="0.7", fontname=style.FONT)
    if title:
        g.body.append(f"\tgraph {attr_list({'labelloc': 't', 'labeljust': 'l'}, [title])}\n")
    kinds: set[str] = set()
    c.nodes(g, kinds)
    c.stack_leaves(g, rankdir)
    c.wires(g)
    if legend:
        z = c.namer.text(root) if root.label else "z"
        note = {"shape": "note", "style": "filled", "fillcolor": "#f9fafb", "fontsize": "12",
                "fontcolor": "#111827", "id": "c_legend"}
        text = ["beside each wire:", "its value", f"below it: ∂{z}/∂(wire), the gradient"]
        colors = ["#111827", VALUE_COLOR, GRAD_COLOR]
        if local:
            text.append("then: ∂(consumer)/∂(wire), the local derivative")
            colors.append(LOCAL_COLOR)
        g.body.append(f"\tc_legend {attr_list(note, text)}\n")
        g.row_colors["c_legend"] = tuple(colors)
    g.ids = dict(c.ids)
    nodes = sum(1 for line in g.body if " [label=" in line and " -> " not in line)
    g.counts = {"values": len(c.order), "dot_nodes": nodes}
    return g
