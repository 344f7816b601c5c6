"""Small 2-D data sets generated on the spot: no download, no numpy, seeded.

Every generator returns ``(X, y)``: ``X`` a list of points (lists of floats), ``y`` a list
of int labels 0, 1, … Random ones take ``rng`` (an int seed, a ``random.Random``, or None for
Python's global ``random``), so the same seed gives the same data bit for bit.

* ``xor()``, ``and_()``, ``or_()``: the four points of {0, 1}², in the order 00, 01, 10, 11;
* ``make_moons`` (two interleaving half circles, as scikit-learn's), ``make_circles``,
  ``make_spirals``, ``make_blobs``;
* ``train_test_split``; ``to_signs`` maps labels {0, 1} to {−1, +1} (for the hinge loss).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .init import RNG, RandomSource, make_rng

Data = tuple[list[list[float]], list[int]]

_CORNERS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]


def _truth_table(f: Any) -> Data:
    return [list(p) for p in _CORNERS], [int(f(int(a), int(b))) for a, b in _CORNERS]


def xor() -> Data:
    """x₁ XOR x₂: labels 0, 1, 1, 0."""
    return _truth_table(lambda a, b: a ^ b)


def and_() -> Data:
    """x₁ AND x₂: labels 0, 0, 0, 1."""
    return _truth_table(lambda a, b: a & b)


def or_() -> Data:
    """x₁ OR x₂: labels 0, 1, 1, 1."""
    return _truth_table(lambda a, b: a | b)


def _check_n(n: int, who: str) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"{who}: n must be a positive int, got {n!r}")


def _shuffled(X: list[list[float]], y: list[int], rng: RandomSource) -> Data:
    idx = list(range(len(X)))
    rng.shuffle(idx)
    return [X[i] for i in idx], [y[i] for i in idx]


def _jitter(X: list[list[float]], noise: float, rng: RandomSource) -> list[list[float]]:
    if noise < 0:
        raise ValueError(f"noise must be ≥ 0, got {noise!r}")
    if noise == 0:
        return X
    return [[v + rng.gauss(0.0, noise) for v in p] for p in X]


def _linspace(a: float, b: float, n: int) -> list[float]:
    if n == 1:
        return [a]
    return [a + (b - a) * i / (n - 1) for i in range(n)]


def make_moons(n: int = 100, noise: float = 0.0, rng: RNG = None, *, shuffle: bool = True,
               ) -> Data:
    """Two interleaving half circles (scikit-learn's construction): ⌊n/2⌋ points of the
    upper moon (cos t, sin t), label 0, and the rest on the lower one (1 − cos t,
    0.5 − sin t), label 1, for t evenly spaced in [0, π]; then shuffled, then Gaussian noise
    of standard deviation ``noise`` added to each coordinate."""
    _check_n(n, "make_moons")
    source = make_rng(rng)
    n_out = n // 2
    n_in = n - n_out
    X = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_out)]
    X += [[1.0 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0.0, math.pi, n_in)]
    y = [0] * n_out + [1] * n_in
    if shuffle:
        X, y = _shuffled(X, y, source)
    return _jitter(X, noise, source), y


def make_circles(n: int = 100, noise: float = 0.0, rng: RNG = None, *, factor: float = 0.5,
                 shuffle: bool = True) -> Data:
    """A big circle (radius 1, label 0) around a small one (radius ``factor``, label 1)."""
    _check_n(n, "make_circles")
    if not 0.0 < factor < 1.0:
        raise ValueError(f"make_circles: factor must be in (0, 1), got {factor!r}")
    source = make_rng(rng)
    n_out = n // 2
    n_in = n - n_out

    def ring(m: int, r: float) -> list[list[float]]:
        return [[r * math.cos(2 * math.pi * i / m), r * math.sin(2 * math.pi * i / m)]
                for i in range(m)]

    X = ring(n_out, 1.0) + ring(n_in, factor)
    y = [0] * n_out + [1] * n_in
    if shuffle:
        X, y = _shuffled(X, y, source)
    return _jitter(X, noise, source), y


def make_spirals(n: int = 100, classes: int = 2, noise: float = 0.0, rng: RNG = None,
                 *, turns: float = 1.0) -> Data:
    """``classes`` interleaved spiral arms (cs231n's toy data): arm k has radii 0 … 1 and
    angles rotated by 2πk/classes; labels are the arm numbers."""
    _check_n(n, "make_spirals")
    if classes < 2:
        raise ValueError(f"make_spirals: classes must be ≥ 2, got {classes!r}")
    source = make_rng(rng)
    X: list[list[float]] = []
    y: list[int] = []
    for k in range(classes):
        m = n // classes + (1 if k < n % classes else 0)
        for i in range(m):
            r = (i + 1) / m
            t = 2 * math.pi * (turns * r + k / classes)
            X.append([r * math.cos(t), r * math.sin(t)])
            y.append(k)
    X, y = _shuffled(X, y, source)
    return _jitter(X, noise, source), y


def make_blobs(n: int = 100, centers: int | Sequence[Sequence[float]] = 2, std: float = 0.5,
               rng: RNG = None) -> Data:
    """Gaussian clouds of standard deviation ``std`` around ``centers`` (a list of points, or
    a number of random centres in [−5, 5]²); points are dealt to the clouds in turn."""
    _check_n(n, "make_blobs")
    source = make_rng(rng)
    if isinstance(centers, int):
        if centers < 1:
            raise ValueError(f"make_blobs: centers must be ≥ 1, got {centers!r}")
        cs = [[source.uniform(-5.0, 5.0), source.uniform(-5.0, 5.0)] for _ in range(centers)]
    else:
        cs = [list(map(float, c)) for c in centers]
    X = [[c + source.gauss(0.0, std) for c in cs[i % len(cs)]] for i in range(n)]
    y = [i % len(cs) for i in range(n)]
    return _shuffled(X, y, source)


def train_test_split(X: Sequence[Any], y: Sequence[Any], test_size: float | int = 0.25,
                     rng: RNG = None) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """Shuffle and split: ``X_train, X_test, y_train, y_test`` (scikit-learn's order).
    ``test_size``: a fraction in (0, 1) or a number of examples."""
    if len(X) != len(y):
        raise ValueError(f"train_test_split: {len(X)} inputs but {len(y)} labels")
    n = len(X)
    if isinstance(test_size, float):
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"test_size must be in (0, 1) or an int, got {test_size!r}")
        n_test = math.ceil(test_size * n)
    else:
        n_test = int(test_size)
    if not 0 <= n_test <= n:
        raise ValueError(f"test_size {test_size!r} does not fit {n} examples")
    idx = list(range(n))
    make_rng(rng).shuffle(idx)
    test, train = idx[:n_test], idx[n_test:]
    return ([X[i] for i in train], [X[i] for i in test],
            [y[i] for i in train], [y[i] for i in test])


def to_signs(y: Sequence[int]) -> list[int]:
    """Labels {0, 1} → {−1, +1}."""
    return [2 * int(v) - 1 for v in y]
