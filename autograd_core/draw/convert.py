"""SVG → PNG and SVG → PDF in-process, so pictures need no system Graphviz in any format.

* PNG: ``resvg-py`` (resvg, the Rust SVG renderer; wheels for every platform, nothing else
  to install), with DejaVu Sans for all text (matplotlib's own file, else the system's):
  it has every glyph the pictures use (W⁽¹⁾₂₁, ↺, −), so no name falls back to another
  font. resvg shapes a whole text run in the fallback font when one glyph is missing, so
  with Liberation Sans (no ⁽ ⁾) names such as W⁽¹⁾₂₁ came out in a serif font. Graphviz
  sizes the boxes with Helvetica's widths, and DejaVu Sans is wider (by 1/0.86 on the
  pictures' texts, measured: "grad −0.05948" touched its box's edge), so the text is drawn
  at 0.86 of its size: the same width, and the same PNG with or without system fonts.
* PDF: ``cairosvg`` (vector output), which needs the cairo library (``libcairo2`` on
  Debian, ``brew install cairo`` on macOS); without it the error says so.

Scale: the SVG's unit is the point (1/72 inch); ``dpi`` sets pixels per inch of the PNG
(192 by default: 2.67 px per point, sharp on a projector).
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

PNG_DPI = 192.0

# without DejaVu Sans: the fonts that carry Helvetica's widths (resvg has no aliases)
FONT_STACK = '"Helvetica", "Arial", "Liberation Sans", "Nimbus Sans", "DejaVu Sans", sans-serif'
_STYLE = f"text {{ font-family: {FONT_STACK}; }}"
DEJAVU_STYLE = 'text { font-family: "DejaVu Sans"; }'
DEJAVU_SCALE = 0.86  # DejaVu Sans at this size is as wide as Helvetica (0.854-0.888 measured)
SYSTEM_DEJAVU = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                 "/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/local/share/fonts/DejaVuSans.ttf")
_FONT_SIZE = re.compile(r'(<text\b[^>]*?\sfont-size=")([0-9.]+)(")')


class ConversionMissing(RuntimeError):
    """The library that converts SVG to the asked format is not usable here."""


@cache
def bundled_font() -> str | None:
    """matplotlib's DejaVu Sans (found without importing matplotlib), or None."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        path = Path(root) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if path.is_file():
            return str(path)
    return None


def text_font() -> str | None:
    """The DejaVu Sans file PNG text is drawn with (matplotlib's, else the system's)."""
    return bundled_font() or next((p for p in SYSTEM_DEJAVU if Path(p).is_file()), None)


def scaled_text(svg: str, scale: float) -> str:
    """``svg`` with the font size of every ``<text>`` multiplied by ``scale``."""
    return _FONT_SIZE.sub(lambda m: f"{m[1]}{float(m[2]) * scale:.2f}{m[3]}", svg)


def svg_to_png(svg: str, dpi: float = PNG_DPI, *, system_fonts: bool = True) -> bytes:
    """The SVG rasterised by resvg at ``dpi`` pixels per inch, on a white background, its
    text in DejaVu Sans at Helvetica's widths (see the module's note).

    ``system_fonts=False`` uses only the bundled font (what a bare machine would show);
    system fonts otherwise serve the glyphs DejaVu Sans lacks.
    """
    try:
        import resvg_py
    except ImportError as e:
        raise ConversionMissing(
            f"PNG without the system Graphviz needs resvg-py ({e}): pip install resvg-py"
        ) from None
    font = text_font()
    if font is not None:
        svg = scaled_text(svg, DEJAVU_SCALE)
    try:
        return bytes(resvg_py.svg_to_bytes(
            svg_string=svg, dpi=float(dpi), background="white",
            style_sheet=DEJAVU_STYLE if font else _STYLE,
            skip_system_fonts=not system_fonts, font_files=[font] if font else None,
            font_family="DejaVu Sans" if font else None,
            sans_serif_family="DejaVu Sans" if font else None,
        ))
    except ValueError as e:
        raise ValueError(f"resvg could not convert the SVG to PNG: {e}") from None


def svg_to_pdf(svg: str) -> bytes:
    """The SVG as a vector PDF, by cairosvg (needs the cairo library)."""
    try:
        import cairosvg
    except (ImportError, OSError) as e:  # OSError: cairocffi found no libcairo
        raise ConversionMissing(
            "PDF without the system Graphviz needs cairosvg and the cairo library "
            f"({str(e).splitlines()[0]}). Install them: pip install cairosvg, and "
            "apt-get install libcairo2 (or brew install cairo); or write PNG or SVG."
        ) from None
    return bytes(cairosvg.svg2pdf(bytestring=svg.encode("utf-8")))
