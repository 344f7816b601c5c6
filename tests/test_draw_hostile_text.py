"""Hostile text at the DOT boundary (issue 13): whatever a label or a title holds, the DOT has
the structure of a twin drawing with plain labels, under our reader and under both
renderers, and no SVG the library writes carries a link, a script or an event handler."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from dot_parse import label_lines, parse_dot
from hypothesis import example, given, settings
from hypothesis import strategies as st

from autograd_core import Value
from autograd_core.draw import draw_backward, draw_forward, pipe, to_svg
from autograd_core.draw.quoting import clean

HOSTILE = [
    '\\"]; evil [label=<click> URL=<javascript:alert(1)>]; //',
    "<x>]; evil [label=<y>",
    "<!--<script>alert(1)</script>",
    "a\\", "\\", '"', '\\"', "\\n\\N\\G\\E\\T\\H\\L", "x\x00y", "\ud800lone", "two\nlines",
    "} subgraph cluster_x { evil }", "<<B>bold</B>>", "&amp;&lt;", "\x1b[31m", "\r\n",
    "onload=alert(1)", 'URL="javascript:alert(1)"', "\ufffe\uffff",
]
texts = st.one_of(st.sampled_from(HOSTILE),
                  st.text(st.characters(exclude_categories=()), max_size=40))


def neuron(labels: list[str]):
    """w·x + b through σ, every node labelled by the given texts (the root's title too)."""
    x = Value(0.5, label=labels[0])
    w = Value(-2.5, label=labels[1], role="param")
    b = Value(1.0, label=labels[2], role="param")
    y = (w * x + b).sigmoid()
    y.label = labels[3]
    return y


def edge(a: str, b: str, attrs: dict) -> tuple[str, str]:
    """An edge as compared with the twin's: an invisible edge of a chain that orders boxes by
    their labels (draw/order.py) keeps its two ends but not its direction, which follows the
    labels' order."""
    return tuple(sorted((a, b))) if attrs.get("style") == "invis" else (a, b)


def structure(source: str):
    """Node names, edges, each node's attribute keys and the number of clusters, as our DOT
    reader sees them (cluster names come from the labels' group paths)."""
    p = parse_dot(source)
    return (sorted(p.nodes), sorted(edge(a, b, attrs) for a, b, attrs in p.edges),
            sorted((n, tuple(sorted(a))) for n, a in p.nodes.items()), len(p.clusters))


def rendered_structure(graph, renderer: str):
    """Node names and edges as Graphviz itself read them (its JSON output)."""
    data = json.loads(pipe(graph, "json", renderer).decode("utf-8"))
    objects = data.get("objects", [])
    names = {o["_gvid"]: o["name"] for o in objects}
    nodes = sorted(o["name"] for o in objects if "nodes" not in o)
    clusters = sum("nodes" in o for o in objects)
    edges = sorted(edge(names[e["tail"]], names[e["head"]], e)
                   for e in data.get("edges", []))
    return nodes, edges, clusters


def drawings(labels: list[str], title: str):
    y = neuron(labels)
    y.backward()
    return [draw_forward(y, title=title), draw_backward(y, title=title)]


def twin(texts: list[str]) -> list[str]:
    """Plain labels of the same shape: every character but digits, dots and brackets becomes a
    letter. The drawing reads a label's shape on purpose (dotted paths make groups, indexed
    leaves of one family are stacked in index order), so the twin must have the same shape."""
    return [re.sub(r"[^\d.\[\]]", "a", t) for t in texts]




@settings(max_examples=60, deadline=None)
@given(st.lists(texts, min_size=4, max_size=4), texts)
@example(["0", "0", HOSTILE[0], HOSTILE[0]], HOSTILE[0])  # x and w stacked as one family
@example(["a.0.x", "a.0.w", "a.0.b", "a.0.y"], "t")  # one group
def test_any_label_or_title_leaves_the_dot_structure_of_a_plain_twin(labels, title):
    for hostile, plain in zip(drawings(labels, title), drawings(twin(labels), "t"), strict=True):
        assert structure(hostile.source) == structure(plain.source)
        # and every label reads back as the text given (unsafe characters as U+FFFD)
        shown = {line for attrs in parse_dot(hostile.source).nodes.values()
                 for line in label_lines(attrs.get("label", ""))}
        for text in labels:
            for line in clean(text).split("\n"):
                assert any(line in s for s in shown), (text, shown)


RENDERERS = ["wasm"] + (["system"] if shutil.which("dot") else [])


@pytest.mark.parametrize("renderer", RENDERERS)
@settings(max_examples=8, deadline=None)
@given(labels=st.lists(texts, min_size=4, max_size=4), title=texts)
def test_graphviz_reads_the_same_structure_as_the_twin(renderer, labels, title):
    for hostile, plain in zip(drawings(labels, title), drawings(twin(labels), "t"), strict=True):
        assert rendered_structure(hostile, renderer) == rendered_structure(plain, renderer)


SVG_TAGS = {"svg", "g", "title", "polygon", "path", "ellipse", "text", "polyline", "defs",
            "linearGradient", "stop", "radialGradient"}


def assert_inert(svg: str) -> None:
    """No element or attribute of the SVG links, scripts, fetches or handles an event."""
    root = ET.fromstring(svg.encode("utf-8"))
    for el in root.iter():
        tag = el.tag.split("}")[-1]
        assert tag in SVG_TAGS, tag
        for key, value in el.attrib.items():
            name = key.split("}")[-1].lower()
            assert not name.startswith("on") and name not in ("href", "src"), key
            assert "javascript:" not in value.lower() and "url(" not in value.lower()


@pytest.mark.parametrize("renderer", RENDERERS)
def test_no_svg_carries_a_link_script_or_event_handler(renderer):
    for labels in ([HOSTILE[0], HOSTILE[1], HOSTILE[2], 'URL="javascript:alert(1)"'],
                   HOSTILE[4:8], HOSTILE[8:12]):
        for g in drawings(list(labels), HOSTILE[0] + HOSTILE[1]):
            assert_inert(to_svg(g, renderer))
