"""Optimisers and learning-rate schedules (seeds 000, 002, 003), with PyTorch's update rules.

Each optimiser holds a list of parameters and, per parameter, its state (a velocity, a sum of
squares…). ``step()`` reads every ``p.grad`` and changes every ``p.data``, under ``no_grad``;
``zero_grad()`` resets the grads. With ``weight_decay`` λ the gradient used is g + λ·w (the
gradient of λ/2·Σw², i.e. L2 regularisation), as in ``torch.optim``. Below g is that gradient,
η the learning rate, t the step number (1, 2, …).

=========== ===========================================================================
SGD         w ← w − η g                                   (batch, SGD or mini-batch: what g
                                                           is averaged over is up to the caller)
momentum    v ← μ v + g;  w ← w − η v     (seed 003 writes v ← γv + ηg; w ← w − v: the same
                                           for a fixed η; seed 002: the same with v ↦ −v)
Nesterov    v ← μ v + g;  w ← w − η (g + μ v)             (look-ahead gradient, NAG)
AdaGrad     G ← G + g²;  w ← w − η g / (√G + ε)
AdaDelta    E[g²] ← ρE[g²] + (1−ρ)g²;  Δ = √(E[Δ²] + ε)/√(E[g²] + ε) · g;
            E[Δ²] ← ρE[Δ²] + (1−ρ)Δ²;  w ← w − η Δ
RMSProp     E[g²] ← αE[g²] + (1−α)g²;  w ← w − η g / (√E[g²] + ε)
Adam        m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  m̂ = m/(1−β₁ᵗ);  v̂ = v/(1−β₂ᵗ);
            w ← w − η m̂ / (√v̂ + ε)
=========== ===========================================================================

Schedules change ``optimizer.lr`` between steps: ``inverse_time`` (η_k = η₀/(1 + k/τ),
η ∝ 1/t, seed 000) and ``linear_decay`` (η_k = (1 − k/K)η₀ + (k/K)η_K, seed 002; micrograd's
demo uses η₀ = 1, η_K = 0.1, K = 100).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from autograd_core import Value, no_grad


class Optimizer:
    """Base: ``params``, ``lr``, ``weight_decay``, per-parameter ``state``, ``t`` steps done."""

    def __init__(self, params: Iterable[Value], lr: float, weight_decay: float = 0.0) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        for p in self.params:
            if not isinstance(p, Value):
                raise TypeError(f"{type(self).__name__}: parameters must be Values, got {p!r}")
        if lr < 0:
            raise ValueError(f"{type(self).__name__}: learning rate must be ≥ 0, got {lr!r}")
        self.lr = float(lr)
        self.weight_decay = float(weight_decay)
        self.t = 0
        self.state: list[dict[str, float]] = [{} for _ in self.params]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (call before each ``backward()``)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """One update of every parameter from its current ``.grad``."""
        self.t += 1
        wd = self.weight_decay
        with no_grad():
            for p, s in zip(self.params, self.state, strict=False):
                g = p.grad
                if not isinstance(g, (int, float)):
                    raise TypeError(f"{p!r}: .grad must be a number, got {g!r}")
                if wd:
                    g = g + wd * p.data
                p.data = p.data - self._update(g, p.data, s)

    def _update(self, g: float, w: float, s: dict[str, float]) -> float:
        """The amount subtracted from w, given the gradient g and this parameter's state."""
        raise NotImplementedError

    def __repr__(self) -> str:
        extra = {k: v for k, v in vars(self).items()
                 if k not in ("params", "state", "t") and not k.startswith("_")}
        args = ", ".join(f"{k}={v!r}" for k, v in extra.items())
        return f"{type(self).__name__}({len(self.params)} parameters, {args})"


