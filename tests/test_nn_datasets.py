"""Generated data sets: right shapes and labels, seeded bit for bit, moons shaped as
scikit-learn's, and a train/test split that partitions the data."""

from __future__ import annotations

import math
import random

import pytest

from nn import datasets as D


def test_logic_tables():
    X, _ = D.xor()
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert D.xor()[1] == [0, 1, 1, 0]
    assert D.and_()[1] == [0, 0, 0, 1]
    assert D.or_()[1] == [0, 1, 1, 1]


@pytest.mark.parametrize("make", [
    lambda rng: D.make_moons(101, 0.1, rng),
    lambda rng: D.make_circles(101, 0.05, rng),
    lambda rng: D.make_spirals(101, 3, 0.02, rng),
    lambda rng: D.make_blobs(101, 3, 0.5, rng),
])
def test_generators_are_seeded_and_shaped(make):
    X, y = make(7)
    assert (X, y) == make(7) == make(random.Random(7))
    assert X != make(8)[0]
    assert len(X) == len(y) == 101 and all(len(p) == 2 for p in X)
    assert all(isinstance(v, float) for p in X for v in p)
    assert set(y) <= {0, 1, 2} and len(set(y)) >= 2


def test_global_random_is_used_when_no_rng_given():
    random.seed(5)
    a = D.make_moons(20, 0.1)
    random.seed(5)
    assert D.make_moons(20, 0.1) == a


def test_noise_free_moons_lie_on_their_half_circles():
    X, y = D.make_moons(50, 0.0, 0)
    for (a, b), label in zip(X, y, strict=True):
        if label == 0:
            assert math.hypot(a, b) == pytest.approx(1.0) and b >= -1e-12
        else:
            assert math.hypot(a - 1, b - 0.5) == pytest.approx(1.0) and b <= 0.5 + 1e-12
    assert y.count(0) == 25 and y.count(1) == 25


def test_noise_free_circles_have_the_two_radii():
    X, y = D.make_circles(40, 0.0, 0, factor=0.3)
    radii = {label: {round(math.hypot(*p), 9) for p, lab in zip(X, y, strict=True)
                     if lab == label} for label in (0, 1)}
    assert radii == {0: {1.0}, 1: {0.3}}


def test_train_test_split_partitions():
    X, y = D.make_blobs(40, 2, 0.5, 1)
    Xtr, Xte, ytr, yte = D.train_test_split(X, y, 0.25, rng=0)
    assert len(Xte) == 10 and len(Xtr) == 30
    assert sorted(map(tuple, Xtr + Xte)) == sorted(map(tuple, X))
    pairs = dict(zip(map(tuple, X), y, strict=True))
    assert all(pairs[tuple(p)] == c for p, c in zip(Xtr + Xte, ytr + yte, strict=True))
    assert D.train_test_split(X, y, 5, rng=0)[1] != [] and len(D.train_test_split(X, y, 5)[1]) == 5


def test_errors_and_signs():
    with pytest.raises(ValueError, match="n must be a positive int"):
        D.make_moons(0)
    with pytest.raises(ValueError, match="noise"):
        D.make_moons(10, -1.0)
    with pytest.raises(ValueError, match="test_size"):
        D.train_test_split([1, 2], [0, 1], 1.5)
    assert D.to_signs([0, 1, 1]) == [-1, 1, 1]
