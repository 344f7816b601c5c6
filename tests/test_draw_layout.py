"""The backward graph's layout at Vo's size: each gradient box sits on the rank (the column,
left to right) of a forward node it is the gradient of, as laid out by the system ``dot``
(positions read from ``-Tplain``). Before the mirrored layout, most gradient boxes of Vo's
backward graph sat elsewhere."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from dot_parse import label_lines, parse_dot

from autograd_core.draw import draw_backward
from autograd_core.draw.style import NODE_STYLES
from autograd_core.draw_cli import worked_example_root

VO = Path(__file__).resolve().parent.parent / "autograd_core" / "examples" / "01_vo_mlp.worked"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="system Graphviz is missing")


def positions(source: str) -> dict[str, tuple[float, float]]:
    out = subprocess.run(["dot", "-Tplain"], input=source.encode("utf-8"), capture_output=True,
                         check=True, timeout=120).stdout.decode("utf-8")
    pos = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] == "node":
            pos[parts[1]] = (float(parts[2]), float(parts[3]))
    return pos


def off_rank(graph) -> tuple[int, int]:
    """(gradient boxes not in the column of any node they are the gradient of, all of them)."""
    p = parse_dot(graph.source)
    grad_fill = NODE_STYLES["grad"]["fillcolor"]
    forward: dict[str, str] = {}
    grads: dict[str, list[str]] = {}
    for n, attrs in p.nodes.items():
        if n.startswith("legend") or "label" not in attrs:
            continue
        lines = label_lines(attrs["label"])
        if attrs.get("fillcolor") == grad_fill:
            grads[n] = [s.split("/∂", 1)[1] for s in lines if s.startswith("∂")]
        elif len(lines) > 1 and lines[1].startswith("data"):
            forward.setdefault(lines[0], n)
    pos = positions(graph.source)
    off = 0
    for n, names in grads.items():
        columns = [pos[forward[name]][0] for name in names if name in forward]
        if columns and all(abs(pos[n][0] - x) > 0.05 for x in columns):
            off += 1
    return off, len(grads)


@needs_dot
def test_vo_gradients_sit_beside_their_forward_nodes():
    root = worked_example_root(VO)
    off, total = off_rank(draw_backward(root))
    assert total >= 20
    # 25 of 27 were off before the mirrored layout; 2 now (shared gradients across ranks)
    assert off <= total // 10, f"{off} of {total} gradient boxes are off their forward node's rank"
