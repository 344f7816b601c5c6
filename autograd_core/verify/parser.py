"""Recursive-descent parser of the worked-example format (no ``eval`` anywhere).

A file is a list of statements, one per line (continued while a bracket is open)::

    example Vo's MLP, one hidden layer        # starts an example (a file may hold several)
    note    Vo, MASSP 2021                      # free text shown in the report
    input   x0 = [0.5, -0.5]                    # leaves: input, param, const
    param   W1 = [[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]]
    param   w(0,3) = 0.2                        # a weight named by its nodes, as on slides
    param   W9 : 100 x 1600                     # a shape only (for counting parameters)
    layer   x1: W1, b1, sigmoid from x0 pre z1  # x1 = sigmoid(z1), z1 = W1 @ x0 + b1
    let     s = W1 @ x0 + b1                    # a formula over named quantities
    loss    l = y*log(x2) + (1 - y)*log(1 - x2)
    perceptron w: data X, labels Y, rate 1, steps 10
    batch   2                                   # the batch size m, for the "factor m" slip
    tolerance sigfig 3                          # how the claims below are compared
    claim   x1 = [0.5, 0.3208, 0.9047]          # a number as printed on the slide
    claim   dl/dW2 = [0.1083, 0.0695, 0.1959]   # ∂l/∂W2; also ∂x2/∂x1, dl/dW1[2,1]
    claim   E = 1/4                             # a fraction: exactly a quarter
    claim   y = 4.49 with rtol 0.01             # a tolerance for this claim alone
    claim   count parameters = 181310
    dl/db2 = 0.2166                             # (the keyword claim may be left out)
    show    dl/dx0                              # no claim: just show the computed value

Formulas (``let``, ``loss``) are the formula language of :mod:`autograd_core.formula`.

Each keyword is parsed by one function of :data:`STATEMENTS` (``Stream`` → :class:`Stmt`),
so a new statement is one function and one entry (:func:`register`). Free-text keywords
(``example``, ``note``, ``source``) are in :data:`FREE_TEXT`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from nn import activations as nn_activations

from ..formula.errors import FormulaError
from ..formula.lexer import Token
from ..formula.syntax import (
    Stream,
    error,
    indices,
    node_index,
    parse_expr,
    positive_int,
    show,
)
from .claims import Tolerance
from .errors import VerifyError
from .lexer import FREE_TEXT, KEYWORDS, Statement, statements
from .numbers import NumberError, Written, written
from .vary import EXERCISE_KEYWORDS, parse_points, parse_vary

ACTIVATIONS = nn_activations.ACTIVATIONS
MAX_STEPS = 10_000  # perceptron steps (each defines three quantities)
MAX_ENTRIES = 10_000  # numbers in one literal


# ------------------------------------------------------------------ the syntax tree
# (the formulas' nodes are in autograd_core.formula.syntax; these are the file format's)
@dataclass(frozen=True, slots=True)
class Literal:
    """Numbers as written: exact values, their texts (for the digits), and the shape."""

    values: tuple[Fraction, ...]
    texts: tuple[str, ...]
    shape: tuple[int, ...]

    @property
    def numbers(self) -> tuple[Written, ...]:
        """Each number as written (its exact value and the place of its last digit)."""
        return tuple(written(t) for t in self.texts)


@dataclass(frozen=True, slots=True)
class Ref:
    """A named quantity, or one entry of it (1-based index)."""

    name: str
    index: tuple[int, ...] | None
    line: int
    column: int = 0

    def __str__(self) -> str:
        """``W1`` or ``W1[2,1]``."""
        if self.index is None:
            return self.name
        return f"{self.name}[{','.join(map(str, self.index))}]"


@dataclass(frozen=True, slots=True)
class Target:
    """What a claim is about: a value, a derivative ∂num/∂den, or the parameter count."""

    kind: str  # "value" | "deriv" | "count"
    num: Ref | None = None
    den: Ref | None = None

    def __str__(self) -> str:
        """``x1``, ``dl/dW2`` or ``count parameters``."""
        if self.kind == "count":
            return "count parameters"
        if self.kind == "deriv":
            return f"d{self.num}/d{self.den}"
        return str(self.num)


@dataclass(slots=True)
class Stmt:
    """One statement of an example: its kind, line, and what it says."""

    kind: str
    line: int
    name: str = ""
    expr: object = None
    literal: Literal | None = None
    shape: tuple[int, ...] | None = None
    target: Target | None = None
    options: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    tolerance: Tolerance | None = None  # a claim's own, or the file's at that line


@dataclass(slots=True)
class ExampleSpec:
    """One worked example: its name, notes and statements, in file order."""

    name: str
    line: int
    notes: list[str] = field(default_factory=list)
    stmts: list[Stmt] = field(default_factory=list)
    exercise: list[Stmt] = field(default_factory=list)  # vary / points (verify ignores them)


# ------------------------------------------------------------------ literals
def parse_literal(s: Stream) -> Literal:
    """A number, ``[a, b, …]`` or ``[[a, b], [c, d]]``: at most a matrix, rectangular.

    A number is ``0.35``, ``-2``, ``1.5e-3`` or a fraction ``1/4``. The brackets are read
    with an explicit stack (no recursion), at most two deep.
    """
    start = s.peek()
    values: list[Fraction] = []
    texts: list[str] = []
    depth = 0
    while s.at("["):
        open_tok = s.next()
        depth += 1
        if depth > 2:
            raise error("only scalars, vectors and matrices can be written (at most [[…]])",
                        open_tok)
    if depth == 0:
        _number(s, values, texts)
        return Literal(tuple(values), tuple(texts), ())
    if depth == 1:
        n = _row(s, values, texts)
        return Literal(tuple(values), tuple(texts), (n,))
    lengths = [_row(s, values, texts)]
    while s.accept(","):
        tok = s.peek()
        if not s.accept("["):
            raise error("a matrix is a list of rows: [[a, b], [c, d]]", tok)
        lengths.append(_row(s, values, texts))
    s.expect("]", " to close the matrix")
    if any(n != lengths[0] for n in lengths):
        raise VerifyError(f"the rows of a matrix must have the same length, got {lengths}",
                          start.line, column=start.column or None)
    return Literal(tuple(values), tuple(texts), (len(lengths), lengths[0]))


def _row(s: Stream, values: list[Fraction], texts: list[str]) -> int:
    """``a, b, c]`` after its ``[``: the count of numbers."""
    if s.at("]"):
        raise error("an empty list has no numbers to check", s.peek())
    if s.at("["):
        raise error("only scalars, vectors and matrices can be written (at most [[…]])",
                    s.peek())
    n = 1
    _number(s, values, texts)
    while s.accept(","):
        _number(s, values, texts)
        n += 1
    s.expect("]", " to close the list")
    return n


def _number(s: Stream, values: list[Fraction], texts: list[str]) -> None:
    """One number: signs, digits, and an optional ``/ denominator``."""
    if len(values) >= MAX_ENTRIES:
        raise error(f"a literal holds at most {MAX_ENTRIES} numbers", s.peek())
    sign = ""
    while s.at("-", "+"):
        sign = "-" if (s.next().text == "-") != (sign == "-") else ""
    tok = s.next()
    if tok.kind != "number":
        raise error(f"expected a number, found {show(tok)}", tok)
    text = sign + tok.text
    if s.at("/") and s.peek(1).kind == "number":
        s.next()
        text += "/" + s.next().text
    try:
        w = written(text)
    except NumberError as e:
        raise error(str(e), tok) from None
    values.append(w.value)
    texts.append(text)


# ------------------------------------------------------------------ names and claims
def quantity_name(s: Stream, what: str) -> Token:
    """A name, with the node index slides write for weights: ``w(0,3)`` → ``w(0,3)``."""
    tok = s.name(what)
    return _with_node_index(s, tok)


def _with_node_index(s: Stream, tok: Token) -> Token:
    suffix = node_index(s)
    if suffix is None:
        return tok
    return Token("name", tok.text + suffix, tok.line, tok.column)


def _ref(s: Stream, strip_d: bool) -> Ref:
    """A name (``x1``, ``W1[2,1]``); with ``strip_d`` the d of ``dl`` (or ``d l``, ``∂l``)."""
    tok = s.peek()
    if strip_d:
        if s.accept("∂"):
            tok = s.name("a name after ∂")
        else:
            tok = s.name("a derivative such as dl/dW2")
            if tok.text == "d":
                tok = s.name("a name after d")
            elif tok.text.startswith("d") and len(tok.text) > 1:
                tok = Token("name", tok.text[1:], tok.line, tok.column + 1)
            else:
                raise error(f"a derivative is written dA/dB or ∂A/∂B, found {tok.text!r}", tok)
    else:
        tok = s.name("a quantity name")
    tok = _with_node_index(s, tok)
    index = None
    if s.at("["):
        s.next()
        index = indices(s)
    return Ref(tok.text, index, tok.line, tok.column)


def parse_target(s: Stream) -> Target:
    """``count parameters`` | ``dA/dB`` | ``∂A/∂B`` | ``name`` | ``name[i, j]``."""
    tok = s.peek()
    if tok.text == "count" and s.peek(1).text in ("parameters", "params"):
        s.next()
        s.next()
        return Target("count")
    # a derivative when a '/' follows the first reference, outside brackets
    depth = 0
    for i in range(len(s.toks) - s.pos):
        t = s.peek(i)
        if t.text in ("(", "["):
            depth += 1
        elif t.text in (")", "]"):
            depth -= 1
        elif t.text == "=" and depth == 0:
            break
        elif t.text == "/" and depth == 0:
            num = _ref(s, strip_d=True)
            s.expect("/", " in the derivative")
            den = _ref(s, strip_d=True)
            return Target("deriv", num, den)
    return Target("value", _ref(s, strip_d=False))


# ------------------------------------------------------------------ tolerances
_TOLERANCE_WORDS = ("sigfig", "decimals", "rtol", "atol", "last-digit", "as-written")


def parse_tolerance(s: Stream) -> Tolerance:
    """``sigfig N`` | ``decimals N`` | ``rtol R [atol A]`` | ``atol A [rtol R]`` |
    ``last-digit`` | ``as-written`` (the default: the digits as written)."""
    tok = s.name(f"a tolerance ({', '.join(_TOLERANCE_WORDS)})")
    word = tok.text
    if word in ("last", "as") and s.at("-"):
        s.next()
        word += "-" + s.name("last-digit or as-written").text
    word = word.replace("_", "-")
    try:
        if word in ("sigfig", "sigfigs", "decimals", "decimal"):
            n = _tolerance_number(s, word)
            if n.denominator != 1:
                raise error(f"{word} takes a whole number", tok)
            return (Tolerance.sigfig(int(n)) if word.startswith("sig")
                    else Tolerance.decimals(int(n)))
        if word in ("rtol", "atol"):
            given = {word: _tolerance_number(s, word)}
            other = "atol" if word == "rtol" else "rtol"
            if s.at(other):
                s.next()
                given[other] = _tolerance_number(s, other)
            return Tolerance.close(given.get("rtol", 0), given.get("atol", 0))
        if word == "last-digit":
            return Tolerance.last_digit()
        if word == "as-written":
            return Tolerance()
    except ValueError as e:
        if isinstance(e, FormulaError):
            raise
        raise error(str(e), tok) from None
    raise error(f"unknown tolerance {tok.text!r} (one of: sigfig N, decimals N, rtol R, "
                "atol A, last-digit, as-written)", tok)


def _tolerance_number(s: Stream, word: str) -> Fraction:
    lit = parse_literal(s)
    if lit.shape != ():
        raise error(f"{word} takes one number", s.peek(-1))
    return lit.values[0]


# ------------------------------------------------------------------ statements
def _shape(s: Stream) -> tuple[int, ...]:
    dims = [positive_int(s)]
    while s.at("*") or (s.peek().kind == "name" and s.peek().text == "x"):
        s.next()
        dims.append(positive_int(s))
    if len(dims) > 2:
        raise VerifyError("a parameter is a scalar, a vector or a matrix", s.peek(-1).line)
    return tuple(dims)


def _layer_options(s: Stream, line: int) -> dict[str, Any]:
    """``W, b, act [from x] [pre z]``: weights first, then an optional bias and activation;
    ``columns`` holds where each name was written (for errors about it)."""
    columns: dict[str, int] = {}
    opts: dict[str, Any] = {"weights": None, "bias": None, "activation": "identity",
                            "slope": None, "from": None, "pre": None, "columns": columns}
    while s.peek().kind != "end":
        if s.accept(","):
            continue
        tok = quantity_name(s, "a weight, a bias, an activation, 'from NAME' or 'pre NAME'")
        if tok.text in ("from", "pre"):
            named = quantity_name(s, f"a name after {tok.text!r}")
            opts[tok.text], columns[tok.text] = named.text, named.column
        elif tok.text in ACTIVATIONS:
            opts["activation"] = tok.text
            if s.accept("("):
                lit = parse_literal(s)
                if lit.shape != () or tok.text != "leaky_relu":
                    raise error("only leaky_relu takes a number (its slope)", tok)
                opts["slope"] = lit.values[0]
                s.expect(")")
        elif opts["weights"] is None:
            opts["weights"], columns["weights"] = tok.text, tok.column
        elif opts["bias"] is None:
            opts["bias"], columns["bias"] = tok.text, tok.column
        else:
            raise error(f"a layer has one weight and one bias; {tok.text!r} is a third "
                        f"name (activations: {', '.join(ACTIVATIONS)})", tok)
    if opts["weights"] is None:
        raise VerifyError("a layer needs its weights: layer h: W, b, relu", line)
    return opts


def _perceptron_options(s: Stream, line: int) -> dict[str, Any]:
    opts: dict[str, Any] = {}
    wanted = {"data": "name", "labels": "name", "rate": "number", "steps": "number"}
    while s.peek().kind != "end":
        key = s.name("data, labels, rate or steps")
        if key.text not in wanted:
            raise error(f"unknown perceptron option {key.text!r} (options: data, labels, "
                        "rate, steps)", key)
        if wanted[key.text] == "name":
            opts[key.text] = quantity_name(s, f"a name after {key.text!r}").text
        else:
            lit = parse_literal(s)
            if lit.shape != ():
                raise error(f"{key.text} is one number", key)
            opts[key.text] = lit.values[0]
            if key.text == "steps":
                opts["steps_token"] = key
        if not s.accept(","):
            break
    missing = [k for k in wanted if k not in opts and k != "rate"]
    if missing:
        raise VerifyError(f"perceptron needs {', '.join(missing)}: perceptron w: data X, "
                          "labels Y, rate 1, steps 10", line)
    opts.setdefault("rate", Fraction(1))
    steps = opts["steps"]
    where = opts.pop("steps_token")
    if steps.denominator != 1 or not 1 <= steps <= MAX_STEPS:
        raise error(f"steps must be a whole number from 1 to {MAX_STEPS}, got "
                    f"{float(steps):g}", where)
    opts["steps"] = int(steps)
    return opts


StatementParser = Callable[[Stream, Statement, str], Stmt]


def _leaf(s: Stream, st: Statement, k: str) -> Stmt:
    name = quantity_name(s, f"a name after {k!r}").text
    if k == "param" and s.accept(":"):
        return Stmt(k, st.line, name=name, shape=_shape(s))
    s.expect("=", f" after {k} {name}")
    return Stmt(k, st.line, name=name, literal=parse_literal(s))


def _formula(s: Stream, st: Statement, k: str) -> Stmt:
    name = quantity_name(s, f"a name after {k!r}").text
    s.expect("=", f" after {k} {name}")
    return Stmt(k, st.line, name=name, expr=parse_expr(s))


def _layer(s: Stream, st: Statement, k: str) -> Stmt:
    tok = quantity_name(s, "the layer's output name")
    s.expect(":", f" after layer {tok.text}")
    options = _layer_options(s, st.line)
    options["columns"]["name"] = tok.column
    return Stmt(k, st.line, name=tok.text, options=options)


def _perceptron(s: Stream, st: Statement, k: str) -> Stmt:
    name = quantity_name(s, "the weight vector's name").text
    s.expect(":", f" after perceptron {name}")
    return Stmt(k, st.line, name=name, options=_perceptron_options(s, st.line))


def _batch(s: Stream, st: Statement, k: str) -> Stmt:
    tok = s.peek()
    lit = parse_literal(s)
    if lit.shape != () or lit.values[0] < 1 or lit.values[0].denominator != 1:
        raise error("batch is the batch size m, a whole number ≥ 1", tok)
    if lit.values[0] > 10**9:
        raise error("batch: a batch size beyond 10⁹ is not a worked example", tok)
    return Stmt(k, st.line, options={"m": int(lit.values[0])})


def _claim(s: Stream, st: Statement, k: str) -> Stmt:
    target = parse_target(s)
    s.expect("=", f" after claim {target}")
    stmt = Stmt(k, st.line, target=target, literal=parse_literal(s))
    if s.at("with", "tolerance"):
        s.next()
        stmt.tolerance = parse_tolerance(s)
        stmt.options["own_tolerance"] = True
    return stmt


def _show(s: Stream, st: Statement, k: str) -> Stmt:
    return Stmt(k, st.line, target=parse_target(s))


def _tolerance(s: Stream, st: Statement, k: str) -> Stmt:
    return Stmt(k, st.line, tolerance=parse_tolerance(s))


#: keyword → the function that parses the rest of its statement.
STATEMENTS: dict[str, StatementParser] = {
    "input": _leaf, "param": _leaf, "const": _leaf, "let": _formula, "loss": _formula,
    "layer": _layer, "perceptron": _perceptron, "batch": _batch, "claim": _claim,
    "show": _show, "tolerance": _tolerance,
}


def register(keyword: str, parse_rest: StatementParser) -> None:
    """Add a statement to the format: ``parse_rest(stream, statement, keyword) -> Stmt``
    reads what follows the keyword (the model builds it: see :data:`.model.BUILDERS`)."""
    STATEMENTS[keyword] = parse_rest
    if keyword not in KEYWORDS:
        KEYWORDS.append(keyword)


def _implicit_claim(s: Stream) -> bool:
    """``dl/dW2 = …``, ``x1 = …``, ``W[1,2] = …``, ``w(0,3) = …``, ``∂l/∂w = …``."""
    first, second = s.peek(), s.peek(1)
    if first.text == "∂":
        return True
    if first.kind != "name":
        return False
    if first.text == "count" and second.text in ("parameters", "params"):
        return True
    return second.kind == "op" and second.text in ("=", "/", "[", "(")


def parse_statement(st: Statement) -> Stmt:
    """One statement's :class:`Stmt` (raises :class:`FormulaError` saying where)."""
    parts = st.raw.split(None, 1)
    keyword = parts[0]
    if keyword in EXERCISE_KEYWORDS:  # autograd_core/verify/vary.py
        parse_rest = parse_vary if keyword == "vary" else parse_points
        return Stmt(keyword, st.line, options={keyword: parse_rest(st.raw, st.line)},
                    text=st.raw)
    if keyword in FREE_TEXT:
        return Stmt(keyword, st.line, text=parts[1].strip() if len(parts) > 1 else "")
    s = Stream(st.tokens, st.line)
    kw = s.peek()
    if kw.kind == "name" and kw.text in STATEMENTS:
        s.next()
        k = kw.text
    elif _implicit_claim(s):  # the keyword claim may be left out
        k = "claim"
    else:
        raise _unknown_statement(kw)
    stmt = STATEMENTS[k](s, st, k)
    s.done()
    return stmt


def _unknown_statement(tok: Token) -> FormulaError:
    if tok.kind != "name":
        return error(f"a statement starts with one of {', '.join(KEYWORDS)}; found "
                     f"{show(tok)}", tok)
    close = difflib.get_close_matches(tok.text, KEYWORDS, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else f" (statements: {', '.join(KEYWORDS)})"
    return error(f"unknown statement {tok.text!r}{hint}", tok)


def parse(text: str, default_name: str = "example") -> list[ExampleSpec]:
    """The examples of a file, each with its statements (syntax checked, nothing computed)."""
    try:
        return _parse(text, default_name)
    except FormulaError as e:
        raise VerifyError.of(e) from None


def _parse(text: str, default_name: str) -> list[ExampleSpec]:
    examples: list[ExampleSpec] = []
    file_tolerance: Tolerance | None = None  # a tolerance line before the first example
    tolerance: Tolerance | None = None
    for st in statements(text):
        stmt = parse_statement(st)
        if stmt.kind == "example":
            if not stmt.text:
                raise VerifyError("example needs a name: example Vo's MLP", stmt.line)
            examples.append(ExampleSpec(stmt.text, stmt.line))
            tolerance = file_tolerance
            continue
        if stmt.kind == "tolerance":
            tolerance = stmt.tolerance
            if not examples:
                file_tolerance = tolerance
            continue
        if not examples:
            examples.append(ExampleSpec(default_name, stmt.line))
        if stmt.kind in ("note", "source"):
            examples[-1].notes.append(stmt.text)
            continue
        if stmt.kind in EXERCISE_KEYWORDS:
            examples[-1].exercise.append(stmt)
            continue
        if stmt.kind == "claim" and stmt.tolerance is None:
            stmt.tolerance = tolerance
        examples[-1].stmts.append(stmt)
    if not examples:
        raise VerifyError("no statements: a worked example needs at least one claim or show", 1)
    return examples
