"""autograd-core: back-propagation you can read, draw and check.

>>> from autograd_core import Value, grad
>>> x = Value(0.5, label="x"); w = Value(-2.5, label="w")
>>> y = (w * x + 1.0).sigmoid()
>>> gx, gw = grad(y, [x, w])
"""

from .backprop import build_grad, grad, prune, topological_order
from .errors import AnomalyError
from .functional import dot, log_softmax, logsumexp, softmax, vsum
from .grad_table import GradTable
from .mode import detect_anomaly, enable_grad, gc_paused, is_grad_enabled, no_grad
from .ops import Op
from .value import Value

__version__ = "0.1.0"

__all__ = [
    "AnomalyError",
    "GradTable",
    "Op",
    "Value",
    "build_grad",
    "detect_anomaly",
    "dot",
    "enable_grad",
    "gc_paused",
    "grad",
    "is_grad_enabled",
    "log_softmax",
    "logsumexp",
    "no_grad",
    "prune",
    "softmax",
    "topological_order",
    "vsum",
]
