"""Build and execute the teaching notebooks in a sealed, offline Jupyter kernel.

Used by ``tests/test_notebooks.py`` (execute every notebook, check what is committed) and by
``notebooks/build.py`` (regenerate the ``.ipynb`` files with fresh outputs).

* Sources: ``notebooks/src/NN_name.py`` in the "percent" format (``# %%`` starts a code cell,
  ``# %% [markdown]`` a markdown cell whose lines start with ``#``). Everything before the
  first marker is a comment about the file and is not part of the notebook.
* Kernel: always the ``python3`` kernel spec; its ``python`` resolves to ``sys.executable``,
  so the kernel runs in the same environment as the caller (the project's .venv).
* Sealed: IPython, Jupyter, matplotlib and XDG directories point into a temporary directory
  (nothing is written under $HOME), and an IPython start-up file refuses every network
  connection that is not to the local machine, so a notebook that needs the network fails.
  The system Graphviz programs are hidden from PATH: drawings render the way they do after a
  plain ``pip install`` (in-process WebAssembly Graphviz), identically on every machine.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "src"

KERNEL_NAME = "python3"
KERNELSPEC = {"name": KERNEL_NAME, "display_name": "Python 3 (ipykernel)", "language": "python"}
# language_info without the interpreter's version (that changes from machine to machine)
LANGUAGE_INFO = {
    "name": "python",
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}
CELL_TIMEOUT = 120  # seconds, per cell
STARTUP_TIMEOUT = 120  # seconds, for the kernel to start (a loaded 2-core machine is slow)

# what must never appear in a committed output: paths of one particular machine
MACHINE_PATH = re.compile(
    r"(/work/|/root/|/tmp/|/home/|/Users/|/private/var/|[A-Z]:\\Users|site-packages|\.venv/)"
)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

_MARKER = re.compile(r"^# %%(?P<rest>.*)$")

# ---------------------------------------------------------------- sources → notebooks


def read_source(path: Path) -> NotebookNode:
    """A percent-format script as an (unexecuted) notebook with stable cell ids."""
    cells: list[tuple[str, list[str]]] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        m = _MARKER.match(line)
        if m:
            kind = "markdown" if "[markdown]" in m["rest"] else "code"
            cells.append((kind, []))
        elif cells:
            cells[-1][1].append(line)
    if not cells:
        raise ValueError(f"{path}: no '# %%' cell marker found")
    nb = nbformat.v4.new_notebook()
    for i, (kind, lines) in enumerate(cells):
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if kind == "markdown":
            text = "\n".join(_uncomment(line, path) for line in lines)
            cell = nbformat.v4.new_markdown_cell(text)
        else:
            cell = nbformat.v4.new_code_cell("\n".join(lines))
        cell["id"] = f"cell-{i:02d}"
        nb.cells.append(cell)
    set_metadata(nb)
    return nb


def _uncomment(line: str, path: Path) -> str:
    if line == "#":
        return ""
    if line.startswith("# "):
        return line[2:]
    raise ValueError(f"{path}: markdown line does not start with '# ': {line!r}")


def set_metadata(nb: NotebookNode) -> None:
    """Notebook metadata that is the same on every machine: kernel python3, no versions."""
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO})
    nb.nbformat, nb.nbformat_minor = 4, 5


def source_path(notebook: Path) -> Path:
    return SOURCES / (Path(notebook).stem + ".py")


def notebook_path(source: Path) -> Path:
    return NOTEBOOKS / (Path(source).stem + ".ipynb")


# ---------------------------------------------------------------- a sealed kernel environment

_OFFLINE_STARTUP = '''\
"""Notebooks run offline: refuse any connection that leaves this machine."""
import socket as _socket

_LOCAL = {"127.0.0.1", "::1", "localhost", "0.0.0.0"}
_connect, _connect_ex, _getaddrinfo = (
    _socket.socket.connect, _socket.socket.connect_ex, _socket.getaddrinfo)


def _check(address):
    if isinstance(address, tuple) and address and str(address[0]) not in _LOCAL:
        raise OSError(f"notebooks run offline: refused a connection to {address[0]!r}")


def _guarded_connect(self, address):
    _check(address)
    return _connect(self, address)


def _guarded_connect_ex(self, address):
    _check(address)
    return _connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    _check((host,))
    return _getaddrinfo(host, *args, **kwargs)


_socket.socket.connect = _guarded_connect
_socket.socket.connect_ex = _guarded_connect_ex
_socket.getaddrinfo = _guarded_getaddrinfo
'''


def _sealed_variables(base: Path) -> dict[str, str]:
    dirs = {
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "matplotlib",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "JUPYTER_CONFIG_DIR": "jupyter-config",
        "XDG_CACHE_HOME": "cache",
        "XDG_CONFIG_HOME": "config",
        "XDG_DATA_HOME": "data",
    }
    env = {}
    for var, name in dirs.items():
        path = base / name
        path.mkdir(parents=True, exist_ok=True)
        env[var] = str(path)
    startup = base / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-offline.py").write_text(_OFFLINE_STARTUP, encoding="utf-8")
    env["PATH"] = _path_without_graphviz(base / "bin")
    env["PYTHONHASHSEED"] = "0"  # the same outputs every run
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # quiets debugpy's frozen-modules note
    return env


GRAPHVIZ_PROGRAMS = frozenset({"dot", "neato", "fdp", "sfdp", "circo", "twopi", "osage"})


def _path_without_graphviz(shadow_root: Path) -> str:
    """PATH with the system Graphviz programs hidden, so notebooks draw the way a fresh
    ``pip install`` does (the in-process WebAssembly renderer) and their pictures are the
    same on every machine. A PATH directory holding ``dot`` is replaced by a shadow
    directory of links to everything else in it."""
    entries = []
    for i, d in enumerate(os.environ.get("PATH", os.defpath).split(os.pathsep)):
        if not d or not os.path.isfile(os.path.join(d, "dot")):
            entries.append(d)
            continue
        shadow = shadow_root / str(i)
        shadow.mkdir(parents=True, exist_ok=True)
        for name in os.listdir(d):
            link = shadow / name
            if name not in GRAPHVIZ_PROGRAMS and not link.exists():
                with contextlib.suppress(OSError):
                    link.symlink_to(os.path.join(d, name))
        entries.append(str(shadow))
    return os.pathsep.join(entries)


@contextlib.contextmanager
def sealed_environment(base: Path | None = None) -> Iterator[Path]:
    """Point every per-user directory of the kernel machinery at ``base`` (a new temporary
    directory by default) for the duration; the environment is restored afterwards."""
    with contextlib.ExitStack() as stack:
        if base is None:
            base = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nb-")))
        new = _sealed_variables(base)
        removed = ("JUPYTER_PATH", "JUPYTER_PREFER_ENV_PATH", "PYTHONSTARTUP")
        saved = {k: os.environ.get(k) for k in (*new, *removed)}
        os.environ.update(new)
        for k in removed:
            os.environ.pop(k, None)
        _build_font_cache()
        try:
            yield base
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def _build_font_cache() -> None:
    """Build matplotlib's font cache in the sealed directory before any kernel starts: a
    kernel that builds it warns on stderr when that takes over 5 s (a loaded machine)."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"],
                       capture_output=True, timeout=600, check=False)


