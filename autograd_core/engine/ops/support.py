"""Small helpers the derivative rules share: telling numbers from Values."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..op import Number

if TYPE_CHECKING:  # the checker's narrowing only: nothing is imported at run time
    from typing_extensions import TypeIs


def is_number(x: Any) -> TypeIs[Number]:
    """x is a plain number, not a Value.

    Usually a float; but ``.data`` is a writable slot and may hold an int, a bool, an exact
    rational or a numpy scalar that a user assigned (micrograd keeps ints).
    """
    return x.__class__ is float or not hasattr(x, "inputs")


def number_of(x: Any) -> Any:
    """The number behind x, a number or a Value."""
    return x if x.__class__ is float or not hasattr(x, "inputs") else x.data


def nan_outside(f: Callable[[float], float], a: Any) -> float:
    """f(a), NaN where math raises for a non-finite argument (sin(inf), cos(inf))."""
    try:
        return f(a)
    except ValueError:
        return math.nan


def divide(a: Any, b: Any) -> Any:
    """a / b inside a derivative, as IEEE floats divide (PyTorch's values): a number divided
    by 0 is ±inf, 0/0 is NaN. (Values divide that way inside a derivative graph already.)"""
    if b == 0 and is_number(b):
        a = number_of(a)
        if a == 0 or a != a:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def zero_like(a: Number) -> Number:
    """0 of a's kind: 0.0 for a float, an exact 0 for an exact number (relu(−½) = 0 exactly)."""
    return 0.0 if a.__class__ is float else a * 0


def one_like(a: Number) -> Number:
    """1 of a's kind (step's output)."""
    return 1.0 if a.__class__ is float else a * 0 + 1
