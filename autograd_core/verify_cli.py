"""``backprop verify``: check hand-worked examples, number by number.

    backprop verify                      # the examples bundled with the package
    backprop verify course/*.worked      # your own files
    backprop verify --format markdown    # a table to paste into course material
    backprop verify --strict FILE        # exit 1 if any claim is wrong (for CI)
    backprop verify --sigfig 3 FILE      # or --decimals N, --rtol R / --atol A, --last-digit
    backprop verify --draw DIR FILE      # also draw each example's forward and backward graph

Exit codes: 0 every file was checked (and, with --strict, no claim is wrong); 1 --strict and
a claim is wrong; 2 a file could not be read or is malformed (the message names the file,
line and column), or the command line is wrong. A bad file does not stop the others: each
error is printed, every readable file is reported, and the status is 2 at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from .verify import Report, Tolerance, VerifyError, bundled_examples, check_file
from .verify.paths import display_path
from .verify.report import ExampleReport

FORMATS = ("table", "json", "markdown")
EXIT_OK, EXIT_WRONG, EXIT_BAD_FILE = 0, 1, 2
INTRO = """\
The worked examples of the lecture notes, every number exactly as the slides print it.
ok: the true value correctly rounded;  truncated: the true value cut, not rounded;
wrong: the true value is shown, with the slip that most likely produced the claim
(or the claims it follows from: error carried forward).
Check your own: backprop verify FILE.worked  (the format: see README, "backprop verify").
"""


def register(subparsers: Any) -> None:
    """Add ``verify`` to the ``backprop`` command."""
    p = subparsers.add_parser(
        "verify",
        help="check the numbers of hand-worked back-propagation examples",
        description="Check every number of hand-worked examples (.worked files): ok, "
                    "truncated or wrong, with the true value and the likely slip. With no "
                    "FILE, check the examples bundled with the package (the lecture notes'). "
                    "Exit status: 0 checked; 1 a wrong claim under --strict; 2 a file that "
                    "cannot be read or is malformed (its error is printed and the other "
                    "files are still checked and reported).",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="worked-example files")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="table (default), json or markdown")
    p.add_argument("--strict", action="store_true",
                   help="exit with status 1 when any claim is wrong")
    tol = p.add_argument_group(
        "tolerance", "how claims are compared (default: the digits as written; integers and "
                     "fractions exact). A file's `tolerance` line and a claim's `with …` win.")
    exclusive = tol.add_mutually_exclusive_group()
    exclusive.add_argument("--sigfig", type=int, metavar="N",
                           help="ok within half a unit of the N-th significant digit")
    exclusive.add_argument("--decimals", type=int, metavar="N",
                           help="ok within half a unit of the N-th decimal")
    exclusive.add_argument("--last-digit", action="store_true",
                           help="the digits as written, the last one may be off by one")
    tol.add_argument("--rtol", metavar="R", help="ok when |true − claimed| ≤ A + R·|true|")
    tol.add_argument("--atol", metavar="A", help="(with --rtol, or alone)")
    p.add_argument("--draw", metavar="DIR",
                   help="write the forward and backward graph of each example into DIR")
    p.add_argument("--explain", action="store_true",
                   help="follow the table with the correct working of each wrong claim "
                        "(backprop solve's lines)")
    p.set_defaults(handler=run)


def tolerance_of(args: argparse.Namespace) -> Tolerance | None:
    """The tolerance the options ask for (None: the digits as written)."""
    close = args.rtol is not None or args.atol is not None
    chosen = [args.sigfig is not None, args.decimals is not None, args.last_digit, close]
    if sum(chosen) > 1:
        raise ValueError("choose one of --sigfig, --decimals, --last-digit and --rtol/--atol")
    if args.sigfig is not None:
        return Tolerance.sigfig(args.sigfig)
    if args.decimals is not None:
        return Tolerance.decimals(args.decimals)
    if args.last_digit:
        return Tolerance.last_digit()
    if close:
        return Tolerance.close(args.rtol or 0, args.atol or 0)
    return None


def run(args: argparse.Namespace) -> int:
    """Check the files; print the report; return the exit status."""
    try:
        tolerance = tolerance_of(args)
    except (ValueError, TypeError) as e:
        print(f"backprop verify: {e}", file=sys.stderr)
        return EXIT_BAD_FILE
    report, paths, bad = check_each([Path(f) for f in args.files] or bundled_examples(),
                                    tolerance)
    if paths or not args.files:  # (every file bad: nothing to report)
        _print(args, report, paths)
    drawn = _draw(report, args.draw) if args.draw else EXIT_OK
    if bad and paths:  # the errors scrolled by above the report: say so after it
        print(f"backprop verify: {len(bad)} of {len(bad) + len(paths)} files not checked "
              f"({', '.join(display_path(b) for b in bad)}): see the errors above", file=sys.stderr)
    if bad or drawn != EXIT_OK:
        return EXIT_BAD_FILE
    return EXIT_WRONG if args.strict and not report.ok else EXIT_OK


def check_each(paths: list[Path], tolerance: Tolerance | None
               ) -> tuple[Report, list[Path], list[Path]]:
    """(the report of every file that could be checked, those files, the others): each
    bad file's error is printed as it is met, and the rest are still checked."""
    report = Report([])
    good: list[Path] = []
    bad: list[Path] = []
    for path in paths:
        try:
            report = report + check_file(path, tolerance=tolerance)
        except VerifyError as e:
            print(f"backprop verify: {e}", file=sys.stderr)
            bad.append(path)
        else:
            good.append(path)
    return report, good, bad


