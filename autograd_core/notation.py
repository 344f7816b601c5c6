"""Names as the slides write them: W⁽¹⁾₂₁, β⁽²⁾₁, z⁽¹⁾₃, x⁽⁰⁾₂, ∂l/∂W⁽²⁾, and an
unlabelled node named by what it computes (``w·x + b``).

Three kinds of label are recognised; everything else is a *plain* name and stays as written
(``w``, ``x``, ``loss``, ``y'``):

* **nn paths** (the labels :mod:`nn` gives, 0-based): ``layers.L.neurons.N.w.i``,
  ``….b``, ``….a``, ``….out`` and ``….x0`` become, 1-based as the slides count,
  W⁽ᴸ⁺¹⁾ₙ₊₁,ᵢ₊₁ (row = neuron, column = input), β⁽ᴸ⁺¹⁾ₙ₊₁, z⁽ᴸ⁺¹⁾ₙ₊₁ (the pre-activation),
  x⁽ᴸ⁺¹⁾ₙ₊₁ (the output) and x⁽ᴸ⁾₀ = 1 (the constant input of an implicit bias, whose weight
  ``w.0`` is then W⁽ᴸ⁺¹⁾ₙ₊₁,₀: see :class:`Namer`). A path without ``layers.L`` (a lone
  ``Layer``) has no superscript.
* **worked-example names** (the labels ``backprop verify`` gives, 1-based already):
  ``x1[2]`` → x⁽¹⁾₂, ``W1[2,1]`` → W⁽¹⁾₂₁, ``b2`` → b⁽²⁾: the digits after the letters are
  the layer, the brackets the indices. ``x[2]`` → x₂. A spelled-out Greek stem is written
  in Greek (``beta1[2]`` → β⁽¹⁾₂). An unindexed ``x1`` is read as a layer only where the
  caller says so (``layered=True``: verify's claims; a :class:`Namer` decides from the graph,
  so a neuron labelled ``x1, x2, w1, w2`` keeps those names).
* **derivatives** ``dA/dB`` (verify's claims): ``dl/dW2`` → ∂l/∂W⁽²⁾.

Each name has a plain-Unicode form (SVG, terminal) and a LaTeX form (``W^{(1)}_{21}``).
Indices below 10 are written side by side (₂₁), larger ones with a comma (₁₂,₃).

>>> text("layers.0.neurons.1.w.0"), latex("layers.0.neurons.1.w.0")
('W⁽¹⁾₂₁', 'W^{(1)}_{21}')
>>> text("dl/dW1[2,1]"), text("b2"), text("x1", layered=False)
('∂l/∂W⁽¹⁾₂₁', 'b⁽²⁾', 'x1')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .engine import Value, topological_order
from .engine import expression as engine_expression

SUPERSCRIPT = str.maketrans("0123456789+−-()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁽⁾")
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

GREEK = {
    "alpha": ("α", r"\alpha"), "beta": ("β", r"\beta"), "gamma": ("γ", r"\gamma"),
    "delta": ("δ", r"\delta"), "epsilon": ("ε", r"\varepsilon"), "eta": ("η", r"\eta"),
    "theta": ("θ", r"\theta"), "lambda": ("λ", r"\lambda"), "mu": ("μ", r"\mu"),
    "sigma": ("σ", r"\sigma"), "tau": ("τ", r"\tau"), "phi": ("φ", r"\phi"),
    "omega": ("ω", r"\omega"),
}
_GREEK_LETTERS = {u: tex for u, tex in GREEK.values()}

# nn: [prefix.]layers.L.neurons.N.member, member = w.i | b | a | out | x0
_NN = re.compile(r"^(?:(?:.*\.)?layers\.(?P<layer>\d+)\.|(?:.*\.)?)neurons\.(?P<neuron>\d+)\."
                 r"(?P<member>w\.(?P<input>\d+)|b|a|out|x0)$")
# worked examples: letters, optional layer digits, optional [i] or [i,j] (1-based)
_WORKED = re.compile(r"^(?P<stem>[A-Za-z]+?)(?P<layer>\d+)?"
                     r"(?:\[(?P<index>\d+(?:\s*,\s*\d+)*)\])?$")
_DERIVATIVE = re.compile(r"^d(?P<num>[^/]+)/d(?P<den>[^/]+)$")
_INDEXED_LAYER = re.compile(r"^[A-Za-z]+\d+\[")
_MAX_DIGITS = 6  # a layer or index longer than this is no slide's: the label stays plain


@dataclass(frozen=True)
class Symbol:
    """One named quantity: ``base`` with an optional layer superscript and indices.

    ``Symbol("W", 1, (2, 1)).text() == "W⁽¹⁾₂₁"``; ``plain`` marks a label kept as written.
    """

    base: str
    layer: int | None = None
    index: tuple[int, ...] = ()
    plain: bool = False

    def text(self) -> str:
        """The plain-Unicode form: W⁽¹⁾₂₁."""
        out = self.base
        if self.layer is not None:
            out += f"({self.layer})".translate(SUPERSCRIPT)
        if self.index:
            sep = "," if any(i > 9 for i in self.index) else ""
            out += sep.join(str(i).translate(SUBSCRIPT) for i in self.index)
        return out

    def latex(self) -> str:
        """The LaTeX form: W^{(1)}_{21}."""
        out = _GREEK_LETTERS.get(self.base) or _latex_word(self.base)
        if self.layer is not None:
            out += f"^{{({self.layer})}}"
        if self.index:
            sep = "," if any(i > 9 for i in self.index) else ""
            out += "_{" + sep.join(str(i) for i in self.index) + "}"
        return out


@dataclass(frozen=True)
class Derivative:
    """∂num/∂den, as verify's claims write it (``dl/dW2``)."""

    num: Symbol
    den: Symbol

    def text(self) -> str:
        """∂l/∂W⁽²⁾."""
        return f"∂{self.num.text()}/∂{self.den.text()}"

    def latex(self) -> str:
        r"""\frac{\partial l}{\partial W^{(2)}}."""
        return rf"\frac{{\partial {self.num.latex()}}}{{\partial {self.den.latex()}}}"


