"""Grade answer files against the key, with ``backprop verify``'s own checker.

For each part of the student's variant, the variant's example is built again from the key's
``worked`` text with its claims left out, the student's answers become its claims, and
:func:`~autograd_core.verify.check_model` judges them: the same statuses (ok / truncated /
wrong), the same diagnoses of the slip, the same error-carried-forward analysis as
``backprop verify``. Nothing here decides whether a number is right.

What grading adds:

* **decimals asked**: an answer written with fewer decimals than the sheet asks is read as if
  padded with zeros (``0.5`` for 4 decimals is ``0.5000``), so ``0.3`` does not pass for a
  true 0.3208; more decimals are judged as written; a question whose claim had a tolerance
  of its own (``with rtol 0.01``, a ``tolerance`` line) is judged with that tolerance;
* **points**: each question is worth its points (1 by default); a vector or matrix earns them
  entry by entry (3 of 4 entries right: ¾ of the points);
* **credit** (a :class:`Policy`): an entry ok earns it all, a truncated one
  ``truncated_credit`` (1 by default: truncating is a habit, not an error of calculus; 0.5 for
  half), a wrong entry of an answer that follows from the student's own earlier answers
  ``carried_credit`` (0 by default; 0.5 for half credit, error carried forward);
* **missing** and **unreadable** answers: no points, and a message for each.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from ..verify import check_model
from ..verify.claims import DEFAULT, OK, TRUNCATED, WRONG, decimals, status
from ..verify.errors import VerifyError
from ..verify.model import build
from ..verify.numbers import MAX_DIGITS
from ..verify.parser import ExampleSpec, Literal, Stmt, parse
from ..verify.report import ClaimResult
from .answers import Answer, AnswerFile, LineError, read_answers
from .key import Key
from .variants import Part, Question, Variant

MISSING, UNREADABLE = "missing", "unreadable"


@dataclass(frozen=True, slots=True)
class Policy:
    """How much credit a truncated entry, or one carried forward, earns (0 to 1)."""

    truncated_credit: float = 1.0
    carried_credit: float = 0.0

    def __post_init__(self) -> None:
        """Refuse a credit outside 0..1."""
        for name in ("truncated_credit", "carried_credit"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} is a fraction of the points, 0 to 1; got {value}")


DEFAULT_POLICY = Policy()


@dataclass(slots=True)
class Result:
    """One question's grade: the answer, the verdict, the diagnosis and the points."""

    part: str
    name: str
    status: str  # ok | truncated | wrong | missing | unreadable
    answer: str | None  # as written (None when missing)
    key: str  # the true value with the decimals asked
    diagnosis: str | None
    follows_from: list[str]
    points: float
    max_points: float
    entries_ok: int
    entries: int
    line: int | None

    @property
    def full(self) -> bool:
        """Every point earned."""
        return math.isclose(self.points, self.max_points)


@dataclass(slots=True)
class Graded:
    """One student's grade: every question's result, and what could not be read."""

    file: str
    student: str
    variant: str | None
    results: list[Result] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    max_score: float = 0.0

    @property
    def score(self) -> float:
        """The points earned, rounded to 4 decimals."""
        return round(sum(r.points for r in self.results), 4)


def grade_file(key: Key, path: str, policy: Policy = DEFAULT_POLICY) -> Graded:
    """Grade one answer file; problems with it are in ``.messages``, never raised."""
    return grade_answers(key, read_answers(path), policy)


def grade_answers(key: Key, answers: AnswerFile, policy: Policy = DEFAULT_POLICY) -> Graded:
    """Grade answers already read (:func:`~.answers.read_answers`)."""
    attached = set(answers.broken.values())  # shown as their question's diagnosis
    messages = [e.located(answers.path) for e in answers.errors if e not in attached]
    unread = any(e.line is None for e in answers.errors)  # not text: nothing to grade
    variant, why = (None, "") if unread else _variant(key, answers)
    student = answers.student or (variant.student if variant and variant.student else
                                  _stem(answers.path))
    if variant is None:
        top = max((v.max_score for v in key), default=0.0)
        return Graded(answers.path, student, None, [], messages + [why] * bool(why), top)
    graded = Graded(answers.path, student, variant.id, [], messages, variant.max_score)
    by_part = _by_part(variant, answers, graded)
    specs = parse(variant.worked)
    for index, (part, spec) in enumerate(zip(variant.parts, specs, strict=True)):
        given = by_part.get(index, {})
        broken = {name: err for (sel, name), err in answers.broken.items()
                  if _part_index(variant, sel) == index}
        graded.results += grade_part(part, spec, given, broken, policy, answers.path)
    asked = {(i, q.name) for i, p in enumerate(variant.parts) for q in p.questions}
    for (sel, name), err in answers.broken.items():  # a broken line about nothing asked
        if (_part_index(variant, sel), name) not in asked:
            graded.messages.append(err.located(answers.path))
    return graded


