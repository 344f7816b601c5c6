"""Helpers of the site tests: build the site once, serve it on 127.0.0.1, drive Chromium.

The browser is Debian's chromium driven over the DevTools protocol (websocket-client), as in
test_draw_stepper.py; here every request the page makes is recorded (``Network`` events),
and the host resolver sends any host but 127.0.0.1 nowhere, so a stray fetch both fails and
shows up in :attr:`Chromium.requests`.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
                 if p), None)
NPM = shutil.which("npm")
NODE = shutil.which("node")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file server that logs nothing (the test records requests in the browser)."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Say nothing."""


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class Chromium:
    """A headless chromium page over the DevTools protocol, recording every request."""

    FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-quic", "--remote-debugging-port=0",
             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]

    def __init__(self, profile: Path, size: tuple[int, int] = (1400, 900)) -> None:
        """Start chromium with a fresh ``profile`` folder and a ``size`` viewport."""
        import websocket

        assert CHROMIUM is not None
        profile.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [CHROMIUM, *self.FLAGS, f"--window-size={size[0]},{size[1]}",
             f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        page = None
        while page is None:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
                page = next((t for t in json.load(r) if t.get("type") == "page"), None)
            time.sleep(0.05)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=120,
                                              suppress_origin=True)
        self.next_id = 0
        self.requests: list[str] = []
        self.console: list[str] = []
        self.send("Network.enable")
        self.send("Runtime.enable")
        self.send("Page.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=size[0], height=size[1],
                  deviceScaleFactor=1, mobile=False)

    def _event(self, msg: dict[str, Any]) -> None:
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled":
            self.console.append(" ".join(str(a.get("value", a.get("description", "")))
                                         for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            self.console.append("exception: " + json.dumps(params.get("exceptionDetails"))[:500])

    def send(self, method: str, **params: Any) -> Any:
        """One DevTools command; events arriving meanwhile are recorded."""
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg["result"]
            self._event(msg)

    def eval(self, expression: str, await_promise: bool = False) -> Any:
        """The value of a JavaScript expression in the page (a thrown error raises)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=await_promise)
        if "exceptionDetails" in result:
            raise RuntimeError("page threw: " + json.dumps(result["exceptionDetails"])[:2000])
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60) -> Any:
        """Poll a JavaScript expression until it is truthy; its value."""
        deadline = time.monotonic() + timeout
        while not (value := self.eval(expression)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout} s for {expression}; console: "
                                   f"{self.console[-5:]}")
            time.sleep(0.05)
        return value

    def open(self, url: str) -> None:
        """Navigate and wait for the document (not for the page's own start-up)."""
        self.send("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'")

    def click(self, selector: str, frame: str | None = None) -> None:
        """A real mouse click at the middle of the element (inside an iframe if named)."""
        doc = "document" if frame is None else (
            f"document.querySelector({json.dumps(frame)}).contentDocument")
        offset = "[0, 0]" if frame is None else (
            f"(() => {{ const r = document.querySelector({json.dumps(frame)})"
            ".getBoundingClientRect(); return [r.x, r.y]; })()")
        box = self.eval(f"(() => {{ const o = {offset}; const el = {doc}.querySelector("
                        f"{json.dumps(selector)}); el.scrollIntoView({{block: 'center'}}); "
                        "const r = el.getBoundingClientRect(); "
                        "return [o[0] + r.x + r.width / 2, o[1] + r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1],
                      button="left", clickCount=1)

    def type_into(self, selector: str, text: str) -> None:
        """Replace a field's text by typing, as a person would (select all, then insert)."""
        self.eval(f"(() => {{ const el = document.querySelector({json.dumps(selector)}); "
                  "el.focus(); el.select(); })()")
        self.send("Input.insertText", text=text)

    def screenshot(self, path: Path) -> Path:
        """A PNG of the viewport."""
        import base64

        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """End the browser (the one this object started)."""
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
