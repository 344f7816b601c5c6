"""A student's answer file: the claim syntax of worked examples, and the variant it answers.

::

    # Alice's answers                        (comments as in .worked files)
    variant 07                               # required: the variant on the sheet
    student Alice Martin                     # optional
    example 1                                # the part, when the sheet has several
    x2 = 0.6828
    dl/dW2 = [0.1586, 0.1017, 0.2869]        # claim syntax; `claim dl/dW2 = …` works too
    dl/dW1 = [[0.125, -0.125],               # a matrix may continue on the next lines
              [0.1089, -0.1089],
              [0.0431, -0.0431]]
    dl/db1 = [_, _, _]                       # the template's blanks: not answered (missing)

Reading never stops at the first mistake: every line that cannot be read gets its own
message (``file:line:column: …``) and the rest of the file is still read, so a student loses
only the answer that was malformed. A file that is not text at all (binary, not UTF-8) gets
one message naming the byte.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..files import Refused, read_limited
from ..formula.errors import FormulaError
from ..formula.lexer import Token, tokenize_line
from ..verify.lexer import Statement, strip_comment
from ..verify.parser import Stmt, parse_statement
from ..verify.paths import display_path
from .sheet import BLANK

HEADER_WORDS = ("variant", "example", "student")
_OPEN, _CLOSE = "([", ")]"
MAX_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class LineError:
    """A line of the answer file that could not be read: where, and what is wrong."""

    line: int | None
    column: int | None
    message: str

    def located(self, path: str) -> str:
        """``path:line:column: message`` (the parts that are known)."""
        where = ":".join([path] + [str(x) for x in (self.line, self.column) if x is not None])
        return f"{where}: {self.message}"


@dataclass(slots=True)
class Answer:
    """One answer as written: the claim (parsed), its part selector and its line."""

    name: str
    stmt: Stmt | None  # None: the template's blanks, left unanswered
    part: str | None  # the ``example`` selector in force (None: the first part)
    line: int


@dataclass(slots=True)
class AnswerFile:
    """Everything read from one answer file."""

    path: str
    variant: str | None = None
    student: str | None = None
    answers: list[Answer] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    broken: dict[tuple[str | None, str], LineError] = field(default_factory=dict)

    def error(self, line: int | None, message: str, column: int | None = None) -> None:
        """Record a line that could not be read."""
        self.errors.append(LineError(line, column, message))


def read_answers(path: str | os.PathLike[str]) -> AnswerFile:
    """Read an answer file; problems are recorded in ``.errors``, never raised."""
    p = Path(path)
    result = AnswerFile(display_path(p))
    try:  # bounded, regular files only: /dev/zero or a pipe never reached the parser
        raw = read_limited(p, MAX_BYTES, "an answer file")
    except Refused as e:
        result.error(None, e.reason)
        return result
    try:
        text = decode_answers(raw)
    except ValueError as e:
        result.error(None, str(e))
        return result
    return parse_answers(text, result)


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def decode_answers(raw: bytes) -> str:
    """The text of an answer file: UTF-8, or the encoding its byte-order mark names (Windows
    Notepad saves UTF-16 with one: a student's file is graded, not refused); ValueError
    with the reason otherwise (a binary file, bytes that are not UTF-8)."""
    encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), "utf-8")
    utf8 = encoding.startswith("utf-8")
    zero = raw.find(bytes(1)) if utf8 else -1  # (UTF-16 and UTF-32 are full of zero bytes)
    if zero >= 0:
        raise ValueError(f"a binary file (a zero byte at offset {zero}), not an answer file")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as e:
        raise ValueError(f"not {'UTF-8' if utf8 else encoding.upper()} text (byte {e.start} "
                         f"is {raw[e.start]:#04x}); save the file as UTF-8") from None
    if "\0" in text:
        raise ValueError(f"a binary file (a NUL character at character {text.index(chr(0))}"
                         "), not an answer file")
    return text


def parse_answers(text: str, result: AnswerFile | None = None) -> AnswerFile:
    """The answers in ``text`` (``result`` names the file; a new one otherwise)."""
    out = result if result is not None else AnswerFile("<text>")
    part: str | None = None
    for st, err in _statements(text):
        word, _, rest = st.raw.partition(" ")
        if err is not None:
            _broken(out, st, part, _name_of(st), err)
        elif word in HEADER_WORDS and not st.tokens:
            part = _header(out, word, rest.strip(), st.line, part)
        else:
            _answer(out, st, part)
    return out


def _header(out: AnswerFile, word: str, rest: str, line: int, part: str | None) -> str | None:
    if not rest:
        out.error(line, f"{word} needs a value: {word} {'07' if word != 'student' else 'Alice'}")
        return part
    if word == "example":
        return rest
    if word == "student":
        out.student = rest
        return part
    if out.variant is not None and rest != out.variant:
        out.error(line, f"a second variant line ({rest}); the file answers variant "
                        f"{out.variant}")
    elif len(rest.split()) > 1:
        out.error(line, f"a variant is one word (as on the sheet: variant 07), got {rest!r}")
    else:
        out.variant = rest
    return part


def _answer(out: AnswerFile, st: Statement, part: str | None) -> None:
    if not any(t.text == "=" for t in st.tokens):
        out.error(st.line, f"expected an answer such as 'dl/dW2 = [0.1, 0.2]' (or a "
                           f"{', '.join(HEADER_WORDS)} line), found {st.raw!r}")
        return
    name = _name_of(st)
    blank = _blank(st)
    if blank is True:
        out.answers.append(Answer(name or "?", None, part, st.line))
        return
    if blank == "some":
        _broken(out, st, part, name, LineError(
            st.line, None, f"some entries of {name} are left blank ({BLANK}): give every "
                           "entry, or leave them all blank"))
        return
    try:
        stmt = parse_statement(st)
    except FormulaError as e:
        _broken(out, st, part, name, LineError(e.line or st.line, e.column, e.message))
        return
    if stmt.kind != "claim" or stmt.target is None:
        out.error(st.line, f"an answer file holds answers such as 'dl/dW2 = [0.1, 0.2]' and "
                           f"the lines {', '.join(HEADER_WORDS)}; found a {stmt.kind} statement")
        return
    out.answers.append(Answer(str(stmt.target), stmt, part, st.line))


def _broken(out: AnswerFile, st: Statement, part: str | None, name: str | None,
            err: LineError) -> None:
    out.errors.append(err)
    if name is not None:
        out.broken[(part, name)] = err


def _name_of(st: Statement) -> str | None:
    """The quantity a line answers, read from what stands before its '=' (for messages)."""
    from ..formula.syntax import Stream
    from ..verify.parser import parse_target

    tokens = st.tokens
    if not tokens:  # the line could not be tokenized: try what stands before its '='
        try:
            tokens = tokenize_line(st.raw.split("=", 1)[0] + "=", st.line)
        except FormulaError:
            return None
    eq = next((i for i, t in enumerate(tokens) if t.text == "="), None)
    if eq is None:
        return None
    tokens = tokens[:eq]
    if tokens and tokens[0].text == "claim":
        tokens = tokens[1:]
    try:
        s = Stream(tokens + [Token("op", "=", st.line)], st.line)
        return str(parse_target(s))
    except FormulaError:
        return None


def _blank(st: Statement) -> bool | str:
    """True: every entry is the template's blank; "some": only some are; False: none."""
    eq = next((i for i, t in enumerate(st.tokens) if t.text == "="), None)
    if eq is None:
        return False
    entries = [t for t in st.tokens[eq + 1:] if t.text not in ("[", "]", ",")]
    blanks = sum(t.text == BLANK for t in entries)
    if blanks == 0:
        return False
    return True if blanks == len(entries) else "some"


_HEADER = re.compile(rf"^\s*({'|'.join(HEADER_WORDS)})(\s|$)")
Item = tuple[Statement, LineError | None]


def _statements(text: str) -> list[Item]:
    """Logical statements (continued while a bracket is open), each with the error that
    stopped it from being read, if any; reading always goes on with the next line."""
    done: list[Item] = []
    current: Statement | None = None
    stack: list[Token] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        code = strip_comment(raw)
        if not code.strip():
            continue
        try:
            tokens = [] if _HEADER.match(code) else tokenize_line(code, number)
        except FormulaError as e:
            st = current or Statement(number, code.strip(), [])
            done.append((st, LineError(number, e.column, e.message)))
            current, stack = None, []
            continue
        if current is not None and (not tokens or any(t.text == "=" for t in tokens)):
            done.append((current, _unclosed(stack, number)))
            current, stack = None, []
        if not tokens:
            done.append((Statement(number, " ".join(code.split()), []), None))
            continue
        if current is None:
            current = Statement(number, code.strip(), [])
        else:
            current.raw += " " + code.strip()
        err = _track(current, tokens, stack, number)
        if err is not None or not stack:
            done.append((current, err))
            current, stack = None, []
    if current is not None:
        done.append((current, _unclosed(stack, None)))
    return done


def _track(current: Statement, tokens: list[Token], stack: list[Token], number: int
           ) -> LineError | None:
    """Add a line's tokens to the statement, following its brackets."""
    for tok in tokens:
        current.tokens.append(tok)
        if tok.text in _OPEN:
            stack.append(tok)
        elif tok.text in _CLOSE:
            if not stack or _OPEN.index(stack[-1].text) != _CLOSE.index(tok.text):
                return LineError(number, tok.column, f"unmatched {tok.text!r}")
            stack.pop()
    return None


def _unclosed(stack: list[Token], next_line: int | None) -> LineError:
    """A statement left open (a missing ']')."""
    why = f"line {next_line} starts a new answer" if next_line else "the file ends first"
    return LineError(stack[-1].line, stack[-1].column, f"unclosed {stack[-1].text!r} ({why})")
