"""Pictures for a lecture: the loss curve of a training run and a 2-D decision boundary.

matplotlib is imported only when a function is called, and only through its object API
(``matplotlib.figure.Figure``), so nothing depends on pyplot's backend: it works on a
headless machine (Agg) and in a notebook. Each function returns the Axes it drew on; pass
``ax=`` to draw into your own figure. Without ``ax=``, the Axes is a :class:`PlotAxes`,
which a notebook displays as its figure (``plot_loss(h)`` as a cell's last line shows the
curve, not ``<Axes …>``).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from autograd_core import no_grad

_PLOT_AXES: list[type] = []


def plot_axes_class() -> type:
    """:class:`PlotAxes`: matplotlib's Axes that a notebook displays as its whole figure
    (a PNG, as matplotlib's inline backend draws it); made on first use, so importing
    nn.plot does not import matplotlib."""
    if _PLOT_AXES:
        return _PLOT_AXES[0]
    from matplotlib.axes import Axes

    class PlotAxes(Axes):
        """An Axes that shows its figure in a notebook (``_repr_png_``)."""

        def _repr_png_(self) -> bytes:
            buf = io.BytesIO()
            root: Any = getattr(self.figure, "figure", self.figure)  # a SubFigure's Figure
            root.savefig(buf, format="png", bbox_inches="tight", dpi=100)
            return buf.getvalue()

    _PLOT_AXES.append(PlotAxes)
    return PlotAxes


def _axes(ax: Any, figsize: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="tight").add_subplot(axes_class=plot_axes_class())


def plot_loss(history: Any, ax: Any = None, *, per_update: bool = False,
              accuracy: bool = True) -> Any:
    """Loss per epoch (or per update), with accuracy on a second axis when measured."""
    ax = _axes(ax, (6, 3.5))
    losses = history.step_loss if per_update else history.loss
    ax.plot(range(1, len(losses) + 1), losses, color="tab:blue", label="loss")
    val = getattr(history, "val_loss", [])
    if val and not per_update:
        ax.plot(range(1, len(val) + 1), val, color="tab:blue", linestyle="--",
                label="validation loss")
    ax.set_xlabel("update" if per_update else "epoch")
    ax.set_ylabel("loss")
    accs = [a for a in getattr(history, "accuracy", []) if a is not None]
    if accuracy and accs and not per_update:
        ax2 = ax.twinx()
        ax2.plot(range(1, len(accs) + 1), accs, color="tab:orange", label="accuracy")
        vaccs = [a for a in getattr(history, "val_accuracy", []) if a is not None]
        if vaccs:
            ax2.plot(range(1, len(vaccs) + 1), vaccs, color="tab:orange", linestyle="--",
                     label="validation accuracy")
        ax2.set_ylabel("accuracy")
        ax2.set_ylim(0, 1.05)
    ax.set_title("training")
    if val and not per_update:
        ax.legend(loc="upper right")
    return ax


def _one(model: Any, x: list[float]) -> Any:
    """The model's output for one example (a model that takes batches gets a batch of one)."""
    if getattr(model, "acts_on_batch", False):
        out = model([x])[0]
        return out[0] if len(out) == 1 else out
    return model(x)


def _default_predict(model: Any) -> Callable[[list[float]], float]:
    def predict(p: list[float]) -> float:
        out = _one(model, p)
        if isinstance(out, (list, tuple)):
            values = [float(v) for v in out]
            return float(max(range(len(values)), key=values.__getitem__))
        return float(out)
    return predict


def decision_grid(model: Any, X: Sequence[Sequence[float]], *, steps: int = 60,
                  margin: float = 0.25,
                  predict: Callable[[list[float]], float] | None = None,
                  ) -> tuple[list[float], list[float], list[list[float]]]:
    """The model's output on a ``steps`` × ``steps`` grid covering X: (xs, ys, Z[row][col])."""
    f = predict or _default_predict(model)
    x0 = [p[0] for p in X]
    x1 = [p[1] for p in X]
    lo0, hi0 = min(x0) - margin, max(x0) + margin
    lo1, hi1 = min(x1) - margin, max(x1) + margin
    xs = [lo0 + (hi0 - lo0) * i / (steps - 1) for i in range(steps)]
    ys = [lo1 + (hi1 - lo1) * j / (steps - 1) for j in range(steps)]
    was_training = getattr(model, "training", None)
    if was_training is not None:
        model.eval()
    try:
        with no_grad():
            Z = [[f([a, b]) for a in xs] for b in ys]
    finally:
        if was_training:
            model.train()
    return xs, ys, Z


def plot_decision_boundary(model: Any, X: Sequence[Sequence[float]], y: Sequence[Any],
                           ax: Any = None, *, steps: int = 60, threshold: float | None = 0.0,
                           predict: Callable[[list[float]], float] | None = None) -> Any:
    """Colour the plane by the model's decision and scatter the data on top.

    One output: the regions score > ``threshold`` / ≤ (0 for scores and logits, 0.5 for
    probabilities), with the boundary drawn; several outputs: the argmax class.
    """
    ax = _axes(ax, (5, 5))
    xs, ys, Z = decision_grid(model, X, steps=steps, predict=predict)
    if predict is None:
        with no_grad():
            single = not isinstance(_one(model, list(X[0])), (list, tuple))
    else:
        single = True
    if single and threshold is not None:
        Zc = [[1.0 if v > threshold else 0.0 for v in row] for row in Z]
        ax.contourf(xs, ys, Zc, levels=[-0.5, 0.5, 1.5], cmap="coolwarm", alpha=0.35)
        ax.contour(xs, ys, Z, levels=[threshold], colors="k", linewidths=1)
    else:
        ax.contourf(xs, ys, Z, cmap="coolwarm", alpha=0.35)
    ax.scatter([p[0] for p in X], [p[1] for p in X], c=[float(v) for v in y], cmap="coolwarm",
               edgecolors="k", s=25)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title("decision boundary")
    return ax
