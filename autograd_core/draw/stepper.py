"""A page that steps through back-propagation, one grad_table entry at a time, to teach with.

Step k shows ∂z/∂v for the k-th node build_grad completed (z first), highlights v (yellow),
its consumers C (blue) and the edges their contributions arrive along, and writes the chain
rule out with its factors, from the engine's recorded terms::

    ∂l/∂z⁽²⁾ = ∂l/∂x⁽²⁾ · ∂x⁽²⁾/∂z⁽²⁾ = 1.465 × 0.2166 = 0.3172
    ∂x⁽²⁾/∂z⁽²⁾ = σ(z⁽²⁾)(1 − σ(z⁽²⁾)) = x⁽²⁾(1 − x⁽²⁾) = 0.2166      (σ's own rule)

Each term ∂z/∂C · ∂C/∂v is the one ``build_grad(root, keep_terms=True)`` recorded; ∂z/∂C is
C's entry of the grad_table, and ∂C/∂v is C's op rule (:mod:`.rules`). Nodes are named as
the slides write them (:class:`autograd_core.notation.Namer`). Steps on the gradients of
bare numbers (the 1 of 1 − x) are left out unless ``numbers=True``; the steps shown are
numbered 0, 1, 2, … and the counter, the table and the panel agree.

The page (:func:`stepper_html`, :func:`write_stepper`) is one self-contained file: the
picture as inline SVG, its steps as JSON, svg-pan-zoom (vendored, zoom and pan) and a small
script. It loads nothing from the network. Controls: previous / next, play / pause with a
speed, a slider, ← → Home End and Space, a click on a box or a table row to jump to its step,
mouse wheel or + − 0 to zoom, drag to pan; ``#step=k`` in the URL opens step k. It opens
zoomed so that the smallest text is at least 14 px on screen, following the active node.

In a notebook, :func:`autograd_core.draw.stepper_widget` shows the same stepper in the cell.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import GradTable, Value, build_grad, ops, topological_order
from ..notation import Namer
from . import page, style
from .builder import GraphBuilder
from .dot import check_max_nodes
from .rendering import Renderer, to_svg
from .rules import local_derivatives, rule_text

STEPPER_MAX_NODES = 300

Step = dict[str, Any]


def _wrap(name: str) -> str:
    """A compound name in brackets, as in ∂l/∂(w·x + b)."""
    return name if page.atomic(name) else f"({name})"


def derivative(z: str, v: str) -> str:
    """∂z/∂v written with names, compound ones bracketed."""
    return f"∂{_wrap(z)}/∂{_wrap(v)}"


def _factor(text: str, first: bool = False) -> str:
    """A number as a factor of a product: negative ones in brackets, but at a line's start."""
    return f"({text})" if text.startswith("−") and not first else text


def _plus(texts: list[str]) -> str:
    """Numbers added up: a + b − c (a negative term after the first is subtracted)."""
    out = texts[0]
    for t in texts[1:]:
        out += f" − {t[1:]}" if t.startswith("−") else f" + {t}"
    return out


def is_number(v: Value) -> bool:
    """A bare number written into arithmetic (``x * 0.9``): its gradient teaches nothing."""
    return v.op is ops.NUMBER


def _terms(node: Value, table: GradTable, name: Callable[[Value], str], zname: str,
           precision: int) -> list[dict[str, str]]:
    """One entry per recorded term ∂z/∂C · ∂C/∂node, with both factors and C's rule."""
    f = style.fmt
    seen: dict[Value, int] = {}
    out = []
    for c, term in table.terms(node):
        k = seen.get(c, 0)  # the k-th use of node by c: its k-th input position holding node
        seen[c] = k + 1
        position = [j for j, i in enumerate(c.inputs) if i is node][k]
        local = local_derivatives(c)[position]
        cname = name(c)
        rule = rule_text(c, position, [name(i) for i in c.inputs], cname, precision)
        out.append({
            "via": cname,
            "upstream_symbol": derivative(zname, cname),
            "local_symbol": derivative(cname, name(node)),
            "upstream": f(table[c], precision),
            "local": f(local, precision),
            "term": f(term, precision),
            "rule": rule or "",
            "op": c.op.symbol,
        })
    return out


