"""The results as a Markdown table (for people) and JSON (for scripts), with the targets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# issue 7's targets: (case prefix, ratio name, bound)
TARGETS = [
    ("demo step", "ours/micrograd", 1 / 6),
    ("demo step", "ours/floor", 1.5),
    ("chain build", "ours/floor", 1.5),
    ("chain backward", "ours/floor", 1.5),
    ("wide sum", "ours/floor", 1.5),
    ("memory per op", "ours/floor", 1.5),
]
# "the same order of time per node as at 10³": ns/op at the largest chain < 10× ns/op at 10³.
# At the default GC every engine gets dearer per node on big graphs (the collector's full
# passes grow with the heap; ~5× from 10³ to 10⁶ links, floor included, ~1.3× with the
# collector paused); the floor's own growth is shown beside ours.
LINEAR_BOUND = 10.0
# "time proportional to the pruned graph G′": grad(z, [x]) on the whole graph, where x is made
# after the big part, within this factor of grad on G′ alone (the small chain by itself).
PRUNED_BOUND = 3.0
PRUNED_CASE = "grad(z, [x]), x made after the big part"
PRUNED_ALONE = "grad(small, [x]) (G′ alone)"


def judge(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each row's targets, met or not (added to the rows in place, and listed)."""
    verdicts = []
    for row in results["rows"]:
        row["targets"] = {}
        for prefix, ratio, bound in TARGETS:
            if row["case"].startswith(prefix) and ratio in row.get("ratios", {}):
                if "gc_paused" in row["case"] and ratio == "ours/micrograd":
                    continue
                met = row["ratios"][ratio] <= bound
                row["targets"][ratio] = {"bound": bound, "met": met}
                verdicts.append({"case": row["case"], "size": row["size"], "ratio": ratio,
                                 "value": row["ratios"][ratio], "bound": bound, "met": met})
    for phase in ("build", "backward"):
        rows = [r for r in results["rows"] if r["case"] == f"chain {phase}"]
        per_op = {e: {r["size"]: r["engines"][e].get("per_op_ns") for r in rows
                      if e in r["engines"]} for e in ("ours", "floor")}
        sizes = sorted(s for s, v in per_op["ours"].items() if v)
        if len(sizes) >= 2:
            base = 1000 if 1000 in sizes else sizes[0]
            growth = per_op["ours"][sizes[-1]] / per_op["ours"][base]
            floor = per_op["floor"].get(sizes[-1]) and per_op["floor"].get(base)
            note = (f" (floor: {per_op['floor'][sizes[-1]] / per_op['floor'][base]:.2f})"
                    if floor else "")
            verdicts.append({"case": f"chain {phase} linear", "size": f"{base}→{sizes[-1]}",
                             "ratio": f"ns/op growth{note}", "value": growth,
                             "bound": LINEAR_BOUND, "met": growth <= LINEAR_BOUND})
    pruned = results.get("pruned", {}).get("median_s", {})
    if pruned.get(PRUNED_CASE) and pruned.get(PRUNED_ALONE):
        r = pruned[PRUNED_CASE] / pruned[PRUNED_ALONE]
        verdicts.append({"case": "grad(z, [x]) ∝ G′", "size": results["pruned"]["graph_ops"],
                         "ratio": "time / time on G′ alone", "value": r,
                         "bound": PRUNED_BOUND, "met": r <= PRUNED_BOUND})
    return verdicts


def _time(e: dict[str, Any], unit: str) -> str:
    if "error" in e:
        return e["error"].split(":")[0] if "skipped" not in e["error"] else "skipped"
    if unit == "B/op":
        return f"{e['bytes_per_op']:.0f} B"
    s = e["median_s"]
    t = f"{s * 1e3:.3g} ms" if s < 1 else f"{s:.3g} s"
    return f"{t} ({e['per_op_ns']:.0f} ns/op)" if "per_op_ns" in e else t


