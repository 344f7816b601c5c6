"""SVG → PNG and SVG → PDF in-process, so pictures need no system Graphviz in any format.

* PNG: ``resvg-py`` (resvg, the Rust SVG renderer; wheels for every platform, nothing else
  to install). Graphviz writes ``font-family="Helvetica,sans-Serif"``; resvg matches family
  names exactly and has no fontconfig aliases, so a style sheet lists the fonts that carry
  Helvetica's widths (Graphviz lays text out with them) and, last, DejaVu Sans from
  matplotlib's own files: text renders even on a machine with no system fonts.
* PDF: ``cairosvg`` (vector output), which needs the cairo library (``libcairo2`` on
  Debian, ``brew install cairo`` on macOS); without it the error says so.

Scale: the SVG's unit is the point (1/72 inch); ``dpi`` sets pixels per inch of the PNG
(192 by default: 2.67 px per point, sharp on a projector).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

PNG_DPI = 192.0

FONT_STACK = '"Helvetica", "Arial", "Liberation Sans", "Nimbus Sans", "DejaVu Sans", sans-serif'
_STYLE = f"text {{ font-family: {FONT_STACK}; }}"


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


def svg_to_png(svg: str, dpi: float = PNG_DPI, *, system_fonts: bool = True) -> bytes:
    """The SVG rasterised by resvg at ``dpi`` pixels per inch, on a white background.

    ``system_fonts=False`` uses only the bundled font (what a bare machine would show).
    """
    try:
        import resvg_py
    except ImportError as e:
        raise ConversionMissing(
            f"PNG without the system Graphviz needs resvg-py ({e}): pip install resvg-py"
        ) from None
    font = bundled_font()
    try:
        return bytes(resvg_py.svg_to_bytes(
            svg_string=svg, dpi=float(dpi), background="white", style_sheet=_STYLE,
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
