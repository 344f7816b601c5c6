"""Names in the slides' notation, in Unicode and LaTeX: x1 → x⁽¹⁾, W1[2,1] → W⁽¹⁾₂₁,
∂l/∂W⁽²⁾, δ⁽¹⁾, σ′(z⁽¹⁾): the shared :mod:`autograd_core.notation` (the pictures' names),
plus the few a solution adds (δ⁽ˡ⁾, f′(…), how each function is written).

>>> n = entry("W1", (2, 1))
>>> n.uni, n.tex
('W⁽¹⁾₂₁', 'W^{(1)}_{21}')
>>> gradient(quantity("l"), quantity("x2")).uni
'∂l/∂x⁽²⁾'
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .. import notation


@dataclass(frozen=True, slots=True)
class Name:
    """A name written two ways."""

    uni: str
    tex: str


def _symbol(key: str, index: tuple[int, ...], layered: bool) -> notation.Symbol:
    s = notation.symbol(key, layered=layered)
    if isinstance(s, notation.Derivative):  # a quantity named like a derivative: as written
        s = notation.Symbol(key, plain=True)
    return replace(s, index=tuple(index)) if index else s


def _name(s: notation.Symbol) -> Name:
    return Name(s.text(), s.latex())


def quantity(key: str, layered: bool = True) -> Name:
    """A quantity of a worked example: ``x1`` → x⁽¹⁾, ``lambda`` → λ, ``y'`` as written."""
    return _name(_symbol(key, (), layered))


def entry(key: str, index: tuple[int, ...], layered: bool = True) -> Name:
    """One entry (indices from 1): ``W1``, (2, 1) → W⁽¹⁾₂₁."""
    return _name(_symbol(key, index, layered))


def gradient(of: Name, wrt: Name) -> Name:
    """∂of/∂wrt."""
    return Name(f"∂{of.uni}/∂{wrt.uni}", rf"\frac{{\partial {of.tex}}}{{\partial {wrt.tex}}}")


def delta(key: str, index: tuple[int, ...] = ()) -> Name | None:
    """δ⁽ˡ⁾ for the pre-activation of layer l (``z1`` → δ⁽¹⁾), if the name says which l."""
    s = _symbol(key, (), True)
    if s.plain or s.layer is None:
        return None
    return _name(notation.Symbol("δ", s.layer, tuple(index)))


# how the functions are written: op name → (Unicode, LaTeX)
FUNCTION_NAMES: dict[str, tuple[str, str]] = {
    "sigmoid": ("σ", r"\sigma"), "tanh": ("tanh", r"\tanh"), "relu": ("relu", r"\mathrm{relu}"),
    "step": ("step", r"\mathrm{step}"), "abs": ("abs", r"\mathrm{abs}"),
    "exp": ("exp", r"\exp"), "log": ("log", r"\log"), "sqrt": ("√", r"\sqrt"),
    "sin": ("sin", r"\sin"), "cos": ("cos", r"\cos"), "identity": ("id", r"\mathrm{id}"),
    "leaky_relu": ("leaky_relu", r"\mathrm{leaky\_relu}"),
    "softmax": ("softmax", r"\mathrm{softmax}"),
    "log_softmax": ("log_softmax", r"\mathrm{log\_softmax}"),
    "logsumexp": ("logsumexp", r"\mathrm{logsumexp}"), "sum": ("Σ", r"\sum"),
    "mean": ("mean", r"\mathrm{mean}"), "dot": ("dot", r"\mathrm{dot}"),
    "outer": ("outer", r"\mathrm{outer}"), "transpose": ("transpose", r"\mathrm{transpose}"),
}


def function(op_name: str) -> Name:
    """How a function is written: sigmoid → σ; leaky_relu(0.1) → leaky_relu."""
    base = op_name.split("(")[0]
    uni, tex = FUNCTION_NAMES.get(base, (base, notation.Symbol(base, plain=True).latex()))
    return Name(uni, tex)


def derivative_of(op_name: str, arg: Name) -> Name:
    """f′(arg): σ′(z⁽¹⁾)."""
    f = function(op_name)
    return Name(f"{f.uni}′({arg.uni})", f"{f.tex}'({arg.tex})")
