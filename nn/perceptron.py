"""Rosenblatt's perceptron and its learning rule (seed 003), with the history a slide shows.

The perceptron has weights w₀ … w_d, w₀ the bias weight of a constant input x₀ = 1::

    u = F(x, W) = 1 if Σᵢ wᵢxᵢ > 0 else 0          (step activation; Σ from i = 0)

and learns one example (x, y) at a time, in the given order::

    Δwᵢ = c·(y − u)·xᵢ,   wᵢ ← wᵢ + Δwᵢ            (c: the learning rate)

Nothing changes when the output is already right (y = u). ``fit`` runs epochs over the data
and stops after the first epoch without a change (or after ``epochs``); its ``history`` has
one :class:`PerceptronStep` per example presented: the weights before, the input (with x₀),
the sum, the output, the label and the weights after, i.e. the rows of seed 003's OR table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autograd_core import Value

from . import functional as F
from .init import RNG, Initializer, get_initializer, make_rng
from .module import Module


@dataclass(frozen=True)
class PerceptronStep:
    """One presentation of one example to the perceptron rule."""

    step: int
    weights_before: tuple[float, ...]
    x: tuple[float, ...]          # with x₀ = 1 in front
    s: float                      # Σᵢ wᵢxᵢ
    u: float                      # output, step(s)
    y: float                      # true label
    weights_after: tuple[float, ...]

    @property
    def changed(self) -> bool:
        """Whether this step moved the weights (w ← w + η(y − u)x moves them when u ≠ y)."""
        return self.weights_before != self.weights_after

    def row(self) -> list[Any]:
        """The step as a row of the slides' table: step, w before, x, s, u, y, w after."""
        return [self.step, *self.weights_before, "".join(_fmt(v) for v in self.x), self.s,
                self.u, self.y, *self.weights_after]


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


class Perceptron(Module):
    """A step-activation unit with implicit bias; parameters ``w.0`` (bias) … ``w.d``.

    ``Perceptron(2, weights=[0, 1, -1])`` sets w₀, w₁, w₂ as given; otherwise they are drawn
    with ``init`` (default U[−1, 1], seed 003's "randomly assign weights between [−1, 1]").
    """

    def __init__(self, nin: int, weights: Sequence[float] | None = None, *, lr: float = 1.0,
                 init: str | Initializer = "uniform", rng: RNG = None) -> None:
        if weights is None:
            f, source = get_initializer(init), make_rng(rng)
            weights = [f(nin, 1, source) for _ in range(nin + 1)]
        if len(weights) != nin + 1:
            raise ValueError(f"Perceptron({nin}) needs {nin + 1} weights (w0 first), "
                             f"got {len(weights)}: {list(weights)!r}")
        self.nin, self.lr = nin, float(lr)
        self.w = [Value(float(v), role="param") for v in weights]
        self.history: list[PerceptronStep] = []
        self.relabel(self._prefix)

    def _own_parameters(self) -> list[tuple[str, Value]]:
        return [(f"w.{i}", w) for i, w in enumerate(self.w)]

    @property
    def weights(self) -> tuple[float, ...]:
        """(w₀, w₁, …, w_d), w₀ the bias."""
        return tuple(w.data for w in self.w)

    def _check(self, x: Sequence[float]) -> list[float]:
        if len(x) != self.nin:
            raise ValueError(f"{self!r} expects {self.nin} inputs, got {len(x)}: {list(x)!r}")
        return [1.0, *(float(v) for v in x)]

    def sum(self, x: Sequence[float]) -> float:
        """s = Σᵢ wᵢxᵢ with x₀ = 1, added left to right."""
        s = 0.0
        for w, xi in zip(self.weights, self._check(x), strict=False):
            s += w * xi
        return s

    def predict(self, x: Sequence[float]) -> float:
        """u = 1 if s > 0 else 0."""
        return 1.0 if self.sum(x) > 0.0 else 0.0

    def __call__(self, x: Sequence[float | Value]) -> Value:
        """The forward pass as a graph: step(Σ wᵢxᵢ), nodes labelled ``a`` and ``out``."""
        xs = [Value(1.0, label="x0", role="const"), *x]
        if len(xs) != self.nin + 1:
            raise ValueError(f"{self!r} expects {self.nin} inputs, got {len(xs) - 1}")
        a = sum((w * xi for w, xi in zip(self.w, xs, strict=False)), Value(0.0, role="const"))
        a.label = "a"
        out = a.step()
        out.label = "out"
        return out

    def learn(self, x: Sequence[float], y: float) -> PerceptronStep:
        """Apply the rule to one example; return (and record) the step."""
        xs = self._check(x)
        before = self.weights
        s, u, after = F.perceptron_step(before, xs, float(y), self.lr)
        for w, value in zip(self.w, after, strict=True):
            w.data = value
        step = PerceptronStep(len(self.history) + 1, before, tuple(xs), s, u, float(y),
                              self.weights)
        self.history.append(step)
        return step

    def fit(self, X: Sequence[Sequence[float]], Y: Sequence[float], epochs: int = 100,
            *, stop_when_converged: bool = True) -> list[PerceptronStep]:
        """Present the examples in order, epoch after epoch; stop after an epoch with no
        change (when ``stop_when_converged``) or after ``epochs``. Returns the history."""
        if len(X) != len(Y):
            raise ValueError(f"fit: {len(X)} inputs but {len(Y)} labels")
        for _ in range(epochs):
            changed = [self.learn(x, y).changed for x, y in zip(X, Y, strict=False)]
            if stop_when_converged and not any(changed):
                break
        return self.history

    def table(self) -> str:
        """The history as a text table, in seed 003's columns."""
        n = self.nin + 1
        ws = [f"w{i}" for i in range(n)]
        head = ["step", *ws, "input", "sum", "u", "y", *ws]
        rows = [head] + [[_fmt(v) if isinstance(v, float) else str(v) for v in s.row()]
                         for s in self.history]
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
        return "\n".join(lines)

    def spec(self) -> dict[str, Any]:
        """The architecture: nin."""
        return {"type": "Perceptron", "nin": self.nin}

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Perceptron:
        """A perceptron with nin inputs, weights 0, for ``load_model`` to fill in."""
        return cls(spec["nin"], [0.0] * (spec["nin"] + 1))

    def __repr__(self) -> str:
        return f"Perceptron({self.nin}, weights={list(self.weights)!r}, lr={self.lr!r})"
