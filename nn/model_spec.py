"""What a model file may describe, checked before anything is built.

A model file (``Module.save``) holds the architecture (``"model"``), then one number per
parameter and per buffer. ``load_model`` builds the architecture, so a tiny file saying
``"nouts": [1000000000, 1]`` would allocate without bound. :func:`check_spec` reads the
description first, with no recursion and no allocation beyond the file's own data: every
field's type and range, unknown or missing fields, and the size of what it would build::

    parameters = Σ over neurons of (nin + [bias])   (BatchNorm: 2·features)
    buffers    = Σ over batch norms of 2·features
    modules    = every Module object built (an MLP counts itself, its layers, its neurons)

A description passes only within the limits below (module constants: a user who really
needs a bigger model can raise them), and ``load_model`` then also requires the counts to
equal those of the file's own ``"parameters"`` and ``"buffers"``: the model it builds is no
bigger than the file that describes it. Every problem is a :class:`ModelFileError` that
names the file and the field (``model.modules[1].nout``).
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from .activations import ACTIVATIONS

#: At most this many parameters in a model a file describes (about 300 bytes each in memory).
MAX_PARAMETERS = 1_000_000
#: At most this many Module objects (neurons, layers, …; about 1 kB each).
MAX_MODULES = 200_000
#: At most this many levels of ``Sequential`` inside ``Sequential``.
MAX_DEPTH = 32
#: A model file larger than this is refused before it is parsed (parsing JSON takes up to
#: about 25 times the file's size in memory).
MAX_FILE_BYTES = 100_000_000

BIAS_MODES = ("explicit", "none", "implicit")
_short = reprlib.Repr()
_short.maxlevel, _short.maxstring, _short.maxother, _short.maxlist, _short.maxdict = 2, 40, 40, 4, 4


class ModelFileError(ValueError):
    """A model file that cannot be loaded into this model (the model was left untouched)."""


def show(value: Any) -> str:
    """A short, always printable description of a value read from a file (for messages)."""
    if isinstance(value, int) and value.bit_length() > 100:  # str() fails past 4300 digits
        return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    try:
        return _short.repr(value)
    except (RecursionError, ValueError):
        return f"a {type(value).__name__}"


@dataclass
class Size:
    """What a description builds: parameters, buffers and Module objects."""

    parameters: int = 0
    buffers: int = 0
    modules: int = 0

    def add(self, other: Size) -> None:
        """Count ``other`` in too."""
        self.parameters += other.parameters
        self.buffers += other.buffers
        self.modules += other.modules


class Fields:
    """The fields of one module's description, read one by one with their checks."""

    def __init__(self, spec: dict[str, Any], where: str, source: str) -> None:
        """``spec``: the description found at ``where`` (``model.modules[1]``) in ``source``."""
        self.spec, self.where, self.source = spec, where, source
        self.read = {"type"}

    def fail(self, message: str, key: str | None = None) -> NoReturn:
        """Raise the error for this description (``key``: the field at fault)."""
        where = f"{self.where}.{key}" if key else self.where
        raise ModelFileError(f"{self.source}: {where}: {message}")

    def get(self, key: str, default: Any = None) -> Any:
        """The field ``key`` (required unless a ``default`` is given)."""
        self.read.add(key)
        if key in self.spec:
            return self.spec[key]
        if default is None:
            self.fail(f"missing field {key!r} in the {self.spec['type']} description")
        return default

    def whole(self, key: str, minimum: int) -> int:
        """A whole number ≥ ``minimum`` (JSON ``true`` is not a number here)."""
        return self.whole_item(self.get(key), minimum, key)

    def whole_item(self, value: Any, minimum: int, key: str) -> int:
        """``value`` (read from the field ``key``) if it is a whole number ≥ ``minimum``."""
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(f"must be a whole number ≥ {minimum}, got {show(value)}", key)
        return value

    def number(self, key: str, low: float, high: float, default: float | None = None) -> float:
        """A finite number in [low, high]."""
        v = self.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int | float):
            self.fail(f"must be a number, got {show(v)}", key)
        if not (isinstance(v, int) or math.isfinite(v)) or not low <= v <= high:
            self.fail(f"must be a finite number in [{low:g}, {high:g}], got {show(v)}", key)
        return float(v)

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        """The field ``key``, one of ``options``."""
        return self.pick(self.get(key), options, key)

    def pick(self, value: Any, options: tuple[str, ...], key: str) -> str:
        """``value`` (read from the field ``key``) if it is one of ``options``."""
        if not isinstance(value, str) or value not in options:
            self.fail(f"must be one of {', '.join(options)}; got {show(value)}", key)
        return value

    def array(self, key: str) -> list[Any]:
        """A JSON array."""
        v = self.get(key)
        if not isinstance(v, list):
            self.fail(f"must be a list, got {show(v)}", key)
        return v

    def done(self) -> None:
        """Refuse the fields nothing read (a typo, or a file from another version)."""
        unknown = [k for k in self.spec if k not in self.read]
        if unknown:
            self.fail(f"unknown field {show(unknown[0])} in the {self.spec['type']} "
                      f"description (it has: {', '.join(sorted(self.read))})")


