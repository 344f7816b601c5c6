"""The stepper page: self-contained, its steps in build_grad's order, and driven in a real
headless browser (Debian's chromium, over the DevTools protocol) as a person would use it:
load the page, press next, see the right node highlighted and the right number appear.

The browser tests skip when chromium is not installed.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from autograd_core import Value, build_grad
from autograd_core.draw import stepper_html, write_stepper
from autograd_core.draw.stepper import stepper_steps
from autograd_core.draw.style import fmt

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
                 if p), None)
try:
    import websocket  # noqa: F401  (websocket-client, in the test extra)

    HAS_WEBSOCKET = True
except ImportError:
    HAS_WEBSOCKET = False
needs_browser = pytest.mark.skipif(
    CHROMIUM is None or not HAS_WEBSOCKET,
    reason="chromium (apt-get install chromium) or websocket-client is not installed",
)


def example():
    """y = σ(w·x + w): w has two consumers, so its gradient is a sum of two contributions."""
    x = Value(0.5, label="x")
    w = Value(-2.5, label="w", role="param")
    y = (w * x + w).sigmoid()
    y.label = "y"
    return x, w, y


def f(x, w):
    return 1 / (1 + math.exp(-(w * x + w)))


def fd(i, h=1e-6):
    args = [0.5, -2.5]
    up, down = list(args), list(args)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


def test_the_page_is_one_file_that_loads_nothing_from_the_network():
    page = stepper_html(example()[2])
    assert "<svg" in page and "<script>" in page
    assert not re.search(r"<script[^>]+src=|<link|<img|@import|url\(", page)
    # the only URLs are XML namespace names, which are never fetched
    assert set(re.findall(r"https?://[^\s\"']+", page)) <= {
        "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_steps_follow_build_grad_and_sum_the_contributions():
    x, w, y = example()
    steps, _ = stepper_steps(y)
    table = build_grad(y, keep_terms=True)
    assert [s["name"] for s in steps] == [table.name(n) for n in table]
    by_name = {s["name"]: s for s in steps}
    assert by_name["w"]["grad"] == fmt(fd(1)) and by_name["x"]["grad"] == fmt(fd(0))
    assert len(by_name["w"]["terms"]) == 2  # one contribution per consumer of w
    assert y.grad == 0.0 and w.grad == 0.0  # the page is built without touching .grad


class Browser:
    """A headless chromium page driven over the DevTools protocol (websocket-client)."""

    FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--remote-debugging-port=0", "--window-size=1200,900"]

    def __init__(self, url: str, profile: Path) -> None:
        import websocket

        self.proc = subprocess.Popen(
            [CHROMIUM, *self.FLAGS, f"--user-data-dir={profile}", url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                pytest.fail("chromium did not start its DevTools endpoint")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        page = None
        while page is None:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
                targets = json.load(r)
            page = next((t for t in targets if t.get("type") == "page"), None)
            if page is None:
                time.sleep(0.05)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=20,
                                              suppress_origin=True)
        self.next_id = 0
        while self.eval("document.readyState === 'complete' && "
                        "document.body && document.body.dataset.position") is None:
            if time.monotonic() > deadline:
                pytest.fail("the stepper page did not finish loading")
            time.sleep(0.05)

    def send(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(msg["error"])
                return msg["result"]

    def eval(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click at the middle of the element (not element.click())."""
        box = self.eval("(() => { const r = document.querySelector(" + json.dumps(selector)
                        + ").getBoundingClientRect(); return [r.x + r.width / 2, "
                        "r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1],
                      button="left", clickCount=1)

    def key(self, key: str, code: int) -> None:
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key=key, code=key,
                      windowsVirtualKeyCode=code)

    def state(self) -> dict:
        """The page's state; retried briefly (a loaded page on a busy machine may still be
        laying out its picture, and the expression then throws)."""
        deadline = time.monotonic() + 10
        while (s := self._state()) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert s is not None, "the stepper page never reported its state"
        return s

    def _state(self) -> dict | None:
        return self.eval("""(() => {
          const texts = (g) => g ? [...g.querySelectorAll('text')].map(t => t.textContent) : null;
          return {
            position: document.body.dataset.position,
            name: document.getElementById('current-name').textContent,
            grad: document.getElementById('current-grad').textContent,
            current: [...document.querySelectorAll('g.node.current')].map(texts),
            consumers: [...document.querySelectorAll('g.node.consumer')].map(texts),
            contrib: document.querySelectorAll('g.edge.contrib').length,
          };
        })()""")

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:
            pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def browser(tmp_path):
    opened = []

    def open_page(path: Path, fragment: str = "") -> Browser:
        b = Browser(path.resolve().as_uri() + fragment, tmp_path / f"profile{len(opened)}")
        opened.append(b)
        return b

    yield open_page
    for b in opened:
        b.close()


