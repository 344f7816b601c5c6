"""A self-contained HTML page that steps through back-propagation, one grad_table entry at a time.

The page holds the forward graph as inline SVG and a little script (no network, one file).
Step k reveals ∂z/∂v for the k-th node build_grad completed (z first), highlights that node
(yellow), its consumers C (blue) and the edges along which their contributions
∂z/∂C · ∂C/∂v arrive, and writes the sum out:

    ∂z/∂v = Σ_C ∂z/∂C · ∂C/∂v

Controls: next / previous buttons, a slider, the arrow keys; ``#step=k`` in the URL opens
the page at step k (0: nothing known yet).

A node drawn more than once is highlighted in every copy: a bare constant's boxes (one per
use) each show what that use contributes, a ↺ copy of a far-used leaf shows the leaf's
gradient. On a summarised graph, a node inside a collapsed group (or the summary box) lights
up that box, and its contributions run along the group's edges.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any

from .. import Value, build_grad, topological_order
from . import style
from .dot import _Builder, _check_max_nodes
from .rendering import to_svg

STEPPER_MAX_NODES = 300


def stepper_steps(root: Value, precision: int = 4) -> tuple[list[dict[str, Any]], Any]:
    """The steps of build_grad(root) as plain data, and the table they come from."""
    table = build_grad(root, keep_terms=True)
    zname = table.name(root)
    steps = []
    for k, (node, g) in enumerate(table.items()):
        terms = table.terms(node)
        steps.append({
            "step": k,
            "name": table.name(node),
            "symbol": f"∂{zname}/∂{table.name(node)}",
            "data": style.fmt(node.data, precision),
            "grad": style.fmt(g, precision),
            "terms": [
                {"consumer": table.name(c), "value": style.fmt(t, precision)} for c, t in terms
            ],
            "chain": (f"∂{zname}/∂{zname} = {style.fmt(g, precision)} (the seed)" if k == 0
                      else table.chain_rule(node, digits=precision)),
        })
    return steps, table


def stepper_html(
    root: Value,
    *,
    precision: int = 4,
    title: str | None = None,
    max_nodes: int | None = STEPPER_MAX_NODES,
    renderer: str = "auto",
) -> str:
    """The stepper page for ``root`` as HTML text (one file, nothing loaded from the network).

    Runs ``build_grad(root, keep_terms=True)``; no ``.grad`` is touched.
    """
    if not isinstance(root, Value):
        raise TypeError(f"stepper_html: expected a Value, got {type(root).__name__}: {root!r}")
    steps, table = stepper_steps(root, precision)
    order = topological_order(root)
    builder = _Builder(order, set(order), {}, [], precision, False, table,
                       grad_placeholder="?", svg_ids=True)
    drawing = builder.emit(sinks=[root], legend=False, clusters=True, collapse=None,
                           max_nodes=_check_max_nodes(max_nodes), rankdir="LR", title=None,
                           name="stepper")
    for (node, _g), s in zip(table.items(), steps, strict=True):
        s.update(_marks(drawing, table, node, s["grad"], precision))
    svg = _strip_prolog(to_svg(drawing, renderer))
    heading = title or f"Back-propagation through {table.name(root)}: the grad_table, step by step"
    note = f'<p class="note">{html.escape(drawing.note)}</p>' if drawing.note else ""
    data = json.dumps(steps, ensure_ascii=False).replace("</", "<\\/")
    zname = html.escape(f"∂{table.name(root)}/∂node")
    return _PAGE.format(title=html.escape(heading), svg=svg, data=data, n=len(steps), note=note,
                        zname_header=zname)


def _marks(drawing: Any, table: Any, node: Value, grad: str,
           precision: int) -> dict[str, Any]:
    """Where a step shows on the picture: ``id`` (the node's own box, or the group/summary box
    standing for it), ``marks`` (every box of it: copies too), ``fills`` ([box, gradient text]
    for its "grad ?" lines), ``consumers`` (boxes and op circles of its consumers) and ``edges``
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


