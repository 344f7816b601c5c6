"""The grad_table: what back-propagation computed, node by node, in the order it was known."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from . import naming
from .ops.leaves import NUMBER

# A node of the graph (a Value; the table needs only its attributes, so it does not import it).
Value = Any


def _number(g: Any) -> float:
    """A gradient as a float (a Value's data, an Exact's value)."""
    return float(g if isinstance(g, float) else getattr(g, "data", g))


_Z = object()  # stands for z among the recorded consumers (the table must not hold z)


class GradTable:
    """node → ∂z/∂node for the nodes back-propagation visited, z first.

    Iterating gives the nodes in the order their gradients became known (build_grad's order:
    a node's gradient is complete once every one of its consumers has contributed).

    The table does not hold z itself (only a weak reference): z holds the table, and a
    reference back would make a cycle that only the garbage collector could free.
    """

    __slots__ = ("_root", "seed", "_grads", "order", "_terms", "symbolic", "_steps", "_names")

    def __init__(
        self,
        root: Value,
        seed: Any,
        grads: dict[Value, Any],
        order: list[Value],
        terms: dict[Value, list[tuple[Value, Any]]] | None,
        symbolic: bool,
    ) -> None:
        self._root = weakref.ref(root)
        if terms is not None:  # z consumes its own inputs: record it by the _Z stand-in
            terms = {n: [(_Z if c is root else c, t) for c, t in ts] for n, ts in terms.items()}
        self.seed = seed
        self._grads = grads
        self.order = order  # completion order, z excluded
        self._terms = terms
        self.symbolic = symbolic
        self._steps: dict[Value, int] | None = None
        self._names: Callable[[Value], str] | None = None

    @property
    def root(self) -> Value | None:
        """z, the node that was differentiated (None once it has been freed)."""
        return self._root()

    # ------------------------------------------------------------ mapping interface
    def __getitem__(self, node: Value) -> Any:
        if node is self._root():
            return self.seed
        try:
            return self._grads[node]
        except KeyError:
            raise KeyError(
                f"{naming.describe(node)} is not in this grad_table: z does not depend on it "
                "(or it lies outside the pruned graph G′)"
            ) from None

    def get(self, node: Value, default: Any = None) -> Any:
        """∂z/∂node, or ``default`` for a node the table does not hold."""
        if node is self._root():
            return self.seed
        return self._grads.get(node, default)

    def __contains__(self, node: object) -> bool:
        return node is self._root() or node in self._grads

    def __len__(self) -> int:
        return len(self._grads) + (self._root() is not None)

    def __iter__(self) -> Iterator[Value]:
        root = self._root()
        if root is not None:
            yield root
        yield from self.order

    def items(self) -> Iterator[tuple[Value, Any]]:
        """(node, ∂z/∂node) in the table's order."""
        for node in self:
            yield node, self[node]

    def accumulate_into_grad(self) -> None:
        """Add each gradient into its node's ``.grad`` (what ``backward()`` does)."""
        grads = [*self._grads.items(), (self._root(), self.seed)]
        for node, g in grads:
            if node is not None and node.op is not NUMBER:  # a shared number keeps no .grad
                node.grad += g

    def step(self, node: Value) -> int:
        """The step at which ∂z/∂node became known: 0 for z, then 1, 2, … in build_grad's order."""
        if node is self._root():
            return 0
        if self._steps is None:  # z is left out: the table must not hold z
            self._steps = {n: i for i, n in enumerate(self.order, start=1)}
        return self._steps[node]

    def name(self, node: Value) -> str:
        """A node's name: its label in the slides' notation (W⁽¹⁾₂₁ for an nn label), else
        the expression it computes (``w·x + b``); the same names as the pictures."""
        if self._names is None:
            self._names = naming.table_names(self._root())
        return self._names(node)

    # ------------------------------------------------------------ the chain rule, shown
    def terms(self, node: Value) -> list[tuple[Value, Any]]:
        """[(consumer C, ∂z/∂C · ∂C/∂node), ...]: the terms summed into ∂z/∂node."""
        if self._terms is None:
            raise ValueError(
                "this grad_table kept no terms: run backward(keep_terms=True) "
                "or build_grad(..., keep_terms=True)"
            )
        if node is self._root():
            return []
        if node not in self._grads:
            self[node]  # raises the explanatory KeyError
        root = self._root()
        return [(root if c is _Z else c, t) for c, t in self._terms.get(node, [])]

    def chain_rule(self, node: Value, digits: int = 4) -> str:
        """∂z/∂node written out as the sum over its consumers, with the numbers:
        ∂z/∂x = Σ_C ∂z/∂C · ∂C/∂x."""
        z = self._root()
        zname = self._operand(z) if z is not None else "z"
        xname = self._operand(node)
        parts = [
            f"∂{zname}/∂{self._operand(c)}·∂{self._operand(c)}/∂{xname} = "
            f"{naming.number(_number(t), digits)}"
            for c, t in self.terms(node)
        ]
        total = naming.number(_number(self[node]), digits)
        if not parts:
            return f"∂{zname}/∂{xname} = {total}"
        return f"∂{zname}/∂{xname} = " + " + ".join(f"[{p}]" for p in parts) + f" = {total}"

    def _operand(self, node: Value) -> str:
        """A node's name as it reads after ∂: in parentheses when it is an expression with an
        operator (∂l/∂(1 − x2), but ∂l/∂x2 and ∂l/∂ln(x2))."""
        text = self.name(node)
        if node.label is None and any(c in text for c in " ·/^"):
            return f"({text})"
        return text

    # ------------------------------------------------------------ display
    def rows(self, digits: int = 4, limit: int | None = None) -> list[tuple[int, str, str, str]]:
        """(step, node, value, ∂z/∂node) as strings, for the first ``limit`` nodes (default all)."""
        start = 0 if self._root() is not None else 1
        return [
            (step, self.name(node), naming.number(node.data, digits),
             naming.number(_number(g), digits))
            for step, (node, g) in enumerate(islice(self.items(), limit), start)
        ]

    def __repr__(self, max_rows: int = 30) -> str:
        """The table's first rows: step, node, value, ∂z/∂node."""
        rows = self.rows(limit=max_rows)  # only the rows shown: a deep table prints fast
        n = len(self)
        z = self._root()
        head = f"GradTable(∂{self.name(z) if z is not None else 'z'}/∂node, {n} nodes)"
        if not rows:
            return head
        header = ("step", "node", "value", "grad")
        widths = [max(len(str(r[i])) for r in [*rows, header]) for i in range(4)]
        lines = [head, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
        for r in rows:
            lines.append("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
        if n > max_rows:
            lines.append(f"... {n - max_rows} more")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """The same table for a notebook."""
        import html

        body = "".join(
            f"<tr><td>{s}</td><td>{html.escape(n)}</td><td>{v}</td><td>{g}</td></tr>"
            for s, n, v, g in self.rows(limit=200)
        )
        return ("<table><thead><tr><th>step</th><th>node</th><th>value</th>"
                f"<th>∂z/∂node</th></tr></thead><tbody>{body}</tbody></table>")

