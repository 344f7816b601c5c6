"""The teaching notebooks: each one runs top to bottom in a fresh offline kernel, and what is
committed is what its source says, with clean outputs.

The notebooks check their own numbers with ``assert`` against independent computations, so a
notebook that drifts from the library fails here. Regenerate them with
``make notebooks-execute`` (``python notebooks/build.py``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from notebook_runner import (
    KERNEL_NAME,
    NOTEBOOKS,
    SOURCES,
    CellError,
    execute,
    machine_paths,
    notebook_path,
    read_source,
    sealed_environment,
    source_path,
    stderr_outputs,
    text_outputs,
)

COMMITTED = sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
SOURCE_FILES = sorted(SOURCES.glob("[0-9]*.py"))


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with sealed_environment(tmp_path_factory.mktemp("jupyter")) as base:
        yield base


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def _tiny(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


# ---------------------------------------------------------------- the runner itself


def test_kernel_runs_in_this_environment_and_offline(sealed: Path) -> None:
    nb = execute(_tiny(
        "import sys, os; print(sys.prefix); print(os.environ['IPYTHONDIR'])",
        "import shutil\n"
        "from autograd_core.draw import available_renderers\n"
        "print(shutil.which('dot'), available_renderers())",
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
        "except OSError as e:\n"
        "    print('refused:', e)",
    ), name="probe")
    prefix, ipython_dir = nb.cells[0].outputs[0]["text"].split()
    assert prefix == sys.prefix  # the kernel is this environment's python (the .venv)
    assert Path(ipython_dir) == sealed / "ipython"  # nothing goes to $HOME
    # no system Graphviz: pictures come from the in-process renderer, as after `pip install`
    assert nb.cells[1].outputs[0]["text"].split() == ["None", "['wasm']"]
    assert "notebooks run offline" in nb.cells[2].outputs[0]["text"]
    assert nb.metadata.kernelspec.name == KERNEL_NAME


def test_failing_cell_is_reported_with_its_source_and_error(sealed: Path) -> None:
    with pytest.raises(CellError) as info:
        execute(_tiny("x = 1", "y = x / 0  # the culprit"), name="broken")
    message = str(info.value)
    assert "broken: cell 1" in message
    assert "y = x / 0  # the culprit" in message
    assert "ZeroDivisionError" in message


def test_source_format_makes_code_and_markdown_cells(tmp_path: Path) -> None:
    src = tmp_path / "00_demo.py"
    src.write_text("# a comment about the file, not a cell\n"
                   "# %% [markdown]\n# # Title\n#\n# Some *text*.\n\n"
                   "# %%\nx = 1\n\n\nx + 1\n\n", encoding="utf-8")
    nb = read_source(src)
    assert [(c.cell_type, c.source) for c in nb.cells] == [
        ("markdown", "# Title\n\nSome *text*."), ("code", "x = 1\n\n\nx + 1")]
    assert [c.id for c in nb.cells] == ["cell-00", "cell-01"]  # stable: no diff noise
    assert nb.metadata.kernelspec.name == KERNEL_NAME
    src.write_text("# %% [markdown]\nnot a comment\n", encoding="utf-8")
    with pytest.raises(ValueError, match="markdown line"):
        read_source(src)


def test_output_checks_find_machine_paths_and_warnings() -> None:
    nb = _tiny("print(1)", "print(2)")
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="ok 0.5\n")]
    assert machine_paths(nb) == [] and stderr_outputs(nb) == []
    nb.cells[1].outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="TqdmWarning: IProgress\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "'/home/ann/x.worked'"}),
    ]
    assert stderr_outputs(nb) == ["cell 1: TqdmWarning: IProgress\n"]
    assert len(machine_paths(nb)) == 1 and "/home/ann" in machine_paths(nb)[0]


# ---------------------------------------------------------------- what is committed


def test_every_source_has_its_committed_notebook() -> None:
    assert SOURCE_FILES, "no notebook sources in notebooks/src"
    assert _ids(COMMITTED) == _ids(SOURCE_FILES)


@pytest.mark.parametrize("path", COMMITTED, ids=_ids(COMMITTED))
def test_committed_notebook_is_its_source_with_clean_outputs(path: Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    expected = read_source(source_path(path))
    assert [(c.cell_type, c.source) for c in nb.cells] == [
        (c.cell_type, c.source) for c in expected.cells
    ], f"{path.name} differs from {source_path(path).name}: run make notebooks-execute"
    assert nb.metadata.kernelspec.name == KERNEL_NAME
    assert "version" not in nb.metadata.get("language_info", {})
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count is not None for c in code), "not executed"
    assert sum(len(c.outputs) for c in code) >= len(code) // 2, "committed without outputs"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert machine_paths(nb) == []
    assert stderr_outputs(nb) == []


def test_notebook_3s_picture_has_a_box_per_layer_and_neuron_headed_in_words() -> None:
    # checked in the notebook itself before (an assert on the DOT source in a student's
    # cell: plumbing, not teaching); here on what the student sees, the committed picture
    nb = nbformat.read(str(NOTEBOOKS / "03_vo_worked_mlp.ipynb"), as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and "draw_forward(ll" in c.source]
    (svg,) = [o["data"]["image/svg+xml"] for o in cell.outputs if "data" in o]
    headings = {f"neuron {n} of layer 1" for n in (1, 2, 3)} | {"neuron 1 of layer 2",
                                                                  "layer 1", "layer 2"}
    assert all(f">{h}</text>" in svg for h in headings)
    assert "assert" not in cell.source


# ---------------------------------------------------------------- every notebook runs


@pytest.mark.parametrize("path", COMMITTED, ids=_ids(COMMITTED))
def test_notebook_runs_top_to_bottom_and_prints_what_is_committed(path: Path, sealed: Path
                                                                   ) -> None:
    committed = nbformat.read(str(path), as_version=4)
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    execute(nb, name=path.stem, cwd=NOTEBOOKS)
    assert stderr_outputs(nb) == [], "the notebook printed warnings"
    assert machine_paths(nb) == []
    assert notebook_path(source_path(path)) == path
    stale = [(k, old, new) for k, (old, new) in enumerate(
        zip(text_outputs(committed), text_outputs(nb), strict=True)) if old != new]
    assert not stale, (
        f"{path.name}: the committed outputs are behind the library (run make "
        f"notebooks-execute); first difference in cell {stale[0][0]}:\n"
        f"committed: {stale[0][1]!r}\nnow:       {stale[0][2]!r}")
