"""The ``backprop`` command line (also ``python -m autograd_core``).

Each subcommand lives in its own module, which provides ``register(subparsers)``: it adds its
parser and sets ``handler`` (a function of the parsed args returning the exit code).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Sequence

from . import __version__

# module (relative to autograd_core) for each subcommand, in the order --help lists them
SUBCOMMAND_MODULES: list[str] = [
    "verify_cli", "draw_cli", "solve_cli", "exercise_cli", "grade_cli", "site.cli",
]


def build_parser() -> argparse.ArgumentParser:
    """The ``backprop`` parser, with every subcommand's own."""
    parser = argparse.ArgumentParser(
        prog="backprop",
        description="Back-propagation you can read, draw and check.",
    )
    parser.add_argument("--version", action="version", version=f"autograd-core {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(f".{name}", __package__).register(subparsers)
    return parser


def tolerant_output() -> None:
    """Let stdout print any text the command received: a file or option named with bytes
    that are not UTF-8 (a Latin-1 "é") arrives as a lone surrogate, which a strict UTF-8
    stdout (Python's default under en_US.UTF-8) refuses with a traceback. On UTF-8 the
    name's own bytes are written back (surrogateescape); elsewhere unprintable characters
    become escapes (backslashreplace), as on stderr."""
    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    if hasattr(stream, "reconfigure"):
        with contextlib.suppress(ValueError, OSError):  # a closed stdout (`>&-`)
            stream.reconfigure(errors="surrogateescape" if encoding == "utf8" else
                               "backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``backprop ARGV``; returns the exit status (0, 1 or 2, see each subcommand)."""
    tolerant_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return int(args.handler(args) or 0)
