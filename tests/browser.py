"""A headless Chromium page driven over the DevTools protocol (websocket-client), as a person
would use it: load, click with the mouse, press keys, resize, screenshot; every network
request the page makes is recorded.

Used by the stepper's browser tests; they skip (``needs_browser``) where chromium or
websocket-client is missing (``apt-get install chromium``; websocket-client is in the test
extra).
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

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

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--remote-debugging-port=0",
         "--hide-scrollbars", "--force-device-scale-factor=1"]


class Browser:
    """One Chromium with one page, opened at ``about:blank`` and then at ``url``, so that
    every request of the page itself is seen (``requests``: the URLs it asked for)."""

    def __init__(self, url: str, profile: Path, width: int = 1400, height: int = 900,
                 ready: str = "document.readyState === 'complete'") -> None:
        import websocket

        assert CHROMIUM is not None
        self.proc = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--window-size={width},{height}", f"--user-data-dir={profile}",
             "about:blank"],
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
        target = None
        while target is None:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
                targets = json.load(r)
            target = next((t for t in targets if t.get("type") == "page"), None)
            if target is None:
                time.sleep(0.05)
        self.ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=30,
                                              suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        self.send("Network.enable")
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        self.send("Page.navigate", url=url)
        self.wait_for(ready, what="the page did not finish loading")

    # ------------------------------------------------------------ protocol
    def send(self, method: str, **params: Any) -> Any:
        """Call a DevTools method and return its result (events met meanwhile are kept)."""
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg["result"]
            if "method" in msg:
                self.events.append(msg)

    def eval(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (exceptions raise)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30, what: str = "") -> Any:
        """Poll until ``expression`` is truthy (a page still laying out may throw: retried)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.eval(expression)
            except RuntimeError:
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                pytest.fail(what or f"timed out waiting for {expression}")
            time.sleep(0.05)

    # ------------------------------------------------------------ what a person does
    def center_of(self, selector: str) -> tuple[float, float]:
        """The middle of the first element matching ``selector``, in CSS px."""
        box = self.eval("(() => { const r = document.querySelector(" + json.dumps(selector)
                        + ").getBoundingClientRect(); return [r.x + r.width / 2, "
                        "r.y + r.height / 2]; })()")
        return box[0], box[1]

    def click(self, selector: str) -> None:
        """A real mouse click at the middle of the element (not element.click())."""
        x, y = self.center_of(selector)
        self.click_at(x, y)

    def click_at(self, x: float, y: float) -> None:
        """A left click at (x, y)."""
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                      clickCount=1)

    def wheel(self, x: float, y: float, delta_y: float) -> None:
        """The mouse wheel turned at (x, y) (negative: away from you, zoom in)."""
        self.send("Input.dispatchMouseEvent", type="mouseWheel", x=x, y=y, deltaX=0,
                  deltaY=delta_y)

    def drag(self, x: float, y: float, dx: float, dy: float, steps: int = 8) -> None:
        """Press at (x, y), move by (dx, dy), release."""
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        self.send("Input.dispatchMouseEvent", type="mousePressed", x=x, y=y, button="left",
                  clickCount=1)
        for k in range(1, steps + 1):
            self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x + dx * k / steps,
                      y=y + dy * k / steps, button="left", buttons=1)
        self.send("Input.dispatchMouseEvent", type="mouseReleased", x=x + dx, y=y + dy,
                  button="left", clickCount=1)

    KEYS = {"ArrowRight": 39, "ArrowLeft": 37, "Home": 36, "End": 35, " ": 32, "+": 187,
            "-": 189, "0": 48, "r": 82}

    def key(self, key: str) -> None:
        """Press and release one key (``"ArrowRight"``, ``" "``, ``"+"``…)."""
        code = self.KEYS[key]
        text = key if len(key) == 1 else ""
        self.send("Input.dispatchKeyEvent", type="keyDown", key=key,
                  code="Space" if key == " " else key, windowsVirtualKeyCode=code, text=text)
        self.send("Input.dispatchKeyEvent", type="keyUp", key=key,
                  code="Space" if key == " " else key, windowsVirtualKeyCode=code)

    def screenshot(self, path: Path) -> Path:
        """A PNG of the viewport."""
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    # ------------------------------------------------------------ what the page did
    def requests(self) -> list[str]:
        """Every URL the page asked for since it was opened (the page itself included)."""
        self.eval("1")  # collect pending events
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]

    def console_errors(self) -> list[str]:
        """Uncaught exceptions and console.error messages of the page."""
        out = []
        for e in self.events:
            if e.get("method") == "Runtime.exceptionThrown":
                out.append(json.dumps(e["params"]["exceptionDetails"])[:500])
            elif (e.get("method") == "Runtime.consoleAPICalled"
                  and e["params"].get("type") == "error"):
                out.append(json.dumps(e["params"]["args"])[:500])
        return out

    def close(self) -> None:
        """Close the connection and end chromium (the process this object started)."""
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


def open_pages(tmp_path: Path) -> Iterator[Any]:
    """Fixture body: ``open_page(path, fragment="", **size)`` → a Browser; all closed after."""
    opened: list[Browser] = []

    def open_page(path: Path, fragment: str = "", **kwargs: Any) -> Browser:
        b = Browser(path.resolve().as_uri() + fragment, tmp_path / f"profile{len(opened)}",
                    **kwargs)
        opened.append(b)
        return b

    yield open_page
    for b in opened:
        b.close()