def _stem(path: str) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def _variant(key: Key, answers: AnswerFile) -> tuple[Variant | None, str]:
    where = f"{answers.path}: "
    if answers.variant is None:
        stem = _stem(answers.path)
        try:
            return key.variant(stem), ""
        except KeyError:
            pass
        return None, (where + "the file does not say which variant it answers: write "
                      "'variant 07' (the variant on your sheet) on its first line")
    try:
        return key.variant(answers.variant), ""
    except KeyError as e:
        return None, where + str(e.args[0])


def _part_index(variant: Variant, selector: str | None) -> int | None:
    if selector is None:
        return 0
    for i, p in enumerate(variant.parts):
        if p.name == selector:
            return i
    if selector.isdigit() and 1 <= int(selector) <= len(variant.parts):
        return int(selector) - 1
    return None


def _by_part(variant: Variant, answers: AnswerFile, graded: Graded
             ) -> dict[int, dict[str, Answer]]:
    """The answers of each part, by question; every answer that cannot count says why."""
    out: dict[int, dict[str, Answer]] = {}
    for a in answers.answers:
        index = _part_index(variant, a.part)
        where = f"{answers.path}:{a.line}: "
        if index is None:
            graded.messages.append(where + f"no part {a.part!r} on the sheet (parts: "
                                   f"{', '.join(str(i + 1) for i in range(len(variant.parts)))})")
            continue
        part = variant.parts[index]
        if a.name not in [q.name for q in part.questions]:
            graded.messages.append(where + _not_asked(a.name, part, len(variant.parts) > 1,
                                                      index))
            continue
        earlier = out.setdefault(index, {}).get(a.name)
        if earlier is not None:
            graded.messages.append(f"{answers.path}:{earlier.line}: {a.name} is answered "
                                   f"again on line {a.line}; line {a.line} is graded")
        out[index][a.name] = a
    return out


