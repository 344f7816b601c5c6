"""Global switches: ``no_grad()`` (build no graph) and ``detect_anomaly()`` (stop at the first
non-finite result). Both cost one attribute read per op when off. A third, ``ieee``, is the
engine's own: inside a derivative graph (``create_graph=True``) an op outside its domain
gives the IEEE value PyTorch gives (0.5/0 = +inf) instead of an error, so a singular
derivative stays a node of the graph.

The switches are process-wide, not per thread: the library is for one notebook at a time.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager


class _State:
    """The switches, read by every op (``fast``: neither switch is on)."""

    __slots__ = ("build_graph", "check_finite", "fast", "ieee")

    def __init__(self) -> None:
        self.build_graph = True
        self.check_finite = False
        self.fast = True
        self.ieee = False

    def _set(self, build_graph: bool, check_finite: bool) -> None:
        self.build_graph = build_graph
        self.check_finite = check_finite
        self.fast = build_graph and not check_finite


state = _State()


@contextmanager
def _switched(*, build_graph: bool | None = None, check_finite: bool | None = None
              ) -> Iterator[None]:
    """Set the given switches inside the block; restore both on the way out."""
    saved = (state.build_graph, state.check_finite)
    state._set(saved[0] if build_graph is None else build_graph,
               saved[1] if check_finite is None else check_finite)
    try:
        yield
    finally:
        state._set(*saved)


def no_grad() -> AbstractContextManager[None]:
    """Operations inside build no graph: their results are plain leaves.

    Use it for parameter updates and for evaluating a trained model.
    """
    return _switched(build_graph=False)


def enable_grad() -> AbstractContextManager[None]:
    """Build graphs again inside a ``no_grad()`` block."""
    return _switched(build_graph=True)


def is_grad_enabled() -> bool:
    """True unless inside ``no_grad()``."""
    return state.build_graph


@contextmanager
def ieee_arithmetic() -> Iterator[None]:
    """Inside the block, ops outside their domain give IEEE values (used by build_grad while it
    builds a derivative graph: the derivative of √a at 0 is +inf, as in PyTorch)."""
    saved = state.ieee
    state.ieee = True
    try:
        yield
    finally:
        state.ieee = saved


def detect_anomaly() -> AbstractContextManager[None]:
    """Raise :class:`~autograd_core.errors.AnomalyError` at the first op whose forward result
    or backward contribution is NaN or infinite although its inputs were finite, naming it."""
    return _switched(check_finite=True)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the block (a training step, say).

    Our graphs hold no reference cycles, so reference counting frees each one as soon as it is
    dropped; the collector, run every 700 container allocations, would only traverse the
    growing graph to find nothing (a third of a training step's time at the default setting).
    Cycles made inside the block by other code are collected after it, at the next
    collection. ``backward()`` pauses the collector this way on its own.

    >>> from autograd_core import Value, gc_paused
    >>> w = Value(0.5, role="param")
    >>> with gc_paused():
    ...     loss = (w * 3.0 - 1.0) ** 2
    ...     loss.backward()
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
