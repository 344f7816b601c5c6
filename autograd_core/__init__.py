"""autograd-core: back-propagation you can read, draw and check.

>>> from autograd_core import Value, grad
>>> x = Value(0.5, label="x"); w = Value(-2.5, label="w")
>>> y = (w * x + 1.0).sigmoid()
>>> gx, gw = grad(y, [x, w])

The package is layered: :mod:`autograd_core.engine` is the engine (this module re-exports
its public names); the tools built on it use only those names:

* :mod:`autograd_core.formula` — the formula language of worked examples and ``backprop draw``;
* :mod:`autograd_core.verify` — checking hand-worked examples (``backprop verify``);
* :mod:`autograd_core.draw` — pictures of the forward and backward graph;
* :mod:`autograd_core.cli` — the ``backprop`` command.
"""

from . import notation as _notation
from .engine import (
    AnomalyError,
    Bprop,
    BpropOverride,
    Exact,
    GradTable,
    Op,
    OutsideDomain,
    Value,
    ancestors_since,
    apply,
    build_grad,
    constant,
    describe,
    detect_anomaly,
    dot,
    enable_grad,
    exact,
    expression,
    gc_paused,
    grad,
    is_grad_enabled,
    log_softmax,
    logsumexp,
    no_grad,
    ops,
    prune,
    registered,
    release,
    softmax,
    topological_order,
    vsum,
)
from .engine import naming as _naming

_naming.set_table_names(_notation.table_names)  # grad_tables name nodes as the pictures do

__version__ = "0.1.0"

__all__ = [
    "AnomalyError", "Bprop", "BpropOverride", "Exact", "GradTable", "Op", "OutsideDomain", "Value",
    "ancestors_since", "apply", "build_grad", "constant", "describe", "detect_anomaly", "dot",
    "enable_grad", "exact", "expression", "gc_paused", "grad", "is_grad_enabled", "log_softmax",
    "logsumexp", "no_grad", "ops", "prune", "registered", "release", "softmax",
    "topological_order", "vsum",
]
