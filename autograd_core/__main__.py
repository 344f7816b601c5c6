"""``python -m autograd_core``: the ``backprop`` command (see :mod:`autograd_core.cli`)."""

from .cli import main

raise SystemExit(main())
