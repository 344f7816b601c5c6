"""``check()`` in a notebook: one answer judged in the student's own kernel, offline.

    >>> from autograd_core.exercise import Exercise
    >>> ex = Exercise('''
    ... input x = 2
    ... param w = 3
    ... loss  l = (w*x - 1)^2
    ... show  dl/dw
    ... ''')
    >>> ex.check("dl/dw", "-20.0000")
    dl/dw = -20.0000: wrong, 0 of 1 point (the key has 4 decimals): sign flipped
    0.0

It prints the verdict and the diagnosis (never the true value, unless ``reveal=True``), and
returns the points earned: in an nbgrader autograder cell whose last line is ``check(…)``,
that number is the cell's partial credit (nbgrader reads a number shown as the cell's result
as its score). ``strict=True`` raises ``AssertionError`` instead for anything short of full
points (all or nothing).

An answer given as a Python float is rounded to the decimals the sheet asks (a float has no
written digits); give a string (``"0.1586"``) to be judged exactly as written.
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Sequence
from typing import Any

from ..formula.errors import FormulaError
from ..formula.lexer import tokenize_line
from ..verify.lexer import Statement
from ..verify.parser import ExampleSpec, parse, parse_statement
from ..verify.source import read_source
from .answers import Answer, LineError
from .errors import ExerciseError
from .grading import DEFAULT_POLICY, Policy, Result, grade_part
from .key import read_key
from .variants import Part, Question, Variant, draw_variants


class Exercise:
    """One variant of an exercise (a ``.worked`` file, its text, or a key's variant)."""

    def __init__(self, source: str | os.PathLike[str] | Variant, *,
                 policy: Policy = DEFAULT_POLICY) -> None:
        """Load the exercise; nothing varies here: the numbers are the file's."""
        if isinstance(source, Variant):
            self.variant = source
        else:
            text = source if isinstance(source, str) and "\n" in source else \
                read_source(source, error=ExerciseError)
            (self.variant,), _ = draw_variants(text, default_name="exercise", count=1)
        self.policy = policy
        self._specs: list[ExampleSpec] = parse(self.variant.worked)

    @classmethod
    def from_key(cls, key: str | os.PathLike[str], variant: str) -> Exercise:
        """The exercise of variant ``variant`` (its id, or the student's id) of ``key.json``."""
        return cls(read_key(key).variant(variant))

    @property
    def parts(self) -> list[Part]:
        """The parts (examples) of the exercise, each with its questions."""
        return self.variant.parts

    def question(self, name: str, part: int | str | None = None) -> tuple[int, Question]:
        """The part (0-based) and question ``name``; ``part`` picks among parts (from 1)."""
        hits = [(i, q) for i, p in enumerate(self.parts) for q in p.questions
                if q.name == name and _in_part(p, i, part)]
        if not hits:  # the names of the parts looked in, each once
            looked = [p for i, p in enumerate(self.parts) if _in_part(p, i, part)]
            if not looked:
                raise KeyError(f"no part {part!r}: the exercise has parts 1 to "
                               f"{len(self.parts)}")
            asked = list(dict.fromkeys(q.name for p in looked for q in p.questions))
            close = difflib.get_close_matches(name, asked, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            where = f" in part {part}" if part is not None else ""
            raise KeyError(f"{name!r} is not asked{where}{hint}; asked: {', '.join(asked)}")
        if len(hits) > 1:
            raise KeyError(f"{name!r} is asked in parts "
                           f"{', '.join(str(i + 1) for i, _ in hits)}: say which, part=N")
        return hits[0]

    def result(self, name: str, answer: Any, *, part: int | str | None = None) -> Result:
        """The grade of one answer (the same checking as ``backprop grade``)."""
        index, q = self.question(name, part)
        huge = _beyond(answer)
        if huge is not None:  # a float from Python: a number, only no answer to anything
            why = "is beyond ±1e300" if math.isinf(huge) or huge == huge else "is not a number"
            return Result(self.parts[index].name, name, "wrong", str(answer), q.text,
                          f"{huge!r} {why}", [], 0.0, q.points, 0, q.size, None)
        text = f"{name} = {answer_literal(answer, q.decimals)}"
        try:
            tokens = tokenize_line(text, 1)
            stmt = parse_statement(Statement(1, text, tokens))
        except FormulaError as e:
            return Result(self.parts[index].name, name, "unreadable", str(answer), q.text,
                          e.message, [], 0.0, q.points, 0, q.size, None)
        graded = grade_part(self.parts[index], self._specs[index],
                            {name: Answer(name, stmt, None, 1)}, {}, self.policy, "<answer>")
        return next(r for r in graded if r.name == name)

    def check(self, name: str, answer: Any, *, part: int | str | None = None,
              points: float | None = None, strict: bool = False, reveal: bool = False
              ) -> float:
        """Print the verdict on one answer and return the points earned (scaled to
        ``points`` when given); ``strict``: raise ``AssertionError`` unless fully right."""
        r = self.result(name, answer, part=part)
        scale = 1.0 if points is None else points / r.max_points if r.max_points else 0.0
        earned = round(r.points * scale, 4)
        line = verdict_line(r, earned, r.max_points * scale, reveal)
        print(line)
        if strict and not r.full:
            raise AssertionError(line)
        return earned

    def _repr_markdown_(self) -> str:
        """In a notebook, the exercise shows as its sheet."""
        from .sheet import sheet

        return sheet(self.variant, "Exercise")

    def __repr__(self) -> str:
        """``Exercise(variant 07, 2 parts, 21 questions)``."""
        asked, parts = sum(len(p.questions) for p in self.parts), len(self.parts)
        return (f"Exercise(variant {self.variant.id}, {parts} part{'s' * (parts != 1)}, "
                f"{asked} question{'s' * (asked != 1)})")


def _in_part(p: Part, index: int, part: int | str | None) -> bool:
    if part is None:
        return True
    if isinstance(part, int):
        return index == part - 1
    return p.name == part or (part.isdigit() and index == int(part) - 1)


def _beyond(answer: Any) -> float | None:
    """A float of the answer that no worked example holds (±inf, NaN, |x| > 1e300), if any."""
    if hasattr(answer, "tolist"):  # numpy, torch
        answer = answer.tolist()
    if isinstance(answer, (list, tuple)):
        return next((x for x in map(_beyond, answer) if x is not None), None)
    if isinstance(answer, float) and not abs(answer) <= MAX_ANSWER:
        return answer
    return None


MAX_ANSWER = 1e300  # numbers a worked example writes: 1e300 at most (verify's exponent limit)


def answer_literal(answer: Any, k: int) -> str:
    """An answer written in the file format: floats rounded to ``k`` decimals, strings kept."""
    if isinstance(answer, str):
        return answer.strip()
    if hasattr(answer, "tolist"):  # numpy, torch
        answer = answer.tolist()
    if isinstance(answer, Sequence):
        return "[" + ", ".join(answer_literal(a, k) for a in answer) + "]"
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        raise TypeError(f"an answer is a number, a list of numbers or a string such as "
                        f"'0.1586', got {type(answer).__name__}")
    if isinstance(answer, int):
        return str(answer)
    text = f"{float(answer):.{k}f}"
    if len(text) > k + 18:  # past a float's 17 digits: its shortest form (1e+40, not 41 digits)
        return repr(float(answer))
    return text


def verdict_line(r: Result, earned: float, worth: float, reveal: bool) -> str:
    """``dl/dW2 = […]: wrong, 0.33 of 1 point (…): <diagnosis>``."""
    head = f"{r.name} = {r.answer if r.answer is not None else '(unreadable)'}: {r.status}"
    head += f", {float(earned):g} of {float(worth):g} point{'s' * (worth != 1)}"
    if r.entries > 1:
        head += f" ({r.entries_ok} of {r.entries} entries right)"
    elif r.status != "ok":
        k = _decimals(r.key)
        head += f" (the key has {k} decimal{'s' * (k != 1)})"
    if r.follows_from:
        head += f"; it follows from your {', '.join(r.follows_from)}"
    if r.diagnosis:
        head += f": {r.diagnosis}"
    if reveal and r.status != "ok":
        head += f" [true value: {r.key}]"
    return head


def _decimals(text: str) -> int:
    first = text.strip("[] ").split(",")[0].strip()
    return len(first.partition(".")[2])


__all__ = ["Exercise", "LineError", "answer_literal", "verdict_line", "ExerciseError"]
