"""Pictures of computations: the forward graph, the backward (symbol-to-symbol) graph, the
order of back-propagation, and a page that steps through it.

>>> from autograd_core import Value
>>> from autograd_core.draw import draw_forward
>>> x = Value(0.5, label="x"); w = Value(-2.5, label="w", role="param")
>>> y = (w * x + 1.0).sigmoid(); y.label = "y"
>>> y.backward()
>>> g = draw_forward(y)          # a graphviz.Digraph; g.source is the DOT
>>> sorted(g.ids[v] for v in (x, w, y))
['n1', 'n2', 'n5']
"""

from .builder import GraphBuilder
from .circuit import draw_circuit
from .dot import DEFAULT_MAX_NODES, check_max_nodes, draw_backward, draw_forward, draw_steps
from .drawing import Drawing
from .rendering import (
    RendererMissing,
    RenderFailed,
    RenderTimeout,
    available_renderers,
    choose_renderer,
    pipe,
    render,
    set_renderer,
    to_svg,
)
from .stepper import stepper_html, write_stepper
from .widget import stepper_widget

__all__ = [
    "DEFAULT_MAX_NODES",
    "Drawing",
    "GraphBuilder",
    "RenderFailed",
    "RendererMissing",
    "RenderTimeout",
    "available_renderers",
    "check_max_nodes",
    "choose_renderer",
    "draw_backward",
    "draw_circuit",
    "draw_forward",
    "draw_steps",
    "pipe",
    "render",
    "set_renderer",
    "stepper_html",
    "stepper_widget",
    "to_svg",
    "write_stepper",
]
