"""Dropout and batch normalisation (seed 003).

**Dropout(p)**, in training mode, keeps each unit with probability 1 − p and scales the kept
ones by 1/(1 − p) ("inverted" dropout), so the expected activation is unchanged and nothing
needs rescaling at test time: in evaluation mode it is the identity ("keep the same energy").

**BatchNorm(n)** normalises each feature j over a mini-batch of M examples and then lets the
network rescale it with two learnable parameters γⱼ, βⱼ::

    μⱼ = (1/M) Σᵢ xᵢⱼ,   σⱼ² = (1/M) Σᵢ (xᵢⱼ − μⱼ)²,   x̂ᵢⱼ = (xᵢⱼ − μⱼ)/√(σⱼ² + ε),
    yᵢⱼ = γⱼ x̂ᵢⱼ + βⱼ

It also keeps running averages (not trained; saved with the model) for inference::

    running_mean ← (1 − m)·running_mean + m·μ,   running_var ← (1 − m)·running_var + m·σ̂²

(m the "momentum" hyper-parameter, not an optimiser's; σ̂² = σ²·M/(M − 1) the unbiased
variance, as PyTorch). In evaluation mode y = γ (x − running_mean)/√(running_var + ε) + β.
Both act on a whole batch (a list of vectors); see :class:`nn.sequential.Sequential`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_core import Value, vsum

from .init import RNG, make_rng
from .module import Module

Vector = Sequence[Value | float]


def _lift(x: Value | float) -> Value:
    return x if isinstance(x, Value) else Value(x, role="const")


class Dropout(Module):
    """Zero each unit with probability p while training; scale the others by 1/(1 − p)."""

    acts_on_batch = False

    def __init__(self, p: float = 0.5, *, rng: RNG = None) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be in [0, 1], got {p!r}")
        self.p = float(p)
        self.rng = make_rng(rng)
        self.last_mask: list[float] | None = None

    def __call__(self, x: Vector) -> list[Value]:
        """Training: xᵢ·mᵢ, mᵢ = 1/(1 − p) with probability 1 − p, else 0 (``last_mask``);
        evaluating: x."""
        xs = [_lift(v) for v in x]
        if not self.training or self.p == 0.0:
            self.last_mask = None
            return xs
        keep = 1.0 - self.p
        scale = 0.0 if keep == 0.0 else 1.0 / keep
        mask = [scale if self.rng.random() < keep else 0.0 for _ in xs]
        self.last_mask = mask
        return [v * m for v, m in zip(xs, mask, strict=False)]

    def spec(self) -> dict[str, Any]:
        """The architecture: p."""
        return {"type": "Dropout", "p": self.p}

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Dropout:
        """A dropout module with that p."""
        return cls(spec["p"])

    def __repr__(self) -> str:
        return f"Dropout(p={self.p!r})"


class BatchNorm(Module):
    """Batch normalisation of ``num_features`` features, with learnable γ (``gamma.j``, 1 at
    first) and β (``beta.j``, 0), and running mean and variance (buffers)."""

    acts_on_batch = True

    def __init__(self, num_features: int, *, eps: float = 1e-5, momentum: float = 0.1) -> None:
        if num_features < 1:
            raise ValueError(f"BatchNorm: num_features must be ≥ 1, got {num_features!r}")
        self.num_features, self.eps, self.momentum = num_features, float(eps), float(momentum)
        self.gamma = [Value(1.0, role="param") for _ in range(num_features)]
        self.beta = [Value(0.0, role="param") for _ in range(num_features)]
        self.running_mean = [0.0] * num_features
        self.running_var = [1.0] * num_features
        self.relabel(self._prefix)

    def _own_parameters(self) -> list[tuple[str, Value]]:
        return ([(f"gamma.{j}", g) for j, g in enumerate(self.gamma)]
                + [(f"beta.{j}", b) for j, b in enumerate(self.beta)])

    def _own_buffers(self) -> list[tuple[str, float]]:
        return ([(f"running_mean.{j}", v) for j, v in enumerate(self.running_mean)]
                + [(f"running_var.{j}", v) for j, v in enumerate(self.running_var)])

    def _set_buffer(self, name: str, value: float) -> None:
        which, _, j = name.rpartition(".")
        getattr(self, which)[int(j)] = value

    def _check_buffer(self, name: str, value: float) -> str | None:
        if name.startswith("running_var.") and value < 0:
            return "a variance cannot be negative"
        return None

    def __call__(self, batch: Sequence[Vector]) -> list[list[Value]]:
        """yᵢⱼ = γⱼ x̂ᵢⱼ + βⱼ for each example i and feature j of the batch (see the module)."""
        rows = [[_lift(v) for v in x] for x in batch]
        n = self.num_features
        for x in rows:
            if len(x) != n:
                raise ValueError(f"{self!r} expects {n} features per example, got {len(x)}")
        M = len(rows)
        out: list[list[Value]] = [[] for _ in rows]
        for j in range(n):
            col = [x[j] for x in rows]
            if self.training:
                if M < 2:
                    raise ValueError("BatchNorm in training mode needs a batch of at least 2 "
                                     "examples (the variance of one example is 0)")
                mu = vsum(col) * (1.0 / M)
                centred = [v - mu for v in col]
                var = vsum([c * c for c in centred]) * (1.0 / M)
                inv_std = (var + self.eps) ** -0.5
                m = self.momentum
                self.running_mean[j] = (1 - m) * self.running_mean[j] + m * mu.data
                self.running_var[j] = (1 - m) * self.running_var[j] + m * var.data * M / (M - 1)
                xhat = [c * inv_std for c in centred]
            else:
                inv = (self.running_var[j] + self.eps) ** -0.5
                xhat = [(v - self.running_mean[j]) * inv for v in col]
            for i, xh in enumerate(xhat):
                out[i].append(self.gamma[j] * xh + self.beta[j])
        return out

    def spec(self) -> dict[str, Any]:
        """The architecture: num_features, eps, momentum."""
        return {"type": "BatchNorm", "num_features": self.num_features, "eps": self.eps,
                "momentum": self.momentum}

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> BatchNorm:
        """A batch norm of that architecture, γ = 1, β = 0, for ``load_model`` to fill in."""
        return cls(spec["num_features"], eps=spec["eps"], momentum=spec["momentum"])

    def __repr__(self) -> str:
        return f"BatchNorm({self.num_features}, eps={self.eps!r}, momentum={self.momentum!r})"
