"""The legend: one small sample box per kind of node that occurs in the picture."""

from __future__ import annotations

from . import style
from .quoting import attr_list


def legend_lines(kinds: set[str]) -> list[str]:
    """The DOT lines of the legend cluster for these kinds (none when no kind is known)."""
    rows = style.legend_rows(kinds)
    if not rows:
        return []
    out = ["\tsubgraph cluster_legend {\n",
           '\t\tlabel="legend" style="rounded" color="#9ca3af" fontcolor="#6b7280"\n']
    for kind, text in rows:
        attrs = dict(style.NODE_STYLES.get(kind, style.NODE_STYLES["value"]))
        if kind == "kink":
            attrs.update(style.KINK_STYLE)
        if kind == "far":
            attrs.update(style.NODE_STYLES["input"], **style.FAR_COPY_STYLE)
        if attrs.get("shape") == "circle":
            attrs["shape"] = "ellipse"
        attrs["fontsize"] = "10"
        out.append(f"\t\tlegend_{kind} {attr_list(attrs, [text])}\n")
    out.append("\t}\n")
    return out
