"""nn: neurons, layers and MLPs built from autograd_core Values, with the losses,
initialisers, optimisers and training recipes of the lecture notes.

>>> from nn import MLP
>>> net = MLP.from_matrices([[[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]], [[-1.5, 0.2, 0.5]]],
...                         [[-1.5, -1.3, 2.0], [1.0]], "sigmoid")
>>> out = net([0.5, -0.5])
>>> round(out.data, 4)
0.6828

Modules: :mod:`nn.module` (Module, save/load), :mod:`nn.layers` (Neuron, Layer, MLP),
:mod:`nn.build` (networks from the slides' matrices), :mod:`nn.activations`,
:mod:`nn.init`, :mod:`nn.losses`, :mod:`nn.optim`, :mod:`nn.perceptron`,
:mod:`nn.regularization` (Dropout, BatchNorm), :mod:`nn.sequential`, :mod:`nn.train`
(fit, evaluate), :mod:`nn.show` (the slides' matrices as text), ``gc_paused`` (from
autograd_core),
:mod:`nn.datasets`, :mod:`nn.plot` (matplotlib, imported lazily), :mod:`nn.torch_bridge`
(torch, imported lazily).
"""

from autograd_core import gc_paused

from . import activations, datasets, init, losses, optim
from .build import mlp_from_matrices, set_layer, with_bias_input
from .layers import MLP, Layer, Neuron
from .module import ModelFileError, Module, load_model
from .optim import (
    SGD,
    AdaDelta,
    AdaGrad,
    Adam,
    AdamW,
    Momentum,
    Nesterov,
    RMSProp,
    Scheduler,
    inverse_time,
    linear_decay,
)
from .perceptron import Perceptron, PerceptronStep
from .regularization import BatchNorm, Dropout
from .sequential import Sequential
from .train import History, evaluate, fit

__all__ = [
    "MLP", "SGD", "AdaDelta", "AdaGrad", "Adam", "AdamW", "BatchNorm", "Dropout", "History",
    "Layer", "ModelFileError", "Module", "Momentum", "Nesterov", "Neuron", "Perceptron",
    "PerceptronStep", "RMSProp", "Scheduler", "Sequential", "activations", "datasets",
    "evaluate", "fit", "gc_paused", "init", "inverse_time", "linear_decay", "load_model", "losses",
    "mlp_from_matrices", "optim", "set_layer", "with_bias_input",
]
