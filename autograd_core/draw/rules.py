"""An op's derivative rule written with the names of one node: σ(z⁽²⁾)(1 − σ(z⁽²⁾)).

The rule is the op's own (``op.formula``, the first line of its bprop's docstring, e.g.
``out = σ(a) = 1/(1 + e⁻ᵃ);  ∂out/∂a = σ(a)(1 − σ(a)) = out(1 − out)``): this module only
picks the part for one input and writes the node's names for ``a``, ``b``, ``out`` (and the
op's number for ``c`` or ``slope``). Nothing is derived here.

The number it evaluates to is the op's bprop called with G = 1, ``∂out/∂input`` for each
input: the very rule back-propagation multiplies by ∂z/∂out (see :func:`local_derivatives`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .. import Value
from . import style

# superscript forms that would hide a variable: written out before substituting
_SUPERSCRIPTS = [
    ("eᵃ", "exp(a)"), ("e⁻ᵃ", "exp(−a)"), ("aᶜ⁻¹", "a^(c − 1)"), ("aᵇ⁻¹", "a^(b − 1)"),
    ("aᶜ", "a^c"), ("aᵇ", "a^b"), ("e^(aᵢ − out)", "exp(aᵢ − out)"),
]
_DERIVATIVE = re.compile(r"∂out/∂(aᵢ|a|b)\s*=\s*(.+?)(?=,\s+∂out/∂|$)")
_TOKEN = re.compile(r"(?<![A-Za-z_])(aᵢ|a|b|c|out|slope)(?![A-Za-z_ᵢ])")
_ATOMIC = re.compile(r"^[\w⁽⁾⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉'′.,\[\]]+$|^−?[\d.]+$")


def local_derivatives(consumer: Value) -> tuple[float, ...]:
    """∂consumer/∂input for each input of ``consumer``, in order: its op's bprop with G = 1.

    (bprop returns G · ∂out/∂input for every input; with G = 1 that is the local derivative
    the chain rule multiplies by.)
    """
    bprop = consumer.op.bprop
    if bprop is None:
        return ()
    inputs = tuple(float(i.data) for i in consumer.inputs)
    out = bprop(inputs, float(consumer.data), 1.0)
    return tuple(_as_float(d) for d in out)


def _as_float(d: Any) -> float:
    """A bprop's result as a float: a number, or (built under create_graph) a Value's data."""
    return float(getattr(d, "data", d))


def _atomic(name: str) -> bool:
    return bool(_ATOMIC.match(name))


def _rhs(formula: str, position: int, arity: int) -> str | None:
    """The right-hand side of ∂out/∂(input ``position``) in an op's formula, or None."""
    if ";" not in formula:
        return None
    found: dict[str, str] = dict(_DERIVATIVE.findall(formula.split(";", 1)[1].strip()))
    if "aᵢ" in found:
        return found["aᵢ"]
    key = "a" if position == 0 else "b" if position == 1 and arity == 2 else None
    return found.get(key) if key else None


def rule_text(consumer: Value, position: int, names: Sequence[str], out_name: str,
              precision: int = 4) -> str | None:
    """∂consumer/∂input_position as the op's rule with this node's names, e.g.
    ``σ(z⁽²⁾)(1 − σ(z⁽²⁾)) = x⁽²⁾(1 − x⁽²⁾)``; None when the op states no rule.

    ``names`` are the names of the consumer's inputs, ``out_name`` the consumer's own.
    """
    rhs = _rhs(consumer.op.formula or "", position, len(consumer.inputs))
    if rhs is None:
        return None
    for short, spelled in _SUPERSCRIPTS:
        rhs = rhs.replace(short, spelled)
    param = consumer.op.param
    given = {"out": out_name}
    if "aᵢ" in rhs:  # an n-ary op: its input i by name (``a`` stays the whole vector)
        given["aᵢ"] = names[position]
    else:
        given.update(zip("ab", names, strict=False))
    if param is not None:
        given["c"] = given["slope"] = style.fmt(param, precision)
        rhs = rhs.replace("^(c − 1)", "" if param == 2 else "^" + style.fmt(param - 1, precision))

    def put(m: re.Match[str]) -> str:
        name = given.get(m.group(1))
        if name is None:
            return m.group(0)
        alone = m.start() == 0 and m.end() == len(rhs)
        inside_parens = (m.start() > 0 and rhs[m.start() - 1] == "(" and m.end() < len(rhs)
                         and rhs[m.end()] == ")")
        return name if _atomic(name) or alone or inside_parens else f"({name})"

    return _TOKEN.sub(put, rhs)