def _slope(f: Fields, activations: list[str]) -> None:
    if "leaky_relu" in activations or "slope" in f.spec:
        f.number("slope", -1e6, 1e6, default=0.01)


def _neuron_weights(f: Fields, nin: int) -> int:
    return nin + (f.choice("bias", BIAS_MODES) != "none")


def _neuron(f: Fields) -> Size:
    nin = f.whole("nin", 0)
    activation = f.choice("activation", tuple(a for a in ACTIVATIONS if a != "softmax"))
    _slope(f, [activation])
    return Size(parameters=_neuron_weights(f, nin), modules=1)


def _layer(f: Fields) -> Size:
    nin, nout = f.whole("nin", 0), f.whole("nout", 1)
    _slope(f, [f.choice("activation", ACTIVATIONS)])
    return Size(parameters=nout * _neuron_weights(f, nin), modules=1 + nout)


def _mlp(f: Fields) -> Size:
    nin, nouts, acts = f.whole("nin", 0), f.array("nouts"), f.array("activations")
    if not nouts or len(acts) != len(nouts):
        f.fail(f"{len(nouts)} layer sizes and {len(acts)} activations: both lists must "
               "have one entry per layer (at least one)")
    sizes = [nin] + [f.whole_item(n, 1, f"nouts[{i}]") for i, n in enumerate(nouts)]
    hidden = tuple(a for a in ACTIVATIONS if a != "softmax")
    names = [f.pick(a, ACTIVATIONS if i == len(acts) - 1 else hidden, f"activations[{i}]")
             for i, a in enumerate(acts)]
    bias = _neuron_weights(f, 0)
    _slope(f, names)
    params = sum(n * (m + bias) for m, n in zip(sizes, sizes[1:], strict=False))
    return Size(parameters=params, modules=1 + len(nouts) + sum(sizes[1:]))


def _dropout(f: Fields) -> Size:
    f.number("p", 0.0, 1.0)
    return Size(modules=1)


def _batch_norm(f: Fields) -> Size:
    n = f.whole("num_features", 1)
    f.number("eps", 0.0, 1e6)
    f.number("momentum", 0.0, 1.0)
    return Size(parameters=2 * n, buffers=2 * n, modules=1)


def _perceptron(f: Fields) -> Size:
    return Size(parameters=f.whole("nin", 0) + 1, modules=1)


#: The checks of each type a file may name (Sequential is walked by check_spec itself).
CHECKS: dict[str, Callable[[Fields], Size]] = {
    "Neuron": _neuron, "Layer": _layer, "MLP": _mlp, "Dropout": _dropout,
    "BatchNorm": _batch_norm, "Perceptron": _perceptron,
}
TYPES = (*CHECKS, "Sequential")


def check_spec(spec: Any, source: str) -> Size:
    """Check a model description completely (iteratively), and return what it would build.

    Raises :class:`ModelFileError` naming ``source`` and the field at fault, including when
    the size exceeds :data:`MAX_PARAMETERS`, :data:`MAX_MODULES` or :data:`MAX_DEPTH`.
    """
    total = Size()
    pending: list[tuple[Any, str, int]] = [(spec, "model", 0)]
    while pending:
        item, where, depth = pending.pop()
        if not isinstance(item, dict) or item.get("type") not in TYPES:
            kind = item.get("type") if isinstance(item, dict) else item
            raise ModelFileError(f"{source}: {where}: not a model description: expected an "
                                 f"object with \"type\" one of {', '.join(TYPES)}, got "
                                 f"{show(kind)}")
        f = Fields(item, where, source)
        if item["type"] == "Sequential":
            if depth >= MAX_DEPTH:
                f.fail(f"Sequential nested more than {MAX_DEPTH} deep (the limit, "
                       "nn.model_spec.MAX_DEPTH)")
            modules = f.array("modules")
            pending.extend((m, f"{where}.modules[{i}]", depth + 1)
                           for i, m in reversed(list(enumerate(modules))))
            size = Size(modules=1)
        else:
            size = CHECKS[item["type"]](f)
        f.done()
        total.add(size)
        _within_limits(total, source)
    return total


def _within_limits(size: Size, source: str) -> None:
    for what, count, limit, name in (
        ("parameters", size.parameters, MAX_PARAMETERS, "MAX_PARAMETERS"),
        ("modules (neurons, layers, …)", size.modules, MAX_MODULES, "MAX_MODULES"),
    ):
        if count > limit:
            many = f"{count:,}" if count < 10**18 else "more than 10^18"
            raise ModelFileError(
                f"{source}: the model described has {many} {what}; load_model builds at "
                f"most {limit:,} (the limit nn.model_spec.{name})"
            )


def check_counts(size: Size, state: dict[str, Any], source: str) -> None:
    """The file must list exactly as many parameters and buffers as its model has."""
    for what, count in (("parameters", size.parameters), ("buffers", size.buffers)):
        listed = state.get(what, {})
        if not isinstance(listed, dict):
            raise ModelFileError(f"{source}: '{what}' must be an object of name: number, got "
                                 f"{show(listed)}")
        if len(listed) != count:
            raise ModelFileError(f"{source}: the model described has {count:,} {what}, but "
                                 f"the file lists {len(listed):,}")
