"""``backprop solve``: the correct worked solution, step by step, in the slides' notation.

    backprop solve course/vo.worked                  # the whole solution, in the terminal
    backprop solve course/vo.worked -o vo.md         # Markdown with $…$ math
    backprop solve course/vo.worked -o vo.tex        # a LaTeX file that compiles as it is
    backprop solve course/vo.worked -o vo.html       # one self-contained page (MathML)
    backprop solve "sigmoid(w*x + b)" --let x=0.5 --param w=-2.5 b=1
    backprop solve course/vo.worked --per-scalar     # also one line per entry

Exit codes: 0 written; 2 a file could not be read or parsed, or an expression is malformed
(the message names the file and line, or the column).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

FORMATS = {".md": "markdown", ".markdown": "markdown", ".tex": "latex", ".html": "html",
           ".htm": "html", ".txt": "text"}


def register(subparsers: Any) -> None:
    """Add ``backprop solve`` to the command line."""
    doc = __doc__ or ""
    p = subparsers.add_parser(
        "solve",
        help="write the worked solution of an example, step by step",
        description=doc.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(doc.split("\n\n")[1:]),
    )
    p.add_argument("source", help="a worked-example file (.worked, the format of backprop "
                                  "verify) or an expression such as 'sigmoid(w*x + b)'")
    p.add_argument("-o", "--output", default=None,
                   help="file to write: .md, .tex, .html or .txt (default: print text)")
    p.add_argument("--format", choices=sorted(set(FORMATS.values())), default=None,
                   help="the format when printing (default text) or to override -o's suffix")
    p.add_argument("--let", dest="inputs", nargs="+", action="extend", default=[],
                   metavar="NAME=VALUE", help="values of an expression's inputs")
    p.add_argument("--param", dest="params", nargs="+", action="extend", default=[],
                   metavar="NAME=VALUE", help="values of an expression's parameters")
    p.add_argument("--per-scalar", action="store_true",
                   help="beneath each vector or matrix, one line per entry")
    p.add_argument("--decimals", type=int, default=None,
                   help="round to this many decimals (default: as the claims, else 4 digits)")
    p.add_argument("--digits", type=int, default=None, help="round to significant digits")
    p.add_argument("--wrt", nargs="+", default=None, metavar="NAME",
                   help="only the gradients of these quantities (and the lines they use)")
    p.add_argument("--example", default=None,
                   help="only this example of a file with several (its name, or 1, 2, …)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Solve, render, write; errors go to stderr with exit status 2."""
    from .solve import Precision, Solutions, SolveError, solve_file

    precision = None
    try:
        if args.decimals is not None:
            precision = Precision(decimals=args.decimals)
        elif args.digits is not None:
            precision = Precision(digits=args.digits)
    except ValueError as e:  # --decimals 999999999, --digits 0
        print(f"backprop solve: --{e}", file=sys.stderr)
        return 2
    try:
        if _is_file(args.source):
            if args.inputs or args.params:
                raise SolveError("--let and --param give an expression's values; a worked "
                                 "example declares its own")
            sols = _pick(solve_file(args.source, precision), args.example, args.source)
        else:
            sols = Solutions([solve_expression(args.source, args.inputs, args.params,
                                               precision)])
        if args.wrt:
            sols = _only(sols, args.wrt, args.source)
        fmt = args.format or _format_of(args.output)
        text = render(sols, fmt, args.per_scalar)
        _write(text, args.output)
    except SolveError as e:
        print(f"backprop solve: {_said(e)}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"backprop solve: cannot write {args.output}: {e.strerror or e}", file=sys.stderr)
        return 2
    if args.output not in (None, "-"):
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _said(e: Any) -> str:
    """The error as printed: located (``FILE:LINE:COLUMN: …``), or for an option that is
    about no file, the message alone (not ``<text>: -o x.xyz: unknown format``)."""
    if e.path is None and e.line is None and e.column is None:
        return str(e.message)
    return str(e)


def _is_file(source: str) -> bool:
    """A file, not an expression: the rule of ``backprop draw`` (never raises)."""
    from .files import names_a_file

    return names_a_file(source)


def _format_of(output: str | None) -> str:
    if output in (None, "-"):
        return "text"
    from .solve import SolveError

    suffix = Path(str(output)).suffix.lower()
    if suffix not in FORMATS:
        raise SolveError(f"-o {output}: unknown format {suffix or '(no suffix)'}; use .md, "
                         ".tex, .html or .txt")
    return FORMATS[suffix]


def render(sols: Any, fmt: str, per_scalar: bool) -> str:
    """The solutions in one of the formats."""
    if fmt == "markdown":
        return str(sols.to_markdown(per_scalar))
    if fmt == "latex":
        return str(sols.to_latex(per_scalar))
    if fmt == "html":
        return str(sols.to_html(per_scalar))
    return str(sols.to_text(per_scalar)) + "\n"


def _write(text: str, output: str | None) -> None:
    if output in (None, "-"):
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # `backprop solve F | head`: the reader has gone
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return
    # surrogateescape: a file name that is not UTF-8 is written back as its own bytes
    Path(str(output)).write_text(text, encoding="utf-8", errors="surrogateescape")


def _only(sols: Any, wanted: list[str], source: str) -> Any:
    """Each solution cut to the gradients asked for (an unknown name is an error)."""
    from .solve import Solutions, SolveError

    try:
        return Solutions([s.only(wanted) for s in sols])
    except KeyError as e:
        where = source if _is_file(source) else "the expression"
        raise SolveError(f"--wrt: {e.args[0]}", None, where) from None


def _pick(sols: Any, example: str | None, source: str) -> Any:
    from .solve import Solutions, SolveError

    if example is None:
        return sols
    if example.isdigit() and 1 <= int(example) <= len(sols):
        return Solutions([sols[int(example) - 1]])
    for s in sols:
        if s.title == example:
            return Solutions([s])
    titles = "; ".join(f"{i}: {s.title}" for i, s in enumerate(sols, 1))
    raise SolveError(f"no example {example!r} in {source} (it has {titles})")


_NAME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_']*)\s*=(?!=)\s*(.*)$", re.DOTALL)


def solve_expression(expression: str, inputs: list[str], params: list[str],
                     precision: Any = None) -> Any:
    """The solution of ``[NAME =] EXPRESSION`` with the given inputs and parameters: written
    as a worked example (``input``/``param`` lines and a ``loss``) and solved as one."""
    from .formula import NAME_RE
    from .solve import SolveError, solve_text

    lines = []
    for role, items in (("input", inputs), ("param", params)):
        option = f"--{'let' if role == 'input' else 'param'}"
        for item in items:
            name, sep, value = item.partition("=")
            name, value = name.strip(), value.strip()
            if not sep or not re.fullmatch(NAME_RE, name):
                raise SolveError(f"{item!r}: expected NAME=NUMBER", path=option)
            try:
                float(value)
            except ValueError:
                raise SolveError(f"{name}: {value!r} is not a number", path=option) from None
            lines.append(f"{role} {name} = {value}")
    m = _NAME.match(expression)
    name, body = (m.group(1), m.group(2)) if m else ("f", expression)
    if "\n" in body or not body.strip():
        raise SolveError("expected one expression such as 'sigmoid(w*x + b)'")
    head = f"loss {name} = "
    lines.append(head + body.strip())
    text = "\n".join(lines) + "\n"
    try:
        sols = solve_text(text, name=name, precision=precision)
    except SolveError as e:
        if e.line == len(lines):  # in the expression: point at its column
            column = None if e.column is None else max(1, e.column - len(head))
            message = e.message.replace("(the file ends first)", "(the expression ends first)")
            unknown = re.match(r"unknown name '([^']+)'", message)
            if unknown:
                message = (f"no value for {unknown.group(1)!r} (give one with --let "
                           f"{unknown.group(1)}=NUMBER or --param)")
            raise SolveError(message, column=column).in_one_line(body.strip()) from None
        raise SolveError(e.message) from None
    sol = sols[0]
    sol.title = f"{name} = {body.strip()}"
    return sol
