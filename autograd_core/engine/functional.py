"""n-ary helpers where one op, or a stable formula, beats a chain of binary ops."""

from __future__ import annotations

import math
from collections.abc import Iterable

from .ops.arithmetic import SUM
from .ops.vector import LOGSUMEXP
from .value import Operand, Value, apply, lift


def _values(values: Iterable[Operand], who: str) -> tuple[Value, ...]:
    vs = tuple(lift(v) for v in values)
    if not vs:
        raise ValueError(f"{who} of an empty sequence")
    return vs


def vsum(values: Iterable[Operand]) -> Value:
    """a₁ + … + aₙ as one node (one op, n inputs); ∂/∂aᵢ = 1.

    Python's ``sum(values)`` also works, as a chain of n additions.
    """
    return apply(SUM, *_values(values, "vsum"))


def logsumexp(values: Iterable[Operand]) -> Value:
    """ln Σⱼ e^(aⱼ), computed as m + ln Σⱼ e^(aⱼ − m) with m = max aⱼ (no overflow);
    ∂/∂aᵢ = softmax(a)ᵢ."""
    return apply(LOGSUMEXP, *_values(values, "logsumexp"))


def softmax(values: Iterable[Operand]) -> list[Value]:
    """softmax(a)ᵢ = e^(aᵢ) / Σⱼ e^(aⱼ), computed as e^(aᵢ − logsumexp(a)): stable at any scale."""
    vs = _shifted(_values(values, "softmax"))
    lse = logsumexp(vs)
    return [(v - lse).exp() for v in vs]


def log_softmax(values: Iterable[Operand]) -> list[Value]:
    """log softmax(a)ᵢ = aᵢ − logsumexp(a)."""
    vs = _shifted(_values(values, "log_softmax"))
    lse = logsumexp(vs)
    return [v - lse for v in vs]


_SHIFT_ABOVE = 1024.0


def _shifted(vs: tuple[Value, ...]) -> tuple[Value, ...]:
    """aᵢ − m with m = max aⱼ (a constant) when |m| > 1024, else a unchanged.

    softmax is unchanged by the shift, and so are its derivatives. Without it, logsumexp(a)
    rounds to a multiple of ulp(m) (1e308 + ln 2 == 1e308), which every aᵢ − logsumexp(a)
    inherits; below 1024 that error is under 1.2e-13, so small examples keep the textbook graph.
    """
    m = max(v.data for v in vs)
    if not (abs(m) > _SHIFT_ABOVE and math.isfinite(m)):
        return vs
    return tuple(v - m for v in vs)


def dot(weights: Iterable[Operand], inputs: Iterable[Operand]) -> Value:
    """Σᵢ wᵢ·xᵢ (the pre-activation of a neuron), built from products and one n-ary sum."""
    ws, xs = list(weights), list(inputs)
    if len(ws) != len(xs) or not ws:
        raise ValueError(f"dot: {len(ws)} weights and {len(xs)} inputs (need as many, ≥ 1)")
    return vsum(lift(w) * x for w, x in zip(ws, xs, strict=True))