def _latex_word(word: str) -> str:
    """A plain name in LaTeX: one letter as is, a longer name upright, specials escaped."""
    if re.fullmatch(r"[A-Za-z]", word):
        return word
    if re.fullmatch(r"[A-Za-z]'+", word):
        return word
    escaped = "".join(_LATEX_ESCAPES.get(c, c) for c in word)
    return rf"\mathrm{{{escaped}}}"


_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "^": r"\^{}", "~": r"\~{}",
}


def _short(digits: str | None) -> bool:
    return digits is None or len(digits) <= _MAX_DIGITS


def nn_symbol(label: str, *, implicit_bias: bool = False) -> Symbol | None:
    """The slide notation of an nn label (None for other labels).

    ``implicit_bias``: the neuron's weights are ``w.0`` (bias, column 0), ``w.1`` … (inputs).
    """
    m = _NN.match(label)
    if m is None or not all(_short(m.group(g)) for g in ("layer", "neuron", "input")):
        return None
    layer = int(m.group("layer")) + 1 if m.group("layer") is not None else None
    neuron = int(m.group("neuron")) + 1
    member = m.group("member")
    if m.group("input") is not None:
        column = int(m.group("input")) + (0 if implicit_bias else 1)
        return Symbol("W", layer, (neuron, column))
    if member == "x0":
        return Symbol("x", None if layer is None else layer - 1, (0,))
    base = {"b": "β", "a": "z", "out": "x"}[member]
    return Symbol(base, layer, (neuron,))


def worked_symbol(label: str, *, layered: bool = True) -> Symbol | None:
    """The notation of a worked-example name (``x1[2]``, ``W1[2,1]``, ``b2``), else None.

    The layer digits are read as a layer when the name is indexed or ``layered`` is True.
    """
    m = _WORKED.match(label)
    if m is None or not _short(m.group("layer")):
        return None
    stem, layer, index = m.group("stem"), m.group("layer"), m.group("index")
    base = GREEK[stem][0] if stem in GREEK else stem
    if index is None:
        if layer is None:
            return Symbol(base) if stem in GREEK else None  # a plain word stays as written
        if not layered:
            return None
    parts = tuple(int(i) for i in index.split(",")) if index else ()
    if not all(len(str(i)) <= _MAX_DIGITS for i in parts):
        return None
    return Symbol(base, int(layer) if layer is not None else None, parts)


