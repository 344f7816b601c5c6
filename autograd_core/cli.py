"""The ``backprop`` command line (also ``python -m autograd_core``).

Each subcommand lives in its own module, which provides ``register(subparsers)``: it adds its
parser and sets ``handler`` (a function of the parsed args returning the exit code).
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

from . import __version__

# module (relative to autograd_core) for each subcommand, in the order --help lists them
SUBCOMMAND_MODULES: list[str] = ["verify_cli", "draw_cli", "solve_cli"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backprop",
        description="Back-propagation you can read, draw and check.",
    )
    parser.add_argument("--version", action="version", version=f"autograd-core {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(f".{name}", __package__).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return int(args.handler(args) or 0)
