"""What an op is: its name and symbol, its forward rule, its derivative rule, and the registry.

Every node of a graph records the :class:`Op` that produced it. An op is written as one block
(a subclass of :class:`Op`, in :mod:`autograd_core.engine.ops`) that reads like a row of the
book's table of derivatives::

    class Tanh(Op):
        \"\"\"out = tanh a;  ∂out/∂a = 1 − tanh²a = 1 − out²\"\"\"

        kind, symbol, notation = "tanh", "tanh", "tanh({0})"

        @staticmethod
        def forward(a: Number) -> Number:
            return math.tanh(a)

        @staticmethod
        def bprop(inputs: Inputs, out: Scalar, G: Scalar) -> Contributions:
            return (G * (1.0 - out * out),)

``forward`` computes the output from the inputs' numbers and states the op's domain: outside
it, it raises :class:`OutsideDomain` (which the engine turns into the error a user sees, naming
the operand), or, inside a derivative graph, returns the IEEE value PyTorch gives (1/0 = inf).

``bprop`` is Goodfellow's ``op.bprop``. The book's ``op.bprop(inputs, X, G)`` returns the term
G · ∂out/∂X for one input X; here one call returns that term for every input at once, in
order (``a * a`` gets two terms, one per use of ``a``). It receives

* ``inputs`` -- the node's inputs, in order: their numbers, or, when a differentiable backward
  graph is asked for (``grad(..., create_graph=True)``), the input Values themselves;
* ``out``    -- the node's output, a number or the node itself, in the same way;
* ``G``      -- ∂z/∂out, the gradient of the final output z with respect to this node.

A rule uses only arithmetic that numbers and Values share, so one function serves both modes:
that is what makes second and third derivatives work.

The registry (:func:`registered`) lists every op block; the formula language, ``nn``'s
activations and the torch bridge derive their lists of functions from it, so a new op is one
block (and one test row).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any, ClassVar, Protocol, TypeAlias, TypeVar


class Differentiable(Protocol):
    """What a bprop may do with a Value: the arithmetic and functions numbers also have.

    (A structural type, so that the op blocks need not import :class:`~.value.Value`.)
    """

    data: Any

    def __add__(self, other: Any, /) -> Differentiable: ...
    def __radd__(self, other: Any, /) -> Differentiable: ...
    def __sub__(self, other: Any, /) -> Differentiable: ...
    def __rsub__(self, other: Any, /) -> Differentiable: ...
    def __mul__(self, other: Any, /) -> Differentiable: ...
    def __rmul__(self, other: Any, /) -> Differentiable: ...
    def __truediv__(self, other: Any, /) -> Differentiable: ...
    def __rtruediv__(self, other: Any, /) -> Differentiable: ...
    def __pow__(self, other: Any, /) -> Differentiable: ...
    def __neg__(self) -> Differentiable: ...

    def exp(self) -> Differentiable:
        """eᵃ."""

    def log(self) -> Differentiable:
        """ln a."""

    def sin(self) -> Differentiable:
        """sin a."""

    def cos(self) -> Differentiable:
        """cos a."""

    def sigmoid(self) -> Differentiable:
        """σ(a) = 1/(1 + e⁻ᵃ)."""


#: A number as the engine computes with it: a float, or an exact rational (see .exact).
Number: TypeAlias = float | Fraction
#: A number in, the same kind of number out (|a| of an exact number is exact).
SameNumber = TypeVar("SameNumber", float, Fraction)
#: What a bprop computes with: numbers, or Values when a derivative graph is being built.
Scalar: TypeAlias = float | Fraction | Differentiable
Inputs: TypeAlias = tuple[Scalar, ...]
Contributions: TypeAlias = tuple[Scalar, ...]
#: ``bprop(inputs, out, G) -> (G · ∂out/∂input for each input)``
Bprop: TypeAlias = Callable[[Inputs, Scalar, Scalar], Contributions]


class OutsideDomain(Exception):
    """Raised by a forward rule outside its op's domain (log of 0, division by 0, …).

    ``message`` may name the operands as ``{0}``, ``{1}``: the engine fills in their labels and
    values. ``kind`` is the exception the user sees (ValueError or ZeroDivisionError).
    ``ieee`` is the value IEEE arithmetic (and PyTorch) gives instead, used inside derivative
    graphs, where a singular derivative (∂√a/∂a at 0) must stay a node, not stop the pass.
    """

    def __init__(self, message: str, *, ieee: float = math.nan,
                 kind: type[ArithmeticError | ValueError] = ValueError) -> None:
        super().__init__(message)
        self.message = message
        self.ieee = ieee
        self.kind = kind


#: What an op is used for, beyond being a node of a graph (``Op.group``).
LEAF, ARITHMETIC, FUNCTION, ACTIVATION, VECTOR = "leaf", "arithmetic", "function", \
    "activation", "vector"


class Op:
    """One kind of operation: its name, how to write and draw it, and its rules.

    Subclasses are the op blocks. Class attributes say what the op is; an instance is what a
    node records (most ops have one instance; a kink twin or a parametrised op, such as
    ``a ** 3`` or ``leaky_relu(0.2)``, is an instance of its own).
    """

    __slots__ = ("at_kink", "param")

    #: the block's name ("tanh", "pow", "leaky_relu"); ``name`` adds a parameter if any
    kind: ClassVar[str] = "op"
    #: the op's sign in drawings ("+", "σ", …)
    symbol: ClassVar[str] = "?"
    #: how an expression writes it, {0}, {1} the operands (see .expression)
    notation: ClassVar[str] = ""
    #: binding strength in an expression: 1 for + −, 2 for · /, 3 for unary −, 4 for powers
    precedence: ClassVar[int] = 9
    #: the op as micrograd spells ``_op`` ('+', '*', 'ReLU', ''), for code written against it
    micrograd: ClassVar[str] = ""
    #: how many inputs (None: any number)
    arity: ClassVar[int | None] = 1
    #: LEAF, ARITHMETIC, FUNCTION (a formula's f(x)), ACTIVATION (also nn's), VECTOR
    group: ClassVar[str] = ARITHMETIC
    #: a leaf's role: "input", "param" or "const" ("" for computed nodes)
    leaf_role: ClassVar[str] = ""
    #: the ``torch`` function computing the same thing ("sigmoid": torch.sigmoid), if any
    torch: ClassVar[str | None] = None
    #: the ``torch.nn`` module of an activation ("Sigmoid"), for carrying a network to torch
    torch_module: ClassVar[str | None] = None
    #: how many numbers the op takes besides its input (leaky_relu's slope: 1)
    params: ClassVar[int] = 0
    #: True for ops whose derivative does not exist at 0 (relu, abs, step, leaky_relu)
    kinked: ClassVar[bool] = False
    #: first line of the docstring: "out = tanh a;  ∂out/∂a = 1 − out²"
    formula: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Read each block's formula from its docstring and add the block to the registry."""
        super().__init_subclass__(**kwargs)
        if cls.__doc__:
            cls.formula = cls.__doc__.strip().splitlines()[0]
        known = _REGISTRY.get(cls.kind)
        if known is not None and known.__module__.startswith(__package__ or "autograd_core"):
            raise TypeError(f"the engine already has an op named {cls.kind!r} "
                            f"({known.__qualname__}): give yours another kind")
        _REGISTRY[cls.kind] = cls  # an op of one's own may be defined again (a notebook cell)

    def __init__(self, param: Any = None, *, at_kink: bool = False) -> None:
        self.param = param
        self.at_kink = at_kink
        # The backward loop reads op.bprop once per node. Read through the class, a
        # staticmethod is a descriptor call each time; kept on the instance it is a plain
        # load, twice as fast (about 2% of a backward pass, measured with callgrind).
        self.bprop = self.bprop  # type: ignore[misc]  # the blocks have a __dict__

    # Each block defines these two (as staticmethods, or methods when the op has a param).
    forward: Callable[..., Number]
    bprop: Bprop | None = None

    @property
    def is_leaf(self) -> bool:
        """True for inputs, parameters and constants (ops with no derivative rule)."""
        return self.bprop is None

    @property
    def name(self) -> str:
        """The op's name, with its parameter if it has one: "tanh", "pow3", "leaky_relu(0.2)"."""
        return self.kind if self.param is None else self.named(self.param)

    @classmethod
    def named(cls, param: Any) -> str:
        """The name of this block's op with parameter ``param`` (blocks with one override it)."""
        return f"{cls.kind}({param:g})"

    def __reduce__(self) -> str | tuple[Any, ...]:
        """Copying or pickling a graph keeps its ops the engine's own objects (the engine
        tells ops apart by identity: ``op is NUMBER``)."""
        return (_same_op, (self.kind, self.param, self.at_kink))

    def __repr__(self) -> str:
        kink = ", at_kink=True" if self.at_kink else ""
        return f"Op({self.name!r}{kink})"


