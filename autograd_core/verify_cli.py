"""``backprop verify``: check hand-worked examples, number by number.

    backprop verify                      # the examples bundled with the package
    backprop verify course/*.worked      # your own files
    backprop verify --format markdown    # a table to paste into course material
    backprop verify --strict FILE        # exit 1 if any claim is wrong (for CI)
    backprop verify --draw DIR FILE      # also draw each example's forward and backward graph

Exit codes: 0 checked (and, with --strict, nothing wrong); 1 --strict and a claim is wrong;
2 a file could not be read or parsed (the message names the file and line).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from .verify import Report, VerifyError, bundled_examples, check_file
from .verify.paths import display_path

FORMATS = ("table", "json", "markdown")
INTRO = """\
The worked examples of the lecture notes, every number exactly as the slides print it.
ok: the true value correctly rounded;  truncated: the true value cut, not rounded;
wrong: the true value is shown, with the slip that most likely produced the claim.
Check your own: backprop verify FILE.worked  (the format: see README, "backprop verify").
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "verify",
        help="check the numbers of hand-worked back-propagation examples",
        description="Check every number of hand-worked examples (.worked files): ok, "
                    "truncated or wrong, with the true value and the likely slip. With no "
                    "FILE, check the examples bundled with the package (the lecture notes').",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="worked-example files")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="table (default), json or markdown")
    p.add_argument("--strict", action="store_true",
                   help="exit with status 1 when any claim is wrong")
    p.add_argument("--draw", metavar="DIR",
                   help="write the forward and backward graph of each example into DIR")
    p.add_argument("--explain", action="store_true",
                   help="follow the table with the correct working of each wrong claim "
                        "(backprop solve's lines)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    paths = [Path(f) for f in args.files] or bundled_examples()
    report = Report([])
    try:
        for path in paths:
            if not path.is_file():
                raise VerifyError("no such file", None, display_path(path))
            report = report + check_file(path)
    except VerifyError as e:
        print(f"backprop verify: {e}", file=sys.stderr)
        return 2
    try:
        if not args.files and args.format == "table":
            print(INTRO)
        print({"json": report.to_json, "markdown": report.to_markdown}.get(
            args.format, report.to_text)())
        if args.explain and args.format != "json":
            from .solve import explain_files

            print(explain_files(paths))
        sys.stdout.flush()
    except BrokenPipeError:  # `backprop verify | head`: the reader has gone
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    if args.draw:
        try:
            written = draw_report(report, Path(args.draw))
        except ImportError as e:
            print(f"backprop verify: --draw needs the drawing module: {e}", file=sys.stderr)
            return 2
        print(f"drew {len(written)} graphs into {args.draw}", file=sys.stderr)
    return 1 if args.strict and not report.ok else 0


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "example"


def draw_report(report: Report, directory: Path) -> list[Path]:
    """Forward and backward graph of each example's loss (or last quantity), as SVG."""
    from . import draw  # lazy: graphviz is only needed for drawings

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for ex in report:
        root = graph_root(ex.model)
        if root is None:
            continue
        base = slug(ex.name)
        for kind, fn in (("forward", draw.draw_forward), ("backward", draw.draw_backward)):
            graph = fn(root)
            written.append(Path(draw.render(graph, directory / f"{base}-{kind}.svg")))
    return written


def graph_root(model):  # -> Value | None
    """The node to draw from: the loss, else the last computed quantity (summed if a vector)."""
    from .functional import vsum

    name = model.loss or model.last
    if name is None:
        return None
    items = model.values[name].items
    if len(items) == 1:
        return items[0]
    root = vsum(items)
    root.label = f"sum({name})"
    return root
