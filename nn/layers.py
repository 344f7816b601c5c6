"""Neurons, layers and multi-layer perceptrons, as the slides draw them.

A neuron computes its pre-activation and its output::

    a = Σᵢ wᵢ·xᵢ + b        (explicit bias b)
    a = Σᵢ wᵢ·xᵢ, x₀ = 1     (implicit bias: w₀ is the bias, seed 000 and 003)
    out = f(a)

A layer stacks ``nout`` neurons over the same inputs: x⁽ᵏ⁾ = f(W⁽ᵏ⁾ x⁽ᵏ⁻¹⁾ + β⁽ᵏ⁾) with
W⁽ᵏ⁾ of shape out × in, row i holding neuron i's weights (seed 001's convention). An MLP
chains layers. micrograd's signatures keep working: ``Neuron(nin, nonlin=True)``,
``Layer(nin, nout, **kw)``, ``MLP(nin, nouts)`` (ReLU hidden layers, linear output), and
weights drawn from U[−1, 1] with Python's ``random`` by default, in micrograd's order.

Each forward pass labels the nodes it creates: ``<prefix>.a`` (pre-activation) and
``<prefix>.out`` (output), e.g. ``layers.0.neurons.2.out``. With the identity activation the
pre-activation *is* the output and is labelled ``.out``. A layer keeps its last input and its
neurons keep their last ``a`` and ``out`` nodes, so the matrices the slides print can be read
back after a forward and a backward pass: ``weights``, ``biases``, ``weight_grads``,
``bias_grads``, ``inputs``, ``pre_activations``, ``activations`` and ``deltas`` (∂l/∂a, seed
000's δ).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_core import Value, gc_paused

from . import activations as act
from . import functional as F
from .init import RNG, Initializer, get_initializer, make_rng
from .module import Module

Bias = bool | str  # True/"explicit", False/"none", "implicit"
Vector = Sequence[Value | float]
Matrix = Sequence[Sequence[float]]


def _shape(W: Matrix, k: int) -> tuple[int, int]:
    rows = [list(r) for r in W]
    if not rows or not rows[0] or any(len(r) != len(rows[0]) for r in rows):
        raise ValueError(f"weight matrix {k} must be a non-empty rectangle, got {W!r}")
    return len(rows), len(rows[0])


def transpose(W: Matrix) -> list[list[float]]:
    """Wᵀ: rows become columns."""
    return [list(col) for col in zip(*W, strict=False)]


def _bias_mode(bias: Bias) -> str:
    modes = {True: "explicit", False: "none", "explicit": "explicit", "none": "none",
             "implicit": "implicit"}
    try:
        return modes[bias]
    except (KeyError, TypeError):
        raise ValueError(
            f"bias must be True/'explicit', False/'none' or 'implicit', got {bias!r}"
        ) from None


def _label(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


class Neuron(Module):
    """One unit: out = f(Σᵢ wᵢxᵢ + b).

    ``Neuron(nin, nonlin=True)`` is micrograd's (ReLU, or linear with ``nonlin=False``);
    ``activation=`` names any activation of :mod:`nn.activations` and wins over ``nonlin``.
    ``bias``: True (a parameter ``b``, initialised to 0), False (none), or ``"implicit"``
    (a constant input x₀ = 1 with weight ``w.0``; the inputs' weights are ``w.1`` … ``w.nin``).
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool = True,
        *,
        activation: str | None = None,
        bias: Bias = True,
        init: str | Initializer = "uniform",
        rng: RNG = None,
        slope: float = 0.01,
        nout: int = 1,
        _name: bool = True,
    ) -> None:
        if not isinstance(nin, int) or isinstance(nin, bool) or nin < 0:
            raise ValueError(f"Neuron: nin must be a non-negative int, got {nin!r}")
        self.activation = act.check_activation(
            activation if activation is not None else ("relu" if nonlin else "identity"),
            output=False,
        )
        self.nonlin = self.activation != "identity"
        self.slope = float(slope)
        self.bias = _bias_mode(bias)
        self.nin = nin
        f, source = get_initializer(init), make_rng(rng)
        n_weights = nin + (self.bias == "implicit")
        self.w = [Value(f(nin, nout, source), role="param") for _ in range(n_weights)]
        self.b = Value(0.0, role="param") if self.bias == "explicit" else None
        self._last_a: Value | None = None
        self._last_out: Value | None = None
        if _name:  # a container names its parts once, when it is complete
            self.relabel(self._prefix)

    def _own_parameters(self) -> list[tuple[str, Value]]:
        named = [(f"w.{i}", w) for i, w in enumerate(self.w)]
        if self.b is not None:
            named.append(("b", self.b))
        return named

    def _renamed(self) -> None:
        self._a_label = _label(self._prefix, "a")
        self._out_label = _label(self._prefix, "out")

    # ------------------------------------------------------------ forward
    def preactivation(self, x: Vector) -> Value:
        """a = Σᵢ wᵢxᵢ + b: products and one n-ary sum node, labelled ``<prefix>.a``."""
        if len(x) != self.nin:
            raise ValueError(f"{self!r} expects {self.nin} inputs, got {len(x)}: {list(x)!r}")
        if self.bias == "implicit":
            x0 = Value(1.0, label=_label(self._prefix, "x0"), role="const")
            a = F.affine(self.w, [x0, *x])
        else:
            a = F.affine(self.w, x, self.b)
        a.label = self._a_label
        self._last_a = a
        return a

    def __call__(self, x: Vector) -> Value:
        """out = f(a), a = Σᵢ wᵢxᵢ + b: the output node, labelled ``<prefix>.out``."""
        a = self.preactivation(x)
        (out,) = F.activate(self.activation, [a], self.slope)
        out.label = self._out_label
        self._last_out = out
        return out

    # ------------------------------------------------------------ read-back
    @property
    def weights(self) -> list[float]:
        """The weights' numbers, in order (w₀ first with an implicit bias)."""
        return [w.data for w in self.w]

    def spec(self) -> dict[str, Any]:
        """The architecture: nin, activation, bias (and leaky_relu's slope)."""
        spec = {"type": "Neuron", "nin": self.nin, "activation": self.activation,
                "bias": self.bias}
        if self.activation == "leaky_relu":
            spec["slope"] = self.slope
        return spec

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Neuron:
        """A neuron of that architecture, weights 0, for ``load_model`` to fill in."""
        return cls(spec["nin"], activation=spec["activation"], bias=spec["bias"],
                   slope=spec.get("slope", 0.01), init="zeros")

    def __repr__(self) -> str:
        bias = "" if self.bias == "explicit" else f", bias={self.bias!r}"
        return f"Neuron({self.nin}, activation={self.activation!r}{bias})"


