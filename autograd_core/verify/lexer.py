"""Tokens of the worked-example format: names, numbers (their text kept, for the decimals),
operators and brackets. A statement may run over several lines while a bracket is open.

Every token carries its line, so every error can say where it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import VerifyError

# a name: letters, digits, _ and ' (y'), dotted parts (x1.a, sum.3); Greek letters welcome
NAME_RE = r"[^\W\d][\w']*(?:\.\w[\w']*)*"
NUMBER_RE = r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
OPERATORS = ("**", "+", "-", "*", "/", "^", "@", "(", ")", "[", "]", ",", "=", ":", "ᵀ",
             "∂", "×", "·", "−", "->")
_OPS_RE = "|".join(re.escape(o) for o in sorted(OPERATORS, key=len, reverse=True))
TOKEN_RE = re.compile(rf"\s*(?:(?P<number>{NUMBER_RE})|(?P<name>{NAME_RE})|(?P<op>{_OPS_RE}))")
# unicode spellings a teacher may paste from slides
_SAME = {"−": "-", "×": "*", "·": "*"}
_OPEN, _CLOSE = "([", ")]"
KEYWORDS = ("example", "note", "source", "input", "param", "const", "let", "loss", "layer",
             "perceptron", "batch", "claim", "show")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "number" | "name" | "op" | "end"
    text: str
    line: int

    def __repr__(self) -> str:
        return f"{self.kind}:{self.text!r}@{self.line}"


@dataclass(slots=True)
class Statement:
    """One logical statement: its keyword line's raw text and its tokens."""

    line: int
    raw: str
    tokens: list[Token]


def strip_comment(line: str) -> str:
    return line.split("#", 1)[0].rstrip()


def tokenize_line(text: str, line: int) -> list[Token]:
    tokens = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if m is None or m.end() == pos:
            rest = text[pos:].strip()
            raise VerifyError(f"unexpected character {rest[0]!r} in {text.strip()!r}", line)
        kind = m.lastgroup or "op"
        value = m.group(kind)
        tokens.append(Token(kind, _SAME.get(value, value), line))
        pos = m.end()
    return tokens


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
            if keyword in ("example", "note", "source"):  # free text, not tokenized
                yield current
                current = None
                continue
        else:
            first = code.split(None, 1)[0]
            if first in KEYWORDS:  # a new statement: the previous one was never closed
                raise VerifyError(f"unclosed {stack[-1].text!r} (line {number} starts a new "
                                  "statement)", stack[-1].line)
            current.raw += " " + code.strip()
        for tok in tokenize_line(code.replace("ᵀ", " ᵀ"), number):
            current.tokens.append(tok)
            if tok.text in _OPEN:
                stack.append(tok)
            elif tok.text in _CLOSE:
                if not stack or _OPEN.index(stack[-1].text) != _CLOSE.index(tok.text):
                    raise VerifyError(f"unmatched {tok.text!r}", number)
                stack.pop()
        depth = len(stack)
        if depth == 0:
            yield current
            current = None
    if current is not None:
        raise VerifyError(f"unclosed {stack[-1].text!r} (the file ends first)", stack[-1].line)
