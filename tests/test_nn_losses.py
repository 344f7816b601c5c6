"""Every loss, penalty and activation of nn: value and gradient agree with PyTorch's
functional equivalent in float64 (the oracle), at ordinary points, at large magnitudes and at
the points where a careless formula breaks (a logit of 0, overflow)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import Value
from nn import Layer, Neuron
from nn import activations as act
from nn import losses as L

torch = pytest.importorskip("torch")
F = torch.nn.functional
T = torch.float64


def values(xs):
    return [Value(float(x)) for x in xs]


def tensor(xs):
    return torch.tensor([float(x) for x in xs], dtype=T, requires_grad=True)


def assert_close(a, b, rel=1e-12, abs_=1e-12):
    assert a == pytest.approx(b, rel=rel, abs=abs_), (a, b)


def check(ours, theirs, xs, *args):
    """ours(list of Values, *args) -> Value;  theirs(tensor, *args) -> scalar tensor."""
    vs = values(xs)
    out = ours(vs, *args)
    out.backward()
    t = tensor(xs)
    ref = theirs(t, *args)
    ref.backward()
    assert_close(out.data, ref.item())
    for v, g in zip(vs, t.grad.tolist(), strict=True):
        assert_close(v.grad, g)


# ---------------------------------------------------------------- activations
POINTS = [-3.7, -1.0, -0.25, 0.3, 1.0, 2.5, 40.0, -40.0]

TORCH_ACT = {
    "identity": lambda t: t,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
}


@pytest.mark.parametrize("name", sorted(TORCH_ACT))
def test_activation_value_and_gradient_match_torch(name):
    for x in POINTS:
        check(lambda vs: act.apply(name, vs[0]) * 1.0, lambda t: TORCH_ACT[name](t)[0], [x])


@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_activation_at_the_kink_follows_torch(name):
    check(lambda vs: act.apply(name, vs[0]) * 1.0, lambda t: TORCH_ACT[name](t)[0], [0.0])


def test_step_is_heaviside_with_zero_derivative():
    for x in [-2.0, -1e-9, 0.0, 1e-9, 3.0]:
        v = Value(x)
        out = act.apply("step", v)
        assert out.data == torch.heaviside(torch.tensor(x, dtype=T),
                                           torch.tensor(0.0, dtype=T)).item()
        out.backward()
        assert v.grad == 0.0


def test_neuron_activation_names_all_reach_the_right_function():
    for name in TORCH_ACT:
        n = Neuron(2, activation=name, rng=0)
        x = [0.7, -1.3]
        out = n(x)
        a = sum(w * xi for w, xi in zip(n.weights, x, strict=True)) + n.b.data
        assert out.data == pytest.approx(TORCH_ACT[name](torch.tensor([a], dtype=T)).item())


def test_softmax_layer_matches_torch_softmax_and_its_gradient():
    layer = Layer(3, 4, activation="softmax", rng=1)
    x = [0.2, -1.1, 2.0]
    out = layer(x)
    coeffs = [0.3, -1.2, 2.0, 0.5]
    loss = sum(c * o for c, o in zip(coeffs, out, strict=True))
    loss.backward()
    W = torch.tensor(layer.weights, dtype=T, requires_grad=True)
    b = torch.tensor(layer.biases, dtype=T, requires_grad=True)
    p = torch.softmax(W @ torch.tensor(x, dtype=T) + b, dim=0)
    (p * torch.tensor(coeffs, dtype=T)).sum().backward()
    for o, ref in zip(out, p.tolist(), strict=True):
        assert_close(o.data, ref)
    for row, ref in zip(layer.weight_grads, W.grad.tolist(), strict=True):
        for g, r in zip(row, ref, strict=True):
            assert_close(g, r)
    for g, r in zip(layer.bias_grads, b.grad.tolist(), strict=True):
        assert_close(g, r)


def test_softmax_is_refused_in_hidden_positions():
    with pytest.raises(ValueError, match="softmax"):
        Neuron(2, activation="softmax")
    with pytest.raises(ValueError, match="unknown activation"):
        Neuron(2, activation="swish")


# ---------------------------------------------------------------- regression losses
U, Y = [1.0, 0.0, -0.3], [0.8, 0.5, 0.25]


def test_half_squared_error():
    check(lambda vs: L.half_squared_error(vs, Y),
          lambda t: 0.5 * ((t - torch.tensor(Y, dtype=T)) ** 2).sum(), U)


def test_squared_error_of_a_single_output():
    check(lambda vs: L.squared_error(vs[0], 0.25), lambda t: ((t - 0.25) ** 2).sum(), [1.5])


def test_mse_is_torch_mse_loss():
    rows, targets = [[1.0, 0.0], [0.2, -0.4], [2.0, 1.0]], [[0.8, 0.5], [0.0, 0.0], [1.5, 1.0]]
    flat = [x for r in rows for x in r]
    check(lambda vs: L.mse([vs[0:2], vs[2:4], vs[4:6]], targets),
          lambda t: F.mse_loss(t.view(3, 2), torch.tensor(targets, dtype=T)), flat)


def test_half_mse_is_one_over_2n_sum_of_squares():
    rows, targets = [[1.0, 0.0], [0.2, -0.4]], [[0.8, 0.5], [0.0, 0.0]]
    flat = [x for r in rows for x in r]
    check(lambda vs: L.half_mse([vs[0:2], vs[2:4]], targets),
          lambda t: ((t.view(2, 2) - torch.tensor(targets, dtype=T)) ** 2).sum() / (2 * 2),
          flat)


def test_any_sequence_of_outputs_is_a_vector_not_only_lists_and_tuples():
    """The signature says Sequence: a range of targets or a custom Sequence of outputs is read
    element by element, as a list would be (not taken as one number)."""
    from collections.abc import Sequence

    class Outputs(Sequence):
        def __init__(self, items):
            self.items = items

        def __getitem__(self, i):
            return self.items[i]

        def __len__(self):
            return len(self.items)

    targets = range(3)
    check(lambda vs: L.squared_error(Outputs(vs), targets),
          lambda t: ((t - torch.tensor([0.0, 1.0, 2.0], dtype=T)) ** 2).sum(), U)


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="2 outputs but 3 targets"):
        L.half_squared_error(values([1, 2]), [1, 2, 3])


# ---------------------------------------------------------------- binary classification
@pytest.mark.parametrize("p,y", [(0.3, 1.0), (0.3, 0.0), (0.9, 1.0), (0.6, 0.25), (1e-6, 1.0)])
def test_binary_cross_entropy_from_probabilities(p, y):
    check(lambda vs: L.binary_cross_entropy(vs[0], y),
          lambda t: F.binary_cross_entropy(t, torch.tensor([y], dtype=T)), [p])


@pytest.mark.parametrize("z", [-800.0, -30.0, -2.0, -1e-3, 0.0, 1e-3, 0.5, 30.0, 800.0])
@pytest.mark.parametrize("y", [0.0, 1.0, 0.3])
def test_binary_cross_entropy_with_logits_is_stable_and_exact(z, y):
    check(lambda vs: L.binary_cross_entropy_with_logits(vs[0], y),
          lambda t: F.binary_cross_entropy_with_logits(t, torch.tensor([y], dtype=T)), [z])


@pytest.mark.parametrize("p,y", [(0.6828, 1.0), (0.2, 0.0), (0.4, 0.7)])
def test_log_likelihood_as_seed_001_writes_it(p, y):
    check(lambda vs: L.log_likelihood(vs[0], y),
          lambda t: (y * torch.log(t) + (1 - y) * torch.log(1 - t)).sum(), [p])


def test_log_likelihood_at_p_equal_1_skips_the_zero_weighted_term():
    v = Value(1.0)
    out = L.log_likelihood(v, 1.0)
    out.backward()
    assert (out.data, v.grad) == (0.0, 1.0)


@pytest.mark.parametrize("s,y", [(0.3, 1), (-0.3, 1), (2.0, -1), (-2.0, -1), (0.7, -1)])
def test_hinge(s, y):
    check(lambda vs: L.hinge(vs[0], y), lambda t: torch.clamp(1 - y * t, min=0).sum(), [s])


def test_hinge_refuses_labels_other_than_plus_minus_one():
    with pytest.raises(ValueError, match="-1 or \\+1"):
        L.hinge(Value(0.2), 0)


# ---------------------------------------------------------------- multi-class
LOGITS = [[-2.0, 3.0, 1.0], [0.1, 0.2, -0.3, 4.0], [1000.0, -1000.0, 999.0]]


@pytest.mark.parametrize("u", LOGITS)
def test_cross_entropy_from_logits_with_a_class_index(u):
    for t in range(len(u)):
        check(lambda vs, t=t: L.cross_entropy(vs, t),
              lambda x, t=t: F.cross_entropy(x[None], torch.tensor([t])), u)


def test_cross_entropy_with_target_probabilities():
    y = [0.2, 0.0, 0.8]
    check(lambda vs: L.cross_entropy(vs, y),
          lambda t: F.cross_entropy(t[None], torch.tensor([y], dtype=T)), LOGITS[0])


def test_cross_entropy_refuses_a_bool_target_by_name():
    for target in (True, False):
        with pytest.raises(TypeError, match=r"cross_entropy: target must be a class index.*got "
                                            + repr(target)):
            L.cross_entropy(values(LOGITS[0]), target)


def test_nll_of_log_softmax_is_torch_nll_loss():
    from autograd_core import log_softmax

    check(lambda vs: L.nll_loss(log_softmax(vs), 2),
          lambda t: F.nll_loss(F.log_softmax(t, 0)[None], torch.tensor([2])), LOGITS[1])


def test_categorical_cross_entropy_from_probabilities():
    y = [0.0, 1.0, 0.0]
    check(lambda vs: L.categorical_cross_entropy(vs, y),
          lambda t: -(torch.tensor(y, dtype=T) * torch.log(t)).sum(), [0.1, 0.7, 0.2])


def test_seed_003_softmax_example_both_forms_agree():
    """CLoss(softmax(u), y) and J(u, t) are the same number (the slide's claim that both are
    equal), and that number is torch's cross-entropy."""
    u = values([-2.0, 3.0, 1.0])
    from autograd_core import softmax

    closs = L.categorical_cross_entropy(softmax(u), [0.0, 1.0, 0.0])
    j = L.cross_entropy(u, 1)
    ref = F.cross_entropy(torch.tensor([[-2.0, 3.0, 1.0]], dtype=T), torch.tensor([1])).item()
    assert_close(closs.data, ref)
    assert_close(j.data, ref)


