"""Tokens of the formula language: names, numbers (their text kept, for the decimals),
operators and brackets, each with its line and 1-based column, so every error says where.

Names are letters, digits, ``_`` and ``'`` (``y'``), with dotted parts (``x1.a``, ``sum.3``);
Greek letters welcome. Unicode spellings pasted from slides (``−``, ``×``, ``·``) read as
``-``, ``*``, ``*``; ``ᵀ`` is the transpose operator even right after a name (``Wᵀ``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import FormulaError

_W = r"(?:(?!ᵀ)[\w'])"  # a name character (not the transpose sign, a "letter" to \w)
NAME_RE = rf"(?!ᵀ)[^\W\d]{_W}*(?:\.(?!ᵀ)\w{_W}*)*"
NUMBER_RE = r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
OPERATORS = ("**", "+", "-", "*", "/", "^", "@", "(", ")", "[", "]", ",", "=", ":", "ᵀ",
             "∂", "×", "·", "−", "->", ".")
_OPS_RE = "|".join(re.escape(o) for o in sorted(OPERATORS, key=len, reverse=True))
TOKEN_RE = re.compile(rf"\s*(?:(?P<number>{NUMBER_RE})|(?P<name>{NAME_RE})|(?P<op>{_OPS_RE}))")
_SAME = {"−": "-", "×": "*", "·": "*"}  # unicode spellings a teacher may paste from slides


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, its text, and where it was written."""
    kind: str  # "number" | "name" | "op" | "end"
    text: str
    line: int
    column: int = 0  # 1-based; 0: not known

    @property
    def end(self) -> int:
        """The column just after the token."""
        return self.column + len(self.text)

    def __repr__(self) -> str:
        """``name:'x'@1:5``."""
        return f"{self.kind}:{self.text!r}@{self.line}:{self.column}"


def tokenize_line(text: str, line: int = 1) -> list[Token]:
    """The tokens of one line (``text`` without its comment)."""
    tokens = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if m is None or m.end() == pos:
            column = pos + len(text[pos:]) - len(text[pos:].lstrip()) + 1
            rest = text[pos:].strip()
            raise FormulaError(f"unexpected character {rest[0]!r}", line, column=column)
        kind = m.lastgroup or "op"
        value = m.group(kind)
        tokens.append(Token(kind, _SAME.get(value, value), line, m.start(kind) + 1))
        pos = m.end()
    return tokens
