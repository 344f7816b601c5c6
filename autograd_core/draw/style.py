"""How the pictures look: one colour and shape per kind of node, number format, the legend.

Kinds of node (a node's *kind* decides its style):

=============  ==========================================================
``input``      a leaf the user feeds in (x)                   light blue box
``param``      a trainable leaf (role "param", e.g. nn weights) green rounded box
``const``      a number wrapped into the graph (1.0 in x + 1)  grey dashed box
``value``      an intermediate result of an op                 white box
``op``         the operation that produced a value             small circle
``grad``       a gradient node ∂z/∂v inserted by create_graph  orange box
``grad_value`` an intermediate result of the gradient graph  pale orange box
``grad_op``    an op of the gradient graph (bprop's arithmetic) orange circle
``group``      a collapsed neuron / layer / summarised part    lilac folder
=============  ==========================================================

A leaf used far downstream of its first use is drawn again there (``far``): same label
marked ↺, its kind's colours, dashed. A node whose derivative was taken at a kink (relu at
exactly 0…) keeps its kind and gets a red double border and a ``kink`` line.
"""

from __future__ import annotations

import math
from typing import Any

FONT = "Helvetica"

# kind -> DOT attributes (beyond the graph-wide defaults shape=box, style=filled)
NODE_STYLES: dict[str, dict[str, str]] = {
    "input": {"fillcolor": "#dbeafe", "color": "#1d4ed8"},
    "param": {"fillcolor": "#dcfce7", "color": "#15803d", "style": "filled,rounded"},
    "const": {"fillcolor": "#f3f4f6", "color": "#6b7280", "style": "filled,dashed"},
    "value": {"fillcolor": "#ffffff", "color": "#374151"},
    "op": {"shape": "circle", "fillcolor": "#e5e7eb", "color": "#374151",
           "fontsize": "11", "width": "0.35", "fixedsize": "false", "margin": "0.02"},
    "grad": {"fillcolor": "#ffedd5", "color": "#c2410c", "penwidth": "1.5"},
    "grad_value": {"fillcolor": "#fff7ed", "color": "#c2410c"},
    "grad_op": {"shape": "circle", "fillcolor": "#fed7aa", "color": "#c2410c",
                "fontsize": "11", "width": "0.35", "margin": "0.02"},
    "group": {"shape": "folder", "fillcolor": "#ede9fe", "color": "#6d28d9"},
}

KINK_STYLE: dict[str, str] = {"color": "#dc2626", "peripheries": "2", "penwidth": "2"}

# a ↺ copy of a leaf drawn again next to a far use: its kind's colours, dashed and faded
FAR_COPY_STYLE: dict[str, str] = {"style": "filled,dashed", "fontcolor": "#4b5563"}

EDGE_STYLES: dict[str, dict[str, str]] = {
    "data": {"color": "#374151"},
    "grad": {"color": "#c2410c"},  # an edge inside the gradient graph
    "uses": {"color": "#2563eb", "style": "dashed"},  # forward value used by a gradient op
    "of": {"color": "#c2410c", "style": "dotted", "arrowhead": "none", "constraint": "false"},
}

LEGEND_TEXT: dict[str, str] = {
    "input": "input",
    "param": "parameter",
    "const": "constant",
    "value": "intermediate value",
    "op": "op",
    "grad": "gradient ∂z/∂v",
    "grad_value": "intermediate of the gradient graph",
    "grad_op": "op of the gradient graph (bprop)",
    "group": "collapsed group",
    "kink": "derivative at a kink",
    "far": "↺ the same leaf again, drawn near a far use",
}

LEGEND_ORDER = ("input", "param", "const", "value", "op", "grad", "grad_value", "grad_op", "group",
                "kink", "far")


def fmt(x: Any, precision: int = 4) -> str:
    """A number with ``precision`` significant digits (4 by default, like the slides)."""
    if not isinstance(precision, int) or isinstance(precision, bool) or precision < 1:
        raise ValueError(f"precision must be a positive integer, got {precision!r}")
    x = getattr(x, "data", x)
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    s = f"{x:.{precision}g}"
    return "0" if s == "-0" else s.replace("-", "−")


def lines(*fields: str) -> str:
    """A node label of several lines (DOT escapes: a backslash is doubled, lines join with \\n).

    Plain boxes with one line per field, not record shapes: old Graphviz (2.43) aborts on
    records joined by a flat edge, which collapsed groups can produce.
    """
    return "\\n".join(f.replace("\\", "\\\\") for f in fields)


def legend_rows(kinds: set[str]) -> list[tuple[str, str]]:
    """(kind, text) for the kinds that occur in a picture, in a fixed order."""
    return [(k, LEGEND_TEXT[k]) for k in LEGEND_ORDER if k in kinds]
