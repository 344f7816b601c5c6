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

from collections.abc import Iterable
from typing import Any

from .. import GradTable, Value, build_grad, ops, topological_order
from . import style
from .builder import FAR_RANKS, LAYOUT_EFFORT_ABOVE, GraphBuilder, is_shared_constant, value_ranks
from .drawing import Drawing

__all__ = ["DEFAULT_MAX_NODES", "FAR_RANKS", "LAYOUT_EFFORT_ABOVE", "GraphBuilder",
           "check_max_nodes", "draw_backward", "draw_forward", "draw_steps",
           "is_shared_constant", "value_ranks"]

DEFAULT_MAX_NODES = 400
MIN_MAX_NODES = 8


def _check_root(root: Any, what: str) -> Value:
    if not isinstance(root, Value):
        raise TypeError(f"{what}: expected the Value to draw, got {type(root).__name__}: {root!r}")
    return root


def _last_table(root: Value) -> GradTable | None:
    """The grad_table of root's last backward(), if any."""
    try:
        return root.grad_table
    except AttributeError:
        return None


def check_max_nodes(max_nodes: Any) -> int | None:
    """``max_nodes`` as the drawings take it (None: no limit), or ValueError naming it."""
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
    table = None
    if show_steps:
        table = _last_table(root) or build_grad(root)
    if show_grad is None:
        show_grad = _last_table(root) is not None or any(v.grad != 0.0 for v in order)
    b = GraphBuilder(order, set(order), {}, [], precision, bool(show_grad), table,
                     show_steps=show_steps)
    return b.emit(
        sinks=[root], legend=legend, clusters=clusters, collapse=collapse,
        max_nodes=check_max_nodes(max_nodes), rankdir=rankdir, title=title,
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
    max_nodes = check_max_nodes(max_nodes)
    if table is not None:
        if not isinstance(table, GradTable):
            raise TypeError(f"table must be a GradTable, got {type(table).__name__}")
        if not table.symbolic or table.root is not root:
            raise ValueError(
                "table must come from build_grad(root, ..., create_graph=True) for this root "
                f"(got symbolic={table.symbolic}, root matches: {table.root is root})"
            )
    options: dict[str, Any] = dict(
        precision=precision, show_steps=show_steps, link_grads=link_grads, legend=legend,
        clusters=clusters, collapse=collapse, max_nodes=max_nodes, rankdir=rankdir, title=title)
    if table is not None:
        return _backward(root, table, **options)
    if wrt is not None:
        targets = [wrt] if isinstance(wrt, Value) else list(wrt)
        return _backward(root, build_grad(root, targets or None, create_graph=True), **options)
    # every leaf but the bare numbers (their gradients are of no use)
    leaves = [v for v in topological_order(root) if v.is_leaf and v.op is not ops.NUMBER]
    g = _backward(root, build_grad(root, leaves or None, create_graph=True), **options)
    params = [v for v in leaves if v.role == "param"]
    if g.note is None or not params or len(params) == len(leaves):
        return g
    # a summary: the gradients of the parameters only (∂l/∂x of each input makes a chain of
    # scratch sums per input that nobody asked for: most of a batch's picture)
    return _backward(root, build_grad(root, params, create_graph=True), **options,
                     dropped="gradients of the parameters only (wrt=[...] draws others)")


def _backward(root: Value, table: GradTable, *, precision: int, show_steps: bool,
              link_grads: bool, legend: bool, clusters: bool, collapse: Any,
              max_nodes: int | None, rankdir: str, title: str | None,
              dropped: str | None = None) -> Drawing:
    """The backward drawing of one grad_table (``dropped``: what the summary left out)."""
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
    b = GraphBuilder(forward_order + grad_order, forward, grad_of, float_grads, precision,
                     False, table, link_grads=link_grads, show_steps=show_steps)
    # sinks for summarising: the parameters' gradients first (what the picture is for), the
    # other gradients, then z
    params = [g for g, of in grad_of.items()
              if g not in forward and any(u.role == "param" for u in of)]
    taken = set(params)
    sinks = params + [g for g in grad_of if g not in forward and g not in taken] + [root]
    return b.emit(
        sinks=sinks, legend=legend, clusters=clusters, collapse=collapse,
        max_nodes=max_nodes, rankdir=rankdir, title=title,
        name="backward", grad_order=grad_order, dropped=dropped,
    )
