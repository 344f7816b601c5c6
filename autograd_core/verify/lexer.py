"""Statements of the worked-example format: one per line, continued while a bracket is open.

The tokens are the formula language's (:mod:`autograd_core.formula.lexer`): each carries its
line and column, so every error can say where it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..formula.lexer import Token, tokenize_line
from .errors import VerifyError
from .vary import EXERCISE_KEYWORDS

_OPEN, _CLOSE = "([", ")]"
#: the statements' first words (parser.register adds to it)
KEYWORDS = ["example", "note", "source", "input", "param", "const", "let", "loss", "layer",
            "perceptron", "batch", "tolerance", "claim", "show", *EXERCISE_KEYWORDS]
# the rest of the line is text, not tokens (vary and points: autograd_core/verify/vary.py)
FREE_TEXT = ("example", "note", "source", *EXERCISE_KEYWORDS)
MAX_NESTING = 50  # brackets open at once (a slide needs 3 or 4; Python's stack ends ~160)


@dataclass(slots=True)
class Statement:
    """One logical statement: its keyword line's raw text and its tokens."""

    line: int
    raw: str
    tokens: list[Token]


def strip_comment(line: str) -> str:
    """The line without its ``#`` comment and trailing blanks."""
    return line.split("#", 1)[0].rstrip()


def statements(text: str) -> Iterator[Statement]:
    """Split a file into statements: one per line, continued while ( or [ is open."""
    current: Statement | None = None
    depth = 0
    stack: list[Token] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        code = strip_comment(raw)
        if not code.strip():
            continue
        if current is None:
            current = Statement(number, code.strip(), [])
            keyword = code.split(None, 1)[0]
            if keyword in FREE_TEXT:  # free text, not tokenized
                yield current
                current = None
                continue
        else:
            first = code.split(None, 1)[0]
            if first in KEYWORDS:  # a new statement: the previous one was never closed
                raise VerifyError(f"unclosed {stack[-1].text!r} (line {number} starts a new "
                                  "statement)", stack[-1].line, column=stack[-1].column)
            current.raw += " " + code.strip()
        for tok in tokenize_line(code, number):
            current.tokens.append(tok)
            if tok.text in _OPEN:
                stack.append(tok)
                if len(stack) > MAX_NESTING:
                    raise VerifyError(f"brackets nested more than {MAX_NESTING} deep",
                                      number, column=tok.column)
            elif tok.text in _CLOSE:
                if not stack or _OPEN.index(stack[-1].text) != _CLOSE.index(tok.text):
                    raise VerifyError(f"unmatched {tok.text!r}", number, column=tok.column)
                stack.pop()
        depth = len(stack)
        if depth == 0:
            yield current
            current = None
    if current is not None:
        raise VerifyError(f"unclosed {stack[-1].text!r} (the file ends first)", stack[-1].line,
                          column=stack[-1].column)