@needs_browser
def test_pressing_next_highlights_each_node_and_shows_its_gradient(tmp_path, browser):
    x, w, y = example()
    page = write_stepper(y, tmp_path / "steps.html")
    table = build_grad(y)
    b = browser(page)
    s = b.state()
    assert s["position"] == "0" and s["current"] == [] and s["grad"] == "?"

    b.click("#next")  # step 0: the seed ∂y/∂y = 1 at y
    s = b.state()
    assert s["position"] == "1" and s["name"] == "∂y/∂y" and s["grad"] == "1"
    assert len(s["current"]) == 1 and s["current"][0][0] == "y"
    assert "grad 1" in s["current"][0]

    for _ in range(table.step(w) - 0):
        b.click("#next")
    s = b.state()
    assert s["name"] == "∂y/∂w"
    assert s["grad"] == fmt(fd(1))  # the right number, by finite differences
    (node,) = s["current"]
    assert node[:2] == ["w", "data −2.5"] and node[2] == f"grad {fmt(fd(1))}"
    # w's consumers are the × and the + (their op circles and values), each bringing
    # a contribution along an edge from w
    ops = sorted(t[0] for t in s["consumers"] if len(t) == 1)
    assert ops == ["+", "×"]
    assert s["contrib"] == 2

    b.key("ArrowLeft", 37)  # back one step with the keyboard
    assert b.state()["position"] == str(table.step(w))
    b.click("#prev")
    assert b.state()["position"] == str(table.step(w) - 1)


@needs_browser
def test_the_url_fragment_opens_a_given_step(tmp_path, browser):
    x, w, y = example()
    page = write_stepper(y, tmp_path / "steps.html")
    table = build_grad(y)
    b = browser(page, f"#step={table.step(x) + 1}")
    s = b.state()
    assert s["name"] == "∂y/∂x" and s["grad"] == fmt(fd(0))
    assert s["current"][0][0] == "x"


# ---------------------------------------------------------------- copies and collapsed groups


def shared_half():
    """z = (tanh(x·0.5) + x·0.5)·0.5: the engine's one 0.5 leaf, drawn as three boxes."""
    def build(c1, c2, c3):
        x = Value(0.3, label="x")
        z = ((x * c1).tanh() + x * c2) * c3
        z.label = "z"
        return z

    z = build(0.5, 0.5, 0.5)
    leaves = [Value(0.5), Value(0.5), Value(0.5)]
    ref = build(*leaves)
    ref.backward()  # oracle: each use as its own leaf
    return z, z.inputs[1], sorted(fmt(v.grad) for v in leaves)


def page_steps(page: str) -> list[dict]:
    """The steps as the page's script holds them."""
    return json.loads(re.search(r"const STEPS = (.*);\n", page).group(1).replace("<\\/", "</"))


def test_a_constants_step_marks_every_box_with_its_own_uses_contribution():
    z, half, expected = shared_half()
    table = build_grad(z)
    page = stepper_html(z)
    steps = page_steps(page)
    (s,) = [s for s, node in zip(steps, table, strict=True) if node is half]
    assert len(s["marks"]) == 3 and s["id"] in s["marks"]
    assert sorted(g for _, g in s["fills"]) == expected
    assert [i for i, _ in s["fills"]] == s["marks"]
    # each box's contribution flows along its own edge into its consumer's op
    assert len(s["edges"]) == 3 and {a for a, _ in s["edges"]} == set(s["marks"])
    for box in s["marks"]:
        assert f'id="{box}"' in page


def test_collapsed_nodes_light_up_their_group_box():
    from test_draw_support import mlp

    outs = mlp([2, 3, 1], [0.4, -0.2])
    loss = (outs[0] - 1.0) ** 2
    page = stepper_html(loss, max_nodes=12)
    data = page_steps(page)
    assert "collapsed" in page
    by_name = {s["name"]: s for s in data}
    w = by_name["layers.0.neurons.1.w.0"]
    assert w["id"].startswith("g_layers_") and w["marks"] == [w["id"]]
    assert f'id="{w["id"]}"' in page
    assert all(s["id"] for s in data)  # every step shows somewhere


@needs_browser
def test_stepping_to_a_shared_constant_highlights_each_of_its_boxes(tmp_path, browser):
    z, half, expected = shared_half()
    table = build_grad(z)
    page = write_stepper(z, tmp_path / "steps.html")
    b = browser(page, f"#step={table.step(half) + 1}")
    s = b.state()
    assert s["name"].startswith("∂z/∂") and len(s["current"]) == 3
    assert sorted(t[1] for t in s["current"]) == [f"grad {g}" for g in expected]
    assert s["contrib"] == 3
