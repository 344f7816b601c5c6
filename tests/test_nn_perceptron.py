"""The perceptron rule (seed 003): Δwᵢ = c(y − u)xᵢ with u = step(Σᵢ wᵢxᵢ), x₀ = 1.

The expected values come from an independent plain-Python implementation written from the
rule's definition (and, for the single worked update, exact fractions), never from the slide.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from nn import Perceptron, datasets


def reference_rule(w, examples, c, epochs):
    """The rule from its definition, on plain numbers: one row per presentation."""
    rows = []
    w = list(w)
    for _ in range(epochs):
        for x, y in examples:
            xs = [1, *x]
            s = sum(wi * xi for wi, xi in zip(w, xs, strict=True))
            u = 1 if s > 0 else 0
            new = [wi + c * (y - u) * xi for wi, xi in zip(w, xs, strict=True)]
            rows.append((tuple(w), tuple(xs), s, u, y, tuple(new)))
            w = new
    return rows


def test_or_table_step_by_step():
    X, y = datasets.or_()
    ref = reference_rule([Fraction(0), Fraction(1), Fraction(-1)], list(zip(X, y, strict=True)),
                         Fraction(1), epochs=3)
    p = Perceptron(2, [0, 1, -1], lr=1.0)
    history = p.fit(X, y, epochs=3, stop_when_converged=False)
    assert len(history) == 12
    for step, (w, xs, s, u, yy, new) in zip(history, ref, strict=True):
        assert step.weights_before == w
        assert step.x == xs
        assert step.s == s and step.u == u and step.y == yy
        assert step.weights_after == new


def test_or_training_stops_after_a_clean_epoch_and_separates_or():
    X, y = datasets.or_()
    p = Perceptron(2, [0, 1, -1])
    history = p.fit(X, y, epochs=100)
    last_change = max(s.step for s in history if s.changed)
    assert len(history) % 4 == 0 and len(history) - last_change >= 4
    assert not any(s.changed for s in history[-4:])
    assert [p.predict(x) for x in X] == [float(v) for v in y]


def test_single_update_of_the_slide_with_exact_fractions():
    """At w = (−1, 0.5, 0.3), x = (2, 1), y = 0: compare with the rule in exact arithmetic."""
    w = [Fraction(-1), Fraction(1, 2), Fraction(3, 10)]
    (_, xs, s, u, _, new), = reference_rule(w, [([2, 1], 0)], 1, epochs=1)
    p = Perceptron(2, [-1.0, 0.5, 0.3])
    step = p.learn([2, 1], 0)
    assert step.u == u == 1
    assert step.s == pytest.approx(float(s), abs=1e-15)
    assert step.weights_after == pytest.approx([float(v) for v in new], abs=1e-15)
    assert p.predict([2, 1]) == 0.0  # "if we present this input again, we'd output 0"


def test_learning_rate_scales_the_update():
    p = Perceptron(2, [0.0, 0.0, 0.0], lr=0.25)
    p.learn([1.0, 1.0], 1)
    assert p.weights == (0.25, 0.25, 0.25)


def test_xor_is_not_learned_by_a_perceptron():
    X, y = datasets.xor()
    p = Perceptron(2, [0.0, 0.0, 0.0])
    p.fit(X, y, epochs=50)
    assert [p.predict(x) for x in X] != [float(v) for v in y]
    assert len(p.history) == 50 * 4  # never an epoch without a change: it did not converge


def test_graph_forward_is_step_of_the_sum():
    p = Perceptron(2, [-1.0, 0.5, 0.3])
    out = p([2.0, 1.0])
    assert out.data == 1.0 and out.label == "out" and out.inputs[0].label == "a"


def test_table_and_errors():
    p = Perceptron(2, [0, 1, -1])
    X, y = datasets.or_()
    p.fit(X, y, epochs=1, stop_when_converged=False)
    lines = p.table().splitlines()
    assert len(lines) == 5 and lines[0].split()[:4] == ["step", "w0", "w1", "w2"]
    with pytest.raises(ValueError, match="needs 3 weights"):
        Perceptron(2, [1.0])
    with pytest.raises(ValueError, match="expects 2 inputs"):
        p.learn([1.0], 1)


def test_random_initial_weights_are_seeded():
    assert Perceptron(3, rng=4).weights == Perceptron(3, rng=4).weights
    assert all(-1 <= w <= 1 for w in Perceptron(3, rng=4).weights)
