"""An independent computation for the solution tests: the engine's graph replayed op by op in
torch float64, so every value and every gradient comes from torch's own arithmetic and
autograd, not from the engine."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import torch

from autograd_core import Value, topological_order

Rule = Callable[[Sequence[torch.Tensor], Value], torch.Tensor]


def _leaky(ts: Sequence[torch.Tensor], node: Value) -> torch.Tensor:
    return torch.nn.functional.leaky_relu(ts[0], node.op.param)


def _step(ts: Sequence[torch.Tensor], node: Value) -> torch.Tensor:
    return ts[0] * 0 + (ts[0] > 0).to(torch.float64)  # derivative 0, as the engine's


RULES: dict[str, Rule] = {
    "add": lambda t, n: t[0] + t[1],
    "sub": lambda t, n: t[0] - t[1],
    "mul": lambda t, n: t[0] * t[1],
    "div": lambda t, n: t[0] / t[1],
    "neg": lambda t, n: -t[0],
    "sum": lambda t, n: torch.stack(list(t)).sum(),
    "pow": lambda t, n: t[0] ** t[1],
    "exp": lambda t, n: torch.exp(t[0]),
    "log": lambda t, n: torch.log(t[0]),
    "sqrt": lambda t, n: torch.sqrt(t[0]),
    "tanh": lambda t, n: torch.tanh(t[0]),
    "sigmoid": lambda t, n: torch.sigmoid(t[0]),
    "sin": lambda t, n: torch.sin(t[0]),
    "cos": lambda t, n: torch.cos(t[0]),
    "relu": lambda t, n: torch.relu(t[0]),
    "abs": lambda t, n: torch.abs(t[0]),
    "step": _step,
    "logsumexp": lambda t, n: torch.logsumexp(torch.stack(list(t)), 0),
    "leaky_relu": _leaky,
}


class Replay:
    """Every node of the graphs below ``roots``, recomputed by torch."""

    def __init__(self, roots: Iterable[Value]) -> None:
        self.t: dict[Value, torch.Tensor] = {}
        for node in topological_order(list(roots)):
            if node in self.t:
                continue
            if node.is_leaf:
                self.t[node] = torch.tensor(float(node.data), dtype=torch.float64,
                                            requires_grad=True)
                continue
            name = node.op.name.split("(")[0]
            ins = [self.t[i] for i in node.inputs]
            if name.startswith("pow") and name != "pow":
                out = ins[0] ** node.op.param
            else:
                out = RULES[name](ins, node)
            self.t[node] = out

    def value(self, node: Value) -> float:
        return float(self.t[node].detach())

    def grads(self, root: Value, wrt: Sequence[Value]) -> list[float]:
        """∂root/∂w for each w, by torch.autograd (0 where root does not depend on w)."""
        ts = [self.t[w] for w in wrt]
        gs = torch.autograd.grad(self.t[root], ts, allow_unused=True, retain_graph=True)
        return [0.0 if g is None else float(g) for g in gs]


def replay_of(roots: Iterable[Any]) -> Replay:
    return Replay([r for r in roots if isinstance(r, Value)])
