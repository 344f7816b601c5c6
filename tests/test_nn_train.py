"""Training: micrograd's moons demo runs with the import swapped and reaches 100% training
accuracy; a 2-2-1 network learns XOR from a seeded start; ``fit`` does the number of updates
each mode promises, records its history, stays silent off a terminal; plots draw headless."""

from __future__ import annotations

import io
import random

import pytest

from autograd_core import Value, gc_paused
from nn import MLP, Adam, Dropout, Layer, Sequential, datasets, evaluate, fit, losses, optim


def test_micrograd_moons_demo_with_the_import_swapped_reaches_100_percent():
    """micrograd's demo.ipynb, verbatim but for the imports and sklearn's make_moons.

    The harness pauses Python's cyclic garbage collector (``gc_paused``): the engine's graphs
    hold no reference cycles, so the collector frees nothing here, but with torch loaded in
    the same process each of its full passes walks every torch object, which costs ~40%.
    """
    with gc_paused():
        _moons_demo()


def _moons_demo():
    from nn import MLP  # was: from micrograd.nn import Neuron, Layer, MLP
    from nn.datasets import make_moons  # was: from sklearn.datasets import make_moons

    random.seed(1337)
    X, y = make_moons(n=100, noise=0.1, rng=1337)
    y = [yi * 2 - 1 for yi in y]  # make y be -1 or 1
    model = MLP(2, [16, 16, 1])  # 2-layer neural network
    assert model.num_parameters() == 337

    def loss(batch_size=None):
        Xb, yb = X, y
        inputs = [list(map(Value, xrow)) for xrow in Xb]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(yb, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores, strict=True)]
        return total_loss, sum(accuracy) / len(accuracy)

    first, _ = loss()
    for k in range(100):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
    final_loss, final_acc = loss()
    assert final_acc == 1.0
    assert final_loss.data < first.data / 10


def test_xor_2_2_1_learns_from_a_seeded_initialisation():
    X, y = datasets.xor()
    net = MLP(2, [2, 1], "tanh", "sigmoid", rng=3)
    history = fit(net, X, y, loss="bce", epochs=400, lr=1.0, progress=False)
    assert history.accuracy[-1] == 1.0
    assert [round(net(x).data) for x in X] == y
    assert history.loss[-1] < history.loss[0] / 10
    # bit-for-bit reproducible
    again = MLP(2, [2, 1], "tanh", "sigmoid", rng=3)
    assert fit(again, X, y, loss="bce", epochs=400, lr=1.0, progress=False).loss == history.loss


@pytest.mark.parametrize("mode,batch_size,updates", [("batch", 16, 3), ("sgd", 16, 30),
                                                     ("minibatch", 4, 9)])
def test_fit_modes_make_the_promised_number_of_updates(mode, batch_size, updates):
    X, y = datasets.make_blobs(10, [[-2, 0], [2, 0]], 0.3, rng=0)
    net = MLP(2, [1], rng=0)
    h = fit(net, X, datasets.to_signs(y), loss="hinge", epochs=3, mode=mode,
            batch_size=batch_size, rng=0, progress=False)
    assert len(h.step_loss) == len(h.lr) == updates
    assert len(h.loss) == len(h.accuracy) == 3


def test_batch_fit_is_one_gradient_step_on_the_mean_loss():
    X, y = [[1.0, 2.0], [-1.0, 0.5]], [0.5, -1.0]
    a, b = MLP(2, [1], rng=4), MLP(2, [1], rng=4)
    fit(a, X, y, loss="half_squared_error", epochs=1, lr=0.1, progress=False)
    b.zero_grad()
    losses.mean([losses.half_squared_error(b(x), t) for x, t in zip(X, y, strict=True)]).backward()
    for p in b.parameters():
        p.data -= 0.1 * p.grad
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]


def test_fit_with_optimizer_schedule_and_penalty_on_moons():
    X, y = datasets.make_moons(40, 0.1, rng=2)
    net = MLP(2, [8, 1], "tanh", rng=0)
    opt = Adam(net.parameters(), lr=0.05)
    h = fit(net, X, y, loss="bce_with_logits", optimizer=opt, epochs=60, mode="minibatch",
            batch_size=10, rng=1, schedule=optim.linear_decay(0.05, 0.005, 200),
            penalty=lambda m: losses.l2_penalty(m.weight_parameters(), 1e-3, m=40),
            progress=False)
    assert h.lr[0] == 0.05 and h.lr[-1] < h.lr[0]
    assert h.accuracy[-1] >= 0.9
    assert evaluate(net, X, y, lambda o, t: (o.data > 0) == (t == 1)) >= 0.9


def test_fit_on_a_sequential_with_dropout_and_cross_entropy():
    X, y = datasets.make_blobs(30, [[-2, -2], [2, 2], [-2, 2]], 0.4, rng=3)
    net = Sequential(Layer(2, 8, activation="tanh", rng=0), Dropout(0.1, rng=0),
                     Layer(8, 3, rng=1))
    h = fit(net, X, y, loss="cross_entropy", optimizer=Adam(net.parameters(), lr=0.05),
            epochs=40, progress=False)
    assert h.accuracy[-1] == 1.0 and h.loss[-1] < h.loss[0] / 10
    assert evaluate(net, X, y) == 1.0 and net.training  # evaluate restores train mode


