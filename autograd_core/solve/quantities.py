"""The named quantities of a computation (x0, W1, z1, x1, …), each a scalar, vector or matrix
of the engine's nodes, and how each is written with its numbers.

A worked example names them itself; a bare graph is grouped by its labels (``x[2]``,
``W[2,1]``, nn's ``layers.0.neurons.1.w.0``); any other labelled node is a scalar of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import Value, notation
from . import names
from .expr import Expr, Num, Sym, column, matrix
from .rounding import Precision, given_text

LEAVES = ("input", "param", "const")


@dataclass(eq=False)
class Quantity:
    """A named quantity: its entries (engine nodes, row by row) and what kind it is."""

    key: str                        # the example's own name: "W1"
    shape: tuple[int, ...]          # () | (n,) | (rows, cols)
    items: list[Value]
    kind: str                       # input | param | const | let | loss | pre | layer | …
    texts: list[str] | None = None  # the numbers as written (leaves of a worked example)
    line: int | None = None         # where it is defined
    layered: bool = True            # x1 is x⁽¹⁾ (else a plain name, as a neuron's x1, x2)

    @property
    def size(self) -> int:
        """The number of entries."""
        return len(self.items)

    @property
    def is_leaf(self) -> bool:
        """Is it given (input, parameter, constant) rather than computed?"""
        return self.kind in LEAVES

    @property
    def name(self) -> names.Name:
        """The quantity's name in the slides' notation."""
        return names.quantity(self.key, self.layered)

    def index(self, k: int) -> tuple[int, ...]:
        """The 1-based index of entry k: () for a scalar, (i,) or (i, j)."""
        if len(self.shape) == 0:
            return ()
        if len(self.shape) == 1:
            return () if self.shape[0] == 1 else (k + 1,)
        return (k // self.shape[1] + 1, k % self.shape[1] + 1)

    def entry_name(self, k: int) -> names.Name:
        """Entry k's name: W⁽¹⁾₂₁."""
        return names.entry(self.key, self.index(k), self.layered)

    def label(self, k: int) -> str:
        """The entry as the example's file writes it: W1[2,1]."""
        idx = self.index(k)
        return self.key + (f"[{','.join(map(str, idx))}]" if idx else "")

    def number(self, k: int, value: Any, precision: Precision) -> Num:
        """Entry k's value, printed: as written for a given number, else rounded."""
        if self.is_leaf:
            written = self.texts[k] if self.texts and k < len(self.texts) else None
            return Num(value, given_text(value, written))
        return Num(value, precision.text(value))

    def numbers(self, values: list[Any], precision: Precision) -> Expr:
        """The quantity's values as a number, vector (a column) or matrix."""
        nums: list[Expr] = [self.number(k, v, precision) for k, v in enumerate(values)]
        return self.layout(nums)

    def layout(self, items: list[Expr]) -> Expr:
        """Entries laid out in this quantity's shape."""
        if len(self.shape) == 2:
            return matrix(items, *self.shape)
        return column(items)

    def sym(self, precision: Precision) -> Sym:
        """The quantity's name, standing for its values."""
        n = self.name
        return Sym(n.uni, n.tex, self.numbers([v.data for v in self.items], precision))

    def entry_sym(self, k: int, precision: Precision) -> Sym:
        """Entry k's name, standing for its value (and knowing its node)."""
        n = self.entry_name(k)
        item = self.items[k]
        return Sym(n.uni, n.tex, self.number(k, item.data, precision), node=item)


