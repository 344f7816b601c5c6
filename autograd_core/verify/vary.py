"""The exercise statements of the worked-example format: which numbers may vary, and what an
answer is worth.

``backprop exercise`` and ``backprop grade`` (:mod:`autograd_core.exercise`) use them;
``backprop verify`` reads them (a malformed one is an error like any other) and computes
nothing with them: they describe other instances of the example, not this one::

    vary W1 uniform in [-2, 2] with 1 decimal    # each entry of W1 from -2.0, -1.9, …, 2.0
    vary x0 from {0, 1}                          # each entry of x0 is 0 or 1
    vary W1[2, 1] uniform in [0.1, 0.9] with 1 decimal except {0.5}
    vary kinks allowed                           # a variant may put relu (step, abs) at a kink
    points dl/dW1 = 2                            # the answer's worth (1 by default)

``uniform in [a, b] with k decimals`` draws uniformly from the grid a, a + 10⁻ᵏ, …, b (both
ends included, written with k decimals); ``from {…}`` draws one of the numbers listed, as
written. ``except {…}`` leaves numbers out of either. A name without an index varies every
entry, each drawn on its own; ``NAME[i]`` and ``NAME[i, j]`` (from 1, as on slides) one entry.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from ..formula.lexer import NAME_RE
from .errors import VerifyError

EXERCISE_KEYWORDS = ("vary", "points")
MAX_DECIMALS = 12

_NUMBER = r"[-+−]?(?:\d+\.?\d*|\.\d+)"
_TARGET = rf"(?P<name>{NAME_RE})\s*(?:\[\s*(?P<i>\d+)\s*(?:,\s*(?P<j>\d+)\s*)?\])?"


@dataclass(frozen=True, slots=True)
class Variation:
    """``vary NAME …``: the numbers one entry (or every entry) of a leaf may take.

    ``low``/``high``/``decimals`` describe a uniform grid; ``choices`` a list (as written).
    Exactly one of the two is set. ``excluded`` holds the numbers left out.
    """

    name: str
    index: tuple[int, ...] | None
    line: int
    column: int
    text: str
    choices: tuple[str, ...] = ()
    low: Decimal | None = None
    high: Decimal | None = None
    decimals: int = 0
    excluded: frozenset[Decimal] = frozenset()

    @property
    def target(self) -> str:
        """The name as written: ``W1`` or ``W1[2,1]``."""
        if self.index is None:
            return self.name
        return f"{self.name}[{','.join(map(str, self.index))}]"

    def drawable(self) -> int:
        """How many numbers can be drawn (the grid or the list, less ``excluded``)."""
        if self.low is None or self.high is None:
            return len({Decimal(t) for t in self.choices} - self.excluded)
        unit = Decimal(1).scaleb(-self.decimals)
        grid = int((self.high - self.low) / unit) + 1
        return grid - sum(self.low <= v <= self.high and v % unit == 0 for v in self.excluded)

    def draw(self, rng: random.Random) -> str:
        """One number, as it will be written into the variant (k decimals for a grid)."""
        while True:
            if self.low is not None and self.high is not None:
                unit = Decimal(1).scaleb(-self.decimals)
                n = rng.randint(int(self.low / unit), int(self.high / unit))
                value = Decimal(n) * unit
                text = f"{value:.{self.decimals}f}"
            else:
                text = rng.choice(self.choices)
                value = Decimal(text)
            if value not in self.excluded:
                return "0" + text[2:] if text.startswith("-0") and value == 0 else text


@dataclass(frozen=True, slots=True)
class Points:
    """``points QUANTITY = n``: what a correct answer for QUANTITY is worth."""

    quantity: str
    points: float
    line: int


@dataclass(frozen=True, slots=True)
class KinksAllowed:
    """``vary kinks allowed``: variants may evaluate relu, step, abs… at their kink."""

    line: int


class _Cursor:
    """Reads a statement's text left to right; errors name the column."""

    def __init__(self, text: str, line: int) -> None:
        self.text, self.line, self.pos = text, line, 0

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def at_end(self) -> bool:
        self.skip()
        return self.pos >= len(self.text)

    def match(self, pattern: str) -> re.Match[str] | None:
        self.skip()
        m = re.compile(pattern).match(self.text, self.pos)
        if m is not None:
            self.pos = m.end()
        return m

    def expect(self, pattern: str, what: str) -> re.Match[str]:
        m = self.match(pattern)
        if m is None:
            raise self.error(f"expected {what}, found {self.found()}")
        return m

    def found(self) -> str:
        self.skip()
        if self.pos >= len(self.text):
            return "the end of the line"
        return repr(self.text[self.pos:].split()[0])

    def error(self, message: str) -> VerifyError:
        return VerifyError(message, self.line, column=self.pos + 1)


