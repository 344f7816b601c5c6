"""One example of the teacher's file, ready to draw variants from.

A :class:`Template` knows which leaves vary and where their numbers are written, what the
exercise asks, and where the teacher's own example has exact zeros in its gradients (the
pattern a variant may keep: see :mod:`.wellposed`). :meth:`Template.draw` writes one set of
drawn numbers into the example and returns it built, or the reasons it is ill-posed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ..formula.errors import FormulaError
from ..formula.tensor import shape_str
from ..verify.lexer import Statement
from ..verify.model import Model, build
from ..verify.parser import ExampleSpec, Stmt, parse
from ..verify.vary import KinksAllowed, Variation
from . import wellposed
from .errors import ExerciseError
from .questions import Asked, asked
from .rewrite import Edits, Span, number_spans, tokenized_statements

LEAVES = ("input", "param", "const")


@dataclass(slots=True)
class Slot:
    """A leaf whose numbers vary: where they are written, and which rule draws each entry."""

    name: str
    line: int
    spans: list[Span]
    texts: list[str]  # as the teacher wrote them
    rules: list[tuple[list[int], Variation]] = field(default_factory=list)

    def draw(self, rng: random.Random) -> list[str]:
        """The entries' numbers for one variant (later ``vary`` statements win)."""
        texts = list(self.texts)
        for entries, rule in self.rules:
            for k in entries:
                texts[k] = rule.draw(rng)
        return texts


@dataclass(slots=True)
class Drawn:
    """One draw: the example's text with the numbers written in, built (or why not)."""

    numbers: dict[int, list[str]]  # leaf statement line -> entries
    spec: ExampleSpec | None
    model: Model | None
    problems: list[wellposed.Problem]


class Template:
    """The example ``spec`` of a file (``text``, its ``statements`` by first line)."""

    def __init__(self, text: str, spec: ExampleSpec, statements: dict[int, Statement],
                 first: int, last: int, default_name: str) -> None:
        """Read the example's vary and points lines and compute the teacher's own numbers."""
        self.text, self.spec, self.first, self.last = text, spec, first, last
        self.statements = statements
        self.default_name = default_name
        self.asked: list[Asked] = asked(spec)
        self.kinks_allowed = any(isinstance(st.options.get("vary"), KinksAllowed)
                                 for st in spec.exercise)
        self.slots: dict[str, Slot] = {}
        for st in spec.exercise:
            rule = st.options.get("vary")
            if isinstance(rule, Variation):
                self._add_rule(rule, statements)
        self.zeros: dict[str, list[bool]] = {}
        original = self.draw(random.Random(0), varied=False)
        if original.model is None or original.spec is None:
            raise ExerciseError(f"example {spec.name!r} cannot be computed as written: "
                                f"{'; '.join(map(str, original.problems))}", spec.line)
        infinite = [p for p in original.problems if p.kind == "not finite"]
        if infinite:  # no key can hold it: a claim of inf is not a number a student writes
            raise ExerciseError(f"example {spec.name!r} as written has a value that is not a "
                                f"finite number ({infinite[0].detail}): no answer key can "
                                "hold it", spec.line)
        for g in wellposed.gradients(original.model, original.spec, self.asked):
            self.zeros[g.name] = [abs(v) < wellposed.ZERO for v in g.values]

    @property
    def varied(self) -> bool:
        """The example has numbers that vary (else every variant gets the teacher's)."""
        return bool(self.slots)

    def _add_rule(self, rule: Variation, statements: dict[int, Statement]) -> None:
        leaf = _leaf(self.spec, rule)
        assert leaf.literal is not None
        if rule.name not in self.slots:
            spans = number_spans(statements[leaf.line])
            if len(spans) != len(leaf.literal.texts):  # pragma: no cover - lexer and parser agree
                raise ExerciseError(f"cannot find the numbers of {rule.name}", leaf.line)
            self.slots[rule.name] = Slot(rule.name, leaf.line, spans, list(leaf.literal.texts))
        self.slots[rule.name].rules.append((_entries(rule, leaf), rule))

    def draw(self, rng: random.Random, *, varied: bool = True) -> Drawn:
        """Draw every varied leaf, write the numbers in, build, and check well-posedness."""
        numbers = {s.line: s.draw(rng) if varied else list(s.texts)
                   for s in self.slots.values()}
        chunk = self.chunk(numbers)
        try:
            (spec,) = parse(chunk, default_name=self.default_name)
            model = build(spec)
            grads = wellposed.gradients(model, spec, self.asked)
        except (FormulaError, ValueError, ZeroDivisionError, OverflowError) as e:
            message = e.message if isinstance(e, FormulaError) else str(e)
            return Drawn(numbers, None, None, [wellposed.Problem("domain", message)])
        problems = wellposed.problems(model, grads, self.zeros, self.kinks_allowed)
        return Drawn(numbers, spec, model, problems)

    def write_numbers(self, edits: Edits, numbers: dict[int, list[str]]) -> None:
        """Put one draw's numbers into ``edits`` (of the whole file)."""
        for slot in self.slots.values():
            for span, text in zip(slot.spans, numbers[slot.line], strict=True):
                edits.number(span, text)

    def chunk(self, numbers: dict[int, list[str]]) -> str:
        """This example's lines with the numbers written in; the lines before it left blank,
        so that every line keeps its number in the file."""
        edits = Edits(self.text)
        self.write_numbers(edits, numbers)
        lines = edits.text().splitlines()
        return "\n" * (self.first - 1) + "\n".join(lines[self.first - 1:self.last]) + "\n"


