"""Small helpers the derivative rules share: telling numbers from Values."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any


def is_number(x: Any) -> bool:
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