def _not_asked(name: str, part: Part, several: bool, index: int) -> str:
    asked = [q.name for q in part.questions]
    close = difflib.get_close_matches(name, asked, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    where = f" in part {index + 1}" if several else ""
    return f"{name} is not asked{where}{hint}; asked: {', '.join(asked)}"


def grade_part(part: Part, spec: ExampleSpec, answers: dict[str, Answer],
               broken: dict[str, LineError], policy: Policy, path: str) -> list[Result]:
    """Every question of one part, in the sheet's order."""
    stmts = {name: _judged_as_asked(a.stmt, part[name])
             for name, a in answers.items() if a.stmt is not None}
    checked, refused = _check(spec, list(stmts.values()), path)
    out = []
    for q in part.questions:
        a = answers.get(q.name)
        if q.name in refused:
            assert a is not None and a.stmt is not None
            out.append(_result(part, q, WRONG, a, refused[q.name], [], 0, 0.0))
        elif q.name in checked:
            assert a is not None
            out.append(_scored(part, q, a, checked[q.name], stmts[q.name], policy))
        elif q.name in broken and (a is None or a.stmt is None):
            out.append(_result(part, q, UNREADABLE, None, broken[q.name].located(path), [],
                               0, 0.0, broken[q.name].line))
        else:
            out.append(_result(part, q, MISSING, None, None, [], 0, 0.0,
                               a.line if a is not None else None))
    return out


def _check(spec: ExampleSpec, claims: list[Stmt], path: str
           ) -> tuple[dict[str, Checked], dict[str, str]]:
    """verify's verdict on each claim, with the exact true values it judged against; a claim
    verify refuses outright (a shape it cannot read) is taken out, with the reason, and the
    rest checked again."""
    refused: dict[str, str] = {}
    pending = list(claims)
    while pending:
        model = build(replace(spec, stmts=[s for s in spec.stmts
                                           if s.kind not in ("claim", "show")]))
        model.checks = list(pending)
        try:
            report = check_model(model, path)
        except VerifyError as e:
            culprit = next((s for s in pending if s.line == e.line), None)
            if culprit is None:
                raise
            refused[str(culprit.target)] = e.message
            pending.remove(culprit)
            continue
        by_line = {s.line: s for s in pending}
        out = {}
        for c in report.claims:
            st = by_line[c.line]
            assert st.target is not None
            exact = model.compute(st.target, st.line).values()  # Fractions on paper
            out[str(st.target)] = Checked(c, list(exact))
        return out, refused
    return {}, refused


@dataclass(frozen=True, slots=True)
class Checked:
    """verify's verdict on one answer, and the exact true values (row by row)."""

    result: ClaimResult
    exact: list[Any]


def _judged_as_asked(stmt: Stmt | None, q: Question) -> Stmt:
    """The claim under the question's tolerance, or padded to the decimals asked."""
    assert stmt is not None
    if q.tolerance is not None:
        return replace(stmt, tolerance=q.tolerance)
    return _padded(stmt, q.decimals)


def _padded(stmt: Stmt | None, k: int) -> Stmt:
    """The claim with every number written to at least ``k`` decimals (0.5 → 0.5000)."""
    assert stmt is not None and stmt.literal is not None
    lit = stmt.literal
    texts = tuple(_pad(t, k) for t in lit.texts)
    return replace(stmt, literal=Literal(lit.values, texts, lit.shape))


def _pad(text: str, k: int) -> str:
    """``text`` written to ``k`` decimals, unless it has them, or padding would write more
    digits than a number may have (1e60 to 4 decimals: 65 digits): then as written."""
    if decimals(text) >= k:
        return text
    padded = f"{Decimal(text):.{k}f}"
    return padded if len(padded.lstrip("-").replace(".", "")) <= MAX_DIGITS else text


def _scored(part: Part, q: Question, a: Answer, checked: Checked, stmt: Stmt, policy: Policy
            ) -> Result:
    """Points entry by entry, each entry judged as verify judges a claim (exact values)."""
    assert stmt.literal is not None
    c = checked.result
    follows = list(c.follows_from or [])
    true = checked.exact
    if _shape_of(c.computed) != _squeeze(stmt.literal.shape) or len(true) != q.size:
        statuses = [WRONG] * q.size  # another shape (a transposed matrix): no entry counts
    elif c.status == OK:
        statuses = [OK] * q.size
    else:
        tol = q.tolerance or DEFAULT
        statuses = [status(t, v, tol) for t, v in zip(stmt.literal.texts, true, strict=True)]
    credit = 0.0
    for s in statuses:
        if s == OK:
            credit += 1.0
        elif s == TRUNCATED:
            credit += policy.truncated_credit
        elif follows:
            credit += policy.carried_credit
    n = max(len(statuses), 1)
    points = round(q.points * credit / n, 6)
    ok = sum(s == OK for s in statuses)
    return _result(part, q, c.status, a, c.diagnosis, follows, ok, points)


def _result(part: Part, q: Question, verdict: str, a: Answer | None, diagnosis: str | None,
            follows: list[str], ok: int, points: float, line: int | None = None) -> Result:
    written = None
    if a is not None and a.stmt is not None and a.stmt.literal is not None:
        from .rewrite import literal_text

        written = literal_text(list(a.stmt.literal.texts), a.stmt.literal.shape)
    return Result(part.name, q.name, verdict, written, q.text, diagnosis, follows, points,
                  q.points, ok, q.size, line if line is not None else (a.line if a else None))


def _shape_of(x: object) -> tuple[int, ...]:
    """The squeezed shape of a number, a list or a list of rows."""
    if not isinstance(x, list):
        return ()
    return _squeeze((len(x), *_shape_of(x[0]))) if x else (0,)


def _squeeze(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(d for d in shape if d != 1)


def grade_all(key: Key, paths: Sequence[str], policy: Policy = DEFAULT_POLICY) -> list[Graded]:
    """Grade every file; one broken file never costs another student anything. Files that
    answer the same variant are all graded, and each one's messages name the others (a
    student who submitted twice, or a copied file: the teacher decides)."""
    grades = [grade_file(key, p, policy) for p in paths]
    by_variant: dict[str, list[Graded]] = {}
    for g in grades:
        if g.variant is not None:
            by_variant.setdefault(g.variant, []).append(g)
    for same in by_variant.values():
        for g in same if len(same) > 1 else []:
            others = ", ".join(o.file for o in same if o is not g)
            g.messages.append(f"{g.file}: warning: variant {g.variant} is answered by "
                              f"{others} too; every file is graded")
    return grades