class Layer(Module):
    """``nout`` neurons reading the same inputs: x⁽ᵏ⁾ = f(W⁽ᵏ⁾x⁽ᵏ⁻¹⁾ + β⁽ᵏ⁾).

    Keyword arguments go to every :class:`Neuron` (micrograd's ``Layer(nin, nout, **kw)``).
    ``activation="softmax"`` makes the neurons linear and applies softmax across them.
    Calling a layer returns a list of Values, or one Value when ``nout == 1`` (as micrograd).
    """

    def __init__(self, nin: int, nout: int, activation: str | None = None, *,
                 rng: RNG = None, _name: bool = True, **kw: Any) -> None:
        if not isinstance(nout, int) or isinstance(nout, bool) or nout < 1:
            raise ValueError(f"Layer: nout must be a positive int, got {nout!r}")
        if activation is not None:
            act.check_activation(activation)
        self.softmax = activation == "softmax"
        neuron_act = "identity" if self.softmax else activation
        source = make_rng(rng)  # one stream for all neurons (an int seed must not repeat)
        self.neurons = [Neuron(nin, activation=neuron_act, rng=source, nout=nout, _name=False,
                               **kw) for _ in range(nout)]
        self.nin, self.nout = nin, nout
        self.activation = "softmax" if self.softmax else self.neurons[0].activation
        self.bias = self.neurons[0].bias
        self._last_x: list[Value] | None = None
        if _name:
            self.relabel(self._prefix)

    def children(self) -> list[tuple[str, Module]]:
        """The neurons, named ``neurons.0``, ``neurons.1``, …"""
        return [(f"neurons.{i}", n) for i, n in enumerate(self.neurons)]

    def __call__(self, x: Vector) -> Value | list[Value]:
        """x⁽ᵏ⁾ = f(W⁽ᵏ⁾x⁽ᵏ⁻¹⁾ + β⁽ᵏ⁾): one Value per neuron (a Value alone if nout = 1)."""
        # Numbers become input nodes once per forward, shared by every neuron: otherwise each
        # neuron would wrap each number in a constant of its own. They are labelled as a
        # worked example names the input vector's entries, x0[1], x0[2], … (x⁽⁰⁾₁, x⁽⁰⁾₂).
        xs = [xi if isinstance(xi, Value) else Value(xi, label=f"x0[{i}]")
              for i, xi in enumerate(x, start=1)]
        self._last_x = xs
        if self.softmax:
            out = F.activate("softmax", [n.preactivation(xs) for n in self.neurons])
            for n, o in zip(self.neurons, out, strict=False):
                o.label = n._out_label
                n._last_out = o
        else:
            out = [n(xs) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    # ------------------------------------------------------------ read-back (slides' matrices)
    @property
    def weights(self) -> list[list[float]]:
        """W⁽ᵏ⁾, out × in (implicit bias: column 0 is the bias weight w₀)."""
        return [[w.data for w in n.w] for n in self.neurons]

    @property
    def biases(self) -> list[float] | None:
        """β⁽ᵏ⁾ (None without an explicit bias)."""
        if self.bias != "explicit":
            return None
        return [b.data for b in self._bias_values()]

    @property
    def weight_grads(self) -> list[list[float]]:
        """∂l/∂W⁽ᵏ⁾, out × in, from the last ``backward()``."""
        return [[w.grad for w in n.w] for n in self.neurons]

    @property
    def bias_grads(self) -> list[float] | None:
        """∂l/∂β⁽ᵏ⁾ from the last ``backward()``."""
        if self.bias != "explicit":
            return None
        return [b.grad for b in self._bias_values()]

    @property
    def inputs(self) -> list[float]:
        """x⁽ᵏ⁻¹⁾ of the last forward pass."""
        x, _, _ = self._last_forward()
        return [float(v) for v in x]

    @property
    def pre_activations(self) -> list[float]:
        """a⁽ᵏ⁾ = W⁽ᵏ⁾x⁽ᵏ⁻¹⁾ + β⁽ᵏ⁾ of the last forward pass."""
        _, a, _ = self._last_forward()
        return [v.data for v in a]

    @property
    def activations(self) -> list[float]:
        """x⁽ᵏ⁾ = f(a⁽ᵏ⁾) of the last forward pass."""
        _, _, out = self._last_forward()
        return [v.data for v in out]

    @property
    def deltas(self) -> list[float]:
        """δ⁽ᵏ⁾ = ∂l/∂a⁽ᵏ⁾ (the gradient at the pre-activations), after ``backward()``."""
        _, a, _ = self._last_forward()
        return [v.grad for v in a]

    def _bias_values(self) -> list[Value]:
        """Each neuron's b (all of them, with explicit biases; none otherwise)."""
        return [n.b for n in self.neurons if n.b is not None]

    def _last_forward(self) -> tuple[list[Value], list[Value], list[Value]]:
        """The last forward pass: x⁽ᵏ⁻¹⁾ and each neuron's a and out nodes."""
        a = [n._last_a for n in self.neurons if n._last_a is not None]
        out = [n._last_out for n in self.neurons if n._last_out is not None]
        if self._last_x is None or len(a) != self.nout or len(out) != self.nout:
            raise RuntimeError(f"{self!r} has not run a forward pass yet")
        return self._last_x, a, out

    @classmethod
    def from_matrix(cls, W: Sequence[Sequence[float]], b: Sequence[float] | None = None,
                    activation: str = "identity", **kw: Any) -> Layer:
        """A layer with weight matrix W (out × in; with ``bias="implicit"`` column 0 holds
        the bias weights) and bias vector b (None: no bias, unless implicit)."""
        rows = [list(r) for r in W]
        if not rows or not rows[0]:
            raise ValueError(f"Layer.from_matrix: W must be a non-empty matrix, got {W!r}")
        bias = kw.pop("bias", "explicit" if b is not None else "none")
        nin = len(rows[0]) - (bias == "implicit")
        layer = cls(nin, len(rows), activation=activation, bias=bias, init="zeros", **kw)
        return layer.set_matrix(rows, b)

    def set_matrix(self, W: Matrix, b: Sequence[float] | None = None) -> Layer:
        """Copy W (out × in, as ``weights``) and b into the layer's parameters; return it."""
        rows, cols = _shape(W, 0)
        want = (self.nout, len(self.neurons[0].w))
        if (rows, cols) != want:
            raise ValueError(f"{self!r} needs a {want[0]}×{want[1]} weight matrix, got "
                             f"{rows}×{cols}")
        if (b is None) != (self.bias != "explicit"):
            raise ValueError(f"{self!r}: bias vector {'missing' if b is None else 'unexpected'}")
        if b is not None and len(b) != self.nout:
            raise ValueError(f"{self!r} needs {self.nout} biases, got {len(b)}: {list(b)!r}")
        for i, n in enumerate(self.neurons):
            for w, value in zip(n.w, W[i], strict=False):
                w.data = float(value)
            if b is not None and n.b is not None:  # both or neither (checked above)
                n.b.data = float(b[i])
        return self

    def spec(self) -> dict[str, Any]:
        """The architecture: nin, nout, activation, bias (and leaky_relu's slope)."""
        spec = {"type": "Layer", "nin": self.nin, "nout": self.nout,
                "activation": self.activation, "bias": self.bias}
        if self.activation == "leaky_relu":
            spec["slope"] = self.neurons[0].slope
        return spec

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Layer:
        """A layer of that architecture, weights 0, for ``load_model`` to fill in."""
        return cls(spec["nin"], spec["nout"], activation=spec["activation"],
                   bias=spec["bias"], slope=spec.get("slope", 0.01), init="zeros")

    def __repr__(self) -> str:
        bias = "" if self.bias == "explicit" else f", bias={self.bias!r}"
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r}{bias})"


