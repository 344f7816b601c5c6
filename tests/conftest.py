"""Shared pytest set-up. Keep it small: helpers live in importable modules (tests/strategies.py).

Fixtures here are shared by every test file; add yours with a short docstring.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from autograd_core.engine.mode import state

# On CI (CI=true) hypothesis replays the same examples every run, so a red build always means a
# change broke something; on a developer's machine it keeps exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _engine_switches_restored() -> Iterator[None]:
    """Every test must leave ``no_grad()`` / ``detect_anomaly()`` off (the switches are global:
    one leaked switch would silently change every test after it)."""
    yield
    leaked = (state.build_graph, state.check_finite) != (True, False)
    state._set(True, False)
    assert not leaked, "the test left no_grad() or detect_anomaly() switched on"
