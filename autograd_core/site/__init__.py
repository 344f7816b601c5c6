"""The library in the browser: a static site that runs autograd-core under Pyodide.

``backprop site -o site/`` (or :func:`build_site`) writes a folder: the page
(``page/``), Pyodide and viz-js from the npm registry (pinned by ``package.json`` and
``package-lock.json`` here) and the project's own wheel. Served by any static host
(``python -m http.server -d site``), it loads nothing from any other host. In the page,
:class:`~autograd_core.site.runtime.Page` answers the page's questions.
"""

from __future__ import annotations

from .build import SiteError, build_site

__all__ = ["SiteError", "build_site"]