def symbol(label: str, *, layered: bool = True,
           implicit_bias: bool = False) -> Symbol | Derivative:
    """A label's notation: nn path, worked name, derivative ``dA/dB``, or plain."""
    found = nn_symbol(label, implicit_bias=implicit_bias) or worked_symbol(label, layered=layered)
    if found is not None:
        return found
    m = _DERIVATIVE.match(label)
    if m is not None:
        num = symbol(m.group("num"), layered=layered)
        den = symbol(m.group("den"), layered=layered)
        if isinstance(num, Symbol) and isinstance(den, Symbol):
            return Derivative(num, den)
    return Symbol(label, plain=True)


def text(label: str, *, layered: bool = True) -> str:
    """A label in plain Unicode: ``layers.0.neurons.1.w.0`` → W⁽¹⁾₂₁, ``x1[2]`` → x⁽¹⁾₂."""
    return symbol(label, layered=layered).text()


def latex(label: str, *, layered: bool = True) -> str:
    """A label in LaTeX: ``layers.0.neurons.1.w.0`` → ``W^{(1)}_{21}``."""
    return symbol(label, layered=layered).latex()


# ------------------------------------------------------------------ groups
def group_title(path: str) -> str:
    """A group's heading in words, 1-based as the slides count, innermost first:
    ``layers.0.neurons.1`` → "neuron 2 of layer 1", ``layers.1`` → "layer 2",
    ``model.blocks.0`` → "block 1 of model". A plural word before a number is made singular.

    >>> group_title("layers.0.neurons.1")
    'neuron 2 of layer 1'
    """
    parts = path.split(".")
    pieces: list[str] = []
    k = 0
    while k < len(parts):
        word = parts[k]
        numbered = k + 1 < len(parts) and _short(parts[k + 1]) and parts[k + 1].isdecimal()
        if numbered and word:
            singular = word[:-1] if len(word) > 1 and word.endswith("s") else word
            pieces.append(f"{singular} {int(parts[k + 1]) + 1}")
            k += 2
        else:
            pieces.append(word)
            k += 1
    return " of ".join(reversed(pieces))


# ------------------------------------------------------------------ expressions
NameFn = Callable[[Value], str | None]
EXPRESSION_DEPTH = 12  # levels an expression may show when it fits its width
_PLACEHOLDER = 0xE000  # private-use characters stand for the names while LaTeX is written
_TEX_WORDS = {"σ": r"\sigma", "tanh": r"\tanh", "exp": r"\exp", "ln": r"\ln", "sin": r"\sin",
              "cos": r"\cos", "…": r"\dots", "∞": r"\infty", "·": r" \cdot ", "−": "-"}
_TEX_TOKEN = re.compile(r"\d[\d.]*(?:e[+−]\d+)?|[A-Za-z]{2,}|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+|[√^]?\(|.",
                        re.DOTALL)
_UNSUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def expression(node: Value, *, width: int = 24, name: NameFn | None = None,
               tex: bool = False) -> str:
    """What ``node`` computes, written from its inputs and shortened to ``width`` characters:
    ``w·x``, ``w·x + b``, ``σ(w·x + b)``; deeper parts become ``…`` (``σ(… + b)``).

    The engine's :func:`autograd_core.expression` writes it; ``name(v)`` names the nodes
    written by name (default: labelled nodes by their label), numbers are written as
    numbers. ``tex``: LaTeX instead of Unicode, written in full (not shortened), ``name``
    then giving LaTeX names.
    """
    namer: NameFn = name or (lambda v: v.label)
    if not tex:
        return engine_expression(node, width, EXPRESSION_DEPTH, namer)
    names: list[str] = []

    def placeholder(v: Value) -> str | None:
        given = namer(v)
        if given is None:
            return None
        names.append(given)
        return chr(_PLACEHOLDER + len(names) - 1)

    unicode = engine_expression(node, 10**9, EXPRESSION_DEPTH, placeholder)
    return _to_latex(unicode, names)


