"""Neurons, layers and MLPs: networks built from the slides' matrices compute what torch
computes (float64), the per-layer read-back gives the slides' matrices (W, β, ∂l/∂W, ∂l/∂β,
a, x, δ), explicit and implicit bias are the same network, initialisers are seeded and draw
from the right distributions, and micrograd's constructors give micrograd's networks."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from autograd_core import Value
from nn import MLP, Layer, Neuron, init, mlp_from_matrices, with_bias_input
from nn import losses as L

torch = pytest.importorskip("torch")
T = torch.float64

# Seed 001 (Vo): 2 inputs, 3 sigmoid hidden units, 1 sigmoid output.
W1 = [[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]]
B1 = [-1.5, -1.3, 2.0]
W2 = [[-1.5, 0.2, 0.5]]
B2 = [1.0]
X0 = [0.5, -0.5]


def torch_vo(act):
    Ws = [torch.tensor(W, dtype=T, requires_grad=True) for W in (W1, W2)]
    Bs = [torch.tensor(b, dtype=T, requires_grad=True) for b in (B1, B2)]
    x = torch.tensor(X0, dtype=T)
    a1 = Ws[0] @ x + Bs[0]
    x1 = act(a1)
    a2 = Ws[1] @ x1 + Bs[1]
    x2 = act(a2)
    for t in (a1, x1, a2, x2):
        t.retain_grad()
    return Ws, Bs, (a1, x1, a2, x2)


def close_matrix(ours, ref, rel=1e-12):
    ref = ref.tolist() if hasattr(ref, "tolist") else ref
    if ours and isinstance(ours[0], list):
        for r, s in zip(ours, ref, strict=True):
            close_matrix(r, s, rel)
        return
    assert ours == pytest.approx(ref, rel=rel, abs=1e-14)


@pytest.mark.parametrize("act_name,act", [("sigmoid", torch.sigmoid), ("relu", torch.relu)])
def test_vo_mlp_forward_backward_and_read_back_match_torch(act_name, act):
    """Seed 001's worked example (and its ReLU exercise): every matrix the slide prints."""
    net = MLP.from_matrices([W1, W2], [B1, B2], act_name)
    out = net(X0)
    loss = L.log_likelihood(out, 1.0) if act_name == "sigmoid" else out * 1.0
    loss.backward()
    Ws, Bs, (a1, x1, a2, x2) = torch_vo(act)
    ref = torch.log(x2[0]) if act_name == "sigmoid" else x2[0]
    ref.backward()
    h, o = net.layers
    assert h.weights == W1 and h.biases == B1 and o.weights == W2 and o.biases == B2
    assert h.inputs == X0 and o.inputs == h.activations
    close_matrix(h.pre_activations, a1)
    close_matrix(h.activations, x1)
    close_matrix(o.pre_activations, a2)
    close_matrix(o.activations, x2)
    close_matrix(h.weight_grads, Ws[0].grad)
    close_matrix(h.bias_grads, Bs[0].grad)
    close_matrix(o.weight_grads, Ws[1].grad)
    close_matrix(o.bias_grads, Bs[1].grad)
    close_matrix(h.deltas, a1.grad)
    close_matrix(o.deltas, a2.grad)


def test_delta_rule_gradient_is_delta_times_input_transposed():
    """Seed 000: ∇W = δ xᵀ, for every layer, read from the layer itself."""
    net = MLP(3, [4, 2], "tanh", "softmax", rng=3)
    L.cross_entropy(net([0.3, -1.2, 0.8]), 1).backward()
    for layer in net.layers:
        outer = [[d * x for x in layer.inputs] for d in layer.deltas]
        close_matrix(layer.weight_grads, outer)
        close_matrix(layer.bias_grads, layer.deltas)


def test_implicit_and_explicit_bias_are_the_same_network():
    Wi = [[b, *row] for row, b in zip(W1, B1, strict=True)]
    W2i = [[b, *row] for row, b in zip(W2, B2, strict=True)]
    explicit = mlp_from_matrices([W1, W2], [B1, B2], "sigmoid")
    implicit = mlp_from_matrices([Wi, W2i], activations="sigmoid", bias="implicit")
    assert implicit.layers[0].weights == Wi and implicit.layers[0].biases is None
    e, i = explicit(X0), implicit(X0)
    assert i.data == pytest.approx(e.data, rel=1e-15)
    e.backward()
    i.backward()
    close_matrix([[r[0]] for r in implicit.layers[0].weight_grads],
                 [[g] for g in explicit.layers[0].bias_grads])
    # the constant input x₀ = 1 is in the graph, labelled
    x0 = implicit.layers[0].neurons[1]._last_a.inputs[0].inputs[1]
    assert (x0.data, x0.role, x0.label) == (1.0, "const", "layers.0.neurons.1.x0")


def test_bias_input_by_hand_without_bias_parameters():
    Wi = [[b, *row] for row, b in zip(W1, B1, strict=True)]
    by_hand = mlp_from_matrices([Wi], activations="sigmoid")  # no bias at all
    implicit = mlp_from_matrices([Wi], activations="sigmoid", bias="implicit")
    assert [v.data for v in by_hand(with_bias_input(X0))] == pytest.approx(
        [v.data for v in implicit(X0)], rel=1e-15)
    assert by_hand.num_parameters() == implicit.num_parameters() == 9


