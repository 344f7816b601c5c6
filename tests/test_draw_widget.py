"""The stepper widget: the same data and script as the page, mounted by anywidget's
``render({ model, el })`` contract — checked in headless Chromium with the widget's own ES
module (imported from a blob URL, as anywidget does) and a stand-in model, twice on one page
— and displayed by a real notebook kernel as a widget."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from browser import needs_browser, open_pages

from autograd_core import Value
from autograd_core.draw import stepper_widget
from autograd_core.draw.stepper import stepper_data

anywidget = pytest.importorskip("anywidget")


def neuron() -> Value:
    x = Value(0.5, label="x")
    w = Value(-2.5, label="w", role="param")
    y = (w * x + w).sigmoid()
    y.label = "y"
    return y


def test_the_widget_carries_the_pages_data_and_a_short_repr():
    y = neuron()
    w = stepper_widget(y)
    assert w.data == json.loads(json.dumps(stepper_data(y), ensure_ascii=False))
    assert repr(w) == f"<stepper: Back-propagation through y, {len(w.data['steps'])} steps>"
    assert w._esm.rstrip().endswith("export default { render };")
    assert "http" not in w._esm.replace("http://www.w3.org/", "").replace(
        "https://github.com/bumbu/svg-pan-zoom", "")


HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>{css}</style></head>
<body><div id="a"></div><div id="b"></div>
<script type="application/json" id="esm">{esm}</script>
<script type="application/json" id="data">{data}</script>
<script type="module">
const esm = JSON.parse(document.getElementById("esm").textContent);
const data = JSON.parse(document.getElementById("data").textContent);
const url = URL.createObjectURL(new Blob([esm], {{ type: "text/javascript" }}));
const mod = await import(url);
for (const id of ["a", "b"]) {{
  const model = {{ get: (k) => ({{ data }})[k], on() {{}}, off() {{}} }};
  mod.default.render({{ model, el: document.getElementById(id) }});
}}
document.body.dataset.mounted = "2";
</script></body></html>
"""


@pytest.fixture
def browser(tmp_path):
    yield from open_pages(tmp_path)


@needs_browser
def test_the_widgets_module_mounts_offline_and_two_steppers_stay_apart(tmp_path, browser):
    from autograd_core.draw.page import json_for_html

    w = stepper_widget(neuron())
    page = tmp_path / "harness.html"
    page.write_text(HARNESS.format(css=w._css, esm=json_for_html(w._esm),
                                   data=json_for_html(w.data)), encoding="utf-8")
    b = browser(page, ready="document.body.dataset.mounted === '2'")
    assert b.eval("document.querySelectorAll('.bp-stepper.bp-widget[data-ready]').length") == 2
    b.click("#a .bp-graph")  # focus the first widget: its keys work there
    b.key("ArrowRight")
    b.key("ArrowRight")
    pos = b.eval("[...document.querySelectorAll('.bp-stepper')].map(s => s.dataset.position)")
    assert pos == ["2", "0"]
    current = b.eval("[...document.querySelectorAll('#b g.node.bp-current')].length")
    assert current == 1  # the second picture still shows its own step 0
    assert b.eval("location.hash") == ""  # a widget leaves the notebook's URL alone
    assert all(u.startswith(("file:", "blob:")) for u in b.requests())
    assert b.console_errors() == []


def test_a_notebook_kernel_displays_it_as_a_widget(tmp_path):
    from notebook_runner import execute, sealed_environment

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from autograd_core import Value\n"
        "from autograd_core.draw import stepper_widget\n"
        "x = Value(0.5, label='x'); y = (x * x).tanh(); y.label = 'y'\n"
        "stepper_widget(y)")]
    with sealed_environment(tmp_path):
        execute(nb, name="widget-probe", cwd=Path(tmp_path))
    (out,) = nb.cells[0].outputs
    assert "application/vnd.jupyter.widget-view+json" in out.data
    assert out.data["text/plain"] == "<stepper: Back-propagation through y, 3 steps>"
