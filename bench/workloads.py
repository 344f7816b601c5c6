"""The workloads, written once for every engine (the same Python code drives each engine).

Each workload returns the seconds of its timed phases and a few numbers (``check``) that the
engines must agree on. A phase that raises (micrograd's recursive sort at depth ~1000)
records the error instead of a time.
"""

from __future__ import annotations

import gc
import math
import random
from time import perf_counter
from typing import Any

from .engines import Engine

Result = tuple[dict[str, float | str], dict[str, float]]


def _fail(e: BaseException) -> str:
    return f"{type(e).__name__}: {str(e)[:60]}"


# ---------------------------------------------------------------- 1. chain of tanh-affine links
def chain_ops(n: int) -> int:
    """x ← tanh(0.9·x + 0.1), n times: a mul, an add and a tanh per link."""
    return 3 * n


def chain(engine: Engine, n: int) -> Result:
    x0 = engine.leaf(0.3)
    t0 = perf_counter()
    x = x0
    for _ in range(n):
        x = (x * 0.9 + 0.1).tanh()
    t1 = perf_counter()
    times: dict[str, float | str] = {"build": t1 - t0}
    check = {"out": x.data}
    try:
        t1 = perf_counter()
        engine.backward(x)
        times["backward"] = perf_counter() - t1
        check["dout/dx0"] = engine.grad_of(x0)
    except RecursionError as e:
        times["backward"] = _fail(e)
    t2 = perf_counter()
    del x
    gc.collect()  # micrograd's graph is cyclic: this is where it is freed
    times["free"] = perf_counter() - t2
    return times, check


# ---------------------------------------------------------------- 2. wide sum of products
def wide_sum_ops(n: int, use_vsum: bool) -> int:
    """n products, then n additions (Python's sum) or one n-ary sum node (vsum)."""
    return n + (1 if use_vsum else n)


def wide_sum(engine: Engine, n: int, use_vsum: bool = False) -> Result:
    xs = [engine.leaf((i % 97) * 0.01) for i in range(n)]
    ys = [engine.leaf(1.0 - (i % 89) * 0.01) for i in range(n)]
    if use_vsum and engine.name == "ours":
        from autograd_core import vsum as total
    else:
        total = sum
    t0 = perf_counter()
    z = total([x * y for x, y in zip(xs, ys, strict=True)])
    t1 = perf_counter()
    times: dict[str, float | str] = {"build": t1 - t0}
    check = {"out": z.data}
    try:
        engine.backward(z)
        times["backward"] = perf_counter() - t1
        check.update({"dz/dx0": engine.grad_of(xs[0]), "dz/dy7": engine.grad_of(ys[7])})
    except RecursionError as e:  # micrograd: sum() of n terms is n deep
        times["backward"] = _fail(e)
    return times, check


# ---------------------------------------------------------------- 3. micrograd's moons demo
def moons(n: int = 100, noise: float = 0.1, seed: int = 1) -> tuple[list[list[float]], list[float]]:
    """sklearn's make_moons (two interleaved half circles), labels ±1, without sklearn."""
    rng = random.Random(seed)
    half = n // 2
    X, y = [], []
    for i in range(half):
        t = math.pi * i / (half - 1)
        X.append([math.cos(t), math.sin(t)])
        y.append(-1.0)
    for i in range(n - half):
        t = math.pi * i / (n - half - 1)
        X.append([1.0 - math.cos(t), 0.5 - math.sin(t)])
        y.append(1.0)
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in X]
    return X, y


class MLP:
    """micrograd's MLP(2, [16, 16, 1]) on any engine: relu hidden layers, linear output.

    The forward pass is micrograd's code, word for word (``sum(w·x, b)`` per neuron)."""

    def __init__(self, engine: Engine, nin: int, nouts: list[int], seed: int = 1337) -> None:
        rng = random.Random(seed)
        sizes = [nin] + nouts
        self.layers = [
            [
                ([engine.param(rng.uniform(-1, 1)) for _ in range(sizes[i])], engine.param(0.0))
                for _ in range(sizes[i + 1])
            ]
            for i in range(len(nouts))
        ]
        self.params = [p for layer in self.layers for w, b in layer for p in [*w, b]]

    def __call__(self, x: list[Any]) -> Any:
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            acts = [sum((wi * xi for wi, xi in zip(w, x, strict=True)), b) for w, b in layer]
            x = acts if i == last else [a.relu() for a in acts]
        return x[0]


