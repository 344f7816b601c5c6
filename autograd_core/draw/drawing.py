"""``Drawing``: a ``graphviz.Digraph`` that shows itself inline in Jupyter without system Graphviz.

``graphviz.Digraph`` displays itself in a notebook by running the system ``dot``; a Drawing
renders through :mod:`autograd_core.draw.rendering` instead (a function given to
``set_renderer``, else the system ``dot`` if present, else the in-process WebAssembly
Graphviz), so pictures appear after a plain ``pip install``, and in a browser under Pyodide.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import graphviz

from . import rendering as _render


class Drawing(graphviz.Digraph):  # type: ignore[misc]
    """A graphviz Digraph of a computation, plus what was drawn.

    ``ids`` maps each drawn Value to its DOT node name; ``copies`` maps a Value drawn more
    than once (a bare constant per use, a ↺ leaf far from its first use) to its copies
    ``[(DOT id, consumer, input position)]``; ``reps`` maps every Value to the DOT node that
    stands for it (itself, a collapsed group or the summary box; absent for per-use
    constants); ``note`` says what was summarised
    (None when everything is drawn); ``counts`` gives the sizes (values in the graph, DOT
    nodes drawn).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """A Digraph (graphviz's arguments), with nothing drawn yet."""
        super().__init__(*args, **kwargs)
        self.ids: dict[Any, str] = {}
        self.copies: dict[Any, list[tuple[str, Any, int]]] = {}
        self.reps: dict[Any, str] = {}
        self.note: str | None = None
        self.counts: dict[str, int] = {}

    def to_svg(self, renderer: _render.Renderer = "auto",
               timeout: float | None = _render.DEFAULT_TIMEOUT) -> str:
        """The drawing as SVG text: see :func:`autograd_core.draw.to_svg`."""
        return _render.to_svg(self, renderer, timeout)

    def save_as(self, path: str | os.PathLike[str], format: str | None = None,
                renderer: _render.Renderer = "auto",
                timeout: float | None = _render.DEFAULT_TIMEOUT) -> Path:
        """Render to ``path`` (format from the suffix): see :func:`autograd_core.draw.render`."""
        return _render.render(self, path, format, renderer, timeout)

    def _repr_svg_(self) -> str:
        return self.to_svg()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None,
                          **_: Any) -> dict[str, str]:
        wanted = set(include) if include is not None else {"image/svg+xml"}
        wanted -= set(exclude or ())
        return {"image/svg+xml": self.to_svg()} if "image/svg+xml" in wanted else {}

    def __repr__(self) -> str:
        """``<Drawing NAME with N DOT nodes[, summarised: NOTE]>``."""
        n = self.counts.get("dot_nodes", "?")
        note = f", summarised: {self.note!r}" if self.note else ""
        return f"<Drawing {self.name or ''!s} with {n} DOT nodes{note}>"
