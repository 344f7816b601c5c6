"""Hypothesis generators of expression graphs, built twice: with autograd_core and with torch.

A *recipe* is a list of steps ``(op name, operand picks, constant)``. ``build(recipe, leaves)``
replays it in both libraries at once, so the two graphs have the same shape: the same ops,
the same shared subexpressions and reused nodes (``a + a``, ``a * a``, diamonds). Operands are
picked counting back from the newest node, so small picks reuse recent nodes (and shrink to
``a ∘ a``).

Where an op's domain would be left (log of a non-positive number, division by zero, ...) both
libraries take the same detour, decided on autograd_core's value: ``log(a·a + 1)`` instead of
``log a``. The torch side is the oracle (float64). Helpers ``close`` / ``assert_close`` state
the tolerance every engine test uses: relative 1e-10 with an absolute floor of 1e-12.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from hypothesis import strategies as st

import autograd_core as ag
from autograd_core import Value

F64 = torch.float64
REL, ABS = 1e-10, 1e-12


# ---------------------------------------------------------------- comparing numbers
def close(a: float, b: float, rel: float = REL, abs_: float = ABS) -> bool:
    """|a − b| ≤ rel·max(|a|, |b|) + abs_; NaN equals NaN and ±inf equals itself."""
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= rel * max(abs(a), abs(b)) + abs_


def assert_close(actual: Any, expected: Any, what: str = "", **tol: float) -> None:
    a, e = _num(actual), _num(expected)
    assert close(a, e, **tol), f"{what}: got {a!r}, expected {e!r} (diff {abs(a - e):.3g})"


def _num(x: Any) -> float:
    if isinstance(x, Value):
        return x.data
    if isinstance(x, torch.Tensor):
        return x.item()
    return 0.0 if x is None else float(x)


def tensor(x: float, requires_grad: bool = True) -> torch.Tensor:
    return torch.tensor(x, dtype=F64, requires_grad=requires_grad)


# ---------------------------------------------------------------- torch versions of our ops
class _Step(torch.autograd.Function):
    """Heaviside step with derivative 0 everywhere (torch.heaviside has no derivative)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> torch.Tensor:
        return torch.zeros_like(g)


def torch_step(t: torch.Tensor) -> torch.Tensor:
    return _Step.apply(t)


def torch_leaky(t: torch.Tensor, slope: float) -> torch.Tensor:
    return torch.nn.functional.leaky_relu(t, slope)


# ---------------------------------------------------------------- the ops a recipe can use
Pair = tuple[Any, torch.Tensor]  # (autograd_core Value, torch tensor) for the same node
Rule = Callable[[Sequence[Value], Sequence[torch.Tensor], float], Pair]


def _method(name: str) -> Rule:
    return lambda a, t, c: (getattr(a[0], name)(), getattr(t[0], name)())


def _safe_pos(a: Value, t: torch.Tensor) -> tuple[Value, torch.Tensor]:
    """a itself when a > 0, else a·a + 1 (in both libraries)."""
    return (a, t) if a.data > 0.0 else (a * a + 1.0, t * t + 1.0)


def _log(a, t, c):
    x, tx = _safe_pos(a[0], t[0])
    return x.log(), tx.log()


def _sqrt(a, t, c):
    x, tx = _safe_pos(a[0], t[0])
    return x.sqrt(), tx.sqrt()


def _div(a, t, c):
    if a[-1].data != 0.0:
        return a[0] / a[-1], t[0] / t[-1]
    return a[0] / (a[-1] * a[-1] + 1.0), t[0] / (t[-1] * t[-1] + 1.0)


def _rdiv(a, t, c):
    if a[0].data != 0.0:
        return c / a[0], c / t[0]
    return c / (a[0] * a[0] + 1.0), c / (t[0] * t[0] + 1.0)


POW_EXPONENTS = (2.0, 3.0, -1.0, 0.5, 1.5, 0.0, -2.0, 1.0)


def _pow_number(a, t, c):
    e = POW_EXPONENTS[int(abs(c) * 7) % len(POW_EXPONENTS)]
    x = a[0].data
    if x > 0.0 or (e.is_integer() and (x != 0.0 or e >= 0.0)):
        return a[0] ** e, t[0] ** e
    return (a[0] * a[0] + 1.0) ** e, (t[0] * t[0] + 1.0) ** e


def _pow_value(a, t, c):
    base, tbase = _safe_pos(a[0], t[0])
    return base ** a[-1], tbase ** t[-1]


def _rpow(a, t, c):
    base = abs(c) + 0.25  # a positive number base
    return base ** a[0], base ** t[0]


def _stack(t):
    return torch.stack(list(t))


