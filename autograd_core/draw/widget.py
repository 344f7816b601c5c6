"""The stepper as a notebook widget: the same page, inside the cell, offline.

:func:`stepper_widget` returns an `anywidget <https://anywidget.dev>`_ widget whose front end
is the stepper's own script (svg-pan-zoom and ``assets/stepper.js``, shipped with this
package) and whose one synced value is :func:`~autograd_core.draw.stepper.stepper_data`'s
data. Nothing is fetched: anywidget's JupyterLab extension comes with its Python package.
Keys (← → Home End Space + − 0) act when the widget has the focus (click it), so the
notebook's own shortcuts keep working elsewhere.

>>> from autograd_core import Value
>>> from autograd_core.draw import stepper_widget
>>> x = Value(0.5, label="x"); y = (x * x).tanh(); y.label = "y"
>>> stepper_widget(y)  # doctest: +SKIP   (in a notebook: the stepper in the cell)
"""

from __future__ import annotations

from functools import cache
from typing import Any

from .. import Value
from . import page
from .stepper import stepper_data

_RENDER = """
function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "bp-stepper bp-widget";
  el.appendChild(box);
  const stepper = mountStepper(box, model.get("data"), { globalKeys: false, hash: false });
  return () => stepper.destroy();
}
export default { render };
"""


def widget_esm() -> str:
    """The widget's front end: an ES module exporting anywidget's ``{ render }``."""
    return page.script_parts() + "\n" + _RENDER


@cache
def _widget_class() -> type:
    try:
        import anywidget
        import traitlets
    except ImportError as e:
        raise ImportError(
            f"stepper_widget needs anywidget ({e}): pip install anywidget (a dependency of "
            "autograd-core; or write the page with write_stepper and open it)"
        ) from None

    class StepperWidget(anywidget.AnyWidget):
        """The back-propagation stepper in a notebook cell."""

        _esm = widget_esm()
        _css = page.asset("stepper.css")
        data = traitlets.Dict().tag(sync=True)

        def __repr__(self) -> str:
            """``<stepper: TITLE, N steps>`` (not the whole picture)."""
            steps = self.data.get("steps", [])
            return f"<stepper: {self.data.get('title', '')}, {len(steps)} steps>"

    return StepperWidget


def stepper_widget(root: Value, **opts: Any) -> Any:
    """The stepper of ``root`` as a notebook widget (options as ``stepper_html``)."""
    return _widget_class()(data=stepper_data(root, **opts))