def _number(c: _Cursor, what: str) -> tuple[str, Decimal]:
    text = c.expect(_NUMBER, what).group(0).replace("−", "-").lstrip("+")
    return text, Decimal(text)


def _set(c: _Cursor) -> list[tuple[str, Decimal]]:
    """``{a, b, …}``: numbers as written."""
    c.expect(r"\{", "'{' to open the list of numbers ({0, 1})")
    out = [_number(c, "a number")]
    while c.match(","):
        out.append(_number(c, "a number after ','"))
    c.expect(r"\}", "',' or '}' to close the list")
    return out


def _decimals_of(text: str) -> int:
    return len(text.partition(".")[2])


def _uniform(c: _Cursor) -> tuple[Decimal, Decimal, int]:
    c.expect(r"in\b", "'in' (uniform in [-2, 2] with 1 decimal)")
    c.expect(r"\[", "'[' to open the interval")
    lo_text, lo = _number(c, "the interval's lower end")
    c.expect(",", "',' between the interval's ends")
    hi_text, hi = _number(c, "the interval's upper end")
    c.expect(r"\]", "']' to close the interval")
    c.expect(r"with\b", "'with K decimals' (how the numbers are written)")
    k_col = c.pos
    k = int(c.expect(r"\d+", "a number of decimals").group(0))
    c.expect(r"decimals?\b", "'decimals'")
    if k > MAX_DECIMALS:
        raise VerifyError(f"at most {MAX_DECIMALS} decimals", c.line, column=k_col + 2)
    for text in (lo_text, hi_text):
        if _decimals_of(text) > k:
            raise VerifyError(f"the interval end {text} has more decimals than the {k} the "
                              "numbers are written with", c.line)
    if lo > hi:
        raise VerifyError(f"an empty interval: {lo_text} is above {hi_text}", c.line)
    return lo, hi, k


def parse_vary(raw: str, line: int) -> Variation | KinksAllowed:
    """``vary …``: see the module's docstring for the forms."""
    c = _Cursor(raw, line)
    c.expect(r"vary\b", "'vary'")
    if c.match(r"kinks\s+allowed\b"):
        if not c.at_end():
            raise c.error(f"nothing may follow 'vary kinks allowed', found {c.found()}")
        return KinksAllowed(line)
    c.skip()
    column = c.pos + 1  # 1-based
    m = c.expect(_TARGET, "the name of an input, param or const (vary W1 uniform in [-2, 2] "
                 "with 1 decimal)")
    index = tuple(int(g) for g in (m["i"], m["j"]) if g is not None) or None
    if index is not None and any(i < 1 for i in index):
        raise VerifyError("indices count from 1, as on slides", line, column=column)
    if c.match(r"uniform\b"):
        low, high, k = _uniform(c)
        v = Variation(m["name"], index, line, column, raw, low=low, high=high, decimals=k)
    elif c.match(r"from\b"):
        v = Variation(m["name"], index, line, column, raw,
                      choices=tuple(text for text, _ in _set(c)))
    else:
        raise c.error(f"expected 'uniform in [a, b] with K decimals' or 'from {{a, b, …}}', "
                      f"found {c.found()}")
    if c.match(r"except\b"):
        v = replace(v, excluded=frozenset(value for _, value in _set(c)))
    if not c.at_end():
        raise c.error(f"unexpected {c.found()} at the end of the vary statement")
    if not v.drawable():
        raise VerifyError(f"vary {v.target}: 'except' leaves no number to draw", line)
    return v


def parse_points(raw: str, line: int) -> Points:
    """``points QUANTITY = n``: the quantity as a claim names it (``dl/dW2``, ``x1``)."""
    from ..formula.errors import FormulaError
    from ..formula.lexer import tokenize_line
    from ..formula.syntax import Stream
    from .parser import parse_literal, parse_target

    try:
        s = Stream(tokenize_line(raw, line), line)
        s.next()  # the keyword
        target = parse_target(s)
        s.expect("=", f" after points {target}")
        lit = parse_literal(s)
        s.done()
    except FormulaError as e:
        raise VerifyError.of(e) from None
    if lit.shape != () or lit.values[0] < 0:
        raise VerifyError(f"points {target}: the points are one number ≥ 0", line)
    return Points(str(target), float(lit.values[0]), line)
