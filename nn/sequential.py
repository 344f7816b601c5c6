"""``Sequential``: modules applied one after the other to a batch.

Each module either acts on a whole batch (``acts_on_batch = True``: batch normalisation) or on
one example at a time (layers, dropout, activations…), in which case it is mapped over the
batch. Sub-modules are named ``layers.0``, ``layers.1``, … like an MLP's layers.

>>> # net = Sequential(Layer(2, 8, "relu"), BatchNorm(8), Dropout(0.2, rng=0), Layer(8, 1))
>>> # outputs = net([[0.0, 1.0], [1.0, 0.0]])      # one output vector per example
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_core import Value

from .module import Module, build_from_spec


def _as_list(y: Any) -> list[Any]:
    return [y] if isinstance(y, Value) else list(y)


class Sequential(Module):
    """Modules in a chain, called on a batch (a list of examples); ``predict(x)`` for one."""

    acts_on_batch = True

    def __init__(self, *modules: Module) -> None:
        for m in modules:
            if not isinstance(m, Module):
                raise TypeError(f"Sequential takes Modules, got {type(m).__name__}: {m!r}")
        self.layers = list(modules)
        self.relabel(self._prefix)

    def children(self) -> list[tuple[str, Module]]:
        """The modules, named ``layers.0``, ``layers.1``, …"""
        return [(f"layers.{i}", m) for i, m in enumerate(self.layers)]

    def __call__(self, batch: Sequence[Sequence[Any]]) -> list[list[Value]]:
        """The outputs for a batch: one list of Values per example."""
        xs: list[Any] = [list(x) for x in batch]
        for m in self.layers:
            if getattr(m, "acts_on_batch", False):
                xs = m(xs)
            else:
                xs = [_as_list(m(x)) for x in xs]
        return xs

    def predict(self, x: Sequence[Any]) -> Value | list[Value]:
        """The output for one example (in eval mode batch norm needs no batch)."""
        out = self([x])[0]
        return out[0] if len(out) == 1 else out

    def spec(self) -> dict[str, Any]:
        """The architecture: each module's spec, in order."""
        return {"type": "Sequential", "modules": [m.spec() for m in self.layers]}

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Sequential:
        """The chain of modules built from each spec, weights 0, for ``load_model`` to fill in."""
        return cls(*(build_from_spec(s) for s in spec["modules"]))

    def __repr__(self) -> str:
        return "Sequential(" + ", ".join(repr(m) for m in self.layers) + ")"
