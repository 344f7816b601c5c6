"""Reading a drawing's layout back from Graphviz: node positions, the order of boxes named in
the slides' notation, gradient boxes off their node's column, edge crossings.

Positions come from Graphviz's ``plain`` output (the system ``dot``, or the in-process wasm
Graphviz); in ``plain``, y grows upwards. Names are read back from the labels with an inverse
written here (superscript and subscript digits → digits), not by the module under test.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from itertools import combinations

from dot_parse import DotGraph, label_lines, parse_dot

from autograd_core.draw import pipe
from autograd_core.draw.style import NODE_STYLES

SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
NAME = re.compile(r"^(?P<base>[xzWβ])(?:⁽(?P<layer>[⁰-⁹¹²³]+)⁾)(?P<index>[₀-₉]+)$")
Point = tuple[float, float]


def plain(source: str, renderer: str) -> str:
    """Graphviz's ``plain`` layout of ``source``: ``system`` (dot -Tplain) or ``wasm``."""
    if renderer == "system":
        return subprocess.run(["dot", "-Tplain"], input=source.encode("utf-8"),
                              capture_output=True, check=True, timeout=120).stdout.decode()
    return pipe(source, "plain", renderer="wasm").decode("utf-8")


def layout(source: str, renderer: str) -> tuple[dict[str, Point], list[list[Point]]]:
    """(node → centre, each edge's spline control points) of the laid-out graph; invisible
    edges (the ordering chains and anchors) are left out."""
    nodes: dict[str, Point] = {}
    edges: list[list[Point]] = []
    for line in plain(source, renderer).splitlines():
        parts = line.split()
        if parts and parts[0] == "node":
            nodes[parts[1]] = (float(parts[2]), float(parts[3]))
        elif parts and parts[0] == "edge" and "invis" not in parts[-2:]:
            n = int(parts[3])
            xs = [float(p) for p in parts[4:4 + 2 * n]]
            edges.append(list(zip(xs[0::2], xs[1::2], strict=True)))
    return nodes, edges


def named_boxes(p: DotGraph) -> dict[str, str]:
    """First label line → DOT node, for the boxes (not the legend, not ↺ copies)."""
    out: dict[str, str] = {}
    for n, attrs in p.nodes.items():
        if n.startswith(("legend", "anchor")) or "label" not in attrs:
            continue
        out.setdefault(label_lines(attrs["label"])[0], n)
    return out


def slide_name(name: str) -> tuple[str, int, tuple[int, ...]] | None:
    """(base, layer, indices) of x⁽⁰⁾₂, W⁽¹⁾₂₁, z⁽¹⁾₃, β⁽¹⁾₂ (one digit per index), else None."""
    m = NAME.match(name)
    if m is None:
        return None
    index = tuple(int(c) for c in m.group("index").translate(SUB))
    return m.group("base"), int(m.group("layer").translate(SUP)), index


GROUP = re.compile(r"^neuron (?P<neuron>\d+) of layer (?P<layer>\d+)$")


def _stack_keys(name: str) -> list[tuple[tuple[object, ...], int, bool]]:
    """(a stack the box belongs to, its place in it, whether only boxes sharing a column are
    compared), for the boxes whose order the slides fix."""
    group = GROUP.match(name)
    if group is not None:  # a collapsed neuron: neurons 1, 2, 3 of a layer from the top
        return [(("neuron", int(group["layer"])), int(group["neuron"]), False)]
    grad = name.startswith("∂") and "/∂" in name
    s = slide_name(name.split("/∂", 1)[1] if grad else name)
    if s is None:
        return []
    base, layer, index = s
    tag = ("∂" if grad else "") + base
    if base == "x" and layer == 0:
        return [((tag, 0), index[0], grad)]
    if base == "W" and len(index) == 2:  # a neuron's weights, and the neurons by their first
        rows = [((tag, "rows", layer), index[0], grad)] if index[1] == 1 else []
        return [((tag, layer, index[0]), index[1], grad), *rows]
    if base == "z":
        return [((tag, layer), index[0], grad)]
    return []


def stacked_names(source: str) -> set[str]:
    """The boxes of a drawing that :func:`order_violations` compares with another box."""
    counts: dict[tuple[object, ...], list[str]] = defaultdict(list)
    for name in named_boxes(parse_dot(source)):
        for stack, _place, _column in _stack_keys(name):
            counts[stack].append(name)
    return {n for names in counts.values() if len(names) > 1 for n in names}


