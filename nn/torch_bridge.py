"""PyTorch as the next step: carry an MLP to ``torch.nn`` and back (torch is optional).

``to_torch(mlp)`` builds a ``torch.nn.Sequential`` of ``Linear`` layers (float64 by default)
and activation modules with the same numbers; ``from_torch(seq)`` reads such a Sequential
back into an :class:`~nn.layers.MLP`. An implicit bias (x₀ = 1, weight ``w.0``) becomes the
Linear layer's bias. torch is imported only when these functions are called.
"""

from __future__ import annotations

from typing import Any

from autograd_core import ops

from .layers import MLP

# each activation's torch.nn module, as its op block names it (step has none)
_TO_TORCH = {b.kind: b.torch_module for b in ops.registered(ops.ACTIVATION) if b.torch_module}
_TO_TORCH["softmax"] = "Softmax"


def _torch() -> Any:
    try:
        import torch
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_torch/from_torch need PyTorch: pip install torch") from e
    return torch


def to_torch(mlp: MLP, dtype: Any = None) -> Any:
    """A ``torch.nn.Sequential`` computing the same function as ``mlp``."""
    torch = _torch()
    nn = torch.nn
    dtype = dtype or torch.float64
    modules: list[Any] = []
    for layer in mlp.layers:
        implicit = layer.bias == "implicit"
        W = layer.weights
        lin = nn.Linear(layer.nin, layer.nout, bias=layer.bias != "none", dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor([row[1:] if implicit else row for row in W],
                                          dtype=dtype))
            if implicit:
                lin.bias.copy_(torch.tensor([row[0] for row in W], dtype=dtype))
            elif layer.bias == "explicit":
                lin.bias.copy_(torch.tensor(layer.biases, dtype=dtype))
        modules.append(lin)
        name = layer.activation
        if name == "identity":
            continue
        if name == "step":
            raise ValueError(f"{layer!r}: torch has no step activation module (the step "
                             "function has no useful gradient)")
        cls = getattr(nn, _TO_TORCH[name])
        if name == "leaky_relu":
            modules.append(cls(layer.neurons[0].slope))
        elif name == "softmax":
            modules.append(cls(dim=-1))
        else:
            modules.append(cls())
    return nn.Sequential(*modules)


def from_torch(model: Any) -> MLP:
    """An :class:`MLP` with the numbers of a torch ``Sequential`` of Linear layers, each
    followed by at most one of ReLU, Tanh, Sigmoid, LeakyReLU, Softmax, Identity."""
    torch = _torch()
    nn = torch.nn
    mods = list(model) if isinstance(model, nn.Sequential) else [model]
    names = {v: k for k, v in _TO_TORCH.items()}
    weights: list[list[list[float]]] = []
    biases: list[list[float] | None] = []
    acts: list[str] = []
    slope = 0.01
    for m in mods:
        if isinstance(m, nn.Linear):
            weights.append(m.weight.detach().double().tolist())
            biases.append(None if m.bias is None else m.bias.detach().double().tolist())
            acts.append("identity")
        elif isinstance(m, nn.Identity):
            continue
        elif type(m).__name__ in names and weights and acts[-1] == "identity":
            acts[-1] = names[type(m).__name__]
            if isinstance(m, nn.LeakyReLU):
                slope = float(m.negative_slope)
        else:
            raise ValueError(f"from_torch: cannot convert {m!r} (expected Linear layers, each "
                             "followed by at most one ReLU/Tanh/Sigmoid/LeakyReLU/Softmax)")
    if not weights:
        raise ValueError("from_torch: no Linear layer found")
    with_bias = [b is not None for b in biases]
    if any(with_bias) and not all(with_bias):
        raise ValueError("from_torch: mixing Linear layers with and without bias is not "
                         "supported")
    from .build import mlp_from_matrices

    return mlp_from_matrices(weights, biases if all(with_bias) else None, acts, slope=slope)