def _print(args: argparse.Namespace, report: Report, paths: list[Path]) -> None:
    """The report on stdout (and with --explain, the working of each wrong claim)."""
    try:
        if not args.files and args.format == "table":
            print(INTRO)
        print({"json": report.to_json, "markdown": report.to_markdown}.get(
            args.format, report.to_text)())
        if args.explain and args.format != "json":
            from .solve import explain_files

            working = explain_files(paths)
            print(f"```text{working}\n```" if args.format == "markdown" and working
                  else working)
        sys.stdout.flush()
    except BrokenPipeError:  # `backprop verify | head`: the reader has gone
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _draw(report: Report, directory: str) -> int:
    """--draw: the graphs of the report's examples into ``directory``."""
    try:
        written = draw_report(report, Path(directory))
    except ImportError as e:
        print(f"backprop verify: --draw needs the drawing module: {e}", file=sys.stderr)
        return EXIT_BAD_FILE
    except OSError as e:
        print(f"backprop verify: --draw {directory}: {e.strerror or e}", file=sys.stderr)
        return EXIT_BAD_FILE
    print(f"drew {len(written)} graphs into {directory}", file=sys.stderr)
    return EXIT_OK


def slug(name: str) -> str:
    """A file-name-safe form of an example's name."""
    import re

    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "example"


def draw_report(report: Report, directory: Path) -> list[Path]:
    """Forward and backward graph of each example's loss (or last quantity), as SVG."""
    from . import draw  # lazy: graphviz is only needed for drawings

    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    ex: ExampleReport
    for ex in report:
        root = graph_root(ex.model)
        if root is None:
            continue
        base = slug(ex.name)
        for kind, fn in (("forward", draw.draw_forward), ("backward", draw.draw_backward)):
            graph = fn(root)
            written.append(Path(draw.render(graph, directory / f"{base}-{kind}.svg")))
    return written


def graph_root(model: Any) -> Any:
    """The node to draw from: the loss, else the last computed quantity (summed if a vector)."""
    from . import vsum

    name = model.loss or model.last
    if name is None:
        return None
    items = model.values[name].items
    if len(items) == 1:
        return items[0]
    root = vsum(items)
    root.label = f"sum({name})"
    return root
