"""``grad(z, wrt)``: derivatives as answers, without touching any ``.grad``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .backprop import build_grad
from .value import Value


def grad(z: Value, wrt: Value | Iterable[Value], create_graph: bool = False) -> tuple[Any, ...]:
    """∂z/∂w for each w in ``wrt``, without touching any ``.grad``.

    Only G′, the nodes between the targets and z, is back-propagated (with one target the
    search for G′ also stops at it; otherwise it walks z's ancestors). A target z does not
    depend on gets 0. With ``create_graph=True`` the results are Values that can be
    differentiated again (second and higher derivatives).
    """
    if not isinstance(z, Value):
        raise TypeError(f"grad: z must be a Value, got {type(z).__name__}: {z!r}")
    targets = (wrt,) if isinstance(wrt, Value) else tuple(wrt)
    for t in targets:
        if not isinstance(t, Value):
            raise TypeError(f"grad: every target must be a Value, got {type(t).__name__}: {t!r}")
    table = build_grad(z, targets, create_graph=create_graph)
    results = tuple(table.get(t, 0.0) for t in targets)
    if create_graph:
        results = tuple(r if isinstance(r, Value) else Value(r, role="const") for r in results)
    return results
