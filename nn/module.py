"""``Module``: what every network piece shares.

* ``named_parameters()`` -- ``(dotted name, Value)`` pairs in a fixed order, e.g.
  ``layers.0.neurons.2.w.1``; every parameter's ``label`` is its name (``relabel``), so a
  drawing of the graph shows which weight is which;
* ``parameters()`` (a list, as micrograd), ``zero_grad()``, ``num_parameters()``;
* ``train()`` / ``eval()`` (dropout and batch norm behave differently in the two modes);
* ``save(path)`` / ``load(path)``: a versioned JSON file, written atomically; loading checks
  everything (format, version, architecture, names, numbers) before touching the model.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from autograd_core import Value

FORMAT = "autograd-core/nn"
VERSION = 1

#: Module classes by name, so a saved file can rebuild its model (``load_model``).
REGISTRY: dict[str, type[Module]] = {}


class ModelFileError(ValueError):
    """A model file that cannot be loaded into this model (the model was left untouched)."""


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


class Module:
    """Base class: override ``_own_parameters``, ``children``, and ``spec`` where needed."""

    training: bool = True
    _prefix: str = ""
    _spec_type: ClassVar[str] = "Module"

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        cls._spec_type = cls.__name__
        REGISTRY[cls.__name__] = cls

    # ------------------------------------------------------------ structure
    def _own_parameters(self) -> list[tuple[str, Value]]:
        """This module's own parameters (not its children's), with local names."""
        return []

    def children(self) -> list[tuple[str, Module]]:
        """Sub-modules with their local names, in order."""
        return []

    def _own_buffers(self) -> list[tuple[str, float]]:
        """Saved state that is not trained by gradient (batch norm's running statistics)."""
        return []

    def _set_buffer(self, name: str, value: float) -> None:
        raise KeyError(name)

    def named_parameters(self, prefix: str = "") -> list[tuple[str, Value]]:
        """Every parameter with its dotted name, in a fixed order (own first, then children)."""
        out = [(_join(prefix, n), p) for n, p in self._own_parameters()]
        for name, child in self.children():
            out.extend(child.named_parameters(_join(prefix, name)))
        return out

    def named_buffers(self, prefix: str = "") -> list[tuple[str, float]]:
        out = [(_join(prefix, n), v) for n, v in self._own_buffers()]
        for name, child in self.children():
            out.extend(child.named_buffers(_join(prefix, name)))
        return out

    def modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every sub-module, depth first, with dotted names."""
        yield prefix, self
        for name, child in self.children():
            yield from child.modules(_join(prefix, name))

    def parameters(self) -> list[Value]:
        """All trainable Values, as a list (micrograd's API)."""
        return [p for _, p in self.named_parameters()]

    def weight_parameters(self) -> list[Value]:
        """The parameters a weight penalty usually covers: weights, not biases or γ, β.
        (With an implicit bias the bias is the weight ``w.0`` of the input x₀ = 1, and is
        included, as it is in seed 000's and 003's notation.)"""
        return [p for n, p in self.named_parameters() if ".w." in f".{n}"]

    def num_parameters(self) -> int:
        return len(self.parameters())

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (call before each ``backward()``)."""
        for p in self.parameters():
            p.grad = 0.0

    def relabel(self, prefix: str = "") -> Module:
        """Name every parameter's Value after its dotted name under ``prefix``, and give every
        sub-module its prefix (used to label the nodes its forward pass creates)."""
        for name, module in self.modules(prefix):
            module._prefix = name
            module._renamed()
        for name, p in self.named_parameters(prefix):
            p.label = name
        return self

    def _renamed(self) -> None:
        """Hook: the module's ``_prefix`` just changed (neurons recompute their node labels)."""

    # ------------------------------------------------------------ modes
    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active, batch norm uses batch statistics)."""
        for _, m in self.modules():
            m.training = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode (dropout off, batch norm uses its running statistics)."""
        return self.train(False)

    # ------------------------------------------------------------ saving
    def spec(self) -> dict[str, Any]:
        """The architecture, as JSON-able data; a file loads only into an equal spec."""
        return {"type": self._spec_type}

    def state_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "model": self.spec(),
            "parameters": {n: p.data for n, p in self.named_parameters()},
            "buffers": dict(self.named_buffers()),
        }

    def load_state_dict(self, state: Any, *, source: str = "state") -> None:
        """Check ``state`` completely, then copy its numbers in (grads reset to 0).

        Raises :class:`ModelFileError` naming the problem; the model is untouched then.
        """
        params, buffers = _validate(self, state, source)
        for name, p in self.named_parameters():
            p.data = params[name]
            p.grad = 0.0
        for prefix, module in self.modules():
            for local, _ in module._own_buffers():
                module._set_buffer(local, buffers[_join(prefix, local)])

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the model to ``path`` as JSON (atomically: a crash leaves the old file)."""
        path = Path(path)
        text = json.dumps(self.state_dict(), indent=1)
        fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return path

    def load(self, path: str | os.PathLike[str]) -> Module:
        """Load numbers saved by ``save`` into this model (same architecture)."""
        self.load_state_dict(read_model_file(path), source=str(path))
        return self


def read_model_file(path: str | os.PathLike[str]) -> Any:
    """The parsed JSON of a model file; a truncated or non-JSON file is a ModelFileError."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise ModelFileError(f"{path}: not a model file (not UTF-8 text: {e.reason} at byte "
                             f"{e.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ModelFileError(
            f"{path}: not a complete model file (truncated or not JSON: {e.msg} at line "
            f"{e.lineno}, column {e.colno})"
        ) from None