def _leaf(spec: ExampleSpec, rule: Variation) -> Stmt:
    """The input/param/const statement a ``vary`` names, or a clear error."""
    for st in spec.stmts:
        if st.kind in LEAVES and st.name == rule.name:
            if st.literal is None:
                raise ExerciseError(f"vary {rule.name}: {rule.name} is declared with a shape "
                                    "only; give its numbers to vary them", rule.line,
                                    column=rule.column)
            return st
    computed = next((st for st in spec.stmts if st.name == rule.name), None)
    if computed is not None:
        raise ExerciseError(f"vary {rule.name}: {rule.name} is computed ({computed.kind}, line "
                            f"{computed.line}); vary the numbers it is computed from",
                            rule.line, column=rule.column)
    names = [st.name for st in spec.stmts if st.kind in LEAVES]
    raise ExerciseError(f"vary {rule.name}: no input, param or const {rule.name} in this "
                        f"example (given: {', '.join(names) or 'none'})", rule.line,
                        column=rule.column)


def _entries(rule: Variation, leaf: Stmt) -> list[int]:
    """The flat entries (0-based) a rule draws: all of them, or the one it indexes."""
    assert leaf.literal is not None
    shape = leaf.literal.shape
    size = len(leaf.literal.texts)
    if rule.index is None:
        return list(range(size))
    if len(rule.index) != len(shape):
        raise ExerciseError(f"vary {rule.target}: {rule.name} has {len(shape)} "
                            f"ind{'ex' if len(shape) == 1 else 'ices'} "
                            f"({_shape_text(shape)})", rule.line, column=rule.column)
    if any(i > n for i, n in zip(rule.index, shape, strict=True)):
        raise ExerciseError(f"vary {rule.target}: {rule.name} is {_shape_text(shape)}",
                            rule.line, column=rule.column)
    if len(shape) == 1:
        return [rule.index[0] - 1]
    return [(rule.index[0] - 1) * shape[1] + rule.index[1] - 1]


def _shape_text(shape: tuple[int, ...]) -> str:
    return shape_str(shape) if shape else "a scalar"


def templates(text: str, default_name: str) -> list[Template]:
    """Every example of a file, each ready to draw from."""
    specs = parse(text, default_name=default_name)
    statements = tokenized_statements(text)
    n_lines = len(text.splitlines())
    out = []
    for i, spec in enumerate(specs):
        first = spec.line if i else 1
        last = specs[i + 1].line - 1 if i + 1 < len(specs) else n_lines
        out.append(Template(text, spec, statements, first, last, default_name))
    return out


__all__ = ["Drawn", "Slot", "Template", "templates"]