def test_progress_bar_silent_off_a_terminal_and_when_asked(capsys):
    X, y = datasets.xor()
    fit(MLP(2, [2, 1], rng=0), X, y, epochs=3)  # stderr is not a tty under pytest
    fit(MLP(2, [2, 1], rng=0), X, y, epochs=3, progress=False)
    assert capsys.readouterr().err == ""


def test_progress_bar_shows_when_forced(monkeypatch):
    import sys

    buf = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buf)
    X, y = datasets.xor()
    fit(MLP(2, [2, 1], rng=0), X, y, epochs=3, progress=True)
    assert "fit:" in buf.getvalue() and "epoch" in buf.getvalue()


def test_callback_can_stop_and_errors_are_named():
    X, y = datasets.xor()
    h = fit(MLP(2, [2, 1], rng=0), X, y, epochs=50, progress=False,
            callback=lambda epoch, hist: epoch == 4)
    assert len(h.loss) == 5
    with pytest.raises(ValueError, match="mode must be"):
        fit(MLP(2, [1]), X, y, mode="online")
    with pytest.raises(ValueError, match="4 inputs but 3 targets"):
        fit(MLP(2, [1]), X, y[:3])
    assert "epochs" in repr(h)


def test_plots_draw_headless():
    pytest.importorskip("matplotlib")
    from nn import plot

    X, y = datasets.make_moons(30, 0.1, rng=0)
    net = MLP(2, [4, 1], "tanh", rng=0)
    h = fit(net, X, datasets.to_signs(y), loss="hinge", epochs=5, progress=False)
    ax = plot.plot_loss(h)
    assert len(ax.lines) == 1 and ax.get_xlabel() == "epoch"
    ax2 = plot.plot_decision_boundary(net, X, y, steps=15)
    assert ax2.collections  # filled regions and points
    xs, ys, Z = plot.decision_grid(net, X, steps=5)
    assert len(xs) == len(ys) == 5 and len(Z) == 5 and net.training
    ax.figure.savefig(io.BytesIO(), format="png")
    seq = Sequential(Layer(2, 3, activation="tanh", rng=0), Layer(3, 2, rng=1))
    assert plot.plot_decision_boundary(seq, X, y, steps=5).collections


def test_evaluate_refuses_argmax_on_a_single_output():
    from nn.train import correct_sign

    X, y = datasets.xor()
    net = MLP(2, [2, 1], rng=0)
    with pytest.raises(ValueError, match="one output"):
        evaluate(net, X, y)
    assert 0.0 <= evaluate(net, X, datasets.to_signs(y), correct_sign) <= 1.0


def test_validation_history_is_measured_in_eval_mode_without_a_graph():
    X, y = datasets.make_moons(60, 0.1, rng=4)
    Xtr, Xva, ytr, yva = datasets.train_test_split(X, y, 0.25, rng=0)
    net = Sequential(Layer(2, 8, activation="tanh", rng=0), Dropout(0.2, rng=1), Layer(8, 1, rng=2))
    h = fit(net, Xtr, ytr, loss="bce_with_logits", optimizer=Adam(net.parameters(), lr=0.05),
            epochs=30, validation=(Xva, yva), progress=False)
    assert len(h.val_loss) == len(h.val_accuracy) == 30
    assert h.val_loss[-1] < h.val_loss[0] and h.val_accuracy[-1] >= 0.8
    net.eval()
    from autograd_core import no_grad

    with no_grad():
        outs = [net.predict(x) for x in Xva]
    expected = sum(losses.binary_cross_entropy_with_logits(o, t).data
                   for o, t in zip(outs, yva, strict=True)) / len(Xva)
    assert h.val_loss[-1] == pytest.approx(expected, rel=1e-12)


def test_report_prints_the_slide_matrices():
    net = MLP.from_matrices([[[0.5, -2.5], [1.2, 0.1]], [[1.0, -1.0]]], [[0.0, 0.5], [0.25]],
                            "sigmoid")
    before = net.report()
    assert "W⁽¹⁾ = [[ 0.5 -2.5]" in before and "∂l/∂W" not in before
    losses.half_squared_error(net([1.0, 2.0]), 0.0).backward()
    after = net.report(digits=3)
    assert "∂l/∂W⁽²⁾" in after and "δ⁽¹⁾" in after and "x⁽⁰⁾ = [1 2]" in after


def test_fit_takes_each_steps_graph_apart_and_trains_as_before():
    X, y = [[1.0, 2.0], [-1.0, 0.5], [0.3, -0.2]], [0.5, -1.0, 0.25]
    kept: list[Value] = []

    def loss(out, target):
        term = losses.half_squared_error(out, target)
        kept.append(term)
        return term

    a, b = MLP(2, [3, 1], rng=5), MLP(2, [3, 1], rng=5)
    fit(a, X, y, loss=loss, epochs=2, lr=0.1, mode="sgd", rng=0, progress=False)
    assert len(kept) == 6 and all(t.inputs == () and t.op.name == "released" for t in kept)
    order = list(range(3))
    source = random.Random(0)
    for _ in range(2):  # the same steps by hand, graphs left alone
        source.shuffle(order)
        for i in order:
            b.zero_grad()
            (losses.half_squared_error(b(X[i]), y[i]) * 1.0).backward()
            for p in b.parameters():
                p.data -= 0.1 * p.grad
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
