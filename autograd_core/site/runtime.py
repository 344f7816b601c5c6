"""The Python half of the site: what the page asks the library, answered as JSON text.

The page (``page/app.js``) loads Pyodide, installs the project's wheel and calls a
:class:`Page` made with viz-js's ``renderString`` as its renderer. The same class runs under
CPython with the library's own renderer, which is how the tests compare the page's answers
with the command line's.

* :meth:`Page.evaluate` -- an expression such as ``sigmoid(w*x + b)`` with its values: the
  output, every named leaf's gradient ∂y/∂leaf, the forward and backward graphs (SVG) and
  the stepper page (HTML);
* :meth:`Page.verify` -- the text of a ``.worked`` file: ``backprop verify``'s report,
  produced by the command line's own code (``cli.main(["verify", FILE])``), so it is the
  same text;
* :meth:`Page.examples` -- the worked examples bundled with the package;
* with each expression and file, ``backprop solve``'s worked solution (its HTML page).

Every graph is released (:func:`autograd_core.release`) before an answer is returned:
under Pyodide, freeing a deep graph by reference counting alone recurses once per node and
overflows the browser's stack beyond a few thousand nodes.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import Value, release, topological_order
from ..cli import SUBCOMMAND_MODULES, main
from ..verify import bundled_examples

RenderSvg = Callable[[str], str]
"""A renderer: DOT text in, SVG text out (the page passes viz-js's ``renderString``)."""

SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
HAS_SOLVE = "solve_cli" in SUBCOMMAND_MODULES  # backprop solve: the worked solution


def parse_values(text: str) -> dict[str, float]:
    """``"x = 0.5, w=-2.5; b=1"`` → ``{"x": 0.5, "w": -2.5, "b": 1.0}`` (commas, semicolons
    or new lines between the assignments; errors as ``backprop draw --let`` gives them)."""
    from ..draw.expr import parse_assignments

    items = [item.strip() for item in re.split(r"[,;\n]", text or "") if item.strip()]
    return parse_assignments(items)


class Page:
    """The page's questions to the library; each answer is a JSON object as text.

    ``render_svg`` draws DOT as SVG (None: the library's own renderer, as on the command
    line); ``workdir`` is where pasted ``.worked`` files are written, as a student would save
    them before running ``backprop verify FILE`` there.
    """

    def __init__(self, render_svg: RenderSvg | None = None,
                 workdir: str | os.PathLike[str] | None = None) -> None:
        """Answer with ``render_svg`` as the renderer, writing files into ``workdir``."""
        self.render_svg = render_svg
        self.workdir = Path(workdir) if workdir is not None else Path.cwd()

    # ------------------------------------------------------------------ drawing

    @property
    def renderer(self) -> RenderSvg | str:
        """What ``draw`` is told to render with: the page's function, else "auto"."""
        return self.render_svg if self.render_svg is not None else "auto"

    def svg(self, graph: Any) -> str:
        """A drawing as SVG text, through the page's renderer if it has one."""
        from ..draw import to_svg

        return to_svg(graph, renderer=self.renderer)

    # ------------------------------------------------------------------ expressions

    def evaluate(self, expression: str, inputs: str = "", params: str = "",
                 precision: int = 4) -> str:
        """Build ``expression`` with the given inputs and parameters, back-propagate, draw.

        The answer: ``value``, ``name`` (the output's), ``gradients`` (one entry per named
        leaf: name, role, data, grad = ∂output/∂leaf), ``forward`` and ``backward`` (SVG),
        ``stepper`` (a whole HTML page), ``solution`` (:meth:`solution`); or ``error`` (the
        message ``backprop draw`` gives).
        """
        from ..draw.expr import ExpressionError, parse_expression

        try:
            given = (parse_values(inputs), parse_values(params))
            root = parse_expression(expression, *given)
        except (ExpressionError, ValueError, ZeroDivisionError, TypeError) as e:
            return json.dumps({"error": str(e)})
        try:
            answer = self._evaluated(root, precision, [*given[0], *given[1]])
            if HAS_SOLVE:
                answer["solution"] = self.solution(*_solve_arguments(expression, *given))
            return json.dumps(answer)
        except Exception as e:  # a renderer's failure is shown, never a dead page
            return json.dumps({"error": f"{type(e).__name__}: {e}"})
        finally:
            release(root)

    def _evaluated(self, root: Value, precision: int, names: list[str]) -> dict[str, Any]:
        from ..draw import draw_backward, draw_forward, stepper_html
        from ..draw.style import fmt

        root.backward()
        table = root.grad_table
        leaves = [v for v in topological_order(root) if v.is_leaf and v.label is not None]
        place = {name: k for k, name in enumerate(names)}  # as the student listed them
        leaves.sort(key=lambda v: place.get(str(v.label), len(place)))
        gradients = [{"name": v.label, "role": v.role, "data": float(v.data),
                      "grad": float(table[v]), "data_shown": fmt(v.data, precision),
                      "grad_shown": fmt(table[v], precision)} for v in leaves]
        forward = self.svg(draw_forward(root, precision=precision))
        backward = self.svg(draw_backward(root, precision=precision))
        stepper = stepper_html(root, precision=precision, renderer=self.renderer)
        return {"value": float(root.data), "shown": fmt(root.data, precision),
                "name": table.name(root), "gradients": gradients,
                "forward": forward, "backward": backward, "stepper": stepper}

    # ------------------------------------------------------------------ worked examples

    def examples(self) -> str:
        """The bundled worked examples: ``[{"file", "title", "text"}]``, in order."""
        out = []
        for path in bundled_examples():
            text = path.read_text(encoding="utf-8")
            title = next((line.split(None, 1)[1].strip() for line in text.splitlines()
                          if line.startswith("example ")), path.stem)
            out.append({"file": path.name, "title": title, "text": text})
        return json.dumps(out)

    def verify(self, text: str, filename: str = "example.worked") -> str:
        """``backprop verify FILE`` on ``text`` saved as ``filename`` in the work folder.

        The answer: ``command`` (the command line it equals), ``exit`` (its status),
        ``stdout`` and ``stderr`` (its output, the report or the error), ``graph`` (SVG of
        the example's loss, or null, and ``graph_note`` saying why) and ``solution``
        (:meth:`solution`: ``backprop solve FILE --format html``).
        """
        name = self.file_name(filename)
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / name).write_text(text, encoding="utf-8")
        return json.dumps(self._verified(name, self.workdir / name))

    def verify_bundled(self, filename: str) -> str:
        """``backprop verify autograd_core/examples/FILE``: a bundled example, unchanged."""
        path = next((p for p in bundled_examples() if p.name == filename), None)
        if path is None:
            return json.dumps({"exit": 2, "stdout": "",
                               "stderr": f"no bundled example {filename!r}"})
        return json.dumps(self._verified(str(path), path))

    @staticmethod
    def file_name(filename: str) -> str:
        """A plain file name for pasted text: no folders, ending in ``.worked``."""
        stem = SAFE_NAME.sub("_", Path(filename or "").stem).strip("._") or "example"
        return f"{stem}.worked"

    def _verified(self, argument: str, path: Path) -> dict[str, Any]:
        shown = _shown_path(argument, path)
        code, out, err = self.command(["verify", argument])
        answer: dict[str, Any] = {"command": f"backprop verify {shown}", "exit": code,
                                  "stdout": out, "stderr": err}
        if HAS_SOLVE:
            answer["solution"] = self.solution([argument], shown)
        if code == 2:
            answer.update(graph=None, graph_note="No graph: the file has an error (see the "
                                                 "report).")
        else:
            answer.update(self._example_graph(path))
        return answer

    def _example_graph(self, path: Path) -> dict[str, str | None]:
        """The forward graph of the example's loss, as ``backprop draw FILE`` draws it, or a
        note saying why there is none."""
        from ..draw import draw_forward
        from ..draw_cli import worked_example_root

        try:
            with contextlib.redirect_stderr(io.StringIO()):
                root = worked_example_root(path)
        except (ValueError, LookupError, OSError) as e:
            return {"graph": None, "graph_note": f"No graph: {e}"}
        try:
            root.backward()
            return {"graph": self.svg(draw_forward(root)), "graph_note": None}
        except Exception as e:  # a renderer's failure is said, not hidden
            return {"graph": None, "graph_note": f"The graph could not be drawn: {e}"}
        finally:
            release(root)

    def solution(self, argv: list[str], shown: str) -> dict[str, Any]:
        """``backprop solve ARGV --format html``: the worked solution as a page (MathML, no
        script), with ``command`` (as a user would type it), ``exit``, ``stdout``, ``stderr``."""
        code, out, err = self.command(["solve", *argv, "--format", "html"])
        return {"command": f"backprop solve {shown} --format html", "exit": code,
                "stdout": out, "stderr": err}

    def command(self, argv: list[str]) -> tuple[int, str, str]:
        """Run ``backprop ARGV`` in the work folder: (exit status, stdout, stderr)."""
        out, err = io.StringIO(), io.StringIO()
        self.workdir.mkdir(parents=True, exist_ok=True)
        with contextlib.chdir(self.workdir), contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as e:  # argparse's own errors
                code = e.code if isinstance(e.code, int) else 2
        return code, out.getvalue(), err.getvalue()

    # ------------------------------------------------------------------ measuring

    @staticmethod
    def chain(n_ops: int) -> str:
        """Build x ← tanh(0.9·x + 0.1) for ``n_ops`` ops, back-propagate, release; the
        seconds each took and ∂out/∂x0 (to compare with the native engine)."""
        links = max(1, n_ops // 3)
        t0 = time.perf_counter()
        x0 = Value(0.3, label="x0")
        y = x0
        for _ in range(links):
            y = (y * 0.9 + 0.1).tanh()
        t1 = time.perf_counter()
        y.backward()
        t2 = time.perf_counter()
        result = {"ops": 3 * links, "grad": float(x0.grad), "value": float(y.data)}
        release(y)
        del y, x0
        t3 = time.perf_counter()
        result.update(build_s=t1 - t0, backward_s=t2 - t1, release_s=t3 - t2)
        return json.dumps(result)


def _solve_arguments(expression: str, inputs: dict[str, float],
                     params: dict[str, float]) -> tuple[list[str], str]:
    """``backprop solve``'s arguments for an expression, and the command line shown."""
    argv = [expression]
    for flag, given in (("--let", inputs), ("--param", params)):
        if given:
            argv += [flag, *(f"{name}={value!r}" for name, value in given.items())]
    shown = " ".join(shlex.quote(a) for a in argv)
    return argv, shown


def _shown_path(argument: str, path: Path) -> str:
    """How the command line names the file (the bundled ones from the package)."""
    from ..verify.paths import display_path

    return display_path(argument) if Path(argument).is_absolute() else argument