# ---------------------------------------------------------------- penalties
W = [0.5, -2.5, 1.2, 0.0, -0.7]


def test_l2_penalty_lambda_sum_of_squares():
    check(lambda vs: L.l2_penalty(vs, 1e-4), lambda t: 1e-4 * (t**2).sum(), W)


def test_l2_penalty_lambda_over_2m_seed_002():
    check(lambda vs: L.l2_penalty(vs, 0.3, m=7), lambda t: 0.3 / (2 * 7) * (t**2).sum(), W)


def test_l1_penalty():
    check(lambda vs: L.l1_penalty(vs, 0.01), lambda t: 0.01 * t.abs().sum(), W)


def test_mean_over_a_batch_and_unknown_loss_name():
    check(lambda vs: L.mean(vs), lambda t: t.mean(), [1.0, 2.0, 4.5])
    with pytest.raises(ValueError, match="unknown loss"):
        L.get_loss("nope")


def test_bce_with_logits_survives_where_the_naive_formula_overflows():
    z = Value(-800.0)
    loss = L.binary_cross_entropy_with_logits(z, 1.0)  # naive: -log(σ(-800)) = -log(0)
    assert math.isfinite(loss.data) and loss.data == pytest.approx(800.0)


# ---------------------------------------------------------------- breadth (hypothesis)
reals = st.floats(-30, 30, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(reals, min_size=2, max_size=6), st.data())
def test_cross_entropy_matches_torch_anywhere(u, data):
    t = data.draw(st.integers(0, len(u) - 1))
    check(lambda vs: L.cross_entropy(vs, t),
          lambda x: F.cross_entropy(x[None], torch.tensor([t])), u)


@settings(max_examples=60, deadline=None)
@given(reals, st.floats(0, 1))
def test_bce_with_logits_matches_torch_anywhere(z, y):
    check(lambda vs: L.binary_cross_entropy_with_logits(vs[0], y),
          lambda t: F.binary_cross_entropy_with_logits(t, torch.tensor([y], dtype=T)), [z])


@settings(max_examples=60, deadline=None)
@given(st.lists(reals, min_size=1, max_size=5), st.data())
def test_mse_and_half_squared_error_match_torch_anywhere(u, data):
    y = data.draw(st.lists(reals, min_size=len(u), max_size=len(u)))
    check(lambda vs: L.half_squared_error(vs, y),
          lambda t: 0.5 * ((t - torch.tensor(y, dtype=T)) ** 2).sum(), u)
    check(lambda vs: L.mse([vs], [y]),
          lambda t: F.mse_loss(t, torch.tensor(y, dtype=T)), u)