class MLP(Module):
    """Layers in a chain: f = f_K ∘ … ∘ f_1.

    ``MLP(nin, nouts)`` is micrograd's: ReLU hidden layers and a linear output layer.
    ``activation`` sets the hidden layers, ``output_activation`` the last one (default
    identity); ``activations=[...]`` sets every layer at once. Other keywords (``bias``,
    ``init``, ``rng``, ``slope``) go to every layer.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str | None = None,
        *,
        activations: Sequence[str] | None = None,
        rng: RNG = None,
        **kw: Any,
    ) -> None:
        nouts = list(nouts)
        if not nouts:
            raise ValueError("MLP: nouts must list at least one layer size")
        if activations is None:
            activations = [activation] * (len(nouts) - 1) + [output_activation or "identity"]
        activations = list(activations)
        if len(activations) != len(nouts):
            raise ValueError(f"MLP: {len(nouts)} layers but {len(activations)} activations")
        for i, name in enumerate(activations):
            act.check_activation(name, output=i == len(nouts) - 1)
        source = make_rng(rng)
        sizes = [nin, *nouts]
        with gc_paused():
            self.layers = [Layer(sizes[i], sizes[i + 1], activation=activations[i], rng=source,
                                 _name=False, **kw) for i in range(len(nouts))]
        self.nin, self.nouts = nin, nouts
        self.relabel(self._prefix)

    def children(self) -> list[tuple[str, Module]]:
        """The layers, named ``layers.0``, ``layers.1``, …"""
        return [(f"layers.{i}", layer) for i, layer in enumerate(self.layers)]

    @property
    def activations(self) -> list[str]:
        """Each layer's activation, input side first."""
        return [layer.activation for layer in self.layers]

    def __call__(self, x: Vector) -> Value | list[Value]:
        """The layers applied in turn: x⁽ᴸ⁾ = f⁽ᴸ⁾(W⁽ᴸ⁾ … f⁽¹⁾(W⁽¹⁾x + β⁽¹⁾) … + β⁽ᴸ⁾)."""
        xs: Vector = x
        out: list[Value] = []
        for layer in self.layers:  # at least one
            y = layer(xs)
            xs = out = [y] if isinstance(y, Value) else y
        return out[0] if len(out) == 1 else out

    @classmethod
    def from_matrices(
        cls,
        weights: Sequence[Matrix],
        biases: Sequence[Sequence[float] | None] | None = None,
        activations: str | Sequence[str] = "sigmoid",
        *,
        bias: str | bool | None = None,
        layout: str = "out_in",
        **kw: Any,
    ) -> MLP:
        """An MLP whose layer k has weight matrix ``weights[k]`` and bias ``biases[k]``.

        ``activations``: one name for every layer, or one per layer. ``layout``: ``"out_in"``
        (W⁽ᵏ⁾ rows are neurons, seed 001) or ``"in_out"`` (columns are neurons, seed 004).
        ``bias``: defaults to explicit when ``biases`` is given, none otherwise; ``"implicit"``
        reads column 0 (out_in layout) as the bias weights of a constant input x₀ = 1.
        """
        if layout not in ("out_in", "in_out"):
            raise ValueError(f"layout must be 'out_in' or 'in_out', got {layout!r}")
        Ws = [transpose(W) if layout == "in_out" else [list(r) for r in W] for W in weights]
        if not Ws:
            raise ValueError("mlp_from_matrices: no weight matrices given")
        if bias is None:
            bias = "explicit" if biases is not None else "none"
        implicit = bias == "implicit"
        shapes = [_shape(W, k) for k, W in enumerate(Ws)]
        for k in range(1, len(shapes)):
            if shapes[k][1] - implicit != shapes[k - 1][0]:
                raise ValueError(
                    f"weight matrix {k} has {shapes[k][1]} columns but layer {k - 1} has "
                    f"{shapes[k - 1][0]} outputs"
                )
        acts = [activations] * len(Ws) if isinstance(activations, str) else list(activations)
        if biases is not None and len(biases) != len(Ws):
            raise ValueError(f"{len(Ws)} weight matrices but {len(biases)} bias vectors")
        net = cls(shapes[0][1] - implicit, [s[0] for s in shapes], activations=acts,
                  bias=bias, init="zeros", **kw)
        for k, (layer, W) in enumerate(zip(net.layers, Ws, strict=False)):
            layer.set_matrix(W, None if biases is None else biases[k])
        return net

    def report(self, digits: int = 4) -> str:
        """Every layer's W⁽ᵏ⁾, β⁽ᵏ⁾, last x⁽ᵏ⁻¹⁾, a⁽ᵏ⁾, x⁽ᵏ⁾ and, after ``backward()``,
        ∂l/∂W⁽ᵏ⁾, ∂l/∂β⁽ᵏ⁾, δ⁽ᵏ⁾, rounded to ``digits`` (see :mod:`nn.show`)."""
        from .show import report

        return report(self, digits)

    def spec(self) -> dict[str, Any]:
        """The architecture: nin, nouts, activations, bias (and leaky_relu's slope)."""
        spec = {"type": "MLP", "nin": self.nin, "nouts": list(self.nouts),
                "activations": self.activations, "bias": self.layers[0].bias}
        if "leaky_relu" in self.activations:
            spec["slope"] = self.layers[0].neurons[0].slope
        return spec

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> MLP:
        """An MLP of that architecture, weights 0, for ``load_model`` to fill in."""
        return cls(spec["nin"], spec["nouts"], activations=spec["activations"],
                   bias=spec["bias"], slope=spec.get("slope", 0.01), init="zeros")

    def __repr__(self) -> str:
        sizes = [self.nin, *self.nouts]
        acts = ", ".join(self.activations)
        bias = "" if self.layers[0].bias == "explicit" else f", bias={self.layers[0].bias!r}"
        return f"MLP({' → '.join(map(str, sizes))}; {acts}{bias})"
