"""``backprop exercise``: a teacher's worked example becomes one variant per student, each
with its answer key and its sheet.

    exercises/variant-01.worked   the variant, its claims the answer key (for the teacher)
    exercises/variant-01.md       the student's sheet: given numbers, what to compute, no answers
    exercises/key.json            every variant's key, for backprop grade

With a roster (one student id per line), the files are named by the ids (``alice.worked``,
``alice.md``) and each student's numbers are drawn from the seed and their id.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..verify.errors import VerifyError
from ..verify.parser import parse
from ..verify.paths import display_path
from ..verify.source import read_source
from .errors import ExerciseError
from .key import Key
from .sheet import sheet
from .variants import MAX_VARIANTS, Stats, Variant, draw_variants

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]*$")


@dataclass(slots=True)
class ExerciseSet:
    """The variants of one exercise: their key, their sheets, and how they were drawn."""

    title: str
    key: Key
    stats: Stats

    @property
    def variants(self) -> list[Variant]:
        """Every variant, in roster (or number) order."""
        return self.key.variants

    def file_stem(self, v: Variant) -> str:
        """``variant-07`` for numbered variants, the student's id with a roster."""
        return v.id if v.student else f"variant-{v.id}"

    def sheet(self, v: Variant) -> str:
        """The student's sheet of variant ``v`` (Markdown)."""
        return sheet(v, self.title)

    def write(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Write every variant's ``.worked`` and ``.md`` and ``key.json`` into ``directory``."""
        out = Path(directory)
        if out.exists() and not out.is_dir():
            raise ExerciseError("exists and is not a directory", None, display_path(out))
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for v in self.variants:
            stem = self.file_stem(v)
            written.append(_write(out / f"{stem}.worked", v.worked))
            written.append(_write(out / f"{stem}.md", self.sheet(v)))
        written.append(_write(out / "key.json", self.key.to_json()))
        return written


def _write(path: Path, text: str) -> Path:
    """Write atomically: a reader never sees half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", errors="surrogateescape")  # a non-UTF-8 name's bytes
    os.replace(tmp, path)
    return path


def make_exercises(source: str | os.PathLike[str], *, variants: int | None = None,
                   ids: Sequence[str] | None = None, seed: str | int = 0,
                   examples: Sequence[str] | None = None,
                   progress: Callable[[int, int], None] | None = None) -> ExerciseSet:
    """The variants of a worked-example file (a path, or its text: see
    :func:`autograd_core.verify.check`), ``variants`` of them or one per id of ``ids``
    (1 to ``MAX_VARIANTS``); ``progress(done, total)`` is told after each variant."""
    text, name, shown = _source(source)
    try:
        check_count(variants) if ids is None else check_count(len(ids), "the student ids")
    except ExerciseError as e:
        raise ExerciseError(e.message, None, shown) from None
    if ids is not None:
        check_ids(ids)
    try:
        drawn, stats = draw_variants(text, default_name=name, count=variants, ids=ids,
                                     seed=str(seed), examples=examples, source=shown,
                                     progress=progress)
    except VerifyError as e:
        raise ExerciseError(e.message, e.line, e.path or shown, column=e.column) from None
    for v in drawn:  # what the key, the sheet and backprop grade will read back
        try:
            parse(v.worked)
        except VerifyError as e:
            raise ExerciseError(f"variant {v.id}: its answer key cannot be read back "
                                f"({e.message}); please report this", None, shown) from None
    return ExerciseSet(name, Key(shown, str(seed), drawn), stats)


def _source(source: str | os.PathLike[str]) -> tuple[str, str, str]:
    """(text, name, how to name it) of a path or a text."""
    if isinstance(source, str) and "\n" in source:
        return source, "exercise", "<text>"
    p = Path(source)
    return read_source(p, error=ExerciseError), p.stem, display_path(p)


def read_roster(path: str | os.PathLike[str]) -> list[str]:
    """Student ids, one per line (blank lines and ``#`` comments skipped)."""
    p = Path(path)
    shown = display_path(p)
    lines = read_source(p, error=ExerciseError, what="a roster").splitlines()
    ids: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if line:
            if len(ids) == MAX_VARIANTS:
                raise ExerciseError(f"more than {MAX_VARIANTS:,} students: at most "
                                    f"{MAX_VARIANTS:,} variants are made", number, shown)
            ids.append(line)
            try:
                _check_id(line, seen)
            except ExerciseError as e:
                raise ExerciseError(e.message, number, shown) from None
    if not ids:
        raise ExerciseError("the roster names no student (one id per line)", None, shown)
    if len(ids) > MAX_VARIANTS:
        raise ExerciseError(f"{len(ids):,} student ids; one run makes at most "
                            f"{MAX_VARIANTS:,} variants (split the roster)", None, shown)
    return ids


def check_count(n: int | None, what: str = "variants") -> None:
    """1 to MAX_VARIANTS variants (None: the default, 1)."""
    if n is not None and not 1 <= n <= MAX_VARIANTS:
        raise ExerciseError(f"{what} must be from 1 to {MAX_VARIANTS:,} (one per student), "
                            f"not {n:,}")


def check_ids(ids: Sequence[str]) -> None:
    """Ids name files: letters, digits and ``. _ @ + -``, each once."""
    seen: set[str] = set()
    for i in ids:
        _check_id(i, seen)


def _check_id(i: str, seen: set[str]) -> None:
    """One id of a roster, ``seen`` holding the ones before it (lower case)."""
    if not SAFE_ID.match(i) or i.startswith("variant-"):
        raise ExerciseError(f"student id {i!r}: use letters, digits and . _ @ + - only "
                            "(it names the student's files), not starting with 'variant-'")
    if i.lower() in seen:
        raise ExerciseError(f"student id {i!r} appears twice")
    seen.add(i.lower())
