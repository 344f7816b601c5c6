"""``backprop exercise``: one worked example becomes an exercise per student.

    backprop exercise course/vo.worked --variants 40 --seed 2026 -o exercises/
    backprop exercise course/vo.worked --ids roster.txt --seed 2026 -o exercises/
    backprop exercise course/vo.worked --variants 40 --seed 2026 --moodle quiz.xml

Exit codes: 0 written; 2 a file could not be read, is malformed, or allows no well-posed
variant (the message names the file and line).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .exercise import ExerciseError, ExerciseSet, make_exercises, read_roster
from .exercise.making import check_count
from .exercise.variants import MAX_VARIANTS
from .exercise.wellposed import KINK_MARGIN, MIN_UNITS
from .verify.errors import VerifyError
from .verify.paths import display_path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``exercise`` to the ``backprop`` command line."""
    p = subparsers.add_parser(
        "exercise",
        help="make one variant of a worked example per student: sheets, keys, a Moodle quiz",
        description="Draw variants of a worked example as its 'vary' statements allow "
                    "(reproducible from --seed and each student's id), each well-posed: no "
                    f"relu/step/abs input within {KINK_MARGIN} of its kink (unless 'vary "
                    f"kinks allowed'), no domain error, every gradient asked at least "
                    f"{MIN_UNITS} units of its last decimal. Writes each variant's answer key "
                    "(.worked), the student's sheet (.md) and key.json for backprop grade.",
    )
    p.add_argument("file", metavar="FILE", help="the worked example (.worked) with vary lines")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--variants", type=int, metavar="N",
                     help=f"how many variants, 1 to {MAX_VARIANTS:,} (default 1)")
    who.add_argument("--ids", metavar="ROSTER", help="one variant per student id (one per line)")
    p.add_argument("--seed", default="0", help="the seed the numbers are drawn from (default 0)")
    p.add_argument("--example", action="append", metavar="N|NAME",
                   help="only this example of the file (a number from 1, or its name); "
                        "repeat for several")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="write the variants, sheets and key.json into DIR")
    p.add_argument("--moodle", metavar="FILE.xml",
                   help="write a Moodle XML quiz (numerical questions, feedback per slip)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Make the exercises; print what was written."""
    if not args.output and not args.moodle:
        print("backprop exercise: say where to write: -o DIR and/or --moodle FILE.xml",
              file=sys.stderr)
        return 2
    try:
        check_count(args.variants, "--variants")
    except ExerciseError as e:
        print(f"backprop exercise: {e.message}", file=sys.stderr)
        return 2
    try:
        ids = read_roster(args.ids) if args.ids else None
        exercises = make_exercises(args.file, variants=args.variants, ids=ids, seed=args.seed,
                                   examples=args.example, progress=_progress)
        written = exercises.write(args.output) if args.output else []
        if args.moodle:
            from .exercise.moodle import to_moodle

            try:
                Path(args.moodle).write_text(to_moodle(exercises), encoding="utf-8",
                                             errors="surrogateescape")
            except OSError as e:  # /dev/full names no file in the error: say which
                e.filename = e.filename or args.moodle
                raise
    except (ExerciseError, VerifyError) as e:
        where = e.path is not None or e.line is not None
        print(f"backprop exercise: {e if where else e.message}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"backprop exercise: cannot write {display_path(e.filename or '')}: "
              f"{e.strerror or e}", file=sys.stderr)
        return 2
    n = len(exercises.variants)
    questions = sum(len(p.questions) for p in exercises.variants[0].parts)
    print(f"{n} variant{'s' * (n != 1)} of {display_path(args.file)} (seed {args.seed}), "
          f"{questions} question{'s' * (questions != 1)} each; {exercises.stats.summary()}")
    if args.output:
        print(f"wrote {len(written)} file{'s' * (len(written) != 1)} into {args.output}: "
              f"{', '.join(p.name for p in written[:3])}{', …' if len(written) > 3 else ''}")
    if args.moodle:
        print(f"wrote the Moodle quiz {args.moodle}")
    _warn_unvaried(exercises, args.file)
    _warn_duplicates(exercises)
    return 0


PROGRESS_FROM = 200  # variants: fewer take a few seconds at most


def _progress(done: int, total: int) -> None:
    """Every tenth of a long run, on stderr: thousands of variants take minutes."""
    step = max(total // 10, 1)
    if total >= PROGRESS_FROM and (done % step == 0 or done == total):
        print(f"backprop exercise: {done:,} of {total:,} variants drawn", file=sys.stderr,
              flush=True)


def _warn_unvaried(exercises: ExerciseSet, source: str) -> None:
    """Variants of an example without a 'vary' line are all the same: say so."""
    if len(exercises.variants) < 2:
        return
    parts = exercises.variants[0].parts
    fixed = [p.name for p in parts if not p.varied]
    if len(fixed) == len(parts):
        print(f"backprop exercise: warning: {display_path(source)} has no 'vary' line: every "
              "student gets the same numbers (add lines such as 'vary x uniform in [-2, 2] "
              "with 1 decimal')", file=sys.stderr)
    elif fixed:
        names = ", ".join(repr(n) for n in fixed)
        print(f"backprop exercise: warning: {'examples' if len(fixed) > 1 else 'example'} "
              f"{names} {'have' if len(fixed) > 1 else 'has'} no 'vary' line: the same numbers "
              "on every sheet", file=sys.stderr)


def _warn_duplicates(exercises: ExerciseSet) -> None:
    seen: dict[str, str] = {}
    for v in exercises.variants:
        numbers = "\n".join(g for p in v.parts for g in p.given)
        if numbers in seen and any(p.varied for p in v.parts):
            print(f"backprop exercise: warning: variant {v.id} has the same numbers as "
                  f"variant {seen[numbers]} (widen the vary ranges for more variety)",
                  file=sys.stderr)
        seen.setdefault(numbers, v.id)
