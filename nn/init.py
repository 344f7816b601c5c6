"""Weight initialisation (seeds 000 and 003), and the one rule every random choice follows.

Every function that draws random numbers takes ``rng``:

* ``None``            -- Python's global ``random`` module (what micrograd uses, so
                         ``random.seed(1337)`` reproduces micrograd's networks bit for bit);
* an ``int``          -- a fresh ``random.Random(seed)``;
* a ``random.Random`` -- used as is (share one to make a whole notebook reproducible); the
                         ``random`` module itself counts as None.

Recipes, for a layer with n_in inputs and n_out outputs:

* ``"uniform"``  w ~ U[−1, 1]                                  (seed 003; micrograd's default)
* ``"normal"``   w ~ N(0, σ²) with σ = 1/√n_in                 (seed 000, "N(0, 1/√n_in)";
                                                                 read as a standard deviation)
* ``"glorot"``   w ~ U[−√6/√(n_in+n_out), +√6/√(n_in+n_out)]  (seed 000; Glorot & Bengio 2010)
* ``"zeros"``    w = 0
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, MutableSequence
from typing import Any, Protocol


class RandomSource(Protocol):
    """What nn draws its random numbers from: a ``random.Random``, or the ``random`` module."""

    def uniform(self, a: float, b: float, /) -> float:
        """A number drawn from U[a, b]."""

    def gauss(self, mu: float, sigma: float, /) -> float:
        """A number drawn from N(μ, σ²)."""

    def random(self) -> float:
        """A number drawn from U[0, 1)."""

    def shuffle(self, x: MutableSequence[Any], /) -> None:
        """Shuffle x in place."""


#: ``rng=``: None, an int seed, a random.Random or the random module (what make_rng gives
#: back, so that a layer can hand its source on to its neurons)
RNG = RandomSource | int | None


def make_rng(rng: RNG) -> RandomSource:
    """The random source for ``rng`` (see the module docstring): an object with
    ``uniform``, ``gauss``, ``random``, ``shuffle``."""
    if rng is None or rng is random:
        return random
    if isinstance(rng, bool):
        raise TypeError(f"rng must be None, an int seed or a random.Random, got {rng!r}")
    if isinstance(rng, int):
        return random.Random(rng)
    if isinstance(rng, random.Random):
        return rng
    raise TypeError(
        f"rng must be None, an int seed or a random.Random, got {type(rng).__name__}: {rng!r}"
    )


def uniform(n_in: int, n_out: int, rng: RandomSource) -> float:
    """U[−1, 1]."""
    return rng.uniform(-1.0, 1.0)


def normal(n_in: int, n_out: int, rng: RandomSource) -> float:
    """N(0, σ²), σ = 1/√n_in."""
    return rng.gauss(0.0, 1.0 / math.sqrt(n_in))


def glorot(n_in: int, n_out: int, rng: RandomSource) -> float:
    """U[−r, r], r = √6/√(n_in + n_out)."""
    r = math.sqrt(6.0) / math.sqrt(n_in + n_out)
    return rng.uniform(-r, r)


def zeros(n_in: int, n_out: int, rng: RandomSource) -> float:
    """0."""
    return 0.0


Initializer = Callable[[int, int, RandomSource], float]

INITIALIZERS: dict[str, Initializer] = {
    "uniform": uniform,
    "normal": normal,
    "glorot": glorot,
    "xavier": glorot,
    "zeros": zeros,
}


def get_initializer(init: str | Initializer) -> Initializer:
    """An initialiser by name (``uniform normal glorot xavier zeros``) or a callable
    ``f(n_in, n_out, rng) -> float``."""
    if callable(init):
        return init
    try:
        return INITIALIZERS[init]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown initialiser {init!r}; choose one of {sorted(INITIALIZERS)} or pass "
            "a function f(n_in, n_out, rng) -> float"
        ) from None


def matrix(n_out: int, n_in: int, init: str | Initializer = "uniform", rng: RNG = None,
           ) -> list[list[float]]:
    """An n_out × n_in weight matrix (the slides' W⁽ᵏ⁾ layout), drawn row by row."""
    f, source = get_initializer(init), make_rng(rng)
    return [[f(n_in, n_out, source) for _ in range(n_in)] for _ in range(n_out)]
