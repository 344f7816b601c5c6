"""Recursive-descent parser of formulas into a small syntax tree (no ``eval`` anywhere).

One grammar for ``backprop draw "…"`` and the formulas of ``backprop verify`` files
(usual precedence; ``^`` and ``**`` are powers, right-associative: ``2^3^2 = 2^9``)::

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/" | "@") unary)*
    unary   := ("-" | "+") unary | power              # -x^2 = -(x^2)
    power   := postfix [("^" | "**") unary]
    postfix := atom ("[" INT ["," INT] "]" | "ᵀ" | "." FUNC "(" [args] ")")*
    atom    := NUMBER | NAME | FUNC "(" [args] ")" | "(" expr ")" | "[" args "]"
    args    := expr ("," expr)*

``x.f(a)`` means ``f(x, a)`` (``(w*x + b).sigmoid()``, ``z.leaky_relu(0.1)``); indices
are 1-based as on slides (``W[2, 1]``); ``[a, b]`` is a vector. The functions and how many
arguments each takes are :data:`FUNCTIONS`; what they compute is in :mod:`.evaluate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import ops
from .errors import FormulaError
from .lexer import Token

# function name -> (min args, max args): every function of one number the engine has (its op
# registry: exp, log, …, leaky_relu(x, slope)), then what the formula language adds on top
FUNCTIONS: dict[str, tuple[int, int]] = {
    **{name: (1, 1 + block.params) for name, block in ops.elementwise().items()},
    "ln": (1, 1), "identity": (1, 1),
    "softmax": (1, 1), "log_softmax": (1, 1), "logsumexp": (1, 1),
    "sum": (1, 1), "mean": (1, 1), "dot": (2, 2), "outer": (2, 2), "transpose": (1, 1),
    "grad": (2, 2), "max": (1, 2), "min": (1, 2),
    "bce": (2, 2), "binary_cross_entropy": (2, 2), "cross_entropy": (2, 2),
    "softmax_cross_entropy": (2, 2), "categorical_cross_entropy": (2, 2),
}


# ------------------------------------------------------------------ the syntax tree
# (positions are where a node was written: not part of what it means, so not compared)
@dataclass(frozen=True, slots=True)
class Num:
    """A number as written (``text`` keeps its digits)."""
    value: float
    text: str


@dataclass(frozen=True, slots=True)
class Name:
    """A named quantity."""
    name: str
    line: int = field(compare=False)
    column: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Unary:
    """``-operand``."""
    op: str
    operand: object


@dataclass(frozen=True, slots=True)
class Binary:
    """``left op right`` for ``+ - * / ^ @``."""
    op: str
    left: object
    right: object
    line: int = field(compare=False)
    column: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Call:
    """``func(args…)`` (``x.f(a)`` is ``f(x, a)``)."""
    func: str
    args: tuple[object, ...]
    line: int = field(compare=False)
    column: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Index:
    """``target[i]`` or ``target[i, j]``, 1-based."""
    target: object
    index: tuple[int, ...]  # 1-based, as written
    line: int = field(compare=False)
    column: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ListExpr:
    """``[a, b, …]``: a vector (or a matrix of rows)."""
    items: tuple[object, ...]
    line: int = field(compare=False)
    column: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Transpose:
    """``operandᵀ``."""
    operand: object
    line: int = field(compare=False)
    column: int = field(default=0, compare=False)


# ------------------------------------------------------------------ token stream
class Stream:
    """The tokens of one statement (or one formula), read left to right."""

    __slots__ = ("toks", "pos", "line", "depth")

    def __init__(self, toks: list[Token], line: int = 1) -> None:
        """Read ``toks`` from the first; ``line`` for errors at the end."""
        self.toks = toks
        self.pos = 0
        self.line = line
        self.depth = 0  # formulas open at once (parentheses, lists, calls, powers)

    def peek(self, ahead: int = 0) -> Token:
        """The token ``ahead`` places on (an ``end`` token past the last)."""
        i = self.pos + ahead
        if i < len(self.toks):
            return self.toks[i]
        if not self.toks:
            return Token("end", "end of line", self.line, 1)
        last = self.toks[-1]
        return Token("end", "end of line", last.line, last.end)

    def next(self) -> Token:
        """The current token, and move past it."""
        tok = self.peek()
        self.pos += 1
        return tok

    def at(self, *texts: str) -> bool:
        """Is the current token one of ``texts``?"""
        tok = self.peek()
        return tok.kind != "end" and tok.text in texts

    def accept(self, *texts: str) -> Token | None:
        """The current token if it is one of ``texts`` (and move past it)."""
        return self.next() if self.at(*texts) else None

    def expect(self, text: str, what: str = "") -> Token:
        """The current token, which must be ``text`` (else a FormulaError)."""
        tok = self.next()
        if tok.text != text or tok.kind == "end":
            raise error(f"expected {text!r}{what}, found {show(tok)}", tok)
        return tok

    def name(self, what: str) -> Token:
        """The current token, which must be a name (``what`` says which)."""
        tok = self.next()
        if tok.kind != "name":
            raise error(f"expected {what}, found {show(tok)}", tok)
        return tok

    def done(self) -> None:
        """Nothing may follow: say what is probably missing when something does."""
        tok = self.peek()
        if tok.kind == "end":
            return
        prev = self.peek(-1) if self.pos > 0 else None
        hint = ""
        if prev is not None and prev.kind == "name" and prev.text in FUNCTIONS:
            hint = f" ({prev.text} is a function: write {prev.text}({tok.text}))"
        elif tok.text == "," and prev is not None and prev.kind == "number":
            hint = " (several numbers are written as a list: [a, b, c])"
        elif tok.kind in ("name", "number") or tok.text in "([":
            hint = (" (an operator is missing: W @ x is a matrix product, 2*x a product)"
                    if prev is not None and prev.text not in "=:" else "")
        raise error(f"unexpected {show(tok)} after the end of the statement{hint}", tok)


def show(tok: Token) -> str:
    """A token as an error message names it."""
    return "the end of the line" if tok.kind == "end" else repr(tok.text)


def error(message: str, tok: Token) -> FormulaError:
    """A FormulaError at the token's line and column."""
    return FormulaError(message, tok.line, column=tok.column or None)


