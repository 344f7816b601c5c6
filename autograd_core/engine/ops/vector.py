"""Ops over a whole vector of inputs (one node, n inputs)."""

from __future__ import annotations

import math
from typing import Any

from ..op import VECTOR, Contributions, Inputs, Number, Op, instance
from .support import is_number


class LogSumExp(Op):
    """out = ln Σⱼ eᵃʲ;  ∂out/∂aᵢ = e^(aᵢ − out) = softmax(a)ᵢ"""

    kind, symbol, notation, micrograd, arity, group = "logsumexp", "logΣexp", \
        "logsumexp({0}, …)", "logsumexp", None, VECTOR
    torch = "logsumexp"

    @staticmethod
    def forward(*a: Number) -> Number:
        """m + ln Σⱼ e^(aⱼ − m) with m = max aⱼ: no overflow at any scale."""
        m = max(a)
        if math.isinf(m):  # +inf dominates; all −inf gives −inf; any NaN gives NaN
            return math.nan if any(x != x for x in a) else m
        return m + math.log(math.fsum(math.exp(x - m) for x in a))

    @staticmethod
    def bprop(inputs: Inputs, out: Any, G: Any) -> Contributions:
        if is_number(out):  # then the inputs are numbers too
            return tuple(G * math.exp(a - out) for a in inputs)  # type: ignore[arg-type]
        return tuple(G * (a - out).exp() for a in inputs)


LOGSUMEXP = instance(LogSumExp)
