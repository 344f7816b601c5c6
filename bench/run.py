"""Run every workload on every engine in one process, alternating, and collect the numbers.

Within a round each engine runs the same workload once, in an order that rotates from round
to round; a ratio ours/other is taken within each round, and the reported ratio is the median
over rounds (the machine is shared: ratios from one interleaved run are what is comparable).
The garbage collector stays at its default setting; a full collection between engines keeps
one engine's garbage out of the next one's timing.
"""

from __future__ import annotations

import gc
import math
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from . import memory, workloads
from .engines import ENGINE_NAMES, Engine, load

OURS = "ours"


@dataclass
class Options:
    chain_sizes: list[int] = field(default_factory=lambda: [100, 1000, 10_000, 100_000, 1_000_000])
    wide_size: int = 100_000
    memory_size: int = 100_000
    pruned_sizes: tuple[int, int] = (100_000, 100)
    loops_size: int = 100_000
    demo_steps: int = 3
    demo_points: int = 100
    min_ops: int = 30_000  # a small chain is built this many ops' worth of times per round
    rounds: int = 5
    micrograd_max_ops: int = 300_000  # ~1.1 kB per op: a 10⁶ chain would need > 3 GB
    engines: tuple[str, ...] = ENGINE_NAMES
    gc_variants: bool = True

    @classmethod
    def quick(cls) -> Options:
        return cls(chain_sizes=[30, 300], wide_size=300, memory_size=1000, pruned_sizes=(300, 10),
                   loops_size=300, demo_steps=1, demo_points=20, rounds=2, min_ops=0,
                   gc_variants=True)


