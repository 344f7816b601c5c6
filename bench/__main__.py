"""``python -m bench``: run the benchmark, print the table, write bench/results/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .report import write
from .run import Options, run


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="tiny sizes, 2 rounds (a smoke run)")
    p.add_argument("--rounds", type=int, help="rounds per workload (default 5)")
    p.add_argument("--chain-sizes", type=lambda s: [int(float(x)) for x in s.split(",")],
                   help="comma-separated chain lengths, e.g. 1e3,1e4")
    p.add_argument("--demo-steps", type=int, help="demo steps per engine per round")
    p.add_argument("--engines", help="comma-separated subset of ours,micrograd,floor")
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "results",
                   help="output directory (default bench/results)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    a = p.parse_args(argv)
    opts = Options.quick() if a.quick else Options()
    if a.rounds:
        opts.rounds = a.rounds
    if a.chain_sizes:
        opts.chain_sizes = a.chain_sizes
    if a.demo_steps:
        opts.demo_steps = a.demo_steps
    if a.engines:
        opts.engines = tuple(a.engines.split(","))

    def log(msg: str) -> None:
        if not a.quiet:
            print(msg, file=sys.stderr, flush=True)

    results = run(opts, log)
    md, js, text = write(results, a.out)
    print(text)
    print(f"wrote {md} and {js}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