# ---------------------------------------------------------------- execution


class CellError(AssertionError):
    """A notebook cell raised: the message names the notebook, the cell and the error."""


def execute(nb: NotebookNode, *, name: str = "notebook", cwd: Path = NOTEBOOKS,
            timeout: int = CELL_TIMEOUT) -> NotebookNode:
    """Run every cell of ``nb`` top to bottom in a fresh ``python3`` kernel (in place).

    Call inside :func:`sealed_environment`. A cell that raises stops the run with a
    :class:`CellError` quoting the cell's source and the error.
    """
    set_metadata(nb)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=timeout,
        startup_timeout=STARTUP_TIMEOUT,
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
        # the kernel talks to us over local TCP; its note about that is not the notebook's
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        raise CellError(_describe_failure(nb, name, exc)) from None
    return nb


def _describe_failure(nb: NotebookNode, name: str, exc: CellExecutionError) -> str:
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                tb = _ANSI.sub("", "\n".join(out.get("traceback", [])))
                return (f"{name}: cell {index} ({cell.get('id')}) raised "
                        f"{out['ename']}: {out['evalue']}\n"
                        f"---- cell source ----\n{cell.source}\n"
                        f"---- traceback ----\n{tb}")
    return f"{name}: {_ANSI.sub('', str(exc))}"