def order_violations(source: str, renderer: str) -> list[str]:
    """The pairs drawn in the wrong order top to bottom (rankdir LR): the inputs x⁽⁰⁾ᵢ by i,
    each neuron's weights W⁽ᴸ⁾ₙᵢ by i, the neurons of each layer by n (their z⁽ᴸ⁾ₙ, their
    first weights W⁽ᴸ⁾ₙ₁), the collapsed
    neuron boxes ("neuron n of layer L") by n, and the gradient boxes ∂l/∂x⁽⁰⁾ᵢ, ∂l/∂W⁽ᴸ⁾ₙᵢ,
    ∂l/∂z⁽ᴸ⁾ₙ of the same stacks (those that share a column: a gradient sits in its node's)."""
    p = parse_dot(source)
    pos, _ = layout(source, renderer)
    stacks: dict[tuple[object, ...], list[tuple[int, str]]] = defaultdict(list)
    same_column: set[tuple[object, ...]] = set()
    boxes = named_boxes(p)
    for name in boxes:
        for stack, place, by_column in _stack_keys(name):
            stacks[stack].append((place, name))
            if by_column:
                same_column.add(stack)
    wrong = []
    for stack, items in stacks.items():
        items.sort()
        for k, (_, upper) in enumerate(items):
            for _, lower in items[k + 1:]:
                (ux, uy), (lx, ly) = pos[boxes[upper]], pos[boxes[lower]]
                if stack in same_column and abs(ux - lx) > 0.05:
                    continue
                if uy <= ly:
                    wrong.append(f"{upper} is not above {lower}")
                break
    return wrong


def gradient_boxes(p: DotGraph) -> dict[str, list[str]]:
    """Gradient box → the names it is the gradient of (∂l/∂v lines)."""
    fill = NODE_STYLES["grad"]["fillcolor"]
    return {n: [s.split("/∂", 1)[1] for s in label_lines(a["label"]) if s.startswith("∂")]
            for n, a in p.nodes.items() if a.get("fillcolor") == fill and "label" in a}


def off_column(source: str, renderer: str) -> tuple[int, int]:
    """(gradient boxes not in the column of any forward node they are the gradient of, all
    gradient boxes with such a node drawn)."""
    p = parse_dot(source)
    pos, _ = layout(source, renderer)
    boxes = named_boxes(p)
    off = total = 0
    for n, names in gradient_boxes(p).items():
        columns = [pos[boxes[v]][0] for v in names if v in boxes and boxes[v] != n]
        if columns:
            total += 1
            off += all(abs(pos[n][0] - x) > 0.05 for x in columns)
    return off, total


def _segments(points: list[Point], steps: int = 6) -> list[tuple[Point, Point]]:
    """An edge's spline (cubic Bézier pieces: 1 + 3k control points) as a polyline of
    ``steps`` segments per piece."""
    curve: list[Point] = [points[0]]
    for k in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[k:k + 4]
        for j in range(1, steps + 1):
            t = j / steps
            a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3
            curve.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                          a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return list(zip(curve, curve[1:], strict=False))


def _box(segments: list[tuple[Point, Point]]) -> tuple[float, float, float, float]:
    xs = [x for seg in segments for x, _ in seg]
    ys = [y for seg in segments for _, y in seg]
    return min(xs), min(ys), max(xs), max(ys)


def _cross(s: tuple[Point, Point], t: tuple[Point, Point]) -> bool:
    """Whether two segments properly cross (touching ends do not count)."""
    (a, b), (c, d) = s, t

    def orient(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2 = orient(c, d, a), orient(c, d, b)
    d3, d4 = orient(a, b, c), orient(a, b, d)
    return d1 * d2 < 0 and d3 * d4 < 0


def crossings(source: str, renderer: str) -> int:
    """Pairs of drawn edges that cross, each edge's spline sampled as a polyline (edges that
    share an end point are not compared: they meet there)."""
    _, edges = layout(source, renderer)
    curves = []
    for e in edges:
        segments = _segments(e)
        curves.append((e[0], e[-1], segments, _box(segments)))
    count = 0
    for (a0, a1, sa, ba), (b0, b1, sb, bb) in combinations(curves, 2):
        if {a0, a1} & {b0, b1} or ba[0] > bb[2] or bb[0] > ba[2] or ba[1] > bb[3] \
                or bb[1] > ba[3]:
            continue
        if any(_cross(s, t) for s in sa for t in sb):
            count += 1
    return count