# ------------------------------------------------------------------ expressions
MAX_DEPTH = 50  # nested parentheses, lists, calls and powers (Python's stack ends ~160)


def _enter(s: Stream) -> None:
    """One level deeper; refuse a formula nested beyond :data:`MAX_DEPTH`."""
    s.depth += 1
    if s.depth > MAX_DEPTH:
        raise error(f"the formula is nested more than {MAX_DEPTH} deep (parentheses, "
                    "lists, calls or powers)", s.peek())


def parse_expr(s: Stream) -> object:
    """expr := term (('+' | '-') term)*"""
    _enter(s)
    left = _term(s)
    while s.at("+", "-"):
        op = s.next()
        left = Binary(op.text, left, _term(s), op.line, op.column)
    s.depth -= 1
    return left


def _term(s: Stream) -> object:
    """term := unary (('*' | '/' | '@') unary)*"""
    left = _unary(s)
    while s.at("*", "/", "@"):
        op = s.next()
        left = Binary(op.text, left, _unary(s), op.line, op.column)
    return left


def _unary(s: Stream) -> object:
    """unary := ('-' | '+') unary | power   (a run of signs read in a loop)"""
    negative = False
    while s.at("-", "+"):
        negative ^= s.next().text == "-"
    inner = _power(s)
    return Unary("-", inner) if negative else inner


def _power(s: Stream) -> object:
    """power := postfix (('^' | '**') unary)?   (right-associative: 2^3^2 = 2^9)"""
    base = _postfix(s)
    if s.at("^", "**"):
        op = s.next()
        _enter(s)
        exponent = _unary(s)
        s.depth -= 1
        return Binary("^", base, exponent, op.line, op.column)
    return base


def _postfix(s: Stream) -> object:
    """postfix := atom ('[' int (',' int)* ']' | 'ᵀ' | '.' FUNC '(' args ')')*"""
    node = _atom(s)
    while True:
        if s.at("["):
            tok = s.next()
            node = Index(node, indices(s), tok.line, tok.column)
        elif s.at("ᵀ"):
            tok = s.next()
            node = Transpose(node, tok.line, tok.column)
        elif s.at("."):
            s.next()
            method = s.name("a method name after '.', such as .sigmoid()")
            node = _call(s, method.text, method, receiver=node)
        else:
            return node


