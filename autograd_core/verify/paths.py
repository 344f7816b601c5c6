"""How a report names a file: as the user would, never by a machine's absolute path.

* a relative path is kept as given (``course/ex1.worked``: what was typed);
* an absolute path under the current directory is made relative to it;
* a file of the package (the bundled examples) is named from the package
  (``autograd_core/examples/01_vo_mlp.worked``), wherever it is installed;
* any other absolute path is reduced to the file name (``ex1.worked``), so reports, errors
  and notebooks' outputs carry no ``/home/alice/…``.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # autograd_core/, wherever it is installed


def display_path(path: str | os.PathLike[str]) -> str:
    """The name of ``path`` for a report or an error message (see the module's rules)."""
    p = Path(path)
    if not p.is_absolute():
        return str(p)
    resolved = p.resolve()
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        pass
    try:
        return str(Path(PACKAGE.name) / resolved.relative_to(PACKAGE))
    except ValueError:
        return p.name
