"""Regenerate the teaching notebooks from their sources, with fresh outputs.

    python notebooks/build.py            # every notebooks/src/*.py → notebooks/*.ipynb
    python notebooks/build.py 03 06      # only the notebooks whose name starts with 03 or 06
    make notebooks-execute               # the same as the first line

Each source (percent format: ``# %%`` code cells, ``# %% [markdown]`` text cells) is turned
into a notebook, executed top to bottom in a fresh, offline ``python3`` kernel, stripped of
machine-dependent metadata and written next to this file. Edit the sources, not the .ipynb.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from notebook_runner import SOURCES, build, sealed_environment  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="build only notebooks starting with these")
    args = parser.parse_args(argv)
    sources = sorted(SOURCES.glob("[0-9]*.py"))
    if args.prefixes:
        sources = [s for s in sources if s.stem.startswith(tuple(args.prefixes))]
    if not sources:
        print("no notebook sources matched", file=sys.stderr)
        return 1
    total = 0.0
    with sealed_environment():
        for source in sources:
            _, seconds = build(source)
            total += seconds
            print(f"{source.stem:40s} {seconds:6.1f} s")
    print(f"{'total':40s} {total:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