def write_stepper(root: Value, path: str | os.PathLike[str], **opts: Any) -> Path:
    """Write :func:`stepper_html` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(stepper_html(root, **opts), encoding="utf-8")
    return path


def _strip_prolog(svg: str) -> str:
    """SVG as an element to inline in HTML: no XML declaration, doctype or comments."""
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    return svg.strip()


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 1em; color: #111827; }}
#controls {{ display: flex; gap: 0.6em; align-items: center; margin: 0.5em 0; }}
#controls button {{ font-size: 1em; padding: 0.3em 0.9em; }}
#slider {{ width: 20em; }}
#panel {{ background: #f9fafb; border: 1px solid #d1d5db; border-radius: 6px;
          padding: 0.6em 0.9em; margin: 0.5em 0; min-height: 3.2em; }}
#chain {{ font-family: monospace; white-space: pre-wrap; }}
#graph svg {{ max-width: 100%; height: auto; }}
.note {{ color: #6d28d9; }}
g.node.known polygon, g.node.known ellipse {{ stroke-width: 2; }}
g.node.current polygon, g.node.current ellipse {{ fill: #fde047 !important;
  stroke: #a16207 !important; stroke-width: 3; }}
g.node.consumer polygon, g.node.consumer ellipse {{ fill: #bfdbfe !important;
  stroke: #1d4ed8 !important; stroke-width: 2.5; }}
g.edge.contrib path {{ stroke: #1d4ed8 !important; stroke-width: 3; }}
g.edge.contrib polygon {{ fill: #1d4ed8 !important; stroke: #1d4ed8 !important; }}
text.grad-known {{ font-weight: bold; fill: #b45309; }}
table.gt {{ border-collapse: collapse; margin-top: 0.5em; }}
table.gt td, table.gt th {{ border: 1px solid #d1d5db; padding: 0.15em 0.6em; }}
table.gt tr.current {{ background: #fef9c3; }}
</style>
</head>
<body>
<h2>{title}</h2>
{note}
<div id="controls">
  <button id="prev" type="button">&#9664; previous</button>
  <button id="next" type="button">next &#9654;</button>
  <input id="slider" type="range" min="0" max="{n}" value="0" aria-label="step">
  <span id="position">0 / {n}</span>
</div>
<div id="panel">
  <div>step <b id="current-step">–</b>: <b id="current-name">press next to start</b>
  = <b id="current-grad">?</b></div>
  <div id="chain"></div>
</div>
<div id="graph">{svg}</div>
<table class="gt"><thead><tr><th>step</th><th>node</th><th>{zname_header}</th></tr></thead>
<tbody id="table"></tbody></table>
<script>
"use strict";
const STEPS = {data};
const N = STEPS.length;
let position = 0;
const byId = (id) => (id ? document.getElementById(id) : null);
const gradTexts = new Map();
for (const s of STEPS) {{
  for (const [id, _grad] of s.fills) {{
    const g = byId(id);
    if (!g || gradTexts.has(id)) continue;
    for (const t of g.querySelectorAll("text")) {{
      if (t.textContent.startsWith("grad ")) {{ gradTexts.set(id, t); break; }}
    }}
  }}
}}
function edgesInto(source, target) {{
  const out = [];
  for (const e of document.querySelectorAll("g.edge")) {{
    const title = e.querySelector("title");
    if (title && title.textContent === source + "->" + target) out.push(e);
  }}
  return out;
}}
function clearMarks() {{
  for (const el of document.querySelectorAll(".current, .consumer, .contrib, .known")) {{
    el.classList.remove("current", "consumer", "contrib", "known");
  }}
}}
function show(p) {{
  position = Math.max(0, Math.min(N, p));
  clearMarks();
  for (const [id, t] of gradTexts) {{ t.textContent = "grad ?"; t.classList.remove("grad-known"); }}
  const rows = [];
  for (let i = 0; i < position; i++) {{
    const s = STEPS[i];
    for (const [id, grad] of s.fills) {{
      const t = gradTexts.get(id);
      if (t) {{ t.textContent = "grad " + grad; t.classList.add("grad-known"); }}
    }}
    for (const id of s.marks) {{ const g = byId(id); if (g) g.classList.add("known"); }}
    rows.push("<tr" + (i === position - 1 ? " class=\\"current\\"" : "") + "><td>" + s.step +
              "</td><td>" + escapeHtml(s.name) + "</td><td>" + s.grad + "</td></tr>");
  }}
  document.getElementById("table").innerHTML = rows.join("");
  const stepEl = document.getElementById("current-step");
  const nameEl = document.getElementById("current-name");
  const gradEl = document.getElementById("current-grad");
  const chainEl = document.getElementById("chain");
  if (position === 0) {{
    stepEl.textContent = "–"; nameEl.textContent = "press next to start";
    gradEl.textContent = "?"; chainEl.textContent = "";
  }} else {{
    const s = STEPS[position - 1];
    stepEl.textContent = String(s.step);
    nameEl.textContent = s.symbol;
    gradEl.textContent = s.grad;
    chainEl.textContent = s.chain;
    for (const c of s.consumers) {{ const el = byId(c); if (el) el.classList.add("consumer"); }}
    for (const id of s.marks) {{
      const g = byId(id);
      if (g) {{ g.classList.remove("known", "consumer"); g.classList.add("current"); }}
    }}
    for (const [a, b] of s.edges) for (const e of edgesInto(a, b)) e.classList.add("contrib");
  }}
  document.getElementById("slider").value = String(position);
  document.getElementById("position").textContent = position + " / " + N;
  document.getElementById("prev").disabled = position === 0;
  document.getElementById("next").disabled = position === N;
  document.body.dataset.position = String(position);
}}
function escapeHtml(s) {{
  const map = {{"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}};
  return s.replace(/[&<>"]/g, (c) => map[c]);
}}
document.getElementById("next").addEventListener("click", () => show(position + 1));
document.getElementById("prev").addEventListener("click", () => show(position - 1));
document.getElementById("slider").addEventListener("input", (e) => show(Number(e.target.value)));
document.addEventListener("keydown", (e) => {{
  if (e.key === "ArrowRight") show(position + 1);
  if (e.key === "ArrowLeft") show(position - 1);
}});
const m = /step=(\\d+)/.exec(location.hash);
show(m ? Number(m[1]) : 0);
</script>
</body>
</html>
"""