@dataclass
class Named:
    """Which node is which entry of which quantity (the first quantity to name it wins)."""

    quantities: list[Quantity] = field(default_factory=list)
    where: dict[Value, tuple[Quantity, int]] = field(default_factory=dict)

    def add(self, q: Quantity) -> None:
        """Name a quantity's entries (a node already named keeps its first name)."""
        self.quantities.append(q)
        for k, item in enumerate(q.items):
            self.where.setdefault(item, (q, k))

    def __contains__(self, node: object) -> bool:
        """Is the node an entry of a named quantity?"""
        return node in self.where

    def __getitem__(self, key: str) -> Quantity:
        """The quantity of that name (KeyError if none)."""
        for q in self.quantities:
            if q.key == key:
                return q
        raise KeyError(key)

    def get(self, key: str) -> Quantity | None:
        """The quantity of that name, or None."""
        return next((q for q in self.quantities if q.key == key), None)


# ------------------------------------------------------------------ from a bare graph
_ENTRY = re.compile(r"^(?P<name>.+)\[(?P<i>\d+)(?:,\s*(?P<j>\d+))?\]$")
_NN = re.compile(r"^layers\.(?P<l>\d+)\.neurons\.(?P<n>\d+)\.(?P<what>w\.(?P<k>\d+)|b|a|out)$")


def _key(label: str) -> tuple[str, tuple[int, ...]]:
    """(quantity, 1-based index) a label stands for: nn's paths as the slides name them
    (W⁽ˡ⁾, β⁽ˡ⁾, z⁽ˡ⁾, x⁽ˡ⁾, as :mod:`autograd_core.notation` does), ``W1[2,1]`` as written."""
    m = _NN.match(label)
    if m:
        layer, neuron = int(m["l"]) + 1, int(m["n"]) + 1
        what = m["what"]
        if what.startswith("w."):
            return f"W{layer}", (neuron, int(m["k"]) + 1)
        return {"b": f"beta{layer}", "a": f"z{layer}", "out": f"x{layer}"}[what], (neuron,)
    m = _ENTRY.match(label)
    if m:
        return m["name"], (int(m["i"]),) + ((int(m["j"]),) if m["j"] else ())
    return label, ()


def from_graph(root: Value, order: Iterable[Value]) -> Named:
    """Group the labelled nodes of a graph into quantities (in the graph's order)."""
    nodes = list(order)
    nn = any(n.label is not None and _NN.match(n.label) for n in nodes)
    layered = notation.Namer.of(nodes).layered
    groups: dict[str, dict[tuple[int, ...], Value]] = {}
    for node in nodes:
        if node.label is None:
            continue
        key, idx = _key(node.label)
        groups.setdefault(key, {}).setdefault(idx, node)
    if root.label is None:  # the loss, by its usual name (z if that is taken)
        groups.setdefault("l" if "l" not in groups else "z", {(): root})
    named = Named()
    for key, entries in groups.items():
        for part in _grouped(key, entries):
            if nn and re.fullmatch(r"z\d+", part.key):
                part.kind = "pre"  # nn's pre-activations: their gradients are the δ⁽ˡ⁾
            part.layered = layered
            named.add(part)
    return named


def _grouped(key: str, entries: dict[tuple[int, ...], Value]) -> list[Quantity]:
    """One quantity when the indices fill a vector or matrix, else one scalar per node."""
    idxs = sorted(entries)
    kind_of = _kind_of(next(iter(entries.values())))
    if idxs == [()]:
        return [Quantity(key, (), [entries[()]], kind_of)]
    dims = {len(i) for i in idxs}
    if dims == {1} and idxs == [(k,) for k in range(1, len(idxs) + 1)]:
        return [Quantity(key, (len(idxs),), [entries[i] for i in idxs], kind_of)]
    if dims == {2}:
        r, c = max(i for i, _ in idxs), max(j for _, j in idxs)
        full = [(i, j) for i in range(1, r + 1) for j in range(1, c + 1)]
        if idxs == full:
            return [Quantity(key, (r, c), [entries[i] for i in full], kind_of)]
    return [Quantity(f"{key}[{','.join(map(str, i))}]", (), [entries[i]], _kind_of(entries[i]))
            for i in idxs]


def _kind_of(node: Value) -> str:
    if node.is_leaf:
        return node.role if node.role in LEAVES else "input"
    return "node"
