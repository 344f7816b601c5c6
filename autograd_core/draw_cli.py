"""``backprop draw``: draw the forward or backward graph of an expression or a worked example.

    backprop draw "sigmoid(w*x + b)" --let x=0.5 --param w=-2.5 b=1 -o neuron.svg
    backprop draw "y = (w*x + b).sigmoid()" --let w=-2.5 x=0.5 b=1 --backward -o back.svg
    backprop draw autograd_core/examples/01_vo_mlp.worked --collapse neurons -o mlp.svg
    backprop draw "tanh(x*x)" --let x=0.5 -o steps.html        # the stepper page
    backprop draw "sigmoid(w*x + b)" --let x=0.5 --param w=-2.5 b=1 --circuit -o c.svg

The output format comes from ``-o``'s suffix: .svg, .png, .pdf (no system Graphviz needed), .dot/.gv
(the DOT text, no renderer needed), .html (the page that steps through back-propagation).
Without ``-o`` (or with ``-o -``) the DOT text is printed.

Exit status: 0 written; 1 the renderer failed or is missing; 2 bad input (the source, an
option such as --precision -1, a file that cannot be read or written).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import Value


def register(subparsers: Any) -> None:
    """Add ``backprop draw`` and its options to the command line's subcommands."""
    p = subparsers.add_parser(
        "draw",
        help="draw the forward or backward graph of an expression or a worked example",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
    )
    p.add_argument("source", help="an expression such as 'sigmoid(w*x + b)', or a path to a "
                                  "worked-example file (the format of backprop verify)")
    p.add_argument("--let", dest="inputs", nargs="+", action="extend", default=[],
                   metavar="NAME=VALUE", help="values of the expression's inputs")
    p.add_argument("--param", dest="params", nargs="+", action="extend", default=[],
                   metavar="NAME=VALUE", help="values of the expression's parameters "
                                              "(drawn as parameters)")
    p.add_argument("-o", "--output", type=Path, default=None,
                   help="file to write (.svg .png .pdf .dot .html); '-' or none: print the DOT")
    p.add_argument("--backward", action="store_true",
                   help="draw the symbol-to-symbol backward graph (create_graph=True)")
    p.add_argument("--circuit", action="store_true",
                   help="the circuit view: each wire with its value (green) and gradient (red)")
    p.add_argument("--local", action="store_true",
                   help="with --circuit: also each wire's local derivative")
    p.add_argument("--steps", action="store_true",
                   help="number each node by the step its gradient became known")
    p.add_argument("--no-grad", action="store_true",
                   help="forward graph without running backward (no gradients shown)")
    p.add_argument("--precision", type=int, default=4, help="significant digits (default 4)")
    p.add_argument("--collapse", default=None,
                   help="'neurons', 'layers' or a comma-separated list of groups to collapse")
    p.add_argument("--max-nodes", type=int, default=None,
                   help="summarise above this many nodes (default 400; 0: never)")
    p.add_argument("--example", default=None,
                   help="which example of a file with several (its name, or 1, 2, …)")
    p.add_argument("--of", dest="of", default=None,
                   help="for a worked example: the quantity to draw (default: its loss)")
    p.add_argument("--renderer", choices=("auto", "system", "wasm"), default="auto",
                   help="system Graphviz `dot`, the in-process wasm one, or auto (default)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Draw, and return the exit status: 0 written, 1 the renderer failed or is missing,
    2 bad input (the source, an option, a file that cannot be read or written)."""
    from .draw import RendererMissing, RenderFailed
    from .draw.expr import ExpressionError, parse_assignments, parse_expression

    out = None if args.output is None or str(args.output) == "-" else args.output
    problem = None if out is None else unwritable(out)
    if problem:
        print(f"backprop draw: cannot write {out}: {problem}", file=sys.stderr)
        return 2
    try:
        _check_options(args)
        root = _root(args, parse_expression, parse_assignments)
        output = _drawing(args, root, out)
    except (ExpressionError, LookupError, ValueError, OSError) as e:
        print(f"backprop draw: {e}", file=sys.stderr)
        return 2
    try:
        output()
    except (CannotWrite, OSError) as e:
        print(f"backprop draw: {e}", file=sys.stderr)
        return 2
    except (RendererMissing, RenderFailed, ValueError) as e:  # ValueError: a conversion
        print(f"backprop draw: {e}", file=sys.stderr)
        return 1
    if out is not None:
        print(f"wrote {out}")
    return 0


def _check_options(args: argparse.Namespace) -> None:
    """ValueError naming the option, for a --precision or --max-nodes no drawing takes."""
    from .draw import check_max_nodes, style

    style.fmt(0.0, args.precision)
    if args.max_nodes:
        check_max_nodes(args.max_nodes)


def _drawing(args: argparse.Namespace, root: Value, out: Path | None) -> Callable[[], None]:
    """Draw ``root`` as the options say (errors here are the input's), and return what
    writes it into ``out`` (None: print the DOT; errors there are the renderer's)."""
    from .draw import (
        DEFAULT_MAX_NODES,
        draw_backward,
        draw_circuit,
        draw_forward,
        render,
        write_stepper,
    )

    if out is not None and out.suffix.lower() in (".html", ".htm"):
        return lambda: write_output(out, lambda p: write_stepper(
            root, p, precision=args.precision, renderer=args.renderer))
    max_nodes = DEFAULT_MAX_NODES if args.max_nodes is None else (args.max_nodes or None)
    collapse = args.collapse
    if collapse and collapse not in ("neurons", "layers"):
        collapse = [c.strip() for c in collapse.split(",") if c.strip()]
    if args.circuit:
        graph = draw_circuit(root, precision=args.precision, local=args.local)
    elif args.backward:
        graph = draw_backward(root, precision=args.precision, collapse=collapse,
                              max_nodes=max_nodes)
    else:
        if not args.no_grad:
            root.backward()
        graph = draw_forward(root, precision=args.precision, show_steps=args.steps,
                             collapse=collapse, max_nodes=max_nodes)
    if graph.note:
        print(f"note: {graph.note}", file=sys.stderr)
    if out is None:
        return lambda: print(graph.source, end="")
    return lambda: write_output(out, lambda p: render(graph, p, renderer=args.renderer))


def unwritable(out: Path) -> str | None:
    """Why ``out`` cannot be written (checked before drawing anything), or None."""
    if os.path.isdir(out):
        return "it is a folder"
    folder = os.path.dirname(os.path.realpath(out))
    if not os.path.isdir(folder):
        return f"no folder {out.parent}"
    return None


class CannotWrite(Exception):
    """The output file could not be written (``cannot write PATH: reason``)."""


def write_output(out: Path, write: Callable[[Path], object]) -> None:
    """Write a file through ``write(path)`` so that a failure (disk full, killed) leaves the
    old file as it was and no temporary: into ``.NAME.partial-XXXX.SUFFIX`` beside it, then
    renamed over it. A device or a pipe (``/dev/stdout``) is written directly, never replaced.
    An OSError while writing becomes :class:`CannotWrite` (one naming another file, such as
    a renderer's program, is left as it is).
    """
    try:
        _write_output(out, write)
    except OSError as e:
        if e.filename is not None and Path(e.filename).name not in (out.name, "") and not \
                Path(e.filename).name.startswith(f".{out.name}.partial-"):
            raise
        raise CannotWrite(f"cannot write {out}: {e.strerror or e}") from None


def _write_output(out: Path, write: Callable[[Path], object]) -> None:
    if os.path.exists(out) and not os.path.isfile(out):
        write(out)
        return
    target = Path(os.path.realpath(out))  # a symbolic link keeps pointing at the new file
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{out.name}.partial-",
                               suffix=out.suffix)
    os.close(fd)
    try:
        if target.exists():
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        write(Path(tmp))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def is_worked_file(source: str) -> bool:
    """Whether ``backprop draw``'s SOURCE names a worked-example file, not an expression
    (:func:`autograd_core.files.names_a_file`, the rule ``backprop solve`` uses too)."""
    from .files import names_a_file

    return names_a_file(source)


def _root(args: argparse.Namespace, parse_expression: Any, parse_assignments: Any) -> Value:
    if is_worked_file(args.source):
        return worked_example_root(Path(args.source), example=args.example, of=args.of)
    if args.example or args.of:
        raise ValueError("--example and --of apply to a worked-example file, not an expression")
    root: Value = parse_expression(args.source, parse_assignments(args.inputs),
                                   parse_assignments(args.params))
    return root


def worked_example_root(path: Path, *, example: str | None = None, of: str | None = None) -> Value:
    """The Value to draw from a worked-example file: its loss (or ``of``), built by
    :mod:`autograd_core.verify` (errors name the file as ``backprop verify`` does)."""
    try:
        from .verify.errors import VerifyError
        from .verify.model import build
        from .verify.parser import parse
        from .verify.paths import display_path
        from .verify.source import read_source
    except ImportError as e:
        raise ValueError(
            f"{path}: drawing a worked example needs autograd_core.verify ({e})"
        ) from None
    where = display_path(path)
    if not os.path.exists(path):  # never raises; a pipe or a folder: read_source says so
        raise FileNotFoundError(f"no such worked-example file: {where}")
    try:
        specs = parse(read_source(path), default_name=path.stem)
        spec = _pick(specs, example, where)
        model = build(spec)
    except VerifyError as e:
        raise e.located(where) from None
    name = of or model.loss or model.last
    if name is None:
        raise ValueError(f"{where}: the example defines no loss; pick a quantity with --of NAME")
    if name not in model.values:
        known = ", ".join(model.values)
        raise ValueError(f"{where}: no quantity {name!r} (it has: {known})")
    items = list(model.values[name].items)
    if len(items) != 1:
        raise ValueError(f"{where}: {name!r} has {len(items)} entries; draw a scalar "
                         f"(--of with a scalar quantity, e.g. the loss)")
    v = items[0]
    if not isinstance(v, Value):
        v = Value(float(v), label=name, role="const")
    return v


def _pick(specs: list[Any], example: str | None, path: str) -> Any:
    if example is None:
        if len(specs) > 1:
            names = "; ".join(f"{i}: {getattr(s, 'name', '?')}" for i, s in enumerate(specs, 1))
            print(f"note: {path} has {len(specs)} examples, drawing the first ({names}); "
                  "choose with --example", file=sys.stderr)
        return specs[0]
    if example.isdigit() and 1 <= int(example) <= len(specs):
        return specs[int(example) - 1]
    for s in specs:
        if getattr(s, "name", None) == example:
            return s
    known = [getattr(s, "name", "?") for s in specs]
    raise ValueError(f"{path}: no example {example!r} (it has {known}, or a number 1–{len(specs)})")