def node_index(s: Stream) -> str | None:
    """``(0,3)`` right after a name, as slides name weights by their nodes (``w(0,3)``):
    the suffix of the name, or None (and nothing read) when no such index follows."""
    if not s.at("("):
        return None
    k = 1
    parts: list[str] = []
    while True:
        tok = s.peek(k)
        if tok.kind != "number" or not tok.text.isdigit():
            return None
        parts.append(tok.text)
        sep = s.peek(k + 1)
        if sep.text == ")":
            break
        if sep.text != ",":
            return None
        k += 2
    if any(len(p) > MAX_INDEX_DIGITS for p in parts):
        raise error(f"a node number has at most {MAX_INDEX_DIGITS} digits", s.peek(1))
    for _ in range(k + 2):
        s.next()
    return "(" + ",".join(str(int(p)) for p in parts) + ")"


MAX_INDEX_DIGITS = 9


def indices(s: Stream) -> tuple[int, ...]:
    """``i]`` or ``i, j]`` (after the ``[``): whole numbers from 1."""
    idx = [positive_int(s)]
    while s.accept(","):
        idx.append(positive_int(s))
    s.expect("]", " to close the index")
    if len(idx) > 2:
        raise error("at most two indices (row, column)", s.peek(-1))
    return tuple(idx)


def positive_int(s: Stream) -> int:
    """A whole number ≥ 1 (an index, a dimension), at most :data:`MAX_INDEX_DIGITS` digits."""
    tok = s.next()
    wrong = f"an index is a whole number from 1 (as on the slides), found {show(tok)[:40]}"
    if tok.kind != "number" or not tok.text.isdigit():
        raise error(wrong, tok)
    if len(tok.text.lstrip("0")) > MAX_INDEX_DIGITS:
        raise error(f"{tok.text[:12]}…: an index or a size has at most {MAX_INDEX_DIGITS} "
                    "digits", tok)
    n = int(tok.text)
    if n < 1:
        raise error(wrong, tok)
    return n


def _atom(s: Stream) -> object:
    tok = s.next()
    if tok.kind == "number":
        return Num(float(tok.text), tok.text)
    if tok.kind == "name":
        suffix = None if tok.text in FUNCTIONS else node_index(s)
        if suffix is not None:  # w(0,3): a weight named by its nodes
            return Name(tok.text + suffix, tok.line, tok.column)
        if s.at("("):
            receiver, dot, method = tok.text.rpartition(".")
            if dot:  # x1.a.sigmoid(): the name x1.a, then the method sigmoid
                node = Name(receiver, tok.line, tok.column)
                at = Token("name", method, tok.line, tok.column + len(receiver) + 1)
                return _call(s, method, at, receiver=node)
            return _call(s, tok.text, tok)
        return Name(tok.text, tok.line, tok.column)
    if tok.text == "(":
        inner = parse_expr(s)
        s.expect(")", " to close the parenthesis")
        return inner
    if tok.text == "[":
        items = [parse_expr(s)]
        while s.accept(","):
            items.append(parse_expr(s))
        s.expect("]", " to close the list")
        return ListExpr(tuple(items), tok.line, tok.column)
    raise error(f"expected a number, a name, '(' or '[', found {show(tok)}", tok)


def _call(s: Stream, func: str, tok: Token, receiver: object = None) -> Call:
    """``f(a, …)``, or with a receiver ``x.f(a, …)`` = ``f(x, a, …)``."""
    if func not in FUNCTIONS:
        kind = "function" if receiver is None else "method"
        raise error(f"unknown {kind} {func!r} (known: {', '.join(FUNCTIONS)})", tok)
    s.expect("(", f" after {func}")
    args = [] if receiver is None else [receiver]
    if not s.at(")"):
        args.append(parse_expr(s))
        while s.accept(","):
            args.append(parse_expr(s))
    s.expect(")", f" to close {func}(")
    lo, hi = FUNCTIONS[func]
    if not lo <= len(args) <= hi:
        want = str(lo) if lo == hi else f"{lo} or {hi}"
        mine = "" if receiver is None else f" (x.{func}(…) counts x as the first)"
        raise error(f"{func}() takes {want} argument(s), got {len(args)}{mine}", tok)
    return Call(func, tuple(args), tok.line, tok.column)