def _ratio(row: dict[str, Any], name: str) -> str:
    r = row.get("ratios", {}).get(name)
    if r is None:
        return "—"
    mark = ""
    t = row.get("targets", {}).get(name)
    if t:
        mark = " ✓" if t["met"] else f" ✗ (≤{t['bound']:.3g})"
    return f"{r:.2f}{mark}"


def markdown(results: dict[str, Any], verdicts: list[dict[str, Any]]) -> str:
    meta = results["meta"]
    lines = [
        "# autograd-core benchmark",
        "",
        f"Python {meta['python']} ({meta['implementation']}, {meta['machine']}), "
        f"GC threshold {tuple(meta['gc_threshold'])}, run {meta['started']} "
        f"({meta['seconds']} s). Medians over rounds; ratios are medians of per-round ratios.",
        "",
        "| case | N | ops | ours | micrograd | floor | ours/micrograd | ours/floor |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in results["rows"]:
        eng = row["engines"]
        cells = [_time(eng[e], row["unit"]) if e in eng else "n/a"
                 for e in ("ours", "micrograd", "floor")]
        size = f"{row['size']:,}" if isinstance(row["size"], int) else row["size"]
        lines.append(f"| {row['case']} | {size} | {row['ops']:,} | " + " | ".join(cells)
                     + f" | {_ratio(row, 'ours/micrograd')} | {_ratio(row, 'ours/floor')} |")
    demo = [r for r in results["rows"] if r["case"].startswith("demo step")]
    if demo:
        lines += ["", "Share of the demo step spent in the cyclic GC: " + "; ".join(
            f"{r['case']}: " + ", ".join(f"{n} {e['gc_share']:.0%}" for n, e in r["engines"].items()
                                         if "gc_share" in e) for r in demo) + "."]
    p = results["pruned"]
    lines += ["", f"`grad(z, [x])` on a graph of {p['graph_ops']:,} ops where x feeds "
              f"{p['pruned_ops']:,} of them (G′), ours only:", "", "| call | time |", "|---|---|"]
    for k, s in p["median_s"].items():
        lines.append(f"| {k} | {s * 1e3:.3g} ms |")
    loops = results.get("loops")
    if loops:
        lines += ["", "The same backward pass by the float fast path (`backward()` on floats) and "
                  "by the general loop (keep_terms, create_graph, anomaly checks), ours only:", "",
                  "| graph | ops | fast path | general loop | general/fast |",
                  "|---|---|---|---|---|"]
        for graph, ops in loops["ops"].items():
            fast = loops["median_s"][f"{graph}, float fast path"]
            general = loops["median_s"][f"{graph}, general loop"]
            lines.append(f"| {graph} | {ops:,} | {fast * 1e3:.3g} ms | {general * 1e3:.3g} ms | "
                         f"{general / fast:.2f} |")
    lines += ["", "Targets (issue 7):", "", "| target | value | bound | met |", "|---|---|---|---|"]
    for v in verdicts:
        lines.append(f"| {v['case']} ({v['size']}), {v['ratio']} | {v['value']:.3f} | "
                     f"≤ {v['bound']:.3g} | {'yes' if v['met'] else 'no'} |")
    agree = all(r.get("check", {}).get("agree", True) for r in results["rows"])
    lines += ["", "Engines agree on every result: " + ("yes." if agree else "NO (see JSON).")]
    if meta["missing_engines"]:
        lines += ["", "Missing: " + "; ".join(f"{k}: {v}" for k, v in
                                              meta["missing_engines"].items())]
    return "\n".join(lines) + "\n"


def write(results: dict[str, Any], out_dir: Path) -> tuple[Path, Path, str]:
    verdicts = judge(results)
    results["targets"] = verdicts
    text = markdown(results, verdicts)
    out_dir.mkdir(parents=True, exist_ok=True)
    md, js = out_dir / "results.md", out_dir / "results.json"
    md.write_text(text)
    js.write_text(json.dumps(results, indent=1))
    return md, js, text
