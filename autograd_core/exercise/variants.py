"""One worked example becomes many exercises: numbers drawn as the ``vary`` statements allow.

Each variant is drawn from its own random stream, seeded by the text
``"{seed}:{variant id}:{example number}"`` (Python's ``random.Random`` hashes a text seed
with SHA-512: the same seed and id give the same numbers on every machine and Python
version), so a student's variant can be drawn again from the seed and their id alone, and
adding a student to the roster changes nobody else's numbers. A draw that is not well-posed
(:mod:`.wellposed`) is thrown away and the stream drawn on, at most :data:`MAX_DRAWS` times.

A variant's ``worked`` text is the teacher's file with the drawn numbers written in, every
``claim`` and ``show`` turned into a claim of the true value (the answer key: ``backprop
verify`` finds every claim ok) and the ``vary`` lines commented out.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..formula.tensor import Q
from ..verify.claims import Tolerance, rounded
from ..verify.claims import decimals as decimals_of
from ..verify.lexer import strip_comment
from ..verify.model import Model
from ..verify.numbers import MAX_DIGITS, as_float
from ..verify.parser import ExampleSpec, Stmt
from .errors import ExerciseError
from .questions import DEFAULT_DECIMALS, Asked
from .rewrite import Edits, comment_of, last_line, literal_text, number_spans, tokenized_statements
from .template import LEAVES, Drawn, Template, templates

MAX_DECIMALS = 15  # a claim asked of a student: floats carry about 16 significant digits
MAX_VARIANTS = 10_000  # one per student: more is a typo (100000 ran minutes, silently)

MAX_DRAWS = 2000
COMPUTATION = ("layer", "let", "loss", "perceptron", "batch")


@dataclass(slots=True)
class Question:
    """One answer of the key: the quantity, how it is asked, and its true value."""

    name: str
    kind: str  # "claim" | "show": how the teacher's file asked it
    decimals: int
    points: float
    shape: tuple[int, ...]
    values: list[float]  # full precision, row by row
    texts: list[str]  # rounded to ``decimals``
    tolerance: Tolerance | None = None  # how answers are judged, when not as written

    @property
    def size(self) -> int:
        """How many numbers the answer has."""
        return len(self.values)

    @property
    def text(self) -> str:
        """The key as a literal of the format (``[0.1586, 0.1017, 0.2869]``)."""
        return literal_text(self.texts, self.shape)

    def nested(self) -> Any:
        """The true value as a number, a list or a list of rows."""
        return Q(self.shape, self.values).nested()


@dataclass(slots=True)
class Part:
    """One example of a variant: what is given, how it is computed, what is asked."""

    name: str
    notes: list[str]
    varied: bool
    given: list[str]  # the input/param/const statements, as written in this variant
    computation: list[str]  # the layer/let/loss/… statements, as written
    questions: list[Question]

    def __getitem__(self, name: str) -> Question:
        """The question ``name`` of this part."""
        for q in self.questions:
            if q.name == name:
                return q
        raise KeyError(f"{name!r} is not asked in {self.name!r}; asked: "
                       f"{', '.join(q.name for q in self.questions)}")


@dataclass(slots=True)
class Variant:
    """One student's numbers: the key (``worked``), and each part's questions."""

    id: str
    student: str | None
    worked: str
    parts: list[Part]

    @property
    def max_score(self) -> float:
        """The points of every question of every part."""
        return sum(q.points for p in self.parts for q in p.questions)


@dataclass(slots=True)
class Stats:
    """How many draws were made, and why the refused ones were refused."""

    draws: int = 0
    refused: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        """``123 draws, 83 refused (kink 60, small gradient 23)``."""
        n = sum(self.refused.values())
        why = ", ".join(f"{k} {v}" for k, v in self.refused.most_common())
        return (f"{self.draws} draw{'s' * (self.draws != 1)}, {n} refused"
                + (f" ({why})" if why else ""))


def select(all_templates: list[Template], wanted: Sequence[str] | None) -> list[Template]:
    """The examples asked for by number (from 1) or by name; all of them by default."""
    if not wanted:
        return all_templates
    out = []
    for w in wanted:
        hit = [t for t in all_templates if t.spec.name == w]
        if not hit and w.isdigit() and 1 <= int(w) <= len(all_templates):
            hit = [all_templates[int(w) - 1]]
        if not hit:
            names = "; ".join(f"{i + 1}: {t.spec.name}" for i, t in enumerate(all_templates))
            raise ExerciseError(f"no example {w!r} in this file (examples: {names})")
        out += [t for t in hit if t not in out]
    return out


def make_variant(text: str, chosen: list[Template], vid: str, student: str | None,
                 seed: str, stats: Stats, header: list[str], preamble: int = 0) -> Variant:
    """Draw one variant of the chosen examples of ``text``."""
    edits = Edits(text)
    parts = []
    for number, t in enumerate(chosen, start=1):
        drawn = _draw(t, random.Random(f"{seed}:{vid}:{number}"), stats)
        assert drawn.model is not None and drawn.spec is not None
        t.write_numbers(edits, drawn.numbers)
        questions = _key(t, drawn.model, edits)
        _comment_out_vary(t.spec, edits)
        parts.append(Part(t.spec.name, list(t.spec.notes), t.varied, [], [], questions))
    body = edits.text()
    statements = tokenized_statements(body)
    lines = body.splitlines()
    for t, part in zip(chosen, parts, strict=True):
        for st in t.spec.stmts:
            shown = _shown_lines(lines, st.line, last_line(statements[st.line]))
            if st.kind in LEAVES and st.literal is not None:
                part.given += shown
            elif st.kind in COMPUTATION:
                part.computation += shown
    kept = _kept_lines(lines, chosen, preamble)
    return Variant(vid, student, "\n".join(header + kept) + "\n", parts)


def _draw(t: Template, rng: random.Random, stats: Stats) -> Drawn:
    """Draw until the variant is well-posed (the teacher's numbers when nothing varies)."""
    if not t.varied:
        return t.draw(rng, varied=False)
    reasons: Counter[str] = Counter()
    for _ in range(MAX_DRAWS):
        drawn = t.draw(rng)
        stats.draws += 1
        if not drawn.problems:
            return drawn
        for p in {p.kind for p in drawn.problems}:
            stats.refused[p] += 1
        reasons[str(drawn.problems[0])] += 1
    common = "; ".join(f"{why} ({n}×)" for why, n in reasons.most_common(3))
    raise ExerciseError(f"example {t.spec.name!r}: no well-posed variant in {MAX_DRAWS} draws "
                        f"(most often: {common}); widen the ranges in its vary statements"
                        + ("" if t.kinks_allowed else ", or write 'vary kinks allowed'"),
                        t.spec.line)


def _key(t: Template, model: Model, edits: Edits) -> list[Question]:
    """Compute every question; write each claim and show of the example as a true claim."""
    asked = {a.name: a for a in t.asked}
    questions: dict[str, Question] = {}
    for st in t.spec.stmts:
        if st.kind not in ("claim", "show") or st.target is None:
            continue
        name = str(st.target)
        a = asked[name]
        k = _decimals(st, a)
        q = _question(model, st, a, k)
        questions.setdefault(name, q)
        _write_claim(edits, t.statements[st.line], st, q)
    return [questions[a.name] for a in t.asked]


def _decimals(st: Stmt, a: Asked) -> int:
    if st.kind == "claim" and st.literal is not None:
        return max(decimals_of(text) for text in st.literal.texts)
    return DEFAULT_DECIMALS if a.target.kind != "count" else 0


def _squeeze(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(d for d in shape if d != 1)


def _question(model: Model, st: Stmt, a: Asked, k: int) -> Question:
    assert st.target is not None
    true = model.compute(st.target, st.line)
    shape = _squeeze(true.shape)
    if st.literal is not None and _squeeze(st.literal.shape) == shape:
        shape = st.literal.shape  # as the teacher wrote it ([[…]] for a 1-row matrix)
    values = [as_float(v) for v in true.values()]
    if k > MAX_DECIMALS:
        raise ExerciseError(f"{st.kind} {a.name}: {k} decimals; an exercise asks at most "
                            f"{MAX_DECIMALS} (its key is computed in floats, which hold about "
                            "16 significant digits)", st.line)
    if k == 0 and not all(v.is_integer() for v in values):
        k = DEFAULT_DECIMALS  # an integer claims an exact value: this variant's is not one
    texts = [rounded(v, k) for v in values]
    widest = max(range(len(texts)), key=lambda i: len(texts[i]))
    if sum(c.isdigit() for c in texts[widest]) > MAX_DIGITS or not all(map(math.isfinite,
                                                                          values)):
        raise ExerciseError(f"{st.kind} {a.name}: its value {values[widest]:.4g} is too large to "
                            f"write out in an answer (a written number has at most {MAX_DIGITS} "
                            "digits)", st.line)
    return Question(a.name, a.kind, k, a.points, shape, values, texts, a.tolerance)


def _write_claim(edits: Edits, stmt: Any, st: Stmt, q: Question) -> None:
    """The claim's numbers replaced in place, or the statement rewritten as a claim."""
    spans = number_spans(stmt)
    if st.kind == "claim" and st.literal is not None and len(spans) == q.size:
        for span, text in zip(spans, q.texts, strict=True):
            edits.number(span, text)
        return
    first, last = st.line, last_line(stmt)
    row = edits.lines[first - 1]
    indent = row[:len(row) - len(row.lstrip())]
    comment = comment_of(row)
    new = f"{indent}claim {q.name} = {q.text}" + (f"  {comment}" if comment else "")
    edits.lines_of(first, last, [new] + [""] * (last - first))


def _comment_out_vary(spec: ExampleSpec, edits: Edits) -> None:
    for st in spec.exercise:
        if st.kind == "vary":
            row = edits.lines[st.line - 1]
            edits.lines_of(st.line, st.line, ["# (drawn) " + row.lstrip()])


def _shown_lines(lines: list[str], first: int, last: int) -> list[str]:
    return [strip_comment(row).rstrip() for row in lines[first - 1:last]]


def _kept_lines(lines: list[str], chosen: list[Template], preamble: int) -> list[str]:
    """The file's lines before its first example (``preamble`` of them), then the chosen
    examples' lines."""
    kept = lines[:preamble]
    for t in chosen:
        kept += lines[max(t.first, preamble + 1) - 1:t.last]
    return kept


def variant_ids(count: int | None, ids: Sequence[str] | None) -> list[tuple[str, str | None]]:
    """``(id, student)`` for each variant: the roster's ids, or 01, 02, … ``count``."""
    if ids is not None:
        if len(ids) > MAX_VARIANTS:
            raise ExerciseError(f"{len(ids):,} student ids; one run makes at most "
                                f"{MAX_VARIANTS:,} variants (split the roster)")
        return [(i, i) for i in ids]
    n = 1 if count is None else count
    if not 1 <= n <= MAX_VARIANTS:
        raise ExerciseError(f"--variants must be from 1 to {MAX_VARIANTS:,}, got {n:,}")
    width = max(2, len(str(n)))
    return [(f"{i:0{width}d}", None) for i in range(1, n + 1)]


def draw_variants(text: str, *, default_name: str, count: int | None = None,
                  ids: Sequence[str] | None = None, seed: str = "0",
                  examples: Sequence[str] | None = None, source: str = "<text>",
                  progress: Callable[[int, int], None] | None = None
                  ) -> tuple[list[Variant], Stats]:
    """Every variant of the chosen examples of a worked-example text, and the draw counts;
    ``progress(done, total)`` is told after each variant."""
    every = templates(text, default_name)
    chosen = select(every, examples)
    preamble = every[0].spec.line - 1  # the comments before the first statement
    stats = Stats()
    out = []
    every_id = variant_ids(count, ids)
    for vid, student in every_id:
        who = f" for {student}" if student else ""
        header = [f"# Variant {vid}{who} of {source}, drawn by backprop exercise --seed {seed}.",
                  "# Its claims are the answer key: backprop verify finds every one ok.",
                  "# For the teacher: the student's sheet is the .md file of the same name.", ""]
        out.append(make_variant(text, chosen, vid, student, seed, stats, header, preamble))
        if progress is not None:
            progress(len(out), len(every_id))
    return out, stats
