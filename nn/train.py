"""``fit``: the training loop the slides describe, in its three flavours (seed 003).

* ``mode="batch"``: one update per epoch, from the gradient of the mean loss over all N
  examples: θ ← θ − η ∇θ J(θ);
* ``mode="sgd"``: one update per example, in a shuffled order each epoch;
* ``mode="minibatch"``: one update per mini-batch of ``batch_size`` examples.

Each update: forward every example of the batch, loss = mean of the per-example losses
(+ ``penalty(model)``), ``zero_grad``, ``backward``, ``optimizer.step()``, then the schedule.
The returned :class:`History` has the loss and accuracy per epoch (measured on the batches as
they were trained, before each update, as micrograd's demo reports them) and per update.
A tqdm bar shows progress on a terminal and in a notebook (``tqdm.auto``: a widget where
ipywidgets is installed, else a text bar); elsewhere, or with ``progress=False``, there is
no bar and tqdm is not even imported.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd_core import Value, gc_paused, no_grad, release, vsum

from .init import RNG, make_rng
from .losses import get_loss
from .module import Module
from .optim import SGD, Optimizer, Schedule, Scheduler

MODES = ("batch", "sgd", "minibatch")


@dataclass
class History:
    """What ``fit`` measured: per epoch ``loss`` and ``accuracy`` (None when not a
    classification loss) and, with validation data, ``val_loss`` and ``val_accuracy``;
    per update ``step_loss`` and ``lr``."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)

    def __repr__(self) -> str:
        """Epochs, updates, the last loss (and accuracy) in one line."""
        if not self.loss:
            return "History(empty)"
        acc = self.accuracy[-1]
        acc_s = "" if acc is None else f", accuracy {acc:.3f}"
        return (f"History({len(self.loss)} epochs, {len(self.step_loss)} updates; last loss "
                f"{self.loss[-1]:.6g}{acc_s})")


# ---------------------------------------------------------------- accuracy
def _outputs(u: Any) -> list[float]:
    return [float(v) for v in (u if isinstance(u, (list, tuple)) else [u])]


def _argmax(v: Sequence[float]) -> int:
    return max(range(len(v)), key=lambda i: v[i])


def _target_class(y: Any) -> int:
    return int(y) if not isinstance(y, (list, tuple)) else _argmax(y)


def correct_sign(u: Any, y: Any) -> bool:
    """Score and label (±1) have the same sign."""
    return (_outputs(u)[0] > 0) == (float(y) > 0)


def correct_threshold(u: Any, y: Any) -> bool:
    """A probability p > 0.5 predicts class 1."""
    return (_outputs(u)[0] > 0.5) == (float(y) > 0.5)


def correct_argmax(u: Any, y: Any) -> bool:
    """The largest output is the target class (an index or a one-hot vector)."""
    return _argmax(_outputs(u)) == _target_class(y)


def correct_nearest(u: Any, y: Any) -> bool:
    """Regression output used as a classifier: one output within 0.5 of the target, or the
    largest of several outputs at the target's largest entry."""
    us = _outputs(u)
    if len(us) == 1:
        return abs(us[0] - float(y if not isinstance(y, (list, tuple)) else y[0])) < 0.5
    return correct_argmax(us, y)


def correct_logit(u: Any, y: Any) -> bool:
    """A logit z > 0 predicts class 1."""
    return (_outputs(u)[0] > 0) == (float(y) > 0.5)


ACCURACY: dict[str, Callable[[Any, Any], bool]] = {
    "hinge": correct_sign,
    "bce": correct_threshold,
    "binary_cross_entropy": correct_threshold,
    "bce_with_logits": correct_logit,
    "binary_cross_entropy_with_logits": correct_logit,
    "cross_entropy": correct_argmax,
    "categorical_cross_entropy": correct_argmax,
    "half_squared_error": correct_nearest,
    "squared_error": correct_nearest,
}