def test_grabocka_xor_network_in_in_out_layout():
    """Seed 004 writes h = g(Wᵀx + c), W in × out; its network computes XOR exactly."""
    W = [[1.0, 1.0], [1.0, 1.0]]
    c = [0.0, -1.0]
    w = [[1.0], [-2.0]]
    net = mlp_from_matrices([W, w], [c, [0.0]], ["relu", "identity"], layout="in_out")
    outs = [net(x).data for x in ([0, 0], [0, 1], [1, 0], [1, 1])]
    assert outs == [float(a ^ b) for a, b in ([0, 0], [0, 1], [1, 0], [1, 1])]


def test_shape_errors_are_named():
    with pytest.raises(ValueError, match="columns but layer 0 has 3 outputs"):
        mlp_from_matrices([W1, [[1.0, 2.0]]], None)
    with pytest.raises(ValueError, match="expects 2 inputs, got 3"):
        MLP(2, [1])([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="2 weight matrices but 1 bias"):
        mlp_from_matrices([W1, W2], [B1])
    with pytest.raises(ValueError, match="bias must be"):
        Neuron(2, bias="sometimes")


def test_micrograd_signatures_and_output_shapes():
    assert Neuron(3).activation == "relu" and Neuron(3, nonlin=False).activation == "identity"
    layer = Layer(3, 2, nonlin=False)
    assert all(n.activation == "identity" for n in layer.neurons)
    assert isinstance(Layer(3, 1)([1, 2, 3]), Value)
    assert len(Layer(3, 2)([1, 2, 3])) == 2
    net = MLP(2, [16, 16, 1])
    assert net.activations == ["relu", "relu", "identity"]
    assert isinstance(net([0.1, 0.2]), Value)


def test_same_initial_weights_as_micrograd_under_the_same_global_seed():
    from micrograd import nn as mnn

    random.seed(1337)
    theirs = mnn.MLP(2, [16, 16, 1])
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    x = [0.3, -0.7]
    from micrograd.engine import Value as MV

    assert ours(x).data == pytest.approx(theirs([MV(v) for v in x]).data, rel=1e-12)


def test_int_seed_and_random_instance_are_reproducible_and_independent_of_global():
    a = MLP(3, [4, 1], rng=11)
    random.random()
    b = MLP(3, [4, 1], rng=11)
    c = MLP(3, [4, 1], rng=random.Random(11))
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()] \
        == [p.data for p in c.parameters()]
    ws = [w for n in a.layers[0].neurons for w in n.weights]
    assert len(set(ws)) == len(ws)  # one stream for all neurons: no repeated rows


def test_initialisers_draw_from_their_distributions():
    rng = random.Random(0)
    n_in, n_out = 50, 30
    normal = [init.normal(n_in, n_out, rng) for _ in range(20000)]
    assert statistics.fmean(normal) == pytest.approx(0.0, abs=0.01)
    assert statistics.pstdev(normal) == pytest.approx(1 / math.sqrt(n_in), rel=0.03)
    r = math.sqrt(6) / math.sqrt(n_in + n_out)
    glorot = [init.glorot(n_in, n_out, rng) for _ in range(20000)]
    assert max(glorot) <= r and min(glorot) >= -r and max(glorot) > 0.98 * r
    assert statistics.pvariance(glorot) == pytest.approx(r * r / 3, rel=0.05)
    uni = [init.uniform(n_in, n_out, rng) for _ in range(20000)]
    assert -1 <= min(uni) < -0.99 and 0.99 < max(uni) <= 1
    assert init.matrix(2, 3, "zeros") == [[0.0] * 3] * 2
    assert [len(r) for r in init.matrix(2, 3, "glorot", rng=0)] == [3, 3]


def test_layer_uses_its_fan_out_for_glorot():
    layer = Layer(4, 200, init="glorot", rng=1)
    r = math.sqrt(6) / math.sqrt(4 + 200)
    assert max(abs(w) for row in layer.weights for w in row) <= r


def test_bad_rng_and_initialiser_are_named():
    with pytest.raises(TypeError, match="rng must be"):
        MLP(2, [1], rng="seed")
    with pytest.raises(ValueError, match="unknown initialiser"):
        MLP(2, [1], init="he")


def test_read_back_before_forward_is_a_clear_error():
    for name in ("inputs", "pre_activations", "activations", "deltas"):
        with pytest.raises(RuntimeError, match=r"Layer\(2, 2.*not run a forward pass"):
            getattr(Layer(2, 2), name)


def test_a_layer_without_explicit_bias_reads_back_no_bias_vector():
    for bias in (False, "implicit"):
        layer = Layer(2, 3, bias=bias)
        assert layer.biases is None and layer.bias_grads is None
    assert Layer(2, 3, init="zeros").biases == [0.0, 0.0, 0.0]