def _rounds_for(ops: int, rounds: int) -> int:
    """Fewer rounds for the biggest graphs (at least 3, for a median)."""
    return min(rounds, max(3, int(2e6 // max(ops, 1))))


def _rotate(names: list[str], r: int) -> list[str]:
    k = r % len(names)
    return names[k:] + names[:k]


def _agree(checks: dict[str, dict[str, float]], rel: float = 1e-9) -> dict[str, Any]:
    """Do the engines' numbers match (each key that two engines both report)?"""
    bad = []
    names = list(checks)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            for key in checks[a].keys() & checks[b].keys():
                x, y = checks[a][key], checks[b][key]
                if not math.isclose(x, y, rel_tol=rel, abs_tol=1e-12):
                    bad.append(f"{key}: {a}={x!r} {b}={y!r}")
    return {"agree": not bad, "mismatches": bad, "values": checks}


class Collector:
    """Per-phase samples for each engine, and their per-round ratios to ours."""

    def __init__(self) -> None:
        self.samples: dict[str, dict[str, list[float]]] = {}
        self.errors: dict[str, dict[str, str]] = {}
        self.round_times: list[dict[str, dict[str, float]]] = []

    def add_round(self, per_engine: dict[str, dict[str, float | str]]) -> None:
        row: dict[str, dict[str, float]] = {}
        for engine, phases in per_engine.items():
            for phase, t in phases.items():
                if isinstance(t, str):
                    self.errors.setdefault(phase, {})[engine] = t
                else:
                    self.samples.setdefault(phase, {}).setdefault(engine, []).append(t)
                    row.setdefault(phase, {})[engine] = t
        self.round_times.append(row)

    def summary(self, phase: str) -> dict[str, Any]:
        engines: dict[str, Any] = {}
        for engine, ts in self.samples.get(phase, {}).items():
            engines[engine] = {"median_s": statistics.median(ts), "samples_s": ts}
        for engine, err in self.errors.get(phase, {}).items():
            engines.setdefault(engine, {"error": err})
        ratios = {}
        for other in engines:
            if other == OURS:
                continue
            rs = [r[phase][OURS] / r[phase][other] for r in self.round_times
                  if phase in r and OURS in r[phase] and other in r[phase] and r[phase][other] > 0]
            if rs:
                ratios[f"ours/{other}"] = statistics.median(rs)
        return {"engines": engines, "ratios": ratios}


def _row(case: str, size: int | str, ops: int, summary: dict[str, Any], unit: str = "s",
         **extra: Any) -> dict[str, Any]:
    for e in summary["engines"].values():
        if "median_s" in e and ops:
            e["per_op_ns"] = e["median_s"] / ops * 1e9
    return {"case": case, "size": size, "ops": ops, "unit": unit, **summary, **extra}


def run_chain(engines: dict[str, Engine], opts: Options, log) -> list[dict[str, Any]]:
    rows = []
    for n in opts.chain_sizes:
        ops = workloads.chain_ops(n)
        col, checks = Collector(), {}
        names = list(engines)
        for r in range(_rounds_for(ops, opts.rounds)):
            per_engine = {}
            for name in _rotate(names, r):
                if name == "micrograd" and ops > opts.micrograd_max_ops:
                    per_engine[name] = {p: "skipped (memory: ~1.1 kB/op)"
                                        for p in ("build", "backward")}
                    continue
                gc.collect()
                times, check = _repeated(workloads.chain, engines[name], n, ops, opts.min_ops)
                per_engine[name] = times
                checks[name] = check
            col.add_round(per_engine)
        agree = _agree(checks)
        for phase in ("build", "backward"):
            rows.append(_row(f"chain {phase}", n, ops, col.summary(phase), check=agree))
        log(f"chain n={n}: done")
    return rows


def _repeated(workload, engine: Engine, n: int, ops: int, min_ops: int):
    """Small graphs run several times within a round (≥ min_ops ops in all): mean times."""
    reps = max(1, min_ops // ops)
    total: dict[str, float | str] = {}
    for _ in range(reps):
        times, check = workload(engine, n)
        for phase, t in times.items():
            prev = total.get(phase, 0.0)
            total[phase] = t if isinstance(t, str) or isinstance(prev, str) else prev + t / reps
    return total, check


def run_wide_sum(engines: dict[str, Engine], opts: Options, log) -> list[dict[str, Any]]:
    rows = []
    n = opts.wide_size
    for use_vsum in (False, True):
        col, checks = Collector(), {}
        names = list(engines)
        for r in range(opts.rounds):
            per_engine = {}
            for name in _rotate(names, r):
                gc.collect()
                times, check = workloads.wide_sum(engines[name], n, use_vsum)
                per_engine[name] = times
                checks[name] = check
            col.add_round(per_engine)
        agree = _agree(checks)
        how = "vsum (ours), sum() (others)" if use_vsum else "sum()"
        for phase in ("build", "backward"):
            # ops differ between engines for vsum; per-op figures use our count
            rows.append(_row(f"wide sum {phase}, {how}", n,
                             workloads.wide_sum_ops(n, use_vsum), col.summary(phase), check=agree))
        log(f"wide sum vsum={use_vsum}: done")
    return rows


def run_demo(engines: dict[str, Engine], opts: Options, log, gc_paused: bool = False
             ) -> dict[str, Any]:
    X, y = workloads.moons(opts.demo_points)
    models = {name: workloads.MLP(e, 2, [16, 16, 1]) for name, e in engines.items()}
    col = Collector()
    losses: dict[str, list[float]] = {name: [] for name in engines}
    k = 0
    names = list(engines)
    gc_share: dict[str, list[float]] = {name: [] for name in engines}
    for r in range(opts.rounds):
        per_engine = {}
        for name in _rotate(names, r):
            engine, model = engines[name], models[name]
            gc.collect()
            # one untimed step first: its graph is garbage the timed steps free (micrograd's
            # only through the cyclic GC), as in a training loop's steady state
            losses[name].append(_demo_step(engine, model, X, y, k, gc_paused))
            gc_time = [0.0]
            start = [0.0]

            def cb(phase, info, gc_time=gc_time, start=start):
                if phase == "start":
                    start[0] = time.perf_counter()
                else:
                    gc_time[0] += time.perf_counter() - start[0]

            gc.callbacks.append(cb)
            try:
                t0 = time.perf_counter()
                for s in range(1, opts.demo_steps + 1):
                    losses[name].append(_demo_step(engine, model, X, y, k + s, gc_paused))
                dt = (time.perf_counter() - t0) / opts.demo_steps
            finally:
                gc.callbacks.remove(cb)
            gc_share[name].append(gc_time[0] / (dt * opts.demo_steps))
            per_engine[name] = {"step": dt}
        k += opts.demo_steps + 1
        col.add_round(per_engine)
    checks = {name: {f"loss@{i}": v for i, v in enumerate(ls)} for name, ls in losses.items()}
    summary = col.summary("step")
    for name, e in summary["engines"].items():
        if gc_share.get(name):
            e["gc_share"] = statistics.median(gc_share[name])
    case = "demo step, gc_paused()" if gc_paused else "demo step"
    log(f"{case}: done")
    size = f"MLP(2,[16,16,1]) × {opts.demo_points}"
    return _row(case, size, workloads.demo_ops(opts.demo_points), summary,
                check=_agree(checks, rel=1e-7))


def _demo_step(engine, model, X, y, k, gc_paused):
    if gc_paused:  # ours and the floor alike, so the ratio compares like with like
        from autograd_core import gc_paused as ctx

        with ctx():
            return workloads.demo_step(engine, model, X, y, k)
    return workloads.demo_step(engine, model, X, y, k)


def run_memory(engines: dict[str, Engine], opts: Options, log) -> list[dict[str, Any]]:
    rows = []
    n = opts.memory_size
    for mode in ("tracemalloc", "rss"):
        results = {name: memory.measure(name, n, mode) for name in engines}
        ours = results.get(OURS, {})
        ratios = {f"ours/{k}": ours["bytes_per_op"] / v["bytes_per_op"]
                  for k, v in results.items() if k != OURS and "bytes_per_op" in v
                  and "bytes_per_op" in ours}
        label = "tracemalloc peak" if mode == "tracemalloc" else "RSS growth"
        rows.append({"case": f"memory per op, {label}", "size": n, "ops": workloads.chain_ops(n),
                     "unit": "B/op", "engines": results, "ratios": ratios})
    log("memory: done")
    return rows


def run_pruned(opts: Options, log) -> dict[str, Any]:
    gc.collect()
    samples: dict[str, list[float]] = {}
    info: dict[str, Any] = {}
    for _ in range(max(2, opts.rounds // 2)):
        gc.collect()
        info = workloads.pruned_grad(*opts.pruned_sizes)
        for k, t in info["times"].items():
            samples.setdefault(k, []).append(t)
    log("pruned grad: done")
    return {"case": "grad(z, [x]) on G′", "size": list(opts.pruned_sizes),
            "graph_ops": info["graph_ops"], "pruned_ops": info["pruned_ops"],
            "median_s": {k: statistics.median(v) for k, v in samples.items()},
            "check": info["check"]}


def run_loops(opts: Options, log) -> dict[str, Any]:
    samples: dict[str, list[float]] = {}
    info: dict[str, Any] = {}
    for _ in range(max(2, opts.rounds // 2)):
        info = workloads.loops(opts.loops_size, opts.demo_points)
        for k, t in info["times"].items():
            samples.setdefault(k, []).append(t)
    log("backward loops: done")
    return {"ops": info["ops"], "median_s": {k: statistics.median(v) for k, v in samples.items()}}


def run(opts: Options, log=print) -> dict[str, Any]:
    engines, missing = load(opts.engines)
    started = time.time()
    rows: list[dict[str, Any]] = []
    rows += run_chain(engines, opts, log)
    rows += run_wide_sum(engines, opts, log)
    rows.append(run_demo(engines, opts, log))
    if opts.gc_variants and _has_gc_paused():
        rows.append(run_demo({k: v for k, v in engines.items() if k != "micrograd"}, opts, log,
                             gc_paused=True))
    rows += run_memory(engines, opts, log)
    pruned = run_pruned(opts, log)
    loops = run_loops(opts, log) if OURS in engines else None
    return {
        "meta": {
            "python": sys.version.split()[0],
            "implementation": platform.python_implementation(),
            "machine": platform.machine(),
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
            "seconds": round(time.time() - started, 1),
            "gc_threshold": list(gc.get_threshold()),
            "gc_enabled": gc.isenabled(),
            "options": {k: v for k, v in vars(opts).items()},
            "missing_engines": missing,
        },
        "rows": rows,
        "pruned": pruned,
        "loops": loops,
    }


def _has_gc_paused() -> bool:
    import autograd_core

    return hasattr(autograd_core, "gc_paused")