def load_model(path: str | os.PathLike[str]) -> Module:
    """Rebuild a model from its file alone (its class and sizes are in the file)."""
    state = read_model_file(path)
    _check_header(state, str(path))
    model = build_from_spec(state.get("model"), str(path))
    model.load_state_dict(state, source=str(path))
    return model


def build_from_spec(spec: Any, source: str = "spec") -> Module:
    if not isinstance(spec, dict) or spec.get("type") not in REGISTRY:
        raise ModelFileError(f"{source}: unknown model description {spec!r}")
    cls = REGISTRY[spec["type"]]
    return cls.from_spec(spec)  # type: ignore[attr-defined]


def _check_header(state: Any, source: str) -> None:
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ModelFileError(f"{source}: not an {FORMAT} model file")
    version = state.get("version")
    if version != VERSION:
        raise ModelFileError(
            f"{source}: file format version {version!r}, but this library reads version "
            f"{VERSION}"
        )


def _numbers(d: Any, what: str, expected: list[str], source: str) -> dict[str, float]:
    if not isinstance(d, dict):
        raise ModelFileError(f"{source}: '{what}' must be an object of name: number")
    missing = [n for n in expected if n not in d]
    extra = [n for n in d if n not in set(expected)]
    if missing or extra:
        raise ModelFileError(
            f"{source}: {what} do not match the model: missing {missing[:5]}, "
            f"unexpected {extra[:5]}"
        )
    out = {}
    for n in expected:
        v = d[n]
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ModelFileError(f"{source}: {what[:-1]} {n!r} is {v!r}, not a number")
        out[n] = float(v)
        if what == "parameters" and not math.isfinite(out[n]):
            raise ModelFileError(f"{source}: parameter {n!r} is {v!r}, not a finite number")
    return out


def _validate(model: Module, state: Any, source: str) -> tuple[dict[str, float], dict[str, float]]:
    _check_header(state, source)
    spec, mine = state.get("model"), model.spec()
    if spec != mine:
        raise ModelFileError(
            f"{source}: architecture mismatch: the file holds {spec!r}, the model is {mine!r}"
        )
    params = _numbers(state.get("parameters"), "parameters",
                      [n for n, _ in model.named_parameters()], source)
    buffers = _numbers(state.get("buffers", {}), "buffers",
                       [n for n, _ in model.named_buffers()], source)
    return params, buffers