_REGISTRY: dict[str, type[Op]] = {}
# one op object per (block, param, kink): the engine tells ops apart by identity
_INSTANCES: dict[tuple[str, Any, bool], Op] = {}
_PARAMETRISED_MAX = 4096  # powers and slopes: few in practice; the pool is emptied past this


def instance(block: type[Op], param: Any = None, at_kink: bool = False) -> Op:
    """The op object for a block with this parameter and kink flag (one object each)."""
    key = (block.kind, param, at_kink)
    op = _INSTANCES.get(key)
    if op is None:
        if param is not None and len(_INSTANCES) > _PARAMETRISED_MAX:
            for k in [k for k in _INSTANCES if k[1] is not None]:
                del _INSTANCES[k]
        op = _INSTANCES[key] = block(param, at_kink=at_kink)
    return op


def _same_op(name: str, param: Any, at_kink: bool) -> Op:
    return instance(_REGISTRY[name], param, at_kink)


def registered(group: str | None = None) -> Iterator[type[Op]]:
    """The op blocks, in the order they were written (only those of one ``group``, if given)."""
    return (b for b in _REGISTRY.values() if group is None or b.group == group)


def elementwise() -> dict[str, type[Op]]:
    """The functions of one number a formula may call, by name: every FUNCTION and
    ACTIVATION block (``Value`` has a method of the same name for each)."""
    return {b.kind: b for b in _REGISTRY.values() if b.group in (FUNCTION, ACTIVATION)}


def block(name: str) -> type[Op]:
    """The op block called ``name`` (KeyError with the known names otherwise)."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"no op is called {name!r} (ops: {', '.join(_REGISTRY)})") from None
