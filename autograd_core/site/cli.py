"""``backprop site``: write the static site (the library in the browser) into a folder.

    backprop site -o site/             # then: python -m http.server -d site
    backprop site -o site/ --wheel dist/autograd_core-0.1.0-py3-none-any.whl

The folder works offline on any static host; browsers refuse module scripts from file://,
so open it over http. Exit codes: 0 written; 2 it could not be built (the message says why).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``backprop site`` to the command line."""
    p = subparsers.add_parser(
        "site",
        help="write the static site: the library in the browser, offline (needs npm)",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
    )
    p.add_argument("-o", "--output", type=Path, default=Path("site"),
                   help="the folder to write (default: site); a site built there before is "
                        "replaced, any other non-empty folder is refused")
    p.add_argument("--wheel", type=Path, default=None,
                   help="use this autograd-core wheel instead of building one from the source")
    p.add_argument("--cache", type=Path, default=None,
                   help="where npm packages and wheels are kept between builds "
                        "(default: ~/.cache/autograd-core)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Build the site; print where it is and how to serve it."""
    from .build import SiteError, build_site, site_size

    def log(msg: str) -> None:
        print(msg, file=sys.stderr)

    try:
        out = build_site(args.output, wheel=args.wheel, cache=args.cache, log=log)
    except SiteError as e:
        print(f"backprop site: {e}", file=sys.stderr)
        return 2
    files, size = site_size(out)
    print(f"wrote {out}/ ({files} files, {size / 1e6:.1f} MB). Serve it over http "
          f"(module scripts do not run from file://):\n  python -m http.server -d {out}")
    return 0
