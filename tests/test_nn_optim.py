"""Every optimiser's trajectory over several steps equals torch.optim's on the same small
problem (float64), with and without weight decay; the schedules equal torch's schedulers;
updates build no graph."""

from __future__ import annotations

import math

import pytest

from autograd_core import Value, vsum
from nn import optim

torch = pytest.importorskip("torch")
T = torch.float64

START = [0.5, -1.5, 2.0]
STEPS = 6


def objective(w):
    """A small non-quadratic problem: Σ cᵢ(wᵢ − tᵢ)² + w₀w₁ + sin(w₂), on Values or tensors."""
    c, t = [1.0, 3.0, 0.5], [1.0, -2.0, 0.3]
    sq = [ci * (wi - ti) ** 2 for ci, wi, ti in zip(c, w, t, strict=True)]
    if isinstance(w[0], Value):
        return vsum(sq) + w[0] * w[1] + w[2].sin()
    return sum(sq) + w[0] * w[1] + torch.sin(w[2])


def run_ours(make, schedule=None):
    ps = [Value(x, role="param") for x in START]
    opt = make(ps)
    sched = optim.Scheduler(opt, schedule) if schedule else None
    path = []
    for _ in range(STEPS):
        opt.zero_grad()
        objective(ps).backward()
        opt.step()
        if sched:
            sched.step()
        path.append([p.data for p in ps])
    return path


def run_torch(make, make_sched=None):
    ps = [torch.tensor(x, dtype=T, requires_grad=True) for x in START]
    opt = make(ps)
    sched = make_sched(opt) if make_sched else None
    path = []
    for _ in range(STEPS):
        opt.zero_grad()
        objective(ps).backward()
        opt.step()
        if sched:
            sched.step()
        path.append([p.item() for p in ps])
    return path


def assert_same_path(ours, theirs):
    for k, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        assert a == pytest.approx(b, rel=1e-11, abs=1e-12), f"step {k + 1}: {a} vs {b}"
    assert ours[0] != ours[-1]  # the problem really moved the parameters


