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

import hashlib
import json
import math
import os
import socket
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from autograd_core import Value
from autograd_core.files import Refused, read_limited

from . import model_spec
from .model_spec import ModelFileError, show

__all__ = ["FORMAT", "VERSION", "ModelFileError", "Module", "build_from_spec", "load_model",
           "read_model_file", "remove_unfinished_saves"]

FORMAT = "autograd-core/nn"
VERSION = 1

def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


class Module:
    """Base class: override ``_own_parameters``, ``children``, and ``spec`` where needed."""

    training: bool = True
    _prefix: str = ""
    _spec_type: ClassVar[str] = "Module"
    #: each kind of module defines it: called on one example, or on a batch when the class
    #: says ``acts_on_batch = True`` (see :class:`~nn.sequential.Sequential`)
    __call__: Callable[..., Any]

    def __init_subclass__(cls, **kw: Any) -> None:
        """Every subclass describes itself by its class name in ``spec()``."""
        super().__init_subclass__(**kw)
        cls._spec_type = cls.__name__

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

    def _check_buffer(self, name: str, value: float) -> str | None:
        """What is wrong with a finite ``value`` loaded for buffer ``name`` (None: nothing)."""
        return None

    def named_parameters(self, prefix: str = "") -> list[tuple[str, Value]]:
        """Every parameter with its dotted name, in a fixed order (own first, then children)."""
        out = [(_join(prefix, n), p) for n, p in self._own_parameters()]
        for name, child in self.children():
            out.extend(child.named_parameters(_join(prefix, name)))
        return out

    def named_buffers(self, prefix: str = "") -> list[tuple[str, float]]:
        """Every buffer (saved, not trained) with its dotted name, in the parameters' order."""
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
        """How many parameters: Σ over the Values of ``parameters()``."""
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
        """What ``save`` writes: format, version, architecture, parameters and buffers."""
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
        """Write the model to ``path`` as JSON, atomically: a crash leaves the old file.

        The numbers go to a temporary ``.NAME.partial-save-HOST-PID-XXXX.tmp`` beside the file,
        which then replaces it. A process killed in between (SIGKILL, power loss) leaves that
        temporary behind: its name says it is an unfinished save, safe to delete, and the
        next ``save`` to the same path deletes those of processes no longer running.
        """
        path = Path(path)
        text = json.dumps(self.state_dict(), indent=1)
        remove_unfinished_saves(path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_partial_prefix(path.name, os.getpid()),
                                   suffix=".tmp")
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


def _partial_prefix(name: str, pid: int) -> str:
    host = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
    return f".{name}.partial-save-{host}-{pid}-"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent, only whether the process exists
    except ProcessLookupError:
        return False
    except OSError:  # another user's process (PermissionError): alive
        return True
    return True


