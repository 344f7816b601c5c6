"""The leaves of a graph: ops with no inputs and no derivative rule (``bprop is None``).

Back-propagation ends at them; ``backward()`` leaves ∂z/∂leaf in ``leaf.grad``.
"""

from __future__ import annotations

from ..op import LEAF, Op, instance


class Input(Op):
    """An input x of the computation: ``Value(x)``."""

    kind, symbol, group, leaf_role = "input", "input", LEAF, "input"


class Param(Op):
    """A trainable parameter (a weight, a bias): ``Value(w, role="param")``."""

    kind, symbol, group, leaf_role = "param", "param", LEAF, "param"


class Const(Op):
    """A constant of the user's own, labelled and keeping its .grad: ``Value(c, role="const")``."""

    kind, symbol, group, leaf_role = "const", "const", LEAF, "const"


class Number(Op):
    """A number written into arithmetic (the 0.9 of ``x * 0.9``).

    One leaf per number, shared by every use in every graph (see ``value.constant``), so it
    keeps no ``.grad`` and takes no label; its role still reads "const".
    """

    kind, symbol, group, leaf_role = "number", "const", LEAF, "const"


class Released(Op):
    """What an op node becomes once ``release()`` has cut it from its inputs: a constant."""

    kind, symbol, group, leaf_role = "released", "const", LEAF, "const"


INPUT = instance(Input)
PARAM = instance(Param)
CONST = instance(Const)
NUMBER = instance(Number)
RELEASED = instance(Released)