TO = torch.optim
CASES = {
    "sgd": (lambda p: optim.SGD(p, lr=0.05), lambda p: TO.SGD(p, lr=0.05)),
    "sgd+wd": (lambda p: optim.SGD(p, lr=0.05, weight_decay=0.1),
               lambda p: TO.SGD(p, lr=0.05, weight_decay=0.1)),
    "momentum": (lambda p: optim.Momentum(p, lr=0.05, momentum=0.9),
                 lambda p: TO.SGD(p, lr=0.05, momentum=0.9)),
    "momentum+dampening+wd": (
        lambda p: optim.SGD(p, lr=0.05, momentum=0.5, dampening=0.3, weight_decay=0.01),
        lambda p: TO.SGD(p, lr=0.05, momentum=0.5, dampening=0.3, weight_decay=0.01)),
    "nesterov": (lambda p: optim.Nesterov(p, lr=0.05, momentum=0.9),
                 lambda p: TO.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
    "nesterov+wd": (lambda p: optim.Nesterov(p, lr=0.05, momentum=0.8, weight_decay=0.2),
                    lambda p: TO.SGD(p, lr=0.05, momentum=0.8, nesterov=True,
                                     weight_decay=0.2)),
    "adagrad": (lambda p: optim.AdaGrad(p, lr=0.3), lambda p: TO.Adagrad(p, lr=0.3)),
    "adagrad+lr_decay+wd+init": (
        lambda p: optim.AdaGrad(p, lr=0.3, lr_decay=0.1, weight_decay=0.05,
                                initial_accumulator_value=0.2),
        lambda p: TO.Adagrad(p, lr=0.3, lr_decay=0.1, weight_decay=0.05,
                             initial_accumulator_value=0.2)),
    "adadelta": (lambda p: optim.AdaDelta(p), lambda p: TO.Adadelta(p)),
    "adadelta+wd": (lambda p: optim.AdaDelta(p, lr=0.5, rho=0.8, weight_decay=0.1),
                    lambda p: TO.Adadelta(p, lr=0.5, rho=0.8, weight_decay=0.1)),
    "rmsprop": (lambda p: optim.RMSProp(p, lr=0.01), lambda p: TO.RMSprop(p, lr=0.01)),
    "rmsprop+momentum+wd": (
        lambda p: optim.RMSProp(p, lr=0.01, alpha=0.9, momentum=0.5, weight_decay=0.1),
        lambda p: TO.RMSprop(p, lr=0.01, alpha=0.9, momentum=0.5, weight_decay=0.1)),
    "adam": (lambda p: optim.Adam(p, lr=0.1), lambda p: TO.Adam(p, lr=0.1)),
    "adam+wd": (lambda p: optim.Adam(p, lr=0.1, betas=(0.8, 0.99), weight_decay=0.1),
                lambda p: TO.Adam(p, lr=0.1, betas=(0.8, 0.99), weight_decay=0.1)),
    "adamw": (lambda p: optim.AdamW(p, lr=0.1, weight_decay=0.1),
              lambda p: TO.AdamW(p, lr=0.1, weight_decay=0.1)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_trajectory_matches_torch_optim(name):
    ours, theirs = CASES[name]
    assert_same_path(run_ours(ours), run_torch(theirs))


def test_linear_decay_schedule_matches_torch_linear_lr():
    K = 4  # shorter than the run, so the constant tail after K is checked too
    ours = run_ours(lambda p: optim.SGD(p, lr=0.2), optim.linear_decay(0.2, 0.02, K))
    theirs = run_torch(lambda p: TO.SGD(p, lr=0.2),
                       lambda o: TO.lr_scheduler.LinearLR(o, 1.0, 0.1, total_iters=K))
    assert_same_path(ours, theirs)


def test_inverse_time_schedule_matches_torch_lambda_lr():
    ours = run_ours(lambda p: optim.Momentum(p, lr=0.1), optim.inverse_time(0.1, tau=2.0))
    theirs = run_torch(lambda p: TO.SGD(p, lr=0.1, momentum=0.9),
                       lambda o: TO.lr_scheduler.LambdaLR(o, lambda k: 1 / (1 + k / 2.0)))
    assert_same_path(ours, theirs)


def test_schedule_formulas():
    lin = optim.linear_decay(1.0, 0.1, 100)
    assert [lin(k) for k in (0, 50, 100, 200)] == pytest.approx([1.0, 0.55, 0.1, 0.1])
    # micrograd's demo: lr = 1.0 − 0.9·k/100
    assert all(math.isclose(lin(k), 1.0 - 0.9 * k / 100) for k in range(100))
    inv = optim.inverse_time(0.5)
    assert [inv(k) for k in range(4)] == pytest.approx([0.5, 0.25, 0.5 / 3, 0.125])


def test_step_builds_no_graph_and_zero_grad_resets():
    ps = [Value(1.0, role="param"), Value(-2.0, role="param")]
    opt = optim.Adam(ps, lr=0.1)
    (ps[0] * ps[1]).backward()
    opt.step()
    assert all(p.is_leaf and p.role == "param" for p in ps)
    opt.zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


def test_seed_003_momentum_form_is_the_same_for_a_fixed_rate():
    """v ← γv + η∇, θ ← θ − v (seed 003) traces the same path as SGD(momentum=γ)."""
    ps = [Value(x, role="param") for x in START]
    eta, gamma, v = 0.05, 0.9, [0.0] * 3
    ours = run_ours(lambda p: optim.Momentum(p, lr=eta, momentum=gamma))
    for k in range(STEPS):
        for p in ps:
            p.grad = 0.0
        objective(ps).backward()
        v = [gamma * vi + eta * p.grad for vi, p in zip(v, ps, strict=True)]
        for p, vi in zip(ps, v, strict=True):
            p.data -= vi
        assert [p.data for p in ps] == pytest.approx(ours[k], rel=1e-12)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="learning rate"):
        optim.SGD([Value(1.0)], lr=-1)
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([Value(1.0)], lr=0.1, nesterov=True)
    with pytest.raises(TypeError, match="must be Values"):
        optim.SGD([1.0], lr=0.1)


def test_seed_002_momentum_form_is_the_same_path():
    """v ← αv − η∂E/∂w, w ← w + v (seed 002) is SGD(momentum=α) with v ↦ −η·v."""
    ps = [Value(x, role="param") for x in START]
    eta, alpha, v = 0.05, 0.5, [0.0] * 3
    ours = run_ours(lambda p: optim.Momentum(p, lr=eta, momentum=alpha))
    for k in range(STEPS):
        for p in ps:
            p.grad = 0.0
        objective(ps).backward()
        v = [alpha * vi - eta * p.grad for vi, p in zip(v, ps, strict=True)]
        for p, vi in zip(ps, v, strict=True):
            p.data += vi
        assert [p.data for p in ps] == pytest.approx(ours[k], rel=1e-12)