def remove_unfinished_saves(path: str | os.PathLike[str]) -> list[Path]:
    """Delete the temporaries that killed ``save`` calls to ``path`` left behind.

    Only those written on this machine by a process that is no longer running: a save in
    progress (in another process, or another thread of this one) keeps its temporary.
    Returns the files deleted. (Not on Windows, where signal 0 would end a process.)
    """
    path = Path(path)
    if os.name == "nt":
        return []
    mine = _partial_prefix(path.name, os.getpid())
    prefix = mine.rsplit("-", 2)[0] + "-"
    removed = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return []
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid = name[len(prefix):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _running(int(pid)):
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def read_model_file(path: str | os.PathLike[str]) -> Any:
    """The parsed JSON of a model file: one that is too big, truncated, not JSON, nested too
    deeply or holding a number too long is a ModelFileError (a missing one an OSError)."""
    limit = model_spec.MAX_FILE_BYTES
    try:  # in pieces, regular files only: /dev/zero, a pipe or a 10 GB file is never read whole
        data = read_limited(path, limit, "a model file")
    except Refused as e:
        if e.oserror is not None:  # missing, permissions: the OSError open() gives
            raise e.oserror from None
        limit_named = " (the limit nn.model_spec.MAX_FILE_BYTES)" if e.too_large else ""
        raise ModelFileError(f"{path}: {e.reason}{limit_named}") from None
    try:
        text = data.decode("utf-8")
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
    except RecursionError:
        raise ModelFileError(f"{path}: not a model file (JSON nested too deeply)") from None
    except ValueError:  # Python's limit of 4300 digits for an integer
        raise ModelFileError(f"{path}: not a model file (a number with more than "
                             f"{sys.get_int_max_str_digits()} digits)") from None


def load_model(path: str | os.PathLike[str]) -> Module:
    """Rebuild a model from its file alone (its class and sizes are in the file).

    The description is checked before anything is built (:mod:`nn.model_spec`): every field,
    the limits, and that the file lists as many numbers as the model would have, so the
    model is no bigger than its file. Every problem is a :class:`ModelFileError`.
    """
    source = str(path)
    state = read_model_file(path)
    _check_header(state, source)
    model_spec.check_counts(model_spec.check_spec(state.get("model"), source), state, source)
    model = build_from_spec(state["model"], source)
    model.load_state_dict(state, source=source)
    return model


def _loadable() -> dict[str, Any]:
    """The classes a file may name: the library's own (a user's class of the same name does
    not replace them)."""
    from .layers import MLP, Layer, Neuron
    from .perceptron import Perceptron
    from .regularization import BatchNorm, Dropout
    from .sequential import Sequential

    return {c.__name__: c for c in (MLP, Layer, Neuron, Perceptron, BatchNorm, Dropout,
                                    Sequential)}


def build_from_spec(spec: Any, source: str = "spec") -> Module:
    """The module a description (``Module.spec()``) stands for, with zero parameters;
    checked first (:func:`nn.model_spec.check_spec`)."""
    model_spec.check_spec(spec, source)
    try:
        model: Module = _loadable()[spec["type"]].from_spec(spec)
    except (ValueError, TypeError, KeyError) as e:  # a check missing from model_spec
        raise ModelFileError(f"{source}: the model could not be built: {e}") from None
    return model


def _check_header(state: Any, source: str) -> None:
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ModelFileError(f"{source}: not an {FORMAT} model file")
    version = state.get("version")
    if type(version) is not int or version != VERSION:
        raise ModelFileError(
            f"{source}: file format version {show(version)}, but this library reads version "
            f"{VERSION}"
        )


def _number(v: Any, what: str, name: str, source: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ModelFileError(f"{source}: {what} {show(name)} is {show(v)}, not a number")
    x = float(v) if isinstance(v, float) or abs(v) < 2**1023 else math.inf
    if not math.isfinite(x):
        raise ModelFileError(f"{source}: {what} {show(name)} is {show(v)}, not a finite number")
    return x


def _numbers(d: Any, what: str, expected: list[str], source: str) -> dict[str, float]:
    if not isinstance(d, dict):
        raise ModelFileError(f"{source}: '{what}' must be an object of name: number, got "
                             f"{show(d)}")
    known = set(expected)
    missing = [n for n in expected if n not in d]
    extra = [n for n in d if n not in known]
    if missing or extra:
        raise ModelFileError(
            f"{source}: {what} do not match the model: missing {show(missing)}, "
            f"unexpected {show(extra)}"
        )
    return {n: _number(d[n], what[:-1], n, source) for n in expected}


def _mismatch(spec: Any, mine: dict[str, Any]) -> str:
    """The fields where two descriptions differ, for the architecture-mismatch message."""
    if not isinstance(spec, dict):
        return f"the file holds {show(spec)}, the model is a {mine['type']}"
    keys = list(mine) + [k for k in spec if k not in mine]
    parts = [f"{k}: {show(spec.get(k))} in the file, {show(mine.get(k))} in the model"
             for k in keys if spec.get(k) != mine.get(k)]
    return "; ".join(parts)


def _validate(model: Module, state: Any, source: str) -> tuple[dict[str, float], dict[str, float]]:
    _check_header(state, source)
    spec, mine = state.get("model"), model.spec()
    if mine.get("type") in model_spec.TYPES:
        model_spec.check_spec(spec, source)
    if spec != mine:
        raise ModelFileError(f"{source}: architecture mismatch: {_mismatch(spec, mine)}")
    params = _numbers(state.get("parameters"), "parameters",
                      [n for n, _ in model.named_parameters()], source)
    buffers = _numbers(state.get("buffers", {}), "buffers",
                       [n for n, _ in model.named_buffers()], source)
    for prefix, module in model.modules():
        for local, _ in module._own_buffers():
            name = _join(prefix, local)
            problem = module._check_buffer(local, buffers[name])
            if problem:
                raise ModelFileError(f"{source}: buffer {show(name)} is {buffers[name]!r}: "
                                     f"{problem}")
    return params, buffers