def _chain(symbol: str, grad: str, terms: list[dict[str, str]]) -> list[str]:
    """The chain rule as lines: one per term's symbols, the factors, the sum, the value."""
    if not terms:
        return [f"{symbol} = {grad}"]
    lines = [f"{symbol} = {t['upstream_symbol']} · {t['local_symbol']}" if k == 0
             else f"+ {t['upstream_symbol']} · {t['local_symbol']}" for k, t in enumerate(terms)]
    lines.append("= " + " + ".join(
        f"{_factor(t['upstream'], first=k == 0)} × {_factor(t['local'])}"
        for k, t in enumerate(terms)))
    if len(terms) > 1:
        lines.append("= " + _plus([t["term"] for t in terms]))
    lines.append(f"= {grad}")
    return lines


def stepper_steps(root: Value, precision: int = 4, *,
                  numbers: bool = False) -> tuple[list[Step], GradTable]:
    """The steps of ``build_grad(root, keep_terms=True)`` as plain data, and that table.

    ``numbers``: also the steps of bare numbers. Each step: ``step`` (0, 1, … as shown),
    ``name``, ``symbol`` (∂z/∂v), ``data``, ``grad``, ``terms`` (per recorded term: the
    consumer ``via``, ``upstream`` ∂z/∂C, ``local`` ∂C/∂v, ``term``, C's ``rule``), ``chain``
    (the chain rule as lines) and ``hidden`` (the table entries left out before it).
    """
    style.fmt(0.0, precision)
    table = build_grad(root, keep_terms=True)
    namer = Namer.of(root)
    name = namer.text
    zname = name(root)
    steps: list[Step] = []
    hidden: list[Value] = []
    for node, g in table.items():
        if not numbers and node is not root and is_number(node):
            hidden.append(node)
            continue
        symbol = derivative(zname, name(node))
        grad = style.fmt(g, precision)
        terms = _terms(node, table, name, zname, precision)
        steps.append({
            "step": len(steps), "node": node, "name": name(node), "symbol": symbol,
            "data": style.fmt(node.data, precision), "grad": grad, "terms": terms,
            "chain": _chain(symbol, grad, terms), "seed": node is root, "hidden": hidden,
        })
        hidden = []
    if hidden and steps:
        steps[-1]["hidden"] = steps[-1]["hidden"] + hidden
    return steps, table


def _widest(table: GradTable, precision: int) -> str:
    """The longest number any "grad" line will show: boxes are laid out to hold it."""
    texts = [style.fmt(g, precision) for _, g in table.items()]
    for node in table:
        try:
            texts += [style.fmt(t, precision) for _, t in table.terms(node)]
        except ValueError:
            break
    return max(texts, key=len, default="?")


def _drawing(root: Value, table: GradTable, precision: int, max_nodes: int | None,
             namer: Namer) -> Any:
    """The forward graph with a "grad" line per box (filled in by the page) and SVG ids."""
    order = topological_order(root)
    builder = GraphBuilder(order, set(order), {}, [], precision, False, table,
                           grad_placeholder=_widest(table, precision), svg_ids=True,
                           namer=namer)
    return builder.emit(sinks=[root], legend=False, clusters=True, collapse=None,
                        max_nodes=check_max_nodes(max_nodes), rankdir="LR", title=None,
                        name="stepper")


