"""Exercises for a class: one worked example becomes one variant per student, with its answer
key and sheet, and students' answers are graded with feedback that names the slip.

    >>> from autograd_core.exercise import make_exercises
    >>> exercises = make_exercises('''
    ... input x = 2
    ... param w = 3
    ... vary w uniform in [1, 4] with 1 decimal
    ... loss  l = (w*x - 1)^2
    ... show  dl/dw
    ... ''', variants=3, seed=7)
    >>> [v.id for v in exercises.variants]
    ['01', '02', '03']

The pieces: :func:`make_exercises` (variants, keys, sheets), :func:`grade_file` and
:func:`grade_all` (answer files against ``key.json``), :mod:`.outputs` (table, CSV,
Gradescope), :mod:`.moodle` (a Moodle XML quiz), :class:`Exercise` (``check()`` in a
notebook). The ``vary`` and ``points`` statements are described in
:mod:`autograd_core.verify.vary`; why a variant is refused, in :mod:`.wellposed`.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ExerciseError
from .grading import Graded, Policy, Result, grade_all, grade_answers, grade_file
from .key import Key, read_key
from .making import ExerciseSet, make_exercises, read_roster
from .notebook import Exercise
from .variants import Part, Question, Variant

EXERCISES_DIR = Path(__file__).resolve().parent.parent / "examples" / "exercises"


def bundled_exercise(name: str) -> Path:
    """A bundled exercise file by name: ``vo_mlp`` (Vo's MLP, sigmoid and ReLU) or
    ``fromont`` (a perceptron update, Fromont's Exercise 2)."""
    path = EXERCISES_DIR / f"{name}.worked"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in EXERCISES_DIR.glob("*.worked")))
        raise ValueError(f"no bundled exercise {name!r} (bundled: {known})")
    return path


__all__ = [
    "EXERCISES_DIR", "bundled_exercise", "Exercise", "ExerciseError", "ExerciseSet", "Graded",
    "Key", "Part", "Policy", "Question", "Result", "Variant", "grade_all", "grade_answers",
    "grade_file", "make_exercises", "read_key", "read_roster"
]
