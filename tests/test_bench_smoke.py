"""A smoke run of the benchmark (``python -m bench --quick``): its report has the promised
structure and the engines compute the same numbers. No timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--quiet", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads((out / "results.json").read_text()), (out / "results.md").read_text(), proc


def test_every_workload_has_a_row(report):
    results, _, _ = report
    cases = {row["case"] for row in results["rows"]}
    for case in ("chain build", "chain backward", "wide sum build, sum()",
                 "wide sum backward, sum()", "demo step", "memory per op, tracemalloc peak",
                 "memory per op, RSS growth"):
        assert case in cases, case
    assert {r["size"] for r in results["rows"] if r["case"] == "chain build"} == {30, 300}


def test_ours_and_the_floor_have_times_and_ratios(report):
    results, _, _ = report
    for row in results["rows"]:
        for engine in ("ours", "floor"):
            e = row["engines"][engine]
            if row["unit"] == "B/op":
                assert e["bytes_per_op"] > 0
            else:
                assert e["median_s"] > 0 and len(e["samples_s"]) >= 2
        assert row["ratios"]["ours/floor"] > 0


def test_engines_agree_on_every_result(report):
    results, _, _ = report
    for row in results["rows"]:
        if "check" in row:
            assert row["check"]["agree"], (row["case"], row["check"]["mismatches"])
            assert {"ours", "floor"} <= set(row["check"]["values"])
    for key in ("dz/dx", "dtop/dh"):
        assert results["pruned"]["check"][key] != 0.0


def test_micrograd_runs_or_is_reported_missing(report):
    results, _, _ = report
    demo = next(r for r in results["rows"] if r["case"] == "demo step")
    if "micrograd" in results["meta"]["missing_engines"]:
        assert "micrograd" not in demo["engines"]
    else:
        assert demo["engines"]["micrograd"]["median_s"] > 0
        assert "ours/micrograd" in demo["ratios"]


def test_markdown_table_is_printed_and_written(report):
    results, text, proc = report
    assert text.startswith("# autograd-core benchmark")
    assert "| case | N | ops | ours | micrograd | floor | ours/micrograd | ours/floor |" in text
    assert text in proc.stdout
    assert len(results["targets"]) >= 6
    assert all(isinstance(t["met"], bool) for t in results["targets"])


def test_the_fast_path_and_the_general_loop_are_both_timed(report):
    results, text, _ = report
    loops = results["loops"]
    assert loops["ops"]["chain"] == 900 and loops["ops"]["demo loss"] > 1000
    for graph in ("chain", "demo loss"):
        for loop in ("float fast path", "general loop"):
            assert loops["median_s"][f"{graph}, {loop}"] > 0
    assert "| graph | ops | fast path | general loop | general/fast |" in text