def clean(nb: NotebookNode) -> NotebookNode:
    """Strip what changes from run to run or machine to machine (in place): per-cell
    execution metadata, the interpreter's version; keep sources, outputs and counts."""
    set_metadata(nb)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
        if cell.cell_type == "code":
            for out in cell.outputs:
                out.get("metadata", {}).pop("execution", None)
    return nb


# ---------------------------------------------------------------- checks on outputs


def output_texts(nb: NotebookNode) -> Iterator[tuple[int, str]]:
    """(cell index, text) for every textual piece of every output."""
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if "text" in out:
                yield index, _join(out["text"])
            for mime, data in out.get("data", {}).items():
                if mime.startswith("text/") or mime.endswith(("+xml", "json")):
                    yield index, _join(data) if not isinstance(data, dict) else str(data)
            if out.get("output_type") == "error":
                yield index, "\n".join(out.get("traceback", []))


def _join(text: str | list[str]) -> str:
    return text if isinstance(text, str) else "".join(text)


def machine_paths(nb: NotebookNode) -> list[str]:
    """Each output fragment that names a path of this machine, as 'cell N: …text…'."""
    found = []
    for index, text in output_texts(nb):
        for m in MACHINE_PATH.finditer(text):
            lo, hi = max(0, m.start() - 40), m.end() + 40
            found.append(f"cell {index}: …{text[lo:hi]}…")
    return found


# What may differ between two honest runs: object addresses and measured durations.
_VARYING = [(re.compile(r"0x[0-9a-f]{6,}"), "0x…"),
            (re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|µs|s)\b(?=[^\w]|$)"), "… s")]


def text_outputs(nb: NotebookNode) -> list[list[str]]:
    """Per code cell, all it printed (one string: the kernel may cut a stream anywhere) and
    its plain-text results (pictures and HTML left out), with addresses and durations
    masked: what two runs of an up-to-date notebook agree on."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        printed = ""
        texts = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                printed += _join(out["text"])
            elif "text/plain" in out.get("data", {}):
                texts.append(_join(out["data"]["text/plain"]))
        texts.insert(0, printed)
        for pattern, mask in _VARYING:
            texts = [pattern.sub(mask, t) for t in texts]
        cells.append(texts)
    return cells


def stderr_outputs(nb: NotebookNode) -> list[str]:
    """Everything a notebook printed to stderr (warnings, progress bars), as 'cell N: text'."""
    return [
        f"cell {index}: {_join(out['text'])}"
        for index, cell in enumerate(nb.cells)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stderr"
    ]


def build(source: Path, *, write: bool = True) -> tuple[NotebookNode, float]:
    """Source → executed, cleaned notebook (written next to ``notebooks/src``); returns the
    notebook and the seconds it took to execute. Call inside :func:`sealed_environment`."""
    nb = read_source(source)
    start = time.perf_counter()
    execute(nb, name=Path(source).stem)
    seconds = time.perf_counter() - start
    clean(nb)
    problems = machine_paths(nb) + stderr_outputs(nb)
    if problems:
        raise CellError(f"{Path(source).stem}: outputs not fit to commit:\n" + "\n".join(problems))
    if write:
        nbformat.validate(nb)
        nbformat.write(nb, str(notebook_path(source)))
    return nb, seconds

