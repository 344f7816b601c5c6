"""The stepper's HTML page: its parts (assets/), and the text boundary made safe.

User text (labels, names from worked examples and expressions, titles) reaches the page in
three places, each closed by construction:

* the steps, as JSON in a ``<script type="application/json">`` block: every ``<``, ``>``,
  ``&``, U+2028 and U+2029 is written as a ``\\uXXXX`` escape (:func:`json_for_html`), so no
  text can end the block, open a comment (``<!--``) or break the script;
* the picture, inline SVG from Graphviz (its text already XML-escaped), passed through
  :func:`safe_svg`: only drawing elements, no ``href``/``xlink:href``, no ``on…`` handler
  attribute, no ``url(…)`` but ``url(#local)``;
* the title and note, HTML-escaped; the script writes every name with ``textContent``.

The page loads nothing: svg-pan-zoom (BSD-2-Clause, vendored from npm with its licence) and
the stepper's own script and style are inlined.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from importlib import resources
from typing import Any

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")

# what Graphviz's SVG is made of; anything else is dropped (its text stays inert)
SVG_ELEMENTS = frozenset({
    "svg", "g", "title", "text", "tspan", "path", "polygon", "polyline", "ellipse", "circle",
    "rect", "line", "defs", "linearGradient", "radialGradient", "stop",
})
_TAG = re.compile(r"<(/?)([A-Za-z][\w:.-]*)((?:\s+[^\s=>/]+\s*=\s*\"[^\"]*\")*)\s*(/?)>")
_ATTR = re.compile(r"\s+([^\s=>/]+)\s*=\s*\"([^\"]*)\"")
_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.DOTALL)
_ATOMIC = re.compile(r"^[\w⁽⁾⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉'′.,\[\]]+$|^−?[\d.]+$")


def atomic(name: str) -> bool:
    """A name that needs no brackets in ∂z/∂name (a symbol or a number, not w·x + b)."""
    return bool(_ATOMIC.match(name))


def json_for_html(data: Any) -> str:
    """``data`` as JSON that is safe inside any HTML element: ``< > &`` U+2028 U+2029
    escaped (JSON.parse reads it back unchanged)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def _safe_attribute(name: str, value: str) -> bool:
    low = name.lower()
    if low.startswith("on") or low.endswith("href") or low in ("style", "src"):
        return False
    return "url(" not in value.replace("url(#", "") and "javascript:" not in value.lower()


def _safe_tag(m: re.Match[str]) -> str:
    closing, name, attrs, selfclosing = m.groups()
    if name not in SVG_ELEMENTS:
        return ""
    kept = "".join(f' {a}="{v}"' for a, v in _ATTR.findall(attrs) if _safe_attribute(a, v))
    return f"<{closing}{name}{kept}{selfclosing}>"


def safe_svg(svg: str) -> str:
    """Graphviz SVG as an element to inline in HTML: no XML prolog or comments, only drawing
    elements, no links, handlers, styles or external references.

    Between tags Graphviz's text is XML-escaped (no raw ``<`` or ``>``), so every tag is
    found; a ``<`` that starts no well-formed tag is escaped.
    """
    svg = _PROLOG.sub("", svg)
    pieces = []
    last = 0
    for m in _TAG.finditer(svg):
        pieces.append(svg[last:m.start()].replace("<", "&lt;").replace(">", "&gt;"))
        pieces.append(_safe_tag(m))
        last = m.end()
    pieces.append(svg[last:].replace("<", "&lt;").replace(">", "&gt;"))
    return "".join(pieces).strip()


@cache
def asset(name: str) -> str:
    """A file of ``autograd_core/draw/assets`` as text."""
    return (resources.files("autograd_core.draw") / "assets" / name).read_text(encoding="utf-8")


def script_parts() -> str:
    """svg-pan-zoom and the stepper's script, as one script (no ``</script`` inside)."""
    code = asset("svg-pan-zoom.min.js") + "\n" + asset("stepper.js")
    if "</script" in code.lower() or "<!--" in code:
        raise ValueError("an asset would end its <script> element")
    return code


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
html, body {{ margin: 0; }}
{css}
</style>
</head>
<body>
<div class="bp-stepper" id="stepper">
<header class="bp-head"><h1>{title}</h1><span class="bp-sub">{subtitle}</span></header>
<div class="bp-graph" id="bp-graph">{svg}</div>
</div>
<script type="application/json" id="stepper-data">{data}</script>
<script>
{script}
mountStepper(document.getElementById("stepper"),
             JSON.parse(document.getElementById("stepper-data").textContent),
             {{ globalKeys: true, hash: true }});
</script>
</body>
</html>
"""


def html_page(data: dict[str, Any]) -> str:
    """The whole page for :func:`autograd_core.draw.stepper.stepper_data`'s ``data``."""
    steps_only = {k: v for k, v in data.items() if k != "svg"}
    return _PAGE.format(title=html.escape(data["title"]), subtitle=html.escape(data["subtitle"]),
                        css=asset("stepper.css"), svg=data["svg"],
                        data=json_for_html(steps_only), script=script_parts())
