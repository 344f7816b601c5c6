"""The three engines under test, behind one small interface.

Each engine is a leaf constructor (``leaf``, ``param``), a ``backward(z)``, and a name. Their
Values share the operators the workloads use: ``+ - *`` with numbers on either side, unary
``-``, ``.tanh()`` and ``.relu()``.

micrograd 0.1.0 (the PyPI release) has no ``tanh``; we add one to its Value class here, written
exactly in micrograd's style (a closure that captures its output node), as in the lecture that
introduced it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import floor


@dataclass(frozen=True)
class Engine:
    name: str
    leaf: Callable[[float], Any]
    param: Callable[[float], Any]
    backward: Callable[[Any], None]
    grad_of: Callable[[Any], float]


def _ours() -> Engine:
    from autograd_core import Value

    def param(x: float) -> Any:
        return Value(x, role="param")

    return Engine("ours", Value, param, Value.backward, lambda v: v.grad)


def _floor() -> Engine:
    return Engine("floor", floor.Node, floor.Node, floor.Node.backward, lambda v: v.grad)


def _micrograd() -> Engine:
    from micrograd.engine import Value

    if not hasattr(Value, "tanh"):

        def tanh(self):
            t = math.tanh(self.data)
            out = Value(t, (self,), "tanh")

            def _backward():
                self.grad += (1 - t**2) * out.grad

            out._backward = _backward
            return out

        Value.tanh = tanh
    return Engine("micrograd", Value, Value, Value.backward, lambda v: v.grad)


ENGINE_NAMES = ("ours", "micrograd", "floor")


def load(names: tuple[str, ...] = ENGINE_NAMES) -> tuple[dict[str, Engine], dict[str, str]]:
    """The engines that can be imported, and why the others cannot (micrograd is optional)."""
    makers = {"ours": _ours, "micrograd": _micrograd, "floor": _floor}
    engines, missing = {}, {}
    for name in names:
        try:
            engines[name] = makers[name]()
        except ImportError as e:
            missing[name] = f"not installed ({e}); `make bench` installs it"
    return engines, missing
