"""The layout as Graphviz draws it, read back from its ``plain`` output (system ``dot``, and
the in-process wasm Graphviz the gallery uses; see layout_support.py):

* boxes are stacked as the slides stack them: inputs x⁽⁰⁾₁ above x⁽⁰⁾₂, each neuron's
  weights W⁽ᴸ⁾ₙ₁ above W⁽ᴸ⁾ₙ₂, neurons 1, 2, 3 from the top. Before draw/order.py, Vo's
  forward graph had 8 of 8 checked pairs the wrong way up with dot 2.43 and 4 with wasm
  (16.1), an nn 3-4-3-1 network 26 and 10 of 26: the two versions mirror each other;
* each gradient box sits on the rank (the column) of a forward node it is the gradient of;
  before the mirrored layout, 25 of 27 gradient boxes of Vo's worked backward graph were off;
* edge crossings stay near what was measured (counted from the splines: layout_support).
  Vo's worked backward graph: 228 (dot 2.43) and 220 (wasm) before, 184 and 176 now; Vo's
  nn backward graph 198 and 208 before, 236 and 220 now (the price of stacking its neurons
  in order: 5 and 6 pairs were the wrong way up).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from layout_support import crossings, off_column, order_violations

from autograd_core.draw import draw_backward, draw_forward
from autograd_core.draw_cli import worked_example_root

VO = Path(__file__).resolve().parent.parent / "autograd_core" / "examples" / "01_vo_mlp.worked"
RENDERERS = [pytest.param("system", marks=pytest.mark.skipif(
    shutil.which("dot") is None, reason="system Graphviz is missing")), "wasm"]


def vo_net():
    from nn import MLP, losses

    net = MLP.from_matrices([[[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]], [[-1.5, 0.2, 0.5]]],
                            [[-1.5, -1.3, 2.0], [1.0]], "sigmoid")
    loss = losses.log_likelihood(net([0.5, -0.5]), 1.0)
    loss.label = "l"
    return loss


def worked_vo():
    return worked_example_root(VO, example="1")


@pytest.mark.parametrize("renderer", RENDERERS)
def test_inputs_weights_and_neurons_are_stacked_in_index_order(renderer):
    from nn import MLP

    loss = vo_net()
    backward = draw_backward(loss)
    loss.backward()
    deeper = MLP(3, [4, 3, 1], "tanh", rng=1)([0.1, 0.2, 0.3])
    for g in (draw_forward(loss), backward, draw_forward(deeper), draw_forward(worked_vo())):
        assert order_violations(g.source, renderer) == []


@pytest.mark.parametrize("renderer", RENDERERS)
def test_vo_gradients_sit_beside_their_forward_nodes(renderer):
    off, total = off_column(draw_backward(worked_vo()).source, renderer)
    assert total >= 20
    # 25 of 27 were off before the mirrored layout; 2 now (shared gradients across ranks)
    assert off <= total // 10, f"{off} of {total} gradient boxes are off their forward node's rank"
    off, total = off_column(draw_backward(vo_net()).source, renderer)
    assert total >= 20 and off == 0  # 4 of 21 before each gradient was ranked inside its neuron


@pytest.mark.parametrize("renderer", RENDERERS)
def test_edge_crossings_stay_near_the_measured_numbers(renderer):
    # 219 (system) and 218 (wasm) measured since verify builds each neuron as nn does, one Σ
    # holding the bias (it was 205 with a Σ then a separate + b)
    assert crossings(draw_backward(worked_vo()).source, renderer) <= 225
    assert crossings(draw_backward(vo_net()).source, renderer) <= 260
    loss = vo_net()
    loss.backward()
    assert crossings(draw_forward(loss).source, renderer) <= 6
