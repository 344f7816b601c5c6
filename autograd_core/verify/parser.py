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

Formulas (``let``, ``loss``) are the formula language of :mod:`autograd_core.formula`, the
same as ``backprop draw``'s: ``+ - * /`` (element-wise, with broadcasting), ``^`` or ``**``
(power), ``@`` (matrix-vector / matrix-matrix product), unary minus, ``name[i]`` and
``name[i, j]`` (1-based, as on slides), ``Wᵀ``, calls ``f(x, ...)`` or ``x.f(...)`` of the
functions in :data:`~autograd_core.formula.syntax.FUNCTIONS`, and vector literals ``[a, b]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..formula.errors import FormulaError
from ..formula.lexer import Token
from ..formula.syntax import Stream, error, indices, parse_expr, positive_int, show
from .errors import VerifyError
from .lexer import KEYWORDS, Statement, statements
from .vary import EXERCISE_KEYWORDS, parse_points, parse_vary

ACTIVATIONS = ("identity", "step", "sigmoid", "tanh", "relu", "leaky_relu", "softmax")


# ------------------------------------------------------------------ the syntax tree
# (the formulas' nodes are in autograd_core.formula.syntax; these are the file format's)
@dataclass(frozen=True, slots=True)
class Literal:
    """Numbers as written: flat values, their texts (for the decimals), and the shape."""

    values: tuple[float, ...]
    texts: tuple[str, ...]
    shape: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Ref:
    """A named quantity, or one entry of it (1-based index)."""

    name: str
    index: tuple[int, ...] | None
    line: int
    column: int = 0

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
    exercise: list[Stmt] = field(default_factory=list)  # vary / points (verify ignores them)


# ------------------------------------------------------------------ literals
def parse_literal(s: Stream) -> Literal:
    """A number, ``[a, b, …]`` or ``[[a, b], [c, d]]``: at most a matrix, rectangular."""
    start = s.peek()
    values: list[float] = []
    texts: list[str] = []
    shape = _literal(s, values, texts, 0)
    if len(shape) > 2:
        raise VerifyError("only scalars, vectors and matrices can be written", start.line)
    return Literal(tuple(values), tuple(texts), shape)


def _literal(s: Stream, values: list[float], texts: list[str], depth: int) -> tuple[int, ...]:
    if s.accept("["):
        if s.at("]"):
            raise error("an empty list has no numbers to check", s.peek())
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
        raise error(f"expected a number, found {show(tok)}", tok)
    values.append(float(sign + tok.text))
    texts.append(sign + tok.text)
    return ()


# ------------------------------------------------------------------ claims
def _ref(s: Stream, strip_d: bool) -> Ref:
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
                tok = Token("name", name, tok.line, tok.column + 1)
            else:
                raise error(f"a derivative is written dA/dB or ∂A/∂B, found {tok.text!r}", tok)
    else:
        tok = s.name("a quantity name")
        name = tok.text
    index = None
    if s.at("["):
        s.next()
        index = indices(s)
    return Ref(name, index, tok.line, tok.column)


def parse_target(s: Stream) -> Target:
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
def _shape(s: Stream) -> tuple[int, ...]:
    dims = [positive_int(s)]
    while s.at("*") or (s.peek().kind == "name" and s.peek().text == "x"):
        s.next()
        dims.append(positive_int(s))
    if len(dims) > 2:
        raise VerifyError("a parameter is a scalar, a vector or a matrix", s.peek(-1).line)
    return tuple(dims)


def _layer_options(s: Stream, line: int) -> dict:
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
                    raise error("an activation takes one number (the slope)", tok)
                opts["slope"] = lit.values[0]
                s.expect(")")
        elif opts["weights"] is None:
            opts["weights"] = tok.text
        elif opts["bias"] is None:
            opts["bias"] = tok.text
        else:
            raise error(f"a layer has one weight and one bias; {tok.text!r} is a third "
                        f"name (activations: {', '.join(ACTIVATIONS)})", tok)
    if opts["weights"] is None:
        raise VerifyError("a layer needs its weights: layer h: W, b, relu", line)
    return opts


def _perceptron_options(s: Stream, line: int) -> dict:
    opts: dict = {}
    wanted = {"data": "name", "labels": "name", "rate": "number", "steps": "number"}
    while s.peek().kind != "end":
        key = s.name("data, labels, rate or steps")
        if key.text not in wanted:
            raise error(f"unknown perceptron option {key.text!r} (options: data, labels, "
                        "rate, steps)", key)
        if wanted[key.text] == "name":
            opts[key.text] = s.name(f"a name after {key.text!r}").text
        else:
            lit = parse_literal(s)
            if lit.shape != ():
                raise error(f"{key.text} is one number", key)
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
    first = st.raw.split(None, 1)[0]
    if first in EXERCISE_KEYWORDS:  # autograd_core/verify/vary.py
        parse = parse_vary if first == "vary" else parse_points
        return Stmt(first, st.line, options={first: parse(st.raw, st.line)}, text=st.raw)
    keyword, _, rest = st.raw.partition(" ")
    if keyword in ("example", "note", "source"):
        return Stmt(keyword, st.line, text=rest.strip())
    s = Stream(st.tokens, st.line)
    kw = s.peek()
    if (kw.kind == "name" and kw.text not in KEYWORDS or kw.text == "∂") and any(
            t.text == "=" for t in st.tokens):
        # `dl/dW2 = [...]`: the keyword may be left out
        kw = Token("name", "claim", kw.line, kw.column)
    else:
        s.next()
    if kw.kind != "name" or kw.text not in KEYWORDS:
        raise error(f"a statement starts with one of {', '.join(KEYWORDS)}; "
                          f"found {show(kw)}", kw)
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
    try:
        return _parse(text, default_name)
    except FormulaError as e:
        raise VerifyError.of(e) from None


def _parse(text: str, default_name: str) -> list[ExampleSpec]:
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
        elif stmt.kind in EXERCISE_KEYWORDS:
            examples[-1].exercise.append(stmt)
        else:
            examples[-1].stmts.append(stmt)
    if not examples:
        raise VerifyError("no statements: a worked example needs at least one claim or show", 1)
    return examples