def _dot(a, t, c):
    h = max(1, len(a) // 2)
    ws, xs = list(a[:h]), list(a[h:2 * h]) or list(a[:h])
    tws, txs = list(t[:h]), list(t[h:2 * h]) or list(t[:h])
    return ag.dot(ws, xs), (_stack(tws) * _stack(txs)).sum()


def _pick(c: float, n: int) -> int:
    return int(abs(c) * 1000) % n


OPS: dict[str, tuple[int, Rule]] = {  # name: (number of operands, rule)
    "add": (2, lambda a, t, c: (a[0] + a[-1], t[0] + t[-1])),
    "sub": (2, lambda a, t, c: (a[0] - a[-1], t[0] - t[-1])),
    "mul": (2, lambda a, t, c: (a[0] * a[-1], t[0] * t[-1])),
    "div": (2, _div),
    "add_number": (1, lambda a, t, c: (a[0] + c, t[0] + c)),
    "rsub_number": (1, lambda a, t, c: (c - a[0], c - t[0])),
    "rmul_number": (1, lambda a, t, c: (c * a[0], c * t[0])),
    "rdiv_number": (1, _rdiv),
    "neg": (1, lambda a, t, c: (-a[0], -t[0])),
    "pow_number": (1, _pow_number),
    "pow_value": (2, _pow_value),
    "rpow": (1, _rpow),
    "exp": (1, _method("exp")),
    "log": (1, _log),
    "sqrt": (1, _sqrt),
    "tanh": (1, _method("tanh")),
    "sigmoid": (1, _method("sigmoid")),
    "sin": (1, _method("sin")),
    "cos": (1, _method("cos")),
    "relu": (1, _method("relu")),
    "abs": (1, _method("abs")),
    "leaky_relu": (1, lambda a, t, c: (a[0].leaky_relu(0.1), torch_leaky(t[0], 0.1))),
    "step": (1, lambda a, t, c: (a[0].step(), torch_step(t[0]))),
    "python_sum": (3, lambda a, t, c: (sum(a), sum(t))),
    "vsum": (3, lambda a, t, c: (ag.vsum(a), _stack(t).sum())),
    "logsumexp": (3, lambda a, t, c: (ag.logsumexp(a), torch.logsumexp(_stack(t), 0))),
    "softmax": (3, lambda a, t, c: (ag.softmax(a)[_pick(c, len(a))],
                                    torch.softmax(_stack(t), 0)[_pick(c, len(a))])),
    "log_softmax": (3, lambda a, t, c: (ag.log_softmax(a)[_pick(c, len(a))],
                                        torch.log_softmax(_stack(t), 0)[_pick(c, len(a))])),
    "dot": (4, _dot),
    "new_leaf": (0, None),  # a leaf made mid-graph (build handles it): newer than earlier ops
}
SMOOTH = tuple(n for n in OPS if n not in ("relu", "abs", "leaky_relu", "step"))


# ---------------------------------------------------------------- recipes and their graphs
leaf_values = st.one_of(
    st.sampled_from([0.0, 1.0, -1.0, 0.5, -0.5, 2.0]),  # kinks and exact small numbers
    # not tiny either: x·x would underflow, and then torch's a/b² and our (a/b)/b round apart
    st.floats(-3.0, 3.0, allow_nan=False).filter(lambda x: x == 0.0 or abs(x) > 1e-6),
)
constants = st.sampled_from([2.0, -1.5, 0.5, 3.0, 0.0, 0.001, 1.25])


@st.composite
def recipes(draw: Any, ops: Sequence[str] = tuple(OPS), max_steps: int = 8) -> dict[str, Any]:
    """Leaf values plus a list of (op, operand picks, constant) steps."""
    leaves = draw(st.lists(leaf_values, min_size=1, max_size=4))
    steps = draw(st.lists(
        st.tuples(st.sampled_from(list(ops)),
                  st.lists(st.integers(0, 12), min_size=4, max_size=4),
                  constants),
        min_size=1, max_size=max_steps))
    return {"leaves": leaves, "steps": steps}


@dataclass
class Built:
    """The same graph in both libraries: leaves, every node, and the output z."""

    leaves: list[Value]
    tleaves: list[torch.Tensor]
    nodes: list[Value]  # every node the recipe made (leaves first)
    tnodes: list[torch.Tensor]
    z: Value
    tz: torch.Tensor


def build(recipe: dict[str, Any]) -> Built:
    """Replay a recipe in both libraries; z = the sum of the nodes nothing else consumed."""
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(recipe["leaves"])]
    tleaves = [tensor(x) for x in recipe["leaves"]]
    nodes: list[Value] = list(leaves)
    tnodes: list[torch.Tensor] = list(tleaves)
    consumed: set[int] = set(range(len(leaves)))  # leaves are never sinks
    for name, picks, c in recipe["steps"]:
        arity, rule = OPS[name]
        if rule is None:  # new_leaf: a leaf made after the ops so far
            consumed.add(len(nodes))
            leaves.append(Value(c, label=f"x{len(leaves)}"))
            tleaves.append(tensor(c))
            nodes.append(leaves[-1])
            tnodes.append(tleaves[-1])
            continue
        idx = [len(nodes) - 1 - (p % len(nodes)) for p in picks[:arity]]
        consumed.update(idx)
        out, tout = rule([nodes[i] for i in idx], [tnodes[i] for i in idx], c)
        if tout.requires_grad and tout.grad_fn is not None:
            tout.retain_grad()
        nodes.append(out)
        tnodes.append(tout)
    sinks = [i for i in range(len(nodes)) if i not in consumed] or list(range(len(nodes)))
    z = ag.vsum([nodes[i] for i in sinks])
    tz = torch.stack([tnodes[i] for i in sinks]).sum()
    return Built(leaves, tleaves, nodes, tnodes, z, tz)


def tame(b: Built, bound: float = 1e6) -> bool:
    """All forward values finite and moderate (so 1e-10 is a fair tolerance)."""
    return all(math.isfinite(n.data) and abs(n.data) < bound for n in b.nodes + [b.z])


def torch_grads(tz: torch.Tensor, wrt: Sequence[torch.Tensor], create_graph: bool = False
                ) -> list[Any]:
    """∂tz/∂w for each w (None → 0.0), via torch.autograd.grad."""
    if not tz.requires_grad:
        return [0.0] * len(wrt)
    gs = torch.autograd.grad(tz, list(wrt), allow_unused=True, create_graph=create_graph,
                             retain_graph=True)
    return [0.0 if g is None else g for g in gs]
