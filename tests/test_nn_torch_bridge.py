"""to_torch / from_torch: an MLP carried to torch and back keeps every number, and both
compute the same outputs and gradients."""

from __future__ import annotations

import pytest

from nn import MLP, mlp_from_matrices
from nn.torch_bridge import from_torch, to_torch

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("acts", [["relu", "relu", "identity"], ["tanh", "sigmoid", "softmax"],
                                  ["leaky_relu", "tanh", "sigmoid"]])
def test_round_trip_and_forward_agreement(acts):
    net = MLP(3, [5, 4, 2], activations=acts, slope=0.05, rng=9)
    tnet = to_torch(net)
    x = [0.3, -1.2, 0.7]
    tout = tnet(torch.tensor(x, dtype=torch.float64))
    assert [v.data for v in net(x)] == pytest.approx(tout.tolist(), rel=1e-12)
    back = from_torch(tnet)
    assert back.spec() == net.spec()
    assert [(n, p.data) for n, p in back.named_parameters()] == \
        [(n, p.data) for n, p in net.named_parameters()]


def test_gradients_agree_through_the_bridge():
    net = MLP(2, [3, 1], "tanh", "sigmoid", rng=1)
    tnet = to_torch(net)
    x = [0.5, -0.5]
    net(x).backward()
    tnet(torch.tensor(x, dtype=torch.float64)).sum().backward()
    for layer, lin in zip(net.layers, [tnet[0], tnet[2]], strict=True):
        assert layer.weight_grads == [pytest.approx(r, rel=1e-12) for r in lin.weight.grad.tolist()]
        assert layer.bias_grads == pytest.approx(lin.bias.grad.tolist(), rel=1e-12)


def test_implicit_bias_becomes_the_linear_bias():
    net = mlp_from_matrices([[[0.5, 1.0, -2.0]]], activations="sigmoid", bias="implicit")
    lin = to_torch(net)[0]
    assert lin.bias.tolist() == [0.5] and lin.weight.tolist() == [[1.0, -2.0]]


def test_a_trained_torch_model_comes_over():
    torch.manual_seed(0)
    seq = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    net = from_torch(seq)
    x = [0.25, -0.75]
    assert net(x).data == pytest.approx(seq(torch.tensor([x])).item(), rel=1e-6)


def test_unconvertible_models_are_named():
    with pytest.raises(ValueError, match="cannot convert"):
        from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5)))
    with pytest.raises(ValueError, match="step"):
        to_torch(MLP(2, [1], output_activation="step"))
