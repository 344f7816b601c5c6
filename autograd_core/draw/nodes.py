"""What each box says: its kind, its name (the slides' notation), its numbers.

A value box reads ``name / data d / grad g / step k``; a gradient box lists every node it is
the gradient of (``∂l/∂z⁽¹⁾₂``, ``∂l/∂β⁽¹⁾₂`` …, never "… and 1 more"), its value and its
steps; a collapsed group box its name and size. Names come from :mod:`autograd_core.notation`,
so a box, a gradient box and the grad_table call a node the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import GradTable, Value
from ..notation import Namer, derivative, group_title
from . import style


@dataclass
class Labeller:
    """Kinds and label lines for the nodes of one drawing."""

    forward: set[Value]
    grad_of: dict[Value, list[Value]]
    namer: Namer
    precision: int = 4
    show_grad: bool = False
    table: GradTable | None = None
    table_steps: bool = False
    grad_placeholder: str | None = None  # "grad ?" lines, filled in by the stepper
    backward: bool = False
    zname: str = "z"
    _names: dict[Value, str] = field(default_factory=dict)

    def fmt(self, x: Any) -> str:
        """A number with the drawing's precision."""
        return style.fmt(x, self.precision)

    def kind(self, v: Value) -> str:
        """input, param, const, value (forward); grad, grad_value, const (gradient graph)."""
        if v in self.grad_of:
            return "grad"
        if v in self.forward:
            return v.role if v.op.bprop is None else "value"
        return "const" if v.op.bprop is None else "grad_value"

    def op_kind(self, v: Value) -> str:
        """The kind of a value's op circle."""
        return "op" if v in self.forward else "grad_op"

    def name(self, v: Value) -> str:
        """The node's name: its label in the slides' notation, else what it computes."""
        got = self._names.get(v)
        if got is None:
            got = self._names[v] = self.namer.text(v)
        return got

    def gradient(self, v: Value) -> str:
        """∂z/∂name."""
        return derivative(self.zname, self.name(v))

    def value_fields(self, v: Value) -> list[str]:
        """A forward (or gradient-graph) value: name, data, grad, step, kink."""
        if v in self.grad_of:
            return self.grad_fields(v)
        named = v.label is not None or not v.is_leaf
        out = [self.name(v)] if named else []
        bare_const = not named and v.role == "const"
        out.append(self.fmt(v.data) if bare_const and not self.show_grad
                   else f"data {self.fmt(v.data)}")
        if self.grad_placeholder is not None:
            out.append(f"grad {self.grad_placeholder}")
        elif self.show_grad:
            out.append(f"grad {self.fmt(v.grad)}")
        if self.table_steps and not self.backward and self.table is not None and v in self.table:
            out.append(f"step {self.table.step(v)}")
        if v.op.at_kink:
            out.append("⚠ at kink")
        return out

    def grad_fields(self, g: Value) -> list[str]:
        """A gradient node: every ∂z/∂v it is, its value, the steps it was known at."""
        of = self.grad_of[g]
        out = [self.gradient(u) for u in of]
        out.append(f"= {self.fmt(g.data)}")
        if self.table is not None and self.table_steps:
            out.append("step " + ", ".join(str(self.table.step(u)) for u in of))
        return out

    def float_grad_fields(self, node: Value, value: Any) -> list[str]:
        """A gradient that is a plain number (no graph of its own)."""
        out = [self.gradient(node), f"= {self.fmt(value)}"]
        if self.table_steps and self.table is not None:
            out.append(f"step {self.table.step(node)}")
        return out

    def group_fields(self, gname: str, members: Sequence[Value]) -> list[str]:
        """A collapsed group: its name, its size, its output's data (and grad)."""
        forward = [m for m in members if m in self.forward]
        params = sum(1 for m in forward if m.role == "param")
        fields = [group_title(gname), f"{len(members)} nodes, {params} params"]
        outs = [m for m in forward if m.label is not None and m.label.endswith(".out")]
        if len(outs) == 1:
            fields.append(f"{self.name(outs[0])} = {self.fmt(outs[0].data)}")
            if self.show_grad:
                fields.append(f"grad {self.fmt(outs[0].grad)}")
        elif outs:
            fields.append(f"{len(outs)} outputs")
        return fields

    def constant_fields(self, const: Value, use_grad: float | None) -> list[str]:
        """One use of a shared number: its value (and that use's gradient)."""
        fields = self.value_fields(const)
        if use_grad is not None:
            fields = [f"data {self.fmt(const.data)}", f"grad {self.fmt(use_grad)}", *fields[2:]]
        return fields

    def far_copy_fields(self, leaf: Value) -> list[str]:
        """A ↺ copy of a leaf drawn again near a far use."""
        fields = self.value_fields(leaf)
        if leaf.label is not None:
            fields[0] = "↺ " + fields[0]
        else:
            fields.insert(0, "↺ " + self.name(leaf))
        return fields
