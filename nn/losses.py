"""Losses and penalties, built from Values so that ``backward()`` differentiates them.

Per example (``u``: the network's output, ``y``: the target):

====================================  ==================================================
``half_squared_error(u, y)``          E = ½ Σₚ (uₚ − yₚ)²                      (seed 003)
``squared_error(u, y)``               Σₚ (uₚ − yₚ)²
``binary_cross_entropy(p, y)``        −[y ln p + (1 − y) ln(1 − p)], p a probability
``binary_cross_entropy_with_logits``  the same with p = σ(z), computed stably from z
``log_likelihood(p, y)``              y ln p + (1 − y) ln(1 − p)    (seed 001; maximise it)
``cross_entropy(u, t)``               −u_t + ln Σⱼ e^(uⱼ)     (softmax + NLL, seed 003)
``nll_loss(log_p, t)``                −log_p[t]
``categorical_cross_entropy(p, y)``   −Σⱼ yⱼ ln pⱼ            (seed 003's CLoss)
``hinge(s, y)``                       max(0, 1 − y·s), y ∈ {−1, +1}          (seed 001)
====================================  ==================================================

Over a batch: ``mean(losses)``, ``mse(U, Y)`` (mean over every element, PyTorch's
``mse_loss``), ``half_mse(U, Y)`` = 1/(2N) Σₙ Σₚ (uₚ − yₚ)² (seed 003).

Penalties: ``l2_penalty(ws, λ)`` = λ Σ w², with ``m=`` seed 002's λ/(2m) Σ w²;
``l1_penalty(ws, λ)`` = λ Σ |w|.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from autograd_core import Value, logsumexp, vsum

Scalar = Value | float


def _vec(u: Scalar | Sequence[Scalar]) -> list[Scalar]:
    return list(u) if isinstance(u, Sequence) else [u]


def _lift(x: Scalar) -> Value:
    return x if isinstance(x, Value) else Value(x, role="const")


def _check_lengths(u: Sequence[object], y: Sequence[object], who: str) -> None:
    if len(u) != len(y):
        raise ValueError(f"{who}: {len(u)} outputs but {len(y)} targets")


def mean(losses: Iterable[Scalar]) -> Value:
    """(1/N) Σₙ lₙ, one sum node."""
    ls = list(losses)
    if not ls:
        raise ValueError("mean of no losses")
    return vsum(ls) * (1.0 / len(ls))


# ---------------------------------------------------------------- regression
def squared_error(u: Scalar | Sequence[Scalar], y: float | Sequence[float]) -> Value:
    """Σₚ (uₚ − yₚ)²."""
    us, ys = _vec(u), _vec(y)
    _check_lengths(us, ys, "squared_error")
    return vsum([(_lift(ui) - yi) ** 2 for ui, yi in zip(us, ys, strict=False)])


def half_squared_error(u: Scalar | Sequence[Scalar], y: float | Sequence[float]) -> Value:
    """E = ½ Σₚ (uₚ − yₚ)²; ∂E/∂uₚ = uₚ − yₚ (the ½ cancels the square's 2)."""
    return squared_error(u, y) * 0.5


def mse(U: Sequence[Scalar | Sequence[Scalar]], Y: Sequence[float | Sequence[float]]) -> Value:
    """Mean of (uₚ − yₚ)² over every example and output (PyTorch's ``mse_loss``)."""
    _check_lengths(U, Y, "mse")
    terms = [se for u, y in zip(U, Y, strict=False) for se in _squares(u, y)]
    return mean(terms)


def half_mse(U: Sequence[Scalar | Sequence[Scalar]], Y: Sequence[float | Sequence[float]],
             ) -> Value:
    """MSE = 1/(2N) Σₙ Σₚ (uₚ − yₚ)² (seed 003: the mean over examples of E)."""
    _check_lengths(U, Y, "half_mse")
    return mean([half_squared_error(u, y) for u, y in zip(U, Y, strict=False)])


def _squares(u: Scalar | Sequence[Scalar], y: float | Sequence[float]) -> list[Value]:
    us, ys = _vec(u), _vec(y)
    _check_lengths(us, ys, "mse")
    return [(_lift(ui) - yi) ** 2 for ui, yi in zip(us, ys, strict=False)]


# ---------------------------------------------------------------- binary classification
def log_likelihood(p: Scalar, y: float) -> Value:
    """l = y ln p + (1 − y) ln(1 − p) (seed 001's form: a log-likelihood, to be maximised);
    ∂l/∂p = y/p − (1 − y)/(1 − p). Terms whose weight is 0 are skipped (so p = 1, y = 1 works).
    """
    p = _lift(p)
    terms = []
    if y != 0:
        terms.append(p.log() * y)
    if y != 1:
        terms.append((1.0 - p).log() * (1.0 - y))
    return vsum(terms)


def binary_cross_entropy(p: Scalar, y: float) -> Value:
    """−[y ln p + (1 − y) ln(1 − p)], p = a predicted probability in (0, 1)."""
    return -log_likelihood(p, y)


def softplus(z: Scalar) -> Value:
    """ln(1 + eᶻ), the engine's softplus op (one node; computed without overflow, derivative
    σ(z) everywhere)."""
    return _lift(z).softplus()


def binary_cross_entropy_with_logits(z: Scalar, y: float) -> Value:
    """−[y ln σ(z) + (1 − y) ln(1 − σ(z))] from the logit z, without overflow.

    It equals max(z, 0) − z·y + ln(1 + e^(−|z|)) = softplus(z) − z·y; softplus is written per
    sign of z (see :func:`softplus`) so the gradient σ(z) − y is right at z = 0 too.
    """
    z = _lift(z)
    return softplus(z) - z * y


# ---------------------------------------------------------------- multi-class
def cross_entropy(u: Sequence[Scalar], target: int | Sequence[float]) -> Value:
    """Softmax then negative log-likelihood, from the logits u (seed 003):
    J(u, t) = −u_t + ln Σⱼ e^(uⱼ), through ``logsumexp`` (stable at any scale).
    ``target``: a class index t, or a vector of target probabilities y (−Σⱼ yⱼ log softmax(u)ⱼ).
    """
    us = [_lift(v) for v in u]
    lse = logsumexp(us)
    if isinstance(target, bool):
        raise TypeError(f"cross_entropy: target must be a class index (an int) or a vector of "
                        f"target probabilities, got {target!r}")
    if isinstance(target, int):
        if not 0 <= target < len(us):
            raise ValueError(f"cross_entropy: class {target} out of range for {len(us)} logits")
        return lse - us[target]
    ys = list(target)
    _check_lengths(us, ys, "cross_entropy")
    return vsum([(lse - uj) * yj for uj, yj in zip(us, ys, strict=False) if yj != 0])


def nll_loss(log_p: Sequence[Scalar], target: int) -> Value:
    """−log pₜ, from log-probabilities (e.g. ``log_softmax(u)``), as PyTorch's ``nll_loss``."""
    if not 0 <= target < len(log_p):
        raise ValueError(f"nll_loss: class {target} out of range for {len(log_p)} outputs")
    return -_lift(log_p[target])


def categorical_cross_entropy(p: Sequence[Scalar], y: Sequence[float]) -> Value:
    """CLoss(p, y) = −Σⱼ yⱼ ln pⱼ, from probabilities p (seed 003)."""
    _check_lengths(p, y, "categorical_cross_entropy")
    return -vsum([_lift(pj).log() * yj for pj, yj in zip(p, y, strict=False) if yj != 0])


# ---------------------------------------------------------------- margin
def hinge(s: Scalar, y: float) -> Value:
    """max(0, 1 − y·s) for a label y ∈ {−1, +1} (SVM, seed 001; micrograd's demo)."""
    if y not in (-1, 1):
        raise ValueError(f"hinge: label must be -1 or +1, got {y!r}")
    return (1.0 - _lift(s) * y).relu()


# ---------------------------------------------------------------- penalties
def l2_penalty(params: Iterable[Value], lam: float, *, m: int | None = None) -> Value:
    """λ Σ w²; with ``m`` (the number of examples) seed 002's λ/(2m) Σ w²."""
    ws = list(params)
    scale = lam if m is None else lam / (2.0 * m)
    if not ws:
        return Value(0.0, role="const")
    return vsum([w * w for w in ws]) * scale


def l1_penalty(params: Iterable[Value], lam: float) -> Value:
    """λ Σ |w|."""
    ws = list(params)
    if not ws:
        return Value(0.0, role="const")
    return vsum([w.abs() for w in ws]) * lam


LOSSES = {
    "half_squared_error": half_squared_error,
    "squared_error": squared_error,
    "bce": binary_cross_entropy,
    "binary_cross_entropy": binary_cross_entropy,
    "bce_with_logits": binary_cross_entropy_with_logits,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "cross_entropy": cross_entropy,
    "categorical_cross_entropy": categorical_cross_entropy,
    "hinge": hinge,
}


def get_loss(loss: str | object) -> object:
    """A per-example loss by name (see ``LOSSES``) or a callable ``f(output, target)``."""
    if callable(loss):
        return loss
    if isinstance(loss, str) and loss in LOSSES:
        return LOSSES[loss]
    raise ValueError(f"unknown loss {loss!r}; choose one of {sorted(LOSSES)} or pass "
                     "a function f(output, target) -> Value")

