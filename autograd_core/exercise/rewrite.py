"""Write a variant's file from the teacher's: only the numbers change.

A number is replaced where it was written (its line and columns, from the tokens of the
worked-example lexer), so the teacher's layout, comments and every other statement stay as
they were; a statement whose literal cannot be edited in place (a ``show`` becoming a
``claim``, a claim written in another shape) is rewritten on its first line.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..verify.lexer import Statement, statements


@dataclass(frozen=True, slots=True)
class Span:
    """Where one number is written: its line (1-based) and columns [start, end) (0-based)."""

    line: int
    start: int
    end: int


def tokenized_statements(text: str) -> dict[int, Statement]:
    """The statements of a file by their first line (free-text ones have no tokens)."""
    return {st.line: st for st in statements(text)}


def number_spans(st: Statement) -> list[Span]:
    """The numbers of the literal after the statement's ``=``, in order, signs included."""
    tokens = st.tokens
    eq = next((i for i, t in enumerate(tokens) if t.text == "="), None)
    if eq is None:
        return []
    spans: list[Span] = []
    sign_start: int | None = None
    for tok in tokens[eq + 1:]:
        if tok.text in ("-", "+"):
            sign_start = tok.column if sign_start is None else sign_start
        elif tok.kind == "number":
            start = (sign_start if sign_start is not None else tok.column) - 1
            spans.append(Span(tok.line, start, tok.end - 1))
            sign_start = None
        else:
            sign_start = None
    return spans


def last_line(st: Statement) -> int:
    """The line a statement ends on (it continues while a bracket is open)."""
    return max((t.line for t in st.tokens), default=st.line)


def comment_of(line: str) -> str:
    """A line's comment, ``# …`` included (or the empty string)."""
    i = line.find("#")
    return line[i:] if i >= 0 else ""


class Edits:
    """Changes to the lines of a text, collected first and applied together."""

    def __init__(self, text: str) -> None:
        """Start from ``text``'s lines, with no change yet."""
        self.lines = text.splitlines()
        self._spans: list[tuple[Span, str]] = []
        self._blocks: list[tuple[int, int, list[str]]] = []

    def number(self, span: Span, text: str) -> None:
        """Write ``text`` in place of the number at ``span``."""
        self._spans.append((span, text))

    def lines_of(self, first: int, last: int, new: list[str]) -> None:
        """Replace lines ``first..last`` (1-based, inclusive) by ``new`` (may be empty)."""
        self._blocks.append((first, last, new))

    def text(self) -> str:
        """The edited text (numbers right to left on each line, then whole lines)."""
        lines = list(self.lines)
        for span, new in sorted(self._spans, key=lambda e: (e[0].line, e[0].start),
                                reverse=True):
            row = lines[span.line - 1]
            lines[span.line - 1] = row[:span.start] + new + row[span.end:]
        for first, last, block in sorted(self._blocks, key=lambda b: b[0], reverse=True):
            lines[first - 1:last] = block
        return "\n".join(lines) + "\n"


def literal_text(texts: list[str], shape: tuple[int, ...]) -> str:
    """Numbers written as a literal of the format: ``x``, ``[a, b]`` or ``[[a, b], [c, d]]``."""
    if not shape:
        return texts[0]
    if len(shape) == 1:
        return "[" + ", ".join(texts) + "]"
    cols = shape[1]
    rows = ["[" + ", ".join(texts[r * cols:(r + 1) * cols]) + "]" for r in range(shape[0])]
    return "[" + ", ".join(rows) + "]"