def _marks(drawing: Any, table: GradTable, node: Value, grad: str,
           precision: int) -> dict[str, Any]:
    """Where a step shows on the picture: ``id`` (the node's own box, or the group/summary box
    standing for it), ``marks`` (every box of it: copies too), ``fills`` ([box, gradient text]
    for its "grad" lines), ``consumers`` (boxes and op circles of its consumers) and ``edges``
    ([tail, head] of the DOT edges its contributions arrive along)."""
    ids, reps = drawing.ids, drawing.reps
    own = ids.get(node) or reps.get(node)
    copies = drawing.copies.get(node, [])
    marks = [i for i in [own, *(cid for cid, _c, _j in copies)] if i]
    fills = [[own, grad]] if node in ids else []
    # each use of a per-use constant shows its own term; a ↺ copy shows the node's gradient
    terms: dict[Value, list[Any]] = {}
    for c, t in table.terms(node):
        terms.setdefault(c, []).append(t)
    taken: dict[Value, int] = {}
    source: dict[tuple[Value, int], str] = {}
    for cid, c, j in copies:
        source[c, j] = cid
        if own is None:  # one box per use: the use's own contribution
            k = taken.get(c, 0)
            taken[c] = k + 1
            ts = terms.get(c, [])
            fills.append([cid, style.fmt(ts[k], precision) if k < len(ts) else "?"])
        else:
            fills.append([cid, grad])
    consumers: list[str] = []
    edges: list[list[str]] = []
    for c in terms:
        box = ids.get(c)
        target = box + "_op" if box else reps.get(c)
        for x in (box, target):
            if x and x not in consumers:
                consumers.append(x)
        for j, i in enumerate(c.inputs):
            if i is node:
                tail = source.get((c, j), own)
                if tail and target and [tail, target] not in edges:
                    edges.append([tail, target])
    return {"id": own or (marks[0] if marks else None), "marks": marks, "fills": fills,
            "consumers": consumers, "edges": edges}


def stepper_data(root: Value, *, precision: int = 4, title: str | None = None,
                 max_nodes: int | None = STEPPER_MAX_NODES, renderer: Renderer = "auto",
                 numbers: bool = False) -> dict[str, Any]:
    """What the page and the notebook widget show, as JSON-able data: ``title``, ``note``,
    ``svg`` (the picture, made safe to inline), ``steps`` and ``zname``."""
    if not isinstance(root, Value):
        raise TypeError(f"stepper: expected a Value, got {type(root).__name__}: {root!r}")
    steps, table = stepper_steps(root, precision, numbers=numbers)
    namer = Namer.of(root)  # the same names in the boxes, the panel and the table
    drawing = _drawing(root, table, precision, max_nodes, namer)
    for s in steps:
        s.update(_marks(drawing, table, s["node"], s["grad"], precision))
        s["also"] = [f for h in s["hidden"]
                     for f in _marks(drawing, table, h, style.fmt(table[h], precision),
                                     precision)["fills"]]
        del s["node"], s["hidden"]
    zname = namer.text(root)
    hidden = len(table) - len(steps)
    notes = [drawing.note] if drawing.note else []
    if hidden:
        notes.append(f"{hidden} step{'s' * (hidden != 1)} on bare numbers (the 1 of 1 − x) "
                     "left out: stepper_html(..., numbers=True) shows them.")
    return {
        "title": title or f"Back-propagation through {zname}",
        "subtitle": "the grad_table, one step at a time",
        "note": " ".join(notes),
        "zname": zname,
        "svg": page.safe_svg(to_svg(drawing, renderer)),
        "steps": steps,
    }


def stepper_html(root: Value, **opts: Any) -> str:
    """The stepper page for ``root`` as HTML text (one file, nothing loaded from the network).

    Options as :func:`stepper_data` (``precision``, ``title``, ``max_nodes``, ``renderer``,
    ``numbers``). Runs ``build_grad(root, keep_terms=True)``; no ``.grad`` is touched.
    """
    return page.html_page(stepper_data(root, **opts))


def write_stepper(root: Value, path: str | os.PathLike[str], **opts: Any) -> Path:
    """Write :func:`stepper_html` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(stepper_html(root, **opts), encoding="utf-8")
    return path

