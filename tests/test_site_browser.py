"""The built site, for real: ``backprop site`` builds it (npm, the project's wheel), a server on
127.0.0.1 serves it, and headless Chromium uses it as a student would: types an expression,
reads the gradients, steps the stepper, clicks a bundled example, uploads a file. Every
answer is compared with the native library (and torch float64, and the command line run as
a process); every request the page makes must go to 127.0.0.1.

The site is built once for the module (npm packages and wheels cached between runs). Skips
when node, npm, chromium or websocket-client is missing.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from test_site_runtime import grad_of
from test_site_support import CHROMIUM, NODE, NPM, Chromium, serve

import autograd_core
from autograd_core.draw.style import fmt
from autograd_core.site import build
from autograd_core.site.runtime import Page

try:
    import websocket  # noqa: F401  (websocket-client, in the test extra)

    HAS_WEBSOCKET = True
except ImportError:
    HAS_WEBSOCKET = False

pytestmark = pytest.mark.skipif(
    None in (CHROMIUM, NODE, NPM) or not HAS_WEBSOCKET,
    reason="the site test needs node and npm (apt-get install npm), chromium "
           "(apt-get install chromium) and websocket-client",
)

REPO = Path(autograd_core.__file__).resolve().parent.parent
HERE = REPO / "autograd_core" / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as ``backprop site -o DIR`` writes it (a separate process, as a user runs it)."""
    out = tmp_path_factory.mktemp("built") / "site"
    proc = subprocess.run([sys.executable, "-m", "autograd_core", "site", "-o", str(out)],
                          capture_output=True, text=True, check=False, timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert f"python -m http.server -d {out}" in proc.stdout
    return out


@pytest.fixture(scope="module")
def url(site: Path) -> Iterator[str]:
    """The site served on 127.0.0.1 for the module's tests."""
    with serve(site) as base:
        yield base


@pytest.fixture(scope="module")
def browser(url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    """One page, loaded once; the tests use it one after another, as a student would."""
    b = Chromium(tmp_path_factory.mktemp("profile"))
    try:
        b.open(url)
        b.wait_for("document.body.dataset.ready !== 'no' && document.body.dataset.computed",
                   timeout=120)
        assert b.eval("document.body.dataset.ready") == "yes", b.console
        yield b
    finally:
        b.close()


def test_the_folder_holds_the_pinned_packages_and_the_projects_wheel(site: Path) -> None:
    """The versions package.json pins, pure-Python wheels only, and our wheel complete."""
    pins = json.loads((HERE / "package.json").read_text())["dependencies"]
    manifest = json.loads((site / "manifest.json").read_text())
    assert manifest["pyodide"] == pins["pyodide"] and manifest["viz"] == pins["@viz-js/viz"]
    assert manifest["wheels"][0] == f"autograd_core-{autograd_core.__version__}-py3-none-any.whl"
    assert all(w.endswith("-py3-none-any.whl") for w in manifest["wheels"])  # pure Python
    # every dependency the wheel declares for Pyodide's Python is there, and nothing else
    wheel = site / "wheels" / manifest["wheels"][0]
    env = build.browser_environment(build.npm_packages(build.default_cache(), print))
    assert env["python_version"] == "3.14" and env["sys_platform"] == "emscripten"
    wanted = {n.replace("-", "_").lower() for n in build.browser_requirements(wheel, env)}
    assert {w.split("-")[0].lower() for w in manifest["wheels"][1:]} == wanted
    assert {"graphviz", "latex2mathml"} <= wanted
    for w in manifest["wheels"]:
        assert (site / "wheels" / w).is_file()
    for f in ("index.html", "app.js", "style.css", "vendor/pyodide/pyodide.asm.wasm",
              "vendor/pyodide/python_stdlib.zip", "vendor/viz/viz.js"):
        assert (site / f).is_file(), f
    import zipfile

    with zipfile.ZipFile(site / "wheels" / manifest["wheels"][0]) as z:
        names = set(z.namelist())
    assert {"autograd_core/site/runtime.py", "autograd_core/examples/01_vo_mlp.worked",
            "nn/__init__.py"} <= names
    assert not any("__pycache__" in n or "node_modules" in n for n in names)


def test_the_page_says_it_is_ready_and_which_versions_run(browser: Chromium) -> None:
    """The status says ready; the footer names the library's and Pyodide's versions."""
    assert browser.eval("document.getElementById('status').dataset.state") == "ready"
    versions = browser.eval("document.getElementById('versions').textContent")
    assert f"autograd-core {autograd_core.__version__}" in versions and "Pyodide" in versions


def read_gradients(browser: Chromium) -> list[list[str]]:
    """The gradient table's rows as the page shows them: leaf, kind, value, gradient."""
    rows: list[list[str]] = browser.eval("""[...document.querySelectorAll('#grads tr')]
        .map(tr => [...tr.children].map(td => td.textContent))""")
    return rows


def test_a_typed_expression_shows_torchs_gradients(browser: Chromium) -> None:
    """Typed into the fields and computed: the table shows torch float64's gradients, and
    the page's full-precision answer equals the native library's."""
    before = browser.eval("document.body.dataset.computed")
    browser.type_into("#expression", "y = tanh(w*x + b) * x")
    browser.type_into("#inputs", "x = 0.7")
    browser.type_into("#params", "w = 1.3, b = -0.4")
    browser.click("#compute")
    browser.wait_for(f"document.body.dataset.computed !== {json.dumps(before)}")
    rows = read_gradients(browser)
    assert [r[:2] for r in rows] == [["x", "input"], ["w", "param"], ["b", "param"]]
    x, w, b = (torch.tensor(v, dtype=torch.float64, requires_grad=True)
               for v in (0.7, 1.3, -0.4))
    y = torch.tanh(w * x + b) * x
    y.backward()  # type: ignore[no-untyped-call]
    for row, t in zip(rows, (x, w, b), strict=True):
        assert row[3] == fmt(grad_of(t))
    assert browser.eval("document.getElementById('out-value').textContent") == fmt(y.item())
    # and exactly what the native library answers, full precision
    native = json.loads(Page().evaluate("y = tanh(w*x + b) * x", "x = 0.7", "w = 1.3, b = -0.4"))
    page = browser.eval("JSON.stringify(window.autograd.call('evaluate', "
                        "'y = tanh(w*x + b) * x', 'x = 0.7', 'w = 1.3, b = -0.4').gradients)")
    assert json.loads(page) == native["gradients"]
    assert all(math.isclose(g["grad"], grad_of(t), rel_tol=1e-12)
               for g, t in zip(native["gradients"], (x, w, b), strict=True))


def test_the_forward_and_backward_graphs_are_drawn(browser: Chromium) -> None:
    """viz-js drew both graphs in the page, with their nodes' labels."""
    texts = browser.eval("[...document.querySelectorAll('#view-forward svg g.node text')]"
                         ".map(t => t.textContent)")
    assert "w" in texts and "data 1.3" in texts and "y" in texts
    browser.click('.views button[data-view="backward"]')
    assert browser.eval("!document.getElementById('view-backward').hidden")
    back = browser.eval("[...document.querySelectorAll('#view-backward svg g.node text')]"
                        ".map(t => t.textContent)")
    assert any(t.startswith("∂y/∂w") for t in back)


def test_the_stepper_steps_through_back_propagation(browser: Chromium) -> None:
    """Clicking next inside the stepper walks every step; its table ends with torch's
    gradients."""
    browser.click('.views button[data-view="stepper"]')
    frame = "#stepper"
    root = "document.getElementById('stepper').contentDocument.getElementById('stepper')"
    browser.wait_for(f"{root} && {root}.dataset.ready === 'true'")
    assert browser.eval(f"{root}.dataset.position") == "0"
    next_button = 'button[title^="next step"]'
    browser.click(next_button, frame=frame)
    browser.wait_for(f"{root}.dataset.position === '1'")
    n = int(browser.eval(f"{root}.querySelector('.bp-slider').max"))
    for _ in range(n - 1):
        browser.click(next_button, frame=frame)
    browser.wait_for(f"{root}.dataset.position === '{n}'")
    assert browser.eval(f"{root}.querySelector({json.dumps(next_button)}).disabled")
    # the table the stepper filled holds every gradient, as torch computes them
    table = browser.eval(f"[...{root}.querySelectorAll('.bp-table tbody tr')]"
                         ".map(tr => [...tr.cells].map(td => td.textContent))")
    by_name = {row[1]: row[3] for row in table}  # step, node, value, ∂y/∂node
    x, w, b = (torch.tensor(v, dtype=torch.float64, requires_grad=True)
               for v in (0.7, 1.3, -0.4))
    (torch.tanh(w * x + b) * x).backward()  # type: ignore[no-untyped-call]
    assert by_name["w"] == fmt(grad_of(w)) and by_name["x"] == fmt(grad_of(x))
    assert by_name["b"] == fmt(grad_of(b))


def cli(argv: list[str], cwd: Path) -> tuple[int, str]:
    """``backprop ARGV`` run as a process in ``cwd``: exit status and everything printed."""
    proc = subprocess.run([sys.executable, "-m", "autograd_core", *argv], cwd=cwd,
                          capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def test_a_bundled_example_gives_the_command_lines_report(browser: Chromium) -> None:
    """Clicking an example of the notes shows, character for character, what the command
    line prints for it, the file in the editor and the graph of its loss."""
    browser.click('.tabs button[data-mode="worked"]')
    browser.wait_for("document.querySelectorAll('#examples button').length > 0")
    before = browser.eval("document.body.dataset.verified || ''")
    browser.click('#examples button[data-file="01_vo_mlp.worked"]')
    browser.wait_for(f"(document.body.dataset.verified || '') !== {json.dumps(before)}")
    command = browser.eval("document.getElementById('command').textContent")
    assert command == "$ backprop verify autograd_core/examples/01_vo_mlp.worked"
    code, expected = cli(command.split()[2:], REPO)
    assert browser.eval("document.getElementById('report').textContent") == expected
    assert " wrong " in expected and code == 0
    # the editor holds the file, ready to be changed
    text = browser.eval("document.getElementById('worked-text').value")
    assert text == (REPO / "autograd_core" / "examples" / "01_vo_mlp.worked").read_text()
    assert browser.eval("document.querySelectorAll('#view-graph svg g.node').length") > 10
    # the worked solution: backprop solve's page, shown as the command line writes it
    browser.click('.views button[data-view="solution"]')
    command = browser.eval("document.getElementById('solution-command').textContent")
    assert command == "$ backprop solve autograd_core/examples/01_vo_mlp.worked --format html"
    code, expected = cli(command.split()[2:], REPO)
    frame = "document.getElementById('solution').contentDocument"
    browser.wait_for(f"{frame} && {frame}.querySelectorAll('math').length > 0")
    assert browser.eval(f"{frame}.documentElement.outerHTML").count("<math") == \
        expected.count("<math") > 10
    assert browser.eval(f"{frame}.title") in expected


def test_an_uploaded_file_is_checked_as_the_command_line_checks_it(browser: Chromium,
                                                                   tmp_path: Path) -> None:
    """An uploaded file with a typo gets the command line's error; fixed in the editor and
    checked again, the command line's report."""
    mine = tmp_path / "homework 3.worked"
    mine.write_text("input x = 2\nparam w = 3\nloss  l = (w*x - 1)^2\n"
                    "claim l = 25\nclaim dl/dw = -20\nclaim dl/dx = 3O\n", "utf-8")
    before = browser.eval("document.body.dataset.verified || ''")
    doc = browser.send("DOM.getDocument")["root"]["nodeId"]
    node = browser.send("DOM.querySelector", nodeId=doc, selector="#upload")["nodeId"]
    browser.send("DOM.setFileInputFiles", files=[str(mine)], nodeId=node)
    browser.wait_for(f"(document.body.dataset.verified || '') !== {json.dumps(before)}")
    command = browser.eval("document.getElementById('command').textContent")
    assert command == "$ backprop verify homework_3.worked"
    (tmp_path / "homework_3.worked").write_text(mine.read_text("utf-8"), "utf-8")
    code, expected = cli(["verify", "homework_3.worked"], tmp_path)
    assert code == 2 and "homework_3.worked:6:" in expected  # 3O is not a number
    assert browser.eval("document.getElementById('report').textContent") == expected
    # fixed in the editor and checked again: the report, with dl/dw's sign slip named
    browser.type_into("#worked-text", mine.read_text("utf-8").replace("3O", "30"))
    before = browser.eval("document.body.dataset.verified")
    browser.click("#check")
    browser.wait_for(f"document.body.dataset.verified !== {json.dumps(before)}")
    (tmp_path / "homework_3.worked").write_text(
        mine.read_text("utf-8").replace("3O", "30"), "utf-8")
    code, expected = cli(["verify", "homework_3.worked"], tmp_path)
    assert code == 0 and "sign flipped" in expected
    assert browser.eval("document.getElementById('report').textContent") == expected


def test_a_chain_of_ten_to_the_five_ops_is_built_and_freed_without_a_crash(
        browser: Chromium) -> None:
    """Freed without "Maximum call stack size exceeded", the same value as natively, and
    the page still answers afterwards."""
    answer = browser.eval("window.autograd.call('chain', 100000)")
    native = json.loads(Page.chain(100000))
    assert answer["ops"] == native["ops"] == 99999
    assert math.isclose(answer["value"], native["value"], rel_tol=1e-12)
    assert not any("Maximum call stack" in c for c in browser.console), browser.console[-3:]
    # the page goes on working
    again = browser.eval("window.autograd.call('evaluate', 'x*x', 'x=3', '')")
    assert again["gradients"][0]["grad"] == 6.0


def test_every_request_went_to_127_0_0_1(browser: Chromium, url: str) -> None:
    """Run last (file order): everything above, and the start-up, fetched only from here."""
    assert len(browser.requests) >= 10
    elsewhere = [r for r in browser.requests
                 if not r.startswith(url) and not r.startswith(("data:", "blob:", "about:"))]
    assert elsewhere == []
    assert any(r.endswith("pyodide.asm.wasm") for r in browser.requests)


def test_opened_as_a_file_the_page_says_to_serve_it(site: Path, tmp_path: Path) -> None:
    """file:// runs no module script; the page's note says so and how to serve the folder."""
    b = Chromium(tmp_path / "profile")
    try:
        b.open((site / "index.html").as_uri())
        assert b.eval("document.getElementById('file-warning').hidden") is False
        note = b.eval("document.getElementById('file-warning').textContent")
        assert "python -m http.server -d site" in " ".join(note.split())
        assert b.eval("document.getElementById('status').dataset.state") == "failed"
    finally:
        b.close()


@pytest.mark.skipif(not os.environ.get("SITE_SCREENSHOT"), reason="set SITE_SCREENSHOT=PATH")
def test_screenshot(browser: Chromium) -> None:
    """``SITE_SCREENSHOT=notebooks/gallery/site.png pytest tests/test_site_browser.py``: the
    README's picture (the expression tab, as a student first sees it)."""
    browser.click('.tabs button[data-mode="expr"]')
    browser.type_into("#expression", "y = sigmoid(w*x + b)")
    browser.type_into("#inputs", "x = 0.5")
    browser.type_into("#params", "w = -2.5, b = 1")
    before = browser.eval("document.body.dataset.computed")
    browser.click("#compute")
    browser.wait_for(f"document.body.dataset.computed !== {json.dumps(before)}")
    browser.click('.views button[data-view="forward"]')
    browser.screenshot(Path(os.environ["SITE_SCREENSHOT"]))
