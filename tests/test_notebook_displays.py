"""What the notebooks' picture cells display, checked here so the cells themselves show only
the teaching (no ``assert svg.lstrip().startswith("<?xml")`` in front of students)."""

from __future__ import annotations

import nbformat
from notebook_runner import NOTEBOOKS


def outputs_of(notebook: str, source_end: str) -> list[dict]:
    nb = nbformat.read(str(NOTEBOOKS / notebook), as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code"
               and c.source.rstrip().endswith(source_end)]
    return cell.outputs


def test_quick_start_shows_its_graph_as_svg_with_every_name():
    (out,) = outputs_of("01_quick_start.ipynb", "draw_forward(h)")
    svg = out["data"]["image/svg+xml"]
    assert "<svg" in svg and all(f">{name}" in svg for name in ("w1", "x2", "b", "h"))


def test_general_backprop_shows_the_backward_graph_and_the_stepper_widget():
    (out,) = outputs_of("02_chain_rule_general_backprop.ipynb", "draw_backward(z, wrt=[w])")
    svg = out["data"]["image/svg+xml"]
    assert "∂z/∂w" in svg and "∂z/∂x" in svg
    (out,) = outputs_of("02_chain_rule_general_backprop.ipynb", "stepper_widget(z)")
    assert "application/vnd.jupyter.widget-view+json" in out["data"]
    assert out["data"]["text/plain"].startswith("<stepper: Back-propagation through z, ")