# ---------------------------------------------------------------- the loop
def _forward(model: Any, batch: list[Any]) -> list[Any]:
    if getattr(model, "acts_on_batch", False):
        outs = model(batch)
        return [o[0] if len(o) == 1 else o for o in outs]
    return [model(x) for x in batch]


def in_notebook() -> bool:
    """Whether this code runs in a Jupyter kernel (IPython's kernel shell is active)."""
    if "ipykernel" not in sys.modules or "IPython" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _wants_bar(progress: bool | None) -> bool:
    """progress=None: a bar on a terminal or in a notebook; True/False: always/never."""
    if progress is not None:
        return bool(progress)
    if in_notebook():
        return True
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def _progress(epochs: int, progress: bool | None) -> Iterable[int]:
    """range(epochs), wrapped in a tqdm bar when one is wanted (tqdm imported only then)."""
    if not _wants_bar(progress):
        return range(epochs)
    if importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm  # the widget in a notebook
    else:  # tqdm.auto would warn that the widget needs ipywidgets: the text bar, then
        from tqdm import tqdm
    bar: Iterable[int] = tqdm(range(epochs), desc="fit", unit="epoch", leave=False)
    return bar


def fit(
    model: Module | Callable[[Any], Any],
    X: Sequence[Any],
    y: Sequence[Any],
    *,
    loss: str | Callable[[Any, Any], Value] = "half_squared_error",
    optimizer: Optimizer | None = None,
    lr: float = 0.1,
    epochs: int = 100,
    mode: str = "batch",
    batch_size: int = 16,
    penalty: Callable[[Any], Value] | None = None,
    schedule: Schedule | None = None,
    accuracy: str | Callable[[Any, Any], bool] | None = "auto",
    rng: RNG = None,
    progress: bool | None = None,
    callback: Callable[[int, History], Any] | None = None,
    validation: tuple[Sequence[Any], Sequence[Any]] | None = None,
) -> History:
    """Train ``model`` on (X, y) and return the :class:`History`.

    ``loss``: a name from :data:`nn.losses.LOSSES` or ``f(output, target) -> Value``.
    ``optimizer``: default ``SGD(model.parameters(), lr)``. ``penalty``: e.g.
    ``lambda m: l2_penalty(m.weight_parameters(), 1e-4)``. ``schedule``: learning rate per
    update k (see :mod:`nn.optim`). ``accuracy``: "auto" (chosen from the loss), None, or
    ``f(output, target) -> bool``. ``rng``: shuffling for "sgd" and "minibatch".
    ``progress``: None = a bar on a terminal or in a notebook; True/False force it on/off.
    ``callback(epoch, history)`` runs after each epoch; returning True stops training.
    ``validation=(X_val, y_val)``: also measure loss and accuracy on held-out data after
    each epoch (in eval mode, under ``no_grad``; the penalty is not included).
    """
    if mode not in MODES:
        raise ValueError(f"fit: mode must be one of {MODES}, got {mode!r}")
    if len(X) != len(y):
        raise ValueError(f"fit: {len(X)} inputs but {len(y)} targets")
    if not X:
        raise ValueError("fit: no training examples")
    if mode == "minibatch" and batch_size < 1:
        raise ValueError(f"fit: batch_size must be ≥ 1, got {batch_size!r}")
    loss_fn = get_loss(loss)
    if accuracy == "auto":
        acc_fn = ACCURACY.get(loss) if isinstance(loss, str) else None
    elif accuracy is None or callable(accuracy):
        acc_fn = accuracy
    else:
        raise ValueError(f"fit: accuracy must be 'auto', None or a function, got {accuracy!r}")
    if optimizer is None:
        optimizer = SGD(model.parameters(), lr=lr)  # type: ignore[union-attr]
    scheduler = Scheduler(optimizer, schedule) if schedule is not None else None
    source = make_rng(rng)
    if isinstance(model, Module):
        model.train()

    if validation is not None and len(validation[0]) != len(validation[1]):
        raise ValueError(f"fit: validation has {len(validation[0])} inputs but "
                         f"{len(validation[1])} targets")
    with gc_paused():
        return _loop(model, X, y, loss_fn, acc_fn, optimizer, scheduler, source, epochs, mode,
                     batch_size, penalty, progress, callback, validation)