def _to_latex(unicode: str, names: list[str]) -> str:
    r"""The engine's Unicode expression in LaTeX: σ → \sigma, · → \cdot, x² → x^{2},
    √(a) → \sqrt{a}, a^(b) → a^{b}, (…) → \left(…\right); placeholders → ``names``."""
    out: list[str] = []
    closers: list[str] = []
    root_of_next = False  # √ before an atom (√x): the next token goes under the root
    for token in _TEX_TOKEN.findall(unicode):
        if token == "√":
            out.append(r"\sqrt{")
            root_of_next = True
            continue
        if token[-1] == "(":
            out.append({"√(": r"\sqrt{", "^(": "^{"}.get(token, r"\left("))
            closers.append("}" if token in ("√(", "^(") else r"\right)")
        elif token == ")" and closers:
            out.append(closers.pop())
        elif token[0] in "⁰¹²³⁴⁵⁶⁷⁸⁹⁻":
            out.append("^{" + token.translate(_UNSUPER) + "}")
        elif len(token) == 1 and _PLACEHOLDER <= ord(token) < _PLACEHOLDER + len(names):
            out.append(names[ord(token) - _PLACEHOLDER])
        elif token in _TEX_WORDS:
            out.append(_TEX_WORDS[token])
        elif token.isalpha() and len(token) > 1:
            out.append(rf"\mathrm{{{token}}}")
        else:
            out.append(token)
        if root_of_next:
            out.append("}")
            root_of_next = False
    return "".join(out)


def atomic(name: str) -> bool:
    """True when ``name`` has no operator outside brackets (``W⁽¹⁾₂₁``, ``σ(w·x + b)``)."""
    depth = 0
    for c in name:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and c in " +−·/×-":
            return False
    return True


def derivative(z: str, v: str) -> str:
    """∂z/∂v, with a compound name in brackets: ∂l/∂(w·x + b), ∂l/∂W⁽¹⁾₂₁."""
    def wrap(s: str) -> str:
        return s if atomic(s) else f"({s})"

    return f"∂{wrap(z)}/∂{wrap(v)}"


# ------------------------------------------------------------------ a graph's names
@dataclass
class Namer:
    """Names for every node of a graph, the same in every picture and table of it.

    A labelled node gets its label's notation; an unlabelled one the expression it computes.
    ``layered`` (unindexed ``b2`` read as b⁽²⁾) is on when the graph holds an indexed
    worked-example name (``W2[1,3]``) or an nn label; neurons whose constant input ``x0``
    is drawn (implicit bias) number their weights from 0. ``extra`` names some nodes
    outright (a drawing's gradient nodes ∂l/∂v).

    >>> from autograd_core import Value
    >>> w, x, b = Value(2.0, label="w"), Value(3.0, label="x"), Value(1.0, label="b")
    >>> y = (w * x + b).sigmoid()
    >>> Namer.of(y).text(y)
    'σ(w·x + b)'
    """

    layered: bool = False
    implicit: frozenset[str] = frozenset()
    extra: Mapping[Value, tuple[str, str]] | None = None
    width: int = 24

    @classmethod
    def of(cls, *roots: Value | Iterable[Value], width: int = 24) -> Namer:
        """The namer for the graphs of ``roots`` (Values, or iterables of Values)."""
        labels: list[str] = []
        for r in roots:
            nodes = topological_order(r) if isinstance(r, Value) else list(r)
            labels.extend(v.label for v in nodes if v.label is not None)
        layered = any(_INDEXED_LAYER.match(s) or _NN.match(s) for s in labels)
        implicit = frozenset(s[: -len(".x0")] for s in labels
                             if s.endswith(".x0") and _NN.match(s))
        return cls(layered=layered, implicit=implicit, width=width)

    def symbol(self, label: str) -> Symbol | Derivative:
        """The notation of one label in this graph."""
        neuron = label.rsplit(".w.", 1)[0] if ".w." in label else None
        return symbol(label, layered=self.layered,
                      implicit_bias=neuron is not None and neuron in self.implicit)

    def named(self, v: Value, tex: bool = False) -> str | None:
        """The name of a node written by name (labelled or given), else None."""
        if self.extra is not None and v in self.extra:
            return self.extra[v][1 if tex else 0]
        if v.label is None:
            return None
        s = self.symbol(v.label)
        return s.latex() if tex else s.text()

    def text(self, v: Value) -> str:
        """A node's name in plain Unicode (label notation, else its expression)."""
        return self.named(v) or expression(v, width=self.width, name=self.named)

    def latex(self, v: Value) -> str:
        """A node's name in LaTeX."""
        return self.named(v, True) or expression(v, name=lambda u: self.named(u, True), tex=True)

    def with_names(self, extra: Mapping[Value, tuple[str, str]]) -> Namer:
        """This namer, naming the nodes of ``extra`` outright ((text, LaTeX) per node)."""
        return Namer(self.layered, self.implicit, extra, self.width)


def table_names(root: Value) -> Callable[[Value], str]:
    """How a grad_table of ``root`` names its nodes: as every picture of the graph does."""
    return Namer.of(root).text
