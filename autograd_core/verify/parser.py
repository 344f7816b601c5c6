"""Recursive-descent parser of the worked-example format (no ``eval`` anywhere).

A file is a list of statements, one per line (continued while a bracket is open)::

    example Vo's MLP, one hidden layer        # starts an example (a file may hold several)
    note    Vo, MASSP 2021                      # free text shown in the report
    input   x0 = [0.5, -0.5]                    # leaves: input, param, const
    param   W1 = [[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]]
    param   W9 : 100 x 1600                     # a shape only (for counting parameters)
    layer   x1: W1, b1, sigmoid from x0 pre z1  # x1 = sigmoid(z1), z1 = W1 @ x0 + b1
    let     s = W1 @ x0 + b1                    # a formula over named quantities
    loss    l = y*log(x2) + (1 - y)*log(1 - x2)
    perceptron w: data X, labels Y, rate 1, steps 10
    batch   2                                   # the batch size m, for the "factor m" slip
    claim   x1 = [0.5, 0.3208, 0.9047]          # a number as printed on the slide
    claim   dl/dW2 = [0.1083, 0.0695, 0.1959]   # ∂l/∂W2; also ∂x2/∂x1, dl/dW1[2,1]
    claim   count parameters = 181310
    dl/db2 = 0.2166                             # (the keyword claim may be left out)
    show    dl/dx0                              # no claim: just show the computed value

Expressions: ``+ - * /`` (element-wise, with broadcasting), ``^`` or ``**`` (power), ``@``
(matrix-vector / matrix-matrix product), unary minus, ``name[i]`` and ``name[i, j]``
(1-based, as on slides), ``Wᵀ``, calls ``f(x, ...)`` of the functions in
:data:`FUNCTIONS`, and vector literals ``[a, b]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import VerifyError
from .lexer import KEYWORDS, Statement, Token, statements

ACTIVATIONS = ("identity", "step", "sigmoid", "tanh", "relu", "leaky_relu", "softmax")
# function name -> (min args, max args)
FUNCTIONS: dict[str, tuple[int, int]] = {
    "exp": (1, 1), "log": (1, 1), "ln": (1, 1), "sqrt": (1, 1), "abs": (1, 1),
    "sin": (1, 1), "cos": (1, 1),
    "identity": (1, 1), "step": (1, 1), "sigmoid": (1, 1), "tanh": (1, 1), "relu": (1, 1),
    "leaky_relu": (1, 2), "softmax": (1, 1), "log_softmax": (1, 1), "logsumexp": (1, 1),
    "sum": (1, 1), "mean": (1, 1), "dot": (2, 2), "outer": (2, 2), "transpose": (1, 1),
    "grad": (2, 2),
}

# ------------------------------------------------------------------ the syntax tree
@dataclass(frozen=True, slots=True)
class Literal:
    """Numbers as written: flat values, their texts (for the decimals), and the shape."""

    values: tuple[float, ...]
    texts: tuple[str, ...]
    shape: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Num:
    value: float
    text: str


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    line: int


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    operand: object


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: object
    right: object
    line: int


@dataclass(frozen=True, slots=True)
class Call:
    func: str
    args: tuple
    line: int


@dataclass(frozen=True, slots=True)
class Index:
    target: object
    index: tuple[int, ...]  # 1-based, as written
    line: int


@dataclass(frozen=True, slots=True)
class ListExpr:
    items: tuple
    line: int


@dataclass(frozen=True, slots=True)
class Transpose:
    operand: object
    line: int


@dataclass(frozen=True, slots=True)
class Ref:
    """A named quantity, or one entry of it (1-based index)."""

    name: str
    index: tuple[int, ...] | None
    line: int

    def __str__(self) -> str:
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
        if self.kind == "count":
            return "count parameters"
        if self.kind == "deriv":
            return f"d{self.num}/d{self.den}"
        return str(self.num)


@dataclass(slots=True)
class Stmt:
    kind: str
    line: int
    name: str = ""
    expr: object = None
    literal: Literal | None = None
    shape: tuple[int, ...] | None = None
    target: Target | None = None
    options: dict = field(default_factory=dict)
    text: str = ""


@dataclass(slots=True)
class ExampleSpec:
    """One worked example: its name, notes and statements, in file order."""

    name: str
    line: int
    notes: list[str] = field(default_factory=list)
    stmts: list[Stmt] = field(default_factory=list)


# ------------------------------------------------------------------ token stream
class _Stream:
    __slots__ = ("toks", "pos", "line")

    def __init__(self, toks: list[Token], line: int) -> None:
        self.toks = toks
        self.pos = 0
        self.line = line

    def peek(self, ahead: int = 0) -> Token:
        i = self.pos + ahead
        if i < len(self.toks):
            return self.toks[i]
        last = self.toks[-1].line if self.toks else self.line
        return Token("end", "end of line", last)

    def next(self) -> Token:
        tok = self.peek()
        self.pos += 1
        return tok

    def at(self, *texts: str) -> bool:
        tok = self.peek()
        return tok.kind != "end" and tok.text in texts

    def accept(self, *texts: str) -> Token | None:
        return self.next() if self.at(*texts) else None

    def expect(self, text: str, what: str = "") -> Token:
        tok = self.next()
        if tok.text != text or tok.kind == "end":
            raise VerifyError(f"expected {text!r}{what}, found {_show(tok)}", tok.line)
        return tok

    def name(self, what: str) -> Token:
        tok = self.next()
        if tok.kind != "name":
            raise VerifyError(f"expected {what}, found {_show(tok)}", tok.line)
        return tok

    def done(self) -> None:
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
        raise VerifyError(f"unexpected {_show(tok)} after the end of the statement{hint}",
                          tok.line)


def _show(tok: Token) -> str:
    return "the end of the line" if tok.kind == "end" else repr(tok.text)


# ------------------------------------------------------------------ literals
def parse_literal(s: _Stream) -> Literal:
    """A number, ``[a, b, …]`` or ``[[a, b], [c, d]]``: at most a matrix, rectangular."""
    start = s.peek()
    values: list[float] = []
    texts: list[str] = []
    shape = _literal(s, values, texts, 0)
    if len(shape) > 2:
        raise VerifyError("only scalars, vectors and matrices can be written", start.line)
    return Literal(tuple(values), tuple(texts), shape)


def _literal(s: _Stream, values: list[float], texts: list[str], depth: int) -> tuple[int, ...]:
    if s.accept("["):
        if s.at("]"):
            raise VerifyError("an empty list has no numbers to check", s.peek().line)
        shapes = [_literal(s, values, texts, depth + 1)]
        while s.accept(","):
            shapes.append(_literal(s, values, texts, depth + 1))
        s.expect("]", " to close the list")
        if any(sh != shapes[0] for sh in shapes):
            raise VerifyError(
                f"the rows of a matrix must have the same length, got "
                f"{[sh[0] if sh else 1 for sh in shapes]}", s.peek(-1).line)
        return (len(shapes), *shapes[0])
    sign = ""
    while s.at("-", "+"):
        sign = "-" if (s.next().text == "-") != (sign == "-") else ""
    tok = s.next()
    if tok.kind != "number":
        raise VerifyError(f"expected a number, found {_show(tok)}", tok.line)
    values.append(float(sign + tok.text))
    texts.append(sign + tok.text)
    return ()


# ------------------------------------------------------------------ expressions
def parse_expr(s: _Stream) -> object:
    """expr := term (('+' | '-') term)*"""
    left = _term(s)
    while s.at("+", "-"):
        op = s.next()
        left = Binary(op.text, left, _term(s), op.line)
    return left


def _term(s: _Stream) -> object:
    """term := unary (('*' | '/' | '@') unary)*"""
    left = _unary(s)
    while s.at("*", "/", "@"):
        op = s.next()
        left = Binary(op.text, left, _unary(s), op.line)
    return left


def _unary(s: _Stream) -> object:
    """unary := ('-' | '+') unary | power"""
    if s.at("-", "+"):
        op = s.next().text
        inner = _unary(s)
        return Unary("-", inner) if op == "-" else inner
    return _power(s)


def _power(s: _Stream) -> object:
    """power := postfix (('^' | '**') unary)?   (right-associative: 2^3^2 = 2^9)"""
    base = _postfix(s)
    if s.at("^", "**"):
        op = s.next()
        return Binary("^", base, _unary(s), op.line)
    return base


def _postfix(s: _Stream) -> object:
    """postfix := atom ('[' int (',' int)* ']' | 'ᵀ')*"""
    node = _atom(s)
    while True:
        if s.at("["):
            line = s.next().line
            node = Index(node, _indices(s), line)
        elif s.at("ᵀ"):
            node = Transpose(node, s.next().line)
        else:
            return node


def _indices(s: _Stream) -> tuple[int, ...]:
    idx = [_positive_int(s)]
    while s.accept(","):
        idx.append(_positive_int(s))
    s.expect("]", " to close the index")
    if len(idx) > 2:
        raise VerifyError("at most two indices (row, column)", s.peek(-1).line)
    return tuple(idx)


def _positive_int(s: _Stream) -> int:
    tok = s.next()
    if tok.kind != "number" or not tok.text.isdigit() or int(tok.text) < 1:
        raise VerifyError(f"an index is a whole number from 1 (as on the slides), "
                          f"found {_show(tok)}", tok.line)
    return int(tok.text)


def _atom(s: _Stream) -> object:
    tok = s.next()
    if tok.kind == "number":
        return Num(float(tok.text), tok.text)
    if tok.kind == "name":
        if s.at("("):
            return _call(s, tok)
        return Name(tok.text, tok.line)
    if tok.text == "(":
        inner = parse_expr(s)
        s.expect(")", " to close the parenthesis")
        return inner
    if tok.text == "[":
        items = [parse_expr(s)]
        while s.accept(","):
            items.append(parse_expr(s))
        s.expect("]", " to close the list")
        return ListExpr(tuple(items), tok.line)
    raise VerifyError(f"expected a number, a name, '(' or '[', found {_show(tok)}", tok.line)


def _call(s: _Stream, tok: Token) -> Call:
    if tok.text not in FUNCTIONS:
        raise VerifyError(f"unknown function {tok.text!r} (known: {', '.join(FUNCTIONS)})",
                          tok.line)
    s.expect("(")
    args = [] if s.at(")") else [parse_expr(s)]
    while s.accept(","):
        args.append(parse_expr(s))
    s.expect(")", f" to close {tok.text}(")
    lo, hi = FUNCTIONS[tok.text]
    if not lo <= len(args) <= hi:
        want = str(lo) if lo == hi else f"{lo} or {hi}"
        raise VerifyError(f"{tok.text}() takes {want} argument(s), got {len(args)}", tok.line)
    return Call(tok.text, tuple(args), tok.line)


# ------------------------------------------------------------------ claims
def _ref(s: _Stream, strip_d: bool) -> Ref:
    """A name (``x1``, ``W1[2,1]``); with ``strip_d`` the d of ``dl`` (or ``d l``, ``∂l``)."""
    tok = s.peek()
    if strip_d:
        if s.accept("∂"):
            tok = s.name("a name after ∂")
            name = tok.text
        else:
            tok = s.name("a derivative such as dl/dW2")
            if tok.text == "d":
                tok = s.name("a name after d")
                name = tok.text
            elif tok.text.startswith("d") and len(tok.text) > 1:
                name = tok.text[1:]
            else:
                raise VerifyError(f"a derivative is written dA/dB or ∂A/∂B, found {tok.text!r}",
                                  tok.line)
    else:
        tok = s.name("a quantity name")
        name = tok.text
    index = None
    if s.at("["):
        s.next()
        index = _indices(s)
    return Ref(name, index, tok.line)


def parse_target(s: _Stream) -> Target:
    """``count parameters`` | ``dA/dB`` | ``∂A/∂B`` | ``name`` | ``name[i, j]``."""
    tok = s.peek()
    if tok.text == "count" and s.peek(1).text in ("parameters", "params"):
        s.next()
        s.next()
        return Target("count")
    # a derivative when a '/' follows the first reference
    depth = 0
    for i in range(len(s.toks) - s.pos):
        t = s.peek(i)
        if t.text in "([":
            depth += 1
        elif t.text in ")]":
            depth -= 1
        elif t.text in ("=",) and depth == 0:
            break
        elif t.text == "/" and depth == 0:
            num = _ref(s, strip_d=True)
            s.expect("/", " in the derivative")
            den = _ref(s, strip_d=True)
            return Target("deriv", num, den)
    return Target("value", _ref(s, strip_d=False))


# ------------------------------------------------------------------ statements
def _shape(s: _Stream) -> tuple[int, ...]:
    dims = [_positive_int(s)]
    while s.at("*") or (s.peek().kind == "name" and s.peek().text == "x"):
        s.next()
        dims.append(_positive_int(s))
    if len(dims) > 2:
        raise VerifyError("a parameter is a scalar, a vector or a matrix", s.peek(-1).line)
    return tuple(dims)


def _layer_options(s: _Stream, line: int) -> dict:
    """``W, b, act [from x] [pre z]``: weights first, then an optional bias and activation."""
    opts: dict = {"weights": None, "bias": None, "activation": "identity", "slope": None,
                  "from": None, "pre": None}
    while s.peek().kind != "end":
        if s.accept(","):
            continue
        tok = s.name("a weight, a bias, an activation, 'from NAME' or 'pre NAME'")
        if tok.text in ("from", "pre"):
            opts[tok.text] = s.name(f"a name after {tok.text!r}").text
        elif tok.text in ACTIVATIONS:
            opts["activation"] = tok.text
            if s.accept("("):
                lit = parse_literal(s)
                if lit.shape != ():
                    raise VerifyError("an activation takes one number (the slope)", tok.line)
                opts["slope"] = lit.values[0]
                s.expect(")")
        elif opts["weights"] is None:
            opts["weights"] = tok.text
        elif opts["bias"] is None:
            opts["bias"] = tok.text
        else:
            raise VerifyError(f"a layer has one weight and one bias; {tok.text!r} is a third "
                              f"name (activations: {', '.join(ACTIVATIONS)})", tok.line)
    if opts["weights"] is None:
        raise VerifyError("a layer needs its weights: layer h: W, b, relu", line)
    return opts


def _perceptron_options(s: _Stream, line: int) -> dict:
    opts: dict = {}
    wanted = {"data": "name", "labels": "name", "rate": "number", "steps": "number"}
    while s.peek().kind != "end":
        key = s.name("data, labels, rate or steps")
        if key.text not in wanted:
            raise VerifyError(f"unknown perceptron option {key.text!r} (options: data, labels, "
                              "rate, steps)", key.line)
        if wanted[key.text] == "name":
            opts[key.text] = s.name(f"a name after {key.text!r}").text
        else:
            lit = parse_literal(s)
            if lit.shape != ():
                raise VerifyError(f"{key.text} is one number", key.line)
            opts[key.text] = lit.values[0]
        if not s.accept(","):
            break
    missing = [k for k in wanted if k not in opts and k != "rate"]
    if missing:
        raise VerifyError(f"perceptron needs {', '.join(missing)}: perceptron w: data X, "
                          "labels Y, rate 1, steps 10", line)
    opts.setdefault("rate", 1.0)
    steps = opts["steps"]
    if steps != int(steps) or steps < 1:
        raise VerifyError(f"steps must be a whole number ≥ 1, got {steps:g}", line)
    opts["steps"] = int(steps)
    return opts


def parse_statement(st: Statement) -> Stmt:
    keyword, _, rest = st.raw.partition(" ")
    if keyword in ("example", "note", "source"):
        return Stmt(keyword, st.line, text=rest.strip())
    s = _Stream(st.tokens, st.line)
    kw = s.peek()
    if (kw.kind == "name" and kw.text not in KEYWORDS or kw.text == "∂") and any(
            t.text == "=" for t in st.tokens):
        kw = Token("name", "claim", kw.line)  # `dl/dW2 = [...]`: the keyword may be left out
    else:
        s.next()
    if kw.kind != "name" or kw.text not in KEYWORDS:
        raise VerifyError(f"a statement starts with one of {', '.join(KEYWORDS)}; "
                          f"found {_show(kw)}", kw.line)
    k = kw.text
    if k in ("input", "param", "const"):
        name = s.name(f"a name after {k!r}").text
        if k == "param" and s.accept(":"):
            stmt = Stmt(k, st.line, name=name, shape=_shape(s))
        else:
            s.expect("=", f" after {k} {name}")
            stmt = Stmt(k, st.line, name=name, literal=parse_literal(s))
    elif k in ("let", "loss"):
        name = s.name(f"a name after {k!r}").text
        s.expect("=", f" after {k} {name}")
        stmt = Stmt(k, st.line, name=name, expr=parse_expr(s))
    elif k == "layer":
        name = s.name("the layer's output name").text
        s.expect(":", f" after layer {name}")
        stmt = Stmt(k, st.line, name=name, options=_layer_options(s, st.line))
    elif k == "perceptron":
        name = s.name("the weight vector's name").text
        s.expect(":", f" after perceptron {name}")
        stmt = Stmt(k, st.line, name=name, options=_perceptron_options(s, st.line))
    elif k == "batch":
        lit = parse_literal(s)
        if lit.shape != () or lit.values[0] < 1 or lit.values[0] != int(lit.values[0]):
            raise VerifyError("batch is the batch size m, a whole number ≥ 1", st.line)
        stmt = Stmt(k, st.line, options={"m": int(lit.values[0])})
    elif k == "claim":
        target = parse_target(s)
        s.expect("=", f" after claim {target}")
        stmt = Stmt(k, st.line, target=target, literal=parse_literal(s))
    else:  # show
        stmt = Stmt(k, st.line, target=parse_target(s))
    s.done()
    return stmt


def parse(text: str, default_name: str = "example") -> list[ExampleSpec]:
    """The examples of a file, each with its statements (syntax checked, nothing computed)."""
    examples: list[ExampleSpec] = []
    for st in statements(text):
        stmt = parse_statement(st)
        if stmt.kind == "example":
            if not stmt.text:
                raise VerifyError("example needs a name: example Vo's MLP", stmt.line)
            examples.append(ExampleSpec(stmt.text, stmt.line))
            continue
        if not examples:
            examples.append(ExampleSpec(default_name, stmt.line))
        if stmt.kind in ("note", "source"):
            examples[-1].notes.append(stmt.text)
        else:
            examples[-1].stmts.append(stmt)
    if not examples:
        raise VerifyError("no statements: a worked example needs at least one claim or show", 1)
    return examples