def _measure(model: Any, X: Sequence[Any], y: Sequence[Any], loss_fn: Any, acc_fn: Any,
             ) -> tuple[float, float | None]:
    """Mean loss and accuracy on (X, y), in eval mode, building no graph."""
    if isinstance(model, Module):
        model.eval()
    try:
        with no_grad():
            outs = _forward(model, list(X))
            total = sum(float(loss_fn(o, t).data) for o, t in zip(outs, y, strict=True))
        acc = None
        if acc_fn is not None:
            acc = sum(bool(acc_fn(o, t)) for o, t in zip(outs, y, strict=True)) / len(X)
        return total / len(X), acc
    finally:
        if isinstance(model, Module):
            model.train()


def _loop(model: Any, X: Sequence[Any], y: Sequence[Any], loss_fn: Any, acc_fn: Any,
          optimizer: Optimizer, scheduler: Scheduler | None, source: Any, epochs: int,
          mode: str, batch_size: int, penalty: Any, progress: bool | None, callback: Any,
          validation: tuple[Sequence[Any], Sequence[Any]] | None) -> History:
    history = History()
    n = len(X)
    order = list(range(n))
    size = n if mode == "batch" else 1 if mode == "sgd" else batch_size
    bar = _progress(epochs, progress)
    try:
        for epoch in bar:
            if mode != "batch":
                source.shuffle(order)
            total, right, seen = 0.0, 0, 0
            for start in range(0, n, size):
                idx = order[start:start + size]
                outs = _forward(model, [X[i] for i in idx])
                targets = [y[i] for i in idx]
                losses = [loss_fn(o, t) for o, t in zip(outs, targets, strict=True)]
                data_loss = vsum(losses) * (1 / len(idx))
                total_loss = data_loss + penalty(model) if penalty is not None else data_loss
                optimizer.zero_grad()
                total_loss.backward()
                history.lr.append(optimizer.lr)
                optimizer.step()
                if scheduler is not None:
                    scheduler.step()
                history.step_loss.append(total_loss.data)
                total += total_loss.data * len(idx)
                seen += len(idx)
                if acc_fn is not None:
                    right += sum(bool(acc_fn(o, t)) for o, t in zip(outs, targets, strict=False))
                release(total_loss)  # the step's graph, freed without deep recursion
            history.loss.append(total / seen)
            history.accuracy.append(right / seen if acc_fn is not None else None)
            if validation is not None:
                vl, va = _measure(model, validation[0], validation[1], loss_fn, acc_fn)
                history.val_loss.append(vl)
                history.val_accuracy.append(va)
            if hasattr(bar, "set_postfix"):
                post = {"loss": f"{history.loss[-1]:.4g}"}
                if acc_fn is not None:
                    post["acc"] = f"{history.accuracy[-1]:.3f}"
                bar.set_postfix(post, refresh=False)
            if callback is not None and callback(epoch, history):
                break
    finally:
        if hasattr(bar, "close"):
            bar.close()
    return history


def evaluate(model: Any, X: Sequence[Any], y: Sequence[Any],
             correct: Callable[[Any, Any], bool] = correct_argmax) -> float:
    """The fraction of examples ``correct(model(x), y)`` holds for (under ``no_grad``,
    in eval mode). The default, argmax, needs several outputs; for one output pass
    ``correct_sign`` (scores, ±1 labels), ``correct_logit`` or ``correct_threshold``."""
    if isinstance(model, Module):
        model.eval()
    try:
        with no_grad():
            outs = _forward(model, list(X))
        if correct is correct_argmax and outs and len(_outputs(outs[0])) == 1:
            raise ValueError("evaluate: the model has one output, so argmax is always class 0; "
                             "pass correct=correct_sign, correct_logit or correct_threshold")
        return sum(bool(correct(o, t)) for o, t in zip(outs, y, strict=True)) / len(X)
    finally:
        if isinstance(model, Module):
            model.train()