def demo_loss(
    engine: Engine, model: MLP, X: list[list[float]], y: list[float]
) -> tuple[Any, float]:
    """micrograd's demo.ipynb loss: SVM max-margin, mean over the batch, plus 1e-4·Σp²."""
    inputs = [list(map(engine.leaf, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.params)
    total = data_loss + reg_loss
    accuracy = [(yi > 0) == (si.data > 0) for yi, si in zip(y, scores, strict=True)]
    return total, sum(accuracy) / len(accuracy)


def demo_step(engine: Engine, model: MLP, X: list[list[float]], y: list[float], k: int) -> float:
    """One optimisation step: forward, zero_grad, backward, SGD update; the graph is freed on
    return. Returns the loss."""
    total, _ = demo_loss(engine, model, X, y)
    for p in model.params:
        p.grad = 0.0
    engine.backward(total)
    lr = 1.0 - 0.9 * k / 100
    for p in model.params:
        p.data -= lr * p.grad
    return total.data


def demo_ops(points: int = 100) -> int:
    """Ops in one demo step's graph (our engine's count: nodes with a derivative rule)."""
    from autograd_core import topological_order

    from .engines import load

    ours = load(("ours",))[0]["ours"]
    X, y = moons(points)
    total, _ = demo_loss(ours, MLP(ours, 2, [16, 16, 1]), X, y)
    return sum(not node.is_leaf for node in topological_order(total))


# ---------------------------------------------------------------- 5. grad(z, [x]) on G′ only
def pruned_grad(n_big: int, n_small: int) -> dict[str, Any]:
    """Our engine only: z = big + small, x feeds only ``small`` (a chain of n_small links).

    Times: the full ``backward`` of z; ``grad(z, [x])`` (G′ = the small chain) where x is made
    after the big part (the search for G′ cuts every older node) and where x is made before it
    (nothing is older than x: the search walks z's every ancestor, only G′ is
    back-propagated); the same ``grad`` on the small chain alone (what time ∝ G′ gives); and
    ``grad(top, [h])`` where h is the last node of the big chain (the search stops at h).
    """
    from autograd_core import Value, grad

    def link(v: Any) -> Any:
        return (v * 0.9 + 0.1).tanh()

    def chain_from(v: Any, n: int) -> Any:
        for _ in range(n):
            v = link(v)
        return v

    x_old = Value(0.4)  # made before the big part
    big = chain_from(Value(0.2), n_big)
    x = Value(0.4)  # made after it
    small = chain_from(x, n_small)
    small_old = chain_from(x_old, n_small)
    z = big + small
    z_old = big + small_old
    t: dict[str, float] = {}

    def timed(name: str, call: Any) -> Any:
        # A full collection that building the graph left due would otherwise land on whichever
        # call comes first (40-60 ms walking the 3·10⁵-op graph): collect before each timing.
        gc.collect()
        t0 = perf_counter()
        out = call()
        t[name] = perf_counter() - t0
        return out

    (gz,) = timed("grad(z, [x]), x made after the big part", lambda: grad(z, [x]))
    (gz_old,) = timed("grad(z, [x]), x made before the big part", lambda: grad(z_old, [x_old]))
    (gs,) = timed("grad(small, [x]) (G′ alone)", lambda: grad(small, [x]))
    h = big
    top = chain_from(h, n_small)
    (gh,) = timed("grad(top, [h]), h at the end of the big chain", lambda: grad(top, [h]))
    timed("z.backward() (whole graph)", z.backward)
    assert gz == gs == x.grad == gz_old, (gz, gs, x.grad, gz_old)
    return {"times": t, "graph_ops": 3 * (n_big + n_small) + 1, "pruned_ops": 3 * n_small + 1,
            "check": {"dz/dx": gz, "dtop/dh": gh}}


# ---------------------------------------------------------------- 6. what the float fast path buys
def loops(n: int, demo_points: int) -> dict[str, Any]:
    """Our engine only: the same backward pass by the float fast path and by the general loop.

    ``backward()`` on floats takes ``_backprop_floats``; anything else (``keep_terms``,
    ``create_graph``, anomaly checks, a bprop override) takes the general ``backprop`` loop.
    Both run here on one already sorted graph, so the times differ by the loop alone: a chain
    of n links (3n ops) and the moons demo's loss (MLP(2, [16, 16, 1]) on ``demo_points``).
    """
    from autograd_core import Value, vsum
    from autograd_core.engine.backprop import _backprop_floats, backprop
    from autograd_core.engine.graph import ordered
    from nn import MLP

    x = Value(0.3)
    chain_end = x
    for _ in range(n):
        chain_end = (chain_end * 0.9 + 0.1).tanh()
    net = MLP(2, [16, 16, 1], rng=1)
    X, y = moons(demo_points)
    demo = vsum([(1 + -t * net(p)).relu() for p, t in zip(X, y, strict=True)])
    t: dict[str, float] = {}
    for name, z in (("chain", chain_end), ("demo loss", demo)):
        order = ordered(z, set())
        gc.collect()
        t0 = perf_counter()
        fast = _backprop_floats(order, z, 1.0, False)
        t[f"{name}, float fast path"] = perf_counter() - t0
        gc.collect()
        t0 = perf_counter()
        general = backprop(order, z, 1.0)
        t[f"{name}, general loop"] = perf_counter() - t0
        assert fast == general, f"{name}: the two loops disagree"
    demo_ops = sum(not node.is_leaf for node in ordered(demo, set()))
    return {"times": t, "ops": {"chain": 3 * n, "demo loss": demo_ops}}