def test_fromont_exercise_2_one_step_matches_torch():
    """Seed 003, Exercise 2: x = (1, 1), y = 0, sigmoid, E = ½(u − y)², c = 1; weights w(i, j)
    from unit i to unit j, unit 0 the bias input. Implicit bias: column 0 holds w(0, j)."""
    W_hidden = [[0.2, 0.1, 0.3], [-0.3, -0.2, 0.4]]  # units 3, 4: [w(0,j), w(1,j), w(2,j)]
    W_out = [[0.4, 0.5, -0.4]]                        # unit 5: [w(0,5), w(3,5), w(4,5)]
    net = mlp_from_matrices([W_hidden, W_out], activations="sigmoid", bias="implicit")
    x, y = [1.0, 1.0], 0.0
    loss = L.half_squared_error(net(x), y)
    loss.backward()
    for p in net.parameters():
        p.data -= 1.0 * p.grad
    new_out = net(x).data

    Wh = torch.tensor(W_hidden, dtype=T, requires_grad=True)
    Wo = torch.tensor(W_out, dtype=T, requires_grad=True)
    xt = torch.tensor([1.0, *x], dtype=T)
    u = torch.sigmoid(Wo @ torch.cat([torch.ones(1, dtype=T), torch.sigmoid(Wh @ xt)]))
    (0.5 * (u - y) ** 2).sum().backward()
    with torch.no_grad():
        Wh -= Wh.grad
        Wo -= Wo.grad
        u2 = torch.sigmoid(Wo @ torch.cat([torch.ones(1, dtype=T), torch.sigmoid(Wh @ xt)]))
    close_matrix(net.layers[0].weights, Wh.detach())
    close_matrix(net.layers[1].weights, Wo.detach())
    assert new_out == pytest.approx(u2.item(), rel=1e-12)
    assert new_out < u.item()  # one step towards y = 0


def test_layer_from_matrix_matches_the_mlp_builder():
    layer = Layer.from_matrix(W1, B1, "sigmoid")
    assert layer.weights == W1 and layer.biases == B1
    net = MLP.from_matrices([W1], [B1], "sigmoid")
    assert [v.data for v in layer(X0)] == [v.data for v in net(X0)]
    implicit = Layer.from_matrix([[b, *r] for r, b in zip(W1, B1, strict=True)], None,
                                 "sigmoid", bias="implicit")
    assert [v.data for v in implicit(X0)] == pytest.approx([v.data for v in layer(X0)])
    with pytest.raises(ValueError, match="needs a 3×2 weight matrix"):
        from nn import set_layer

        set_layer(layer, [[1.0, 2.0]], B1)


def test_seed_002_objective_mean_bce_plus_lambda_over_2m_gradient_matches_torch():
    """E(w) = −(1/m) Σᵢ Σₖ [yₖ log σₖ + (1 − yₖ) log(1 − σₖ)] + λ/(2m) Σ w² (weights only):
    its gradient is torch's; the penalty's part of it is (λ/m)·w."""
    X = [[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8]]
    Y = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    lam, m = 0.7, len(X)
    net = MLP(2, [3, 2], "sigmoid", "sigmoid", rng=5)
    data = L.mean([sum((L.binary_cross_entropy(o, yk) for o, yk in zip(net(x), y, strict=True)),
                       Value(0.0)) for x, y in zip(X, Y, strict=True)])
    E = data + L.l2_penalty(net.weight_parameters(), lam, m=m)
    E.backward()

    tW = [torch.tensor(layer.weights, dtype=T, requires_grad=True) for layer in net.layers]
    tb = [torch.tensor(layer.biases, dtype=T, requires_grad=True) for layer in net.layers]
    h = torch.tensor(X, dtype=T)
    for W, b in zip(tW, tb, strict=True):
        h = torch.sigmoid(h @ W.T + b)
    yt = torch.tensor(Y, dtype=T)
    bce = -(yt * torch.log(h) + (1 - yt) * torch.log(1 - h)).sum() / m
    Et = bce + lam / (2 * m) * sum((W**2).sum() for W in tW)
    Et.backward()
    assert E.data == pytest.approx(Et.item(), rel=1e-12)
    for layer, W, b in zip(net.layers, tW, tb, strict=True):
        close_matrix(layer.weight_grads, W.grad)
        close_matrix(layer.bias_grads, b.grad)  # biases are not penalised
    # the penalty alone contributes (λ/m)·w, not the (λ/2m)·w the slide's derivative shows
    w = net.weight_parameters()[0]
    w.grad = 0.0
    L.l2_penalty([w], lam, m=m).backward()
    assert w.grad == pytest.approx(lam / m * w.data, rel=1e-15)


def test_number_inputs_become_one_input_node_each_shared_by_every_neuron():
    from autograd_core import topological_order

    net = MLP(2, [3, 1], rng=0)
    out = net([0.5, -0.5])
    leaves = [v for v in topological_order(out) if v.role == "input"]
    assert sorted(v.label for v in leaves) == ["x0[1]", "x0[2]"]  # not one copy per neuron
    assert [v.data for v in sorted(leaves, key=lambda v: v.label)] == [0.5, -0.5]
