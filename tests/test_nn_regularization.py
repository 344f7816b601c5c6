"""Dropout (inverted scaling, training mode only, seeded) and batch normalisation (γ, β,
running statistics; forward, gradients and running averages vs torch in float64)."""

from __future__ import annotations

import pytest

from autograd_core import Value, vsum
from nn import BatchNorm, Dropout, Layer, Sequential

torch = pytest.importorskip("torch")
T = torch.float64


def test_dropout_keeps_with_probability_1_minus_p_and_scales_by_its_inverse():
    d = Dropout(0.25, rng=0)
    xs = [Value(2.0) for _ in range(4000)]
    out = d(xs)
    kept = [o.data for o in out if o.data != 0.0]
    assert set(kept) == {2.0 / 0.75}
    assert len(kept) / len(xs) == pytest.approx(0.75, abs=0.02)
    vsum(out).backward()
    assert {x.grad for x in xs} == {0.0, 1 / 0.75}
    assert d.last_mask == [1 / 0.75 if o.data else 0.0 for o in out]


def test_dropout_is_identity_in_eval_mode_and_reproducible_in_train_mode():
    x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    d = Dropout(0.5, rng=3).eval()
    assert [v.data for v in d(x)] == x
    a = [v.data for v in Dropout(0.5, rng=3)(x)]
    b = [v.data for v in Dropout(0.5, rng=3)(x)]
    assert a == b and a != x


def test_dropout_extremes_and_bad_p():
    assert [v.data for v in Dropout(0.0, rng=0)([1.0, 2.0])] == [1.0, 2.0]
    assert [v.data for v in Dropout(1.0, rng=0)([1.0, 2.0])] == [0.0, 0.0]
    with pytest.raises(ValueError, match="p must be in"):
        Dropout(1.5)


BATCH = [[1.0, -2.0, 0.5], [0.3, 4.0, -1.5], [2.5, 0.0, 0.7], [-1.0, 1.0, 2.0]]
COEF = [[0.3, -1.0, 2.0], [1.5, 0.2, -0.7], [0.1, 0.9, 0.4], [-2.0, 0.5, 1.1]]


def test_batch_norm_training_forward_gradients_and_running_stats_match_torch():
    bn = BatchNorm(3, momentum=0.2)
    for j, (g, b) in enumerate(zip([1.5, -0.5, 2.0], [0.1, 0.2, -0.3], strict=True)):
        bn.gamma[j].data, bn.beta[j].data = g, b
    xs = [[Value(v) for v in row] for row in BATCH]
    out = bn(xs)
    vsum([c * o for crow, orow in zip(COEF, out, strict=True)
          for c, o in zip(crow, orow, strict=True)]).backward()

    x = torch.tensor(BATCH, dtype=T, requires_grad=True)
    gamma = torch.tensor([1.5, -0.5, 2.0], dtype=T, requires_grad=True)
    beta = torch.tensor([0.1, 0.2, -0.3], dtype=T, requires_grad=True)
    rm, rv = torch.zeros(3, dtype=T), torch.ones(3, dtype=T)
    y = torch.nn.functional.batch_norm(x, rm, rv, gamma, beta, training=True, momentum=0.2,
                                       eps=1e-5)
    (y * torch.tensor(COEF, dtype=T)).sum().backward()

    approx = lambda ref: pytest.approx(ref, rel=1e-10, abs=1e-12)  # noqa: E731
    assert [[o.data for o in row] for row in out] == [approx(r) for r in y.tolist()]
    assert [[v.grad for v in row] for row in xs] == [approx(r) for r in x.grad.tolist()]
    assert [g.grad for g in bn.gamma] == approx(gamma.grad.tolist())
    assert [b.grad for b in bn.beta] == approx(beta.grad.tolist())
    assert bn.running_mean == approx(rm.tolist())
    assert bn.running_var == approx(rv.tolist())


def test_batch_norm_eval_uses_running_statistics_like_torch():
    bn = BatchNorm(3)
    for _ in range(3):
        bn(BATCH)
    bn.eval()
    out = bn([[0.5, 0.5, 0.5]])
    rm = torch.tensor(bn.running_mean, dtype=T)
    rv = torch.tensor(bn.running_var, dtype=T)
    ref = torch.nn.functional.batch_norm(torch.tensor([[0.5] * 3], dtype=T), rm, rv,
                                         torch.ones(3, dtype=T), torch.zeros(3, dtype=T),
                                         training=False)
    assert [o.data for o in out[0]] == pytest.approx(ref[0].tolist(), rel=1e-12)
    assert bn.running_mean != [0.0] * 3  # training batches moved them


def test_batch_norm_needs_a_batch_in_training_and_names_its_parameters():
    bn = BatchNorm(2)
    with pytest.raises(ValueError, match="at least 2"):
        bn([[1.0, 2.0]])
    assert [n for n, _ in bn.named_parameters()] == ["gamma.0", "gamma.1", "beta.0", "beta.1"]
    assert [n for n, _ in bn.named_buffers()][:1] == ["running_mean.0"]


def test_sequential_maps_per_example_modules_and_passes_batches_to_batch_norm():
    net = Sequential(Layer(2, 3, activation="relu", rng=0), BatchNorm(3), Layer(3, 1, rng=1))
    outs = net([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    assert len(outs) == 3 and all(len(o) == 1 for o in outs)
    net.eval()
    assert isinstance(net.predict([0.2, 0.3]), Value)
