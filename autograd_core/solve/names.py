"""Names in the slides' notation, in Unicode and LaTeX: x1 → x⁽¹⁾, W1[2,1] → W⁽¹⁾₂₁,
∂l/∂W⁽²⁾, δ⁽¹⁾, σ′(z⁽¹⁾).

This is the one place the solution asks how to write a name (to be replaced by the shared
``autograd_core.notation`` when it lands).

>>> n = entry("W1", (2, 1))
>>> n.uni, n.tex
('W⁽¹⁾₂₁', 'W^{(1)}_{21}')
>>> gradient(quantity("l"), quantity("x2")).uni
'∂l/∂x⁽²⁾'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GREEK = {"alpha": ("α", r"\alpha"), "beta": ("β", r"\beta"), "gamma": ("γ", r"\gamma"),
         "delta": ("δ", r"\delta"), "eta": ("η", r"\eta"), "theta": ("θ", r"\theta"),
         "lambda": ("λ", r"\lambda"), "mu": ("μ", r"\mu"), "sigma": ("σ", r"\sigma"),
         "epsilon": ("ε", r"\epsilon")}
_SUB = str.maketrans("0123456789,", "₀₁₂₃₄₅₆₇₈₉,")
_SUP = str.maketrans("0123456789abcdefghijklmnoprstuvwxyz",
                     "⁰¹²³⁴⁵⁶⁷⁸⁹ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ")
_NAME = re.compile(r"^(?P<base>[A-Za-z]+?)(?P<layer>\d+)?(?P<primes>'*)(?:_(?P<sub>\w+))?$")


@dataclass(frozen=True, slots=True)
class Name:
    """A name written two ways."""

    uni: str
    tex: str


def _tex_escape(s: str) -> str:
    return re.sub(r"([_&%#$])", r"\\\1", s)


def _base(base: str) -> Name:
    if base in GREEK:
        return Name(*GREEK[base])
    if base.endswith("hat") and len(base) == 4:
        return Name(base[0] + "\u0302", rf"\hat{{{base[0]}}}")
    if len(base) == 1:
        return Name(base, base)
    return Name(base, rf"\mathrm{{{base}}}")


def _parts(name: str) -> tuple[Name, str, str, str]:
    """(base, layer superscript, primes, subscript) of a quantity's name."""
    if "." in name:  # u.a: the pre-activation of layer u; w.3: w after step 3
        owner, _, what = name.rpartition(".")
        if what.isdigit():
            return _base(owner) if _NAME.match(owner) else Name(owner, rf"\mathrm{{{owner}}}"), \
                what, "", ""
        if not re.fullmatch(r"[A-Za-z]", owner):  # h_new.a: no superscript to write
            return Name(name, rf"\mathrm{{{_tex_escape(name)}}}"), "", "", ""
        return _base(what), owner, "", ""
    m = _NAME.match(name)
    if m is None:
        return Name(name, rf"\mathrm{{{_tex_escape(name)}}}"), "", "", ""
    return _base(m["base"]), m["layer"] or "", m["primes"], m["sub"] or ""


def _join(base: Name, layer: str, primes: str, sub: str, index: tuple[int, ...]) -> Name:
    uni, tex = base.uni, base.tex
    if layer:
        sup = layer.translate(_SUP)
        uni += f"⁽{sup}⁾" if sup.isascii() is False else f"^({layer})"
        tex += rf"^{{({layer})}}"
    uni += "′" * len(primes)
    tex += "'" * len(primes)
    idx = ("," if any(i > 9 for i in index) else "").join(str(i) for i in index)
    tex_sub = ",".join(p for p in ([rf"\mathrm{{{_tex_escape(sub)}}}"] if sub else [])
                       + ([idx] if idx else []))
    if sub:
        uni += "_" + sub
    if idx:
        uni += idx.translate(_SUB)
    if tex_sub:
        tex = (f"{{{tex}}}" if layer and primes else tex) + f"_{{{tex_sub}}}"
    return Name(uni, tex)


def quantity(name: str) -> Name:
    """A quantity of a worked example: ``x1`` → x⁽¹⁾, ``y'`` → y′, ``lambda`` → λ."""
    return _join(*_parts(name), ())


def entry(name: str, index: tuple[int, ...]) -> Name:
    """One entry (indices from 1): ``W1``, (2, 1) → W⁽¹⁾₂₁."""
    return _join(*_parts(name), tuple(index))


def gradient(of: Name, wrt: Name) -> Name:
    """∂of/∂wrt."""
    return Name(f"∂{of.uni}/∂{wrt.uni}", rf"\frac{{\partial {of.tex}}}{{\partial {wrt.tex}}}")


def delta(name: str, index: tuple[int, ...] = ()) -> Name | None:
    """δ⁽ˡ⁾ for the pre-activation of layer l (``z1`` → δ⁽¹⁾), if the name says which l."""
    _, layer, _, _ = _parts(name)
    if not layer.isdigit():
        return None
    return _join(Name("δ", r"\delta"), layer, "", "", tuple(index))


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
    uni, tex = FUNCTION_NAMES.get(base, (base, rf"\mathrm{{{_tex_escape(base)}}}"))
    return Name(uni, tex)


def derivative_of(op_name: str, arg: Name) -> Name:
    """f′(arg): σ′(z⁽¹⁾)."""
    f = function(op_name)
    return Name(f"{f.uni}′({arg.uni})", f"{f.tex}'({arg.tex})")
