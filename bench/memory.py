"""Bytes per op of a graph, measured in a fresh interpreter (so nothing else is on the heap).

    python -m bench.memory ENGINE N {tracemalloc,rss}

builds the chain workload's graph (N tanh-affine links, 3N ops) and prints a JSON line:
the peak of Python allocations during the build (tracemalloc), or the growth of the resident
set (Linux /proc/self/statm), per op. The graph stays alive while it is measured.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tracemalloc

from .engines import load
from .workloads import chain_ops


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _build(engine, n):
    x = engine.leaf(0.3)
    for _ in range(n):
        x = (x * 0.9 + 0.1).tanh()
    return x


def measure_here(engine_name: str, n: int, mode: str) -> dict:
    engines, missing = load((engine_name,))
    if engine_name in missing:
        return {"error": missing[engine_name]}
    engine = engines[engine_name]
    _build(engine, 10)  # warm up: first-use allocations are not the graph's
    gc.collect()
    if mode == "tracemalloc":
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        graph = _build(engine, n)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        used = peak - before
    else:
        before = _rss()
        graph = _build(engine, n)
        used = _rss() - before
    del graph
    return {"bytes": used, "bytes_per_op": used / chain_ops(n)}


def measure(engine_name: str, n: int, mode: str) -> dict:
    """Run :func:`measure_here` in a fresh interpreter and return its result."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.memory", engine_name, str(n), mode],
        capture_output=True, text=True, cwd=os.path.dirname(os.path.dirname(__file__)),
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout)


if __name__ == "__main__":
    name, size, how = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    print(json.dumps(measure_here(name, size, how)))
