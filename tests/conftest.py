"""Shared pytest set-up. Keep it small: helpers live in importable modules (tests/strategies.py).

Fixtures here are shared by every test file; add yours with a short docstring.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from autograd_core.mode import state


@pytest.fixture(autouse=True)
def _engine_switches_restored() -> Iterator[None]:
    """Every test must leave ``no_grad()`` / ``detect_anomaly()`` off (the switches are global:
    one leaked switch would silently change every test after it)."""
    yield
    leaked = (state.build_graph, state.check_finite) != (True, False)
    state._set(True, False)
    assert not leaked, "the test left no_grad() or detect_anomaly() switched on"
