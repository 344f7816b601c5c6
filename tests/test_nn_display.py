"""nn's displays: plots show their figure in a notebook, fit's progress bar shows on a
terminal and in a notebook, and tqdm is imported only when a bar is shown."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import nbformat
import pytest

from nn import MLP, datasets, fit

NO_TQDM = """
import sys
from nn import MLP, datasets, fit
X, y = datasets.xor()
fit(MLP(2, [2, 1], rng=0), X, y, epochs=2{arg})
print(sorted(m for m in sys.modules if m.split(".")[0] == "tqdm"))
"""


@pytest.mark.parametrize("arg", [", progress=False", ""], ids=["progress=False", "no terminal"])
def test_fit_without_a_bar_never_imports_tqdm(arg):
    out = subprocess.run([sys.executable, "-c", NO_TQDM.format(arg=arg)], capture_output=True,
                         text=True, check=True, stdin=subprocess.DEVNULL)
    assert out.stdout.strip() == "[]" and out.stderr == ""


class Terminal(io.StringIO):
    """stderr as a terminal would be."""

    def isatty(self) -> bool:
        return True


def test_fit_shows_a_bar_on_a_terminal(monkeypatch):
    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    X, y = datasets.xor()
    fit(MLP(2, [2, 1], rng=0), X, y, epochs=3)
    assert "fit:" in err.getvalue() and "/3 [" in err.getvalue()


def test_a_plot_made_without_ax_displays_as_its_figure():
    pytest.importorskip("matplotlib")
    from PIL import Image

    from nn import plot

    h = fit(MLP(2, [2, 1], rng=0), *datasets.xor(), epochs=3, progress=False)
    ax = plot.plot_loss(h)
    png = ax._repr_png_()
    img = Image.open(io.BytesIO(png))
    assert img.width > 300 and img.height > 150  # the 6 × 3.5 in figure at 100 dpi, trimmed
    from matplotlib.figure import Figure

    own = Figure().add_subplot()
    assert plot.plot_loss(h, ax=own) is own  # your own Axes comes back as it is


NOTEBOOK_CELLS = [
    "from nn import MLP, datasets, fit\n"
    "from nn.plot import plot_loss\n"
    "X, y = datasets.xor()\n"
    "h = fit(MLP(2, [2, 1], rng=0), X, y, epochs=3)",
    "plot_loss(h)",
]


def test_in_a_notebook_the_bar_shows_and_the_plot_is_a_picture(tmp_path):
    from notebook_runner import execute, sealed_environment

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(textwrap.dedent(c)) for c in NOTEBOOK_CELLS]
    with sealed_environment(tmp_path):
        execute(nb, name="display-probe", cwd=tmp_path)
    bar, picture = (c.outputs for c in nb.cells)
    # the bar: tqdm's widget where ipywidgets is installed, else its text bar on stderr
    widget = [o for o in bar if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    text = "".join(o.get("text", "") for o in bar if o.get("name") == "stderr")
    assert widget or ("fit:" in text and "/3 [" in text), bar
    (result,) = [o for o in picture if o.output_type == "execute_result"]
    assert "image/png" in result.data, "plot_loss(h) displayed as text only"
