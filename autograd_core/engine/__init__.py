"""The engine: scalar reverse-mode automatic differentiation, as Goodfellow et al. write it.

Read it in this order:

* :mod:`.op` — what an op is (forward rule, bprop, formula) and the registry of ops;
* :mod:`.ops` — the op blocks themselves, one table row each (tanh: ``ops/activations.py``);
* :mod:`.value` — ``Value``, the node: its operators apply ops;
* :mod:`.graph` — walking a graph without recursion (topological order, G′, release);
* :mod:`.backprop` — build_grad and its loop; :mod:`.grad_table` — what it computed;
* :mod:`.gradients` — ``grad(z, wrt)``; :mod:`.functional` — Σ, softmax, dot;
* :mod:`.mode` — no_grad, detect_anomaly; :mod:`.exact` — exact numbers for paper arithmetic;
* :mod:`.naming` — names of nodes in messages and tables.

Nothing here imports the tools built on the engine (draw, verify, formula, nn).
"""

from . import ops
from .backprop import BpropOverride, build_grad
from .errors import AnomalyError
from .exact import Exact, exact
from .functional import dot, log_softmax, logsumexp, softmax, vsum
from .grad_table import GradTable
from .gradients import grad
from .graph import ancestors_since, prune, release, topological_order
from .mode import detect_anomaly, enable_grad, gc_paused, is_grad_enabled, no_grad
from .naming import describe, expression
from .op import Bprop, Op, OutsideDomain, registered
from .value import Value, apply, constant

__all__ = [
    "AnomalyError", "Bprop", "BpropOverride", "Exact", "GradTable", "Op", "OutsideDomain", "Value",
    "ancestors_since", "apply", "build_grad", "constant", "describe", "detect_anomaly", "dot",
    "enable_grad", "exact", "expression", "gc_paused", "grad", "is_grad_enabled", "log_softmax",
    "logsumexp", "no_grad", "ops", "prune", "registered", "release", "softmax",
    "topological_order", "vsum",
]
