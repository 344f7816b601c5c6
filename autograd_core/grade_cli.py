"""``backprop grade``: grade students' answer files against an exercise's key.

    backprop grade exercises/key.json submissions/             # a table per student
    backprop grade exercises/key.json submissions/ --format csv -o grades.csv
    backprop grade /autograder/source/key.json /autograder/submission \\
        --format gradescope -o /autograder/results/results.json

Exit codes: 0 graded (an answer file that cannot be read is graded 0, with its messages,
and never stops the others); 2 the key cannot be read, a submission path does not exist,
or the options are wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .exercise import ExerciseError, Graded, Policy, grade_all, read_key
from .exercise.outputs import to_csv, to_gradescope, to_json, to_table
from .verify.paths import display_path

FORMATS = ("table", "json", "csv", "gradescope")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``grade`` to the ``backprop`` command line."""
    p = subparsers.add_parser(
        "grade",
        help="grade answer files against an exercise's key.json, with the slip named",
        description="Grade each answer file (claim syntax, 'variant ID' on its first line) "
                    "with backprop verify's checker: ok / truncated / wrong with the "
                    "diagnosis, missing, unreadable; points per question, per entry for "
                    "vectors and matrices.",
    )
    p.add_argument("key", metavar="KEY", help="key.json written by backprop exercise")
    p.add_argument("submissions", nargs="+", metavar="ANSWERS",
                   help="answer files, or directories of them")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="table (default), json, csv (a gradebook) or gradescope (results.json)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write there instead of printing (gradescope with several "
                        "submissions: a directory, one STEM.json per submission)")
    p.add_argument("--truncated-credit", type=float, default=1.0, metavar="F",
                   help="credit for a truncated (not rounded) entry, 0 to 1 (default 1)")
    p.add_argument("--carried-credit", type=float, default=0.0, metavar="F",
                   help="credit for a wrong entry that follows from the student's own "
                        "earlier answers (error carried forward), 0 to 1 (default 0)")
    p.add_argument("--reveal", action="store_true",
                   help="gradescope: show the key of each answer not fully right")
    p.set_defaults(handler=run)


def answer_files(paths: list[str]) -> list[str]:
    """The files named, and the regular files of the directories named (sorted, no hidden)."""
    out: list[str] = []
    for name in paths:
        p = Path(name)
        if p.is_dir():
            out += sorted(str(f) for f in p.iterdir()
                          if f.is_file() and not f.name.startswith("."))
        elif p.exists():
            out.append(name)
        else:
            raise ExerciseError("no such file or directory", None, display_path(p))
    return out


def run(args: argparse.Namespace) -> int:
    """Grade every submission; print or write the grades."""
    try:
        policy = Policy(args.truncated_credit, args.carried_credit)
    except ValueError as e:
        print(f"backprop grade: {e}", file=sys.stderr)
        return 2
    try:
        key = read_key(args.key)
        files = answer_files(args.submissions)
    except ExerciseError as e:
        print(f"backprop grade: {e}", file=sys.stderr)
        return 2
    grades = grade_all(key, files, policy)
    if args.format == "gradescope":
        return _gradescope(grades, args)
    text = {"table": to_table, "json": to_json, "csv": to_csv}[args.format](grades)
    return _emit(text if text.endswith("\n") else text + "\n", args.output)


def _gradescope(grades: list[Graded], args: argparse.Namespace) -> int:
    docs = [json.dumps(to_gradescope(g, reveal=args.reveal), indent=1, ensure_ascii=False)
            + "\n" for g in grades]
    if len(docs) == 1:
        return _emit(docs[0], args.output)
    if not args.output:
        print("backprop grade: --format gradescope grades one submission per results.json; "
              f"{len(docs)} were given: add -o DIR to write one file each", file=sys.stderr)
        return 2
    out = Path(args.output)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for g, doc in zip(grades, docs, strict=True):
            stem = Path(g.file).name.rsplit(".", 1)[0] or "submission"
            (out / f"{stem}.json").write_text(doc, encoding="utf-8", errors="surrogateescape")
    except OSError as e:  # -o onto a file, a full disk
        print(f"backprop grade: cannot write {display_path(e.filename or out)}: "
              f"{e.strerror or e}", file=sys.stderr)
        return 2
    print(f"wrote {len(docs)} results file{'s' * (len(docs) != 1)} into {args.output}",
          file=sys.stderr)
    return 0


def _emit(text: str, output: str | None) -> int:
    if not output:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    try:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text, encoding="utf-8", errors="surrogateescape")
    except OSError as e:
        print(f"backprop grade: cannot write {output}: {e.strerror or e}", file=sys.stderr)
        return 2
    return 0
