"""The op blocks: every operation the engine knows, each with its forward and its bprop.

==========  ====================================  =========================================
module      ops                                   what they are
==========  ====================================  =========================================
leaves      INPUT PARAM CONST NUMBER              the graph's leaves (no derivative rule)
arithmetic  ADD SUB MUL DIV NEG SUM POW,          + − · / −a Σ aᵇ aᶜ
            pow_const(c)
functions   EXP LOG SQRT SIN COS                  the elementary functions
activations TANH SIGMOID RELU leaky_relu(s)       the lecture notes' activations, and |·|
            ABS STEP
vector      LOGSUMEXP                             one node over a vector
==========  ====================================  =========================================

Each block registers itself (:func:`~autograd_core.engine.op.registered`).
"""

from ..op import ACTIVATION, FUNCTION, Op, OutsideDomain, block, elementwise, registered
from .activations import (
    ABS,
    ABS_AT_KINK,
    RELU,
    RELU_AT_KINK,
    SIGMOID,
    SOFTPLUS,
    STEP,
    STEP_AT_KINK,
    TANH,
    leaky_relu,
)
from .arithmetic import ADD, DIV, MUL, NEG, POW, SUB, SUM, pow_const, power_rule
from .functions import COS, EXP, LOG, SIN, SQRT
from .leaves import CONST, INPUT, NUMBER, PARAM
from .vector import LOGSUMEXP

__all__ = [
    "ABS", "ABS_AT_KINK", "ACTIVATION", "ADD", "CONST", "COS", "DIV", "EXP", "FUNCTION", "INPUT",
    "LOG", "LOGSUMEXP", "MUL", "NEG", "NUMBER", "Op", "OutsideDomain", "PARAM", "POW", "RELU",
    "RELU_AT_KINK", "SIGMOID", "SIN", "SOFTPLUS", "SQRT", "STEP", "STEP_AT_KINK", "SUB", "SUM",
    "TANH", "block", "elementwise", "leaky_relu", "pow_const", "power_rule", "registered",
]
