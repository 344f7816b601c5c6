"""Label rows in colours of their own: a circuit wire's value (green) above the gradient
flowing back along it (red), in one label on one edge.

Graphviz gives a whole label one ``fontcolor``, and the HTML-like labels that could colour a
row are not read by the in-process wasm Graphviz (it prints their markup as text), so such a
label is written as plain rows (through :mod:`.quoting`, like every label) in the first
row's colour, and the SVG is recoloured afterwards: in the element whose ``id`` is given,
the k-th ``<text>`` gets the k-th colour. Every renderer (the system ``dot``, the wasm one, a
function such as viz-js's under Pyodide) writes one ``<text>`` per row, in order; the PNG and
PDF of such a drawing are converted from the recoloured SVG.

>>> svg = '<g id="w1" class="edge"><text fill="green">0.5</text><text fill="green">-1</text></g>'
>>> recolor(svg, {"w1": ("green", "red")})
'<g id="w1" class="edge"><text fill="green">0.5</text><text fill="red">-1</text></g>'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_GROUP = re.compile(r'(<g\b[^>]*\bid="(?P<id>[^"]+)"[^>]*>)(?P<body>.*?)(</g>)', re.DOTALL)
_TEXT = re.compile(r"<text\b[^>]*>")
_FILL = re.compile(r'\sfill="[^"]*"')
_COLOR = re.compile(r"#[0-9a-fA-F]{6}|[a-z]+")


def recolor(svg: str, colors: Mapping[str, Sequence[str]]) -> str:
    """``svg`` with the rows of each element of ``colors`` (SVG id → a colour per row, a
    ``#rrggbb`` or a colour name) filled in those colours."""
    for palette in colors.values():
        for color in palette:
            if not _COLOR.fullmatch(color):
                raise ValueError(f"recolor: {color!r} is not a #rrggbb colour or a name")

    def group(m: re.Match[str]) -> str:
        palette = colors.get(m["id"])
        if not palette:
            return m.group(0)
        rows = iter(palette)

        def text(t: re.Match[str]) -> str:
            color = next(rows, None)
            if color is None:
                return t.group(0)
            tag = _FILL.sub("", t.group(0))
            return f'{tag[:-1]} fill="{color}">'

        return m.group(1) + _TEXT.sub(text, m["body"]) + m.group(4)

    return _GROUP.sub(group, svg)