class SGD(Optimizer):
    """Gradient descent, with optional momentum μ (heavy ball) or Nesterov momentum."""

    def __init__(self, params: Iterable[Value], lr: float = 0.01, momentum: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0,
                 dampening: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum needs momentum > 0 and dampening 0")
        self.momentum, self.nesterov, self.dampening = momentum, nesterov, dampening

    def _update(self, g: float, w: float, s: dict[str, float]) -> float:
        mu = self.momentum
        if mu:
            v = s.get("v")
            v = g if v is None else mu * v + (1.0 - self.dampening) * g
            s["v"] = v
            g = g + mu * v if self.nesterov else v
        return self.lr * g


def Momentum(params: Iterable[Value], lr: float = 0.01, momentum: float = 0.9,
             **kw: Any) -> SGD:
    """SGD with (heavy-ball) momentum."""
    return SGD(params, lr, momentum=momentum, **kw)


def Nesterov(params: Iterable[Value], lr: float = 0.01, momentum: float = 0.9,
             **kw: Any) -> SGD:
    """SGD with Nesterov accelerated gradient (NAG)."""
    return SGD(params, lr, momentum=momentum, nesterov=True, **kw)


class AdaGrad(Optimizer):
    """Per-parameter step η/√(Σ g²): rarely-moved weights keep larger steps."""

    def __init__(self, params: Iterable[Value], lr: float = 0.01, eps: float = 1e-10,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 lr_decay: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)
        self.eps, self.initial_accumulator_value, self.lr_decay = (
            eps, initial_accumulator_value, lr_decay)

    def _update(self, g: float, w: float, s: dict[str, float]) -> float:
        G = s.get("G", self.initial_accumulator_value) + g * g
        s["G"] = G
        lr = self.lr / (1.0 + (self.t - 1) * self.lr_decay)
        return lr * g / (math.sqrt(G) + self.eps)


class AdaDelta(Optimizer):
    """AdaGrad with decaying averages, and steps in the units of w (Zeiler 2012)."""

    def __init__(self, params: Iterable[Value], lr: float = 1.0, rho: float = 0.9,
                 eps: float = 1e-6, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)
        self.rho, self.eps = rho, eps

    def _update(self, g: float, w: float, s: dict[str, float]) -> float:
        rho, eps = self.rho, self.eps
        Eg2 = rho * s.get("Eg2", 0.0) + (1.0 - rho) * g * g
        delta = math.sqrt(s.get("Ed2", 0.0) + eps) / math.sqrt(Eg2 + eps) * g
        s["Eg2"] = Eg2
        s["Ed2"] = rho * s.get("Ed2", 0.0) + (1.0 - rho) * delta * delta
        return self.lr * delta


class RMSProp(Optimizer):
    """AdaGrad with an exponentially weighted average of g² (seed 002), optional momentum."""

    def __init__(self, params: Iterable[Value], lr: float = 0.01, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)
        self.alpha, self.eps, self.momentum = alpha, eps, momentum

    def _update(self, g: float, w: float, s: dict[str, float]) -> float:
        Eg2 = self.alpha * s.get("Eg2", 0.0) + (1.0 - self.alpha) * g * g
        s["Eg2"] = Eg2
        step = g / (math.sqrt(Eg2) + self.eps)
        if self.momentum:
            step = s["v"] = self.momentum * s.get("v", 0.0) + step
        return self.lr * step


class Adam(Optimizer):
    """Momentum on g and RMSProp on g², both bias-corrected (Kingma & Ba 2015).

    ``decoupled=True`` is AdamW: the decay λ·η·w is applied to w directly, not through g.
    """

    def __init__(self, params: Iterable[Value], lr: float = 0.001,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, decoupled: bool = False) -> None:
        super().__init__(params, lr, 0.0 if decoupled else weight_decay)
        self.betas, self.eps, self.decoupled = betas, eps, decoupled
        self.decay = weight_decay if decoupled else 0.0

    def _update(self, g: float, w: float, s: dict[str, float]) -> float:
        b1, b2 = self.betas
        m = s["m"] = b1 * s.get("m", 0.0) + (1.0 - b1) * g
        v = s["v"] = b2 * s.get("v", 0.0) + (1.0 - b2) * g * g
        m_hat = m / (1.0 - b1**self.t)
        v_hat = v / (1.0 - b2**self.t)
        decay = self.lr * self.decay * w
        return decay + self.lr * m_hat / (math.sqrt(v_hat) + self.eps)


def AdamW(params: Iterable[Value], lr: float = 0.001, weight_decay: float = 0.01,
          **kw: Any) -> Adam:
    """Adam with decoupled weight decay (Loshchilov & Hutter)."""
    return Adam(params, lr, weight_decay=weight_decay, decoupled=True, **kw)


# ---------------------------------------------------------------- schedules
Schedule = Callable[[int], float]


def constant(eta: float) -> Schedule:
    """η_k = η."""
    return lambda k: eta


def inverse_time(eta0: float, tau: float = 1.0) -> Schedule:
    """η_k = η₀ / (1 + k/τ), k = 0, 1, …: η ∝ 1/t for large t, so Σ η = ∞ and Σ η² < ∞
    (the convergence conditions of seeds 000 and 002). τ = 1 gives η₀/t with t = k + 1."""
    if tau <= 0:
        raise ValueError(f"inverse_time: tau must be > 0, got {tau!r}")
    return lambda k: eta0 / (1.0 + k / tau)


def linear_decay(eta0: float, etaK: float, K: int) -> Schedule:
    """η_k = (1 − β_k)η₀ + β_k η_K with β_k = k/K for k ≤ K, then η_K (seed 002)."""
    if K <= 0:
        raise ValueError(f"linear_decay: K must be > 0, got {K!r}")

    def schedule(k: int) -> float:
        beta = min(k, K) / K
        return (1.0 - beta) * eta0 + beta * etaK

    return schedule


class Scheduler:
    """Drives ``optimizer.lr`` from a schedule: η_0 at once, η_k after k calls of ``step()``.

    >>> # opt = SGD(ps, lr=1.0); sched = Scheduler(opt, linear_decay(1.0, 0.1, 100))
    >>> # each iteration: loss.backward(); opt.step(); sched.step()
    """

    def __init__(self, optimizer: Optimizer, schedule: Schedule) -> None:
        self.optimizer, self.schedule, self.k = optimizer, schedule, 0
        optimizer.lr = float(schedule(0))

    def step(self) -> float:
        """k ← k + 1 and ``optimizer.lr`` ← η_k; returns η_k."""
        self.k += 1
        self.optimizer.lr = float(self.schedule(self.k))
        return self.optimizer.lr

    def __repr__(self) -> str:
        return f"Scheduler(k={self.k}, lr={self.optimizer.lr!r})"


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "sgd": SGD, "momentum": Momentum, "nesterov": Nesterov, "adagrad": AdaGrad,
    "adadelta": AdaDelta, "rmsprop": RMSProp, "adam": Adam, "adamw": AdamW,
}
