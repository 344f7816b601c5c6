"""The solution's four formats: text, Markdown with $…$, a LaTeX document that pdflatex
compiles (when a TeX system is installed), and one HTML page whose MathML renders in a real
headless Chromium with nothing fetched from outside."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from autograd_core.solve import solve_file
from autograd_core.solve.expr import latex
from autograd_core.solve.render_md import math_line
from autograd_core.verify import bundled_examples

EXAMPLES = bundled_examples()
PDFLATEX = shutil.which("pdflatex")
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
                 if p), None)
VO = next(p for p in EXAMPLES if p.name == "01_vo_mlp.worked")


def _sols(path: Path):
    return solve_file(path)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_line_is_in_every_format(path):
    sols = _sols(path)
    text, md, tex, page = (sols.to_text(), sols.to_markdown(), sols.to_latex(), sols.to_html())
    lines = [ln for s in sols for _, _, ls in s.sections() for ln in ls]
    assert lines
    for line in lines:
        math = math_line(line)
        assert math.isascii(), f"LaTeX math must be plain ASCII for pdflatex: {math!r}"
        assert f"${math}$" in md
        assert latex(line.lhs) in tex
    assert page.count("<math") >= len(lines)
    for s in sols:
        assert f"== {s.title} ==" in text


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_the_html_page_is_self_contained(path):
    page = _sols(path).to_html()
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=|url\(|@import|https?:""", page, re.I), (
        "the page refers to something outside itself")
    # every LaTeX command became MathML (latex2mathml leaves unknown ones as a backslash)
    assert not re.search(r"<m[io]>\\\\", page)


def test_markdown_shows_the_claims_verdicts():
    md = solve_file(VO)[0].to_markdown()
    assert "**wrong**" in md and "**ok**" in md
    assert md.count("$") % 2 == 0


@pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed "
                    "(apt-get install texlive-latex-base)")
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_the_latex_document_compiles_with_pdflatex(path, tmp_path):
    tex = tmp_path / "solution.tex"
    tex.write_text(_sols(path).to_latex(per_scalar=True), encoding="utf-8")
    run = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error",
                          "-no-shell-escape", tex.name], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    log = (tmp_path / "solution.log").read_text(errors="replace")
    assert run.returncode == 0, log[-3000:]
    assert (tmp_path / "solution.pdf").stat().st_size > 10_000
    assert "Missing character" not in log
    assert "Undefined control sequence" not in log


# ------------------------------------------------------------------ in the browser
class Page:
    """A headless Chromium tab over the DevTools protocol, recording every request."""

    FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--remote-debugging-port=0", "--window-size=1400,900"]

    def __init__(self, profile: Path) -> None:
        import websocket

        self.proc = subprocess.Popen([CHROMIUM, *self.FLAGS, f"--user-data-dir={profile}",
                                      "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
                target = next((t for t in json.load(r) if t.get("type") == "page"), None)
            time.sleep(0.05)
        self.ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=30,
                                              suppress_origin=True)
        self.next_id = 0
        self.requests: list[str] = []
        self.events: list[str] = []

    def send(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == "Network.requestWillBeSent":
                self.requests.append(msg["params"]["request"]["url"])
            elif "method" in msg:
                self.events.append(msg["method"])
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(msg["error"])
                return msg["result"]

    def open(self, url: str) -> None:
        self.send("Network.enable")
        self.send("Page.enable")
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + 30
        while self.eval("document.readyState") != "complete" or "Page.loadEventFired" not in \
                self.events:
            if time.monotonic() > deadline:
                pytest.fail("the page did not load")
            time.sleep(0.05)

    def eval(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

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


def _has_websocket() -> bool:
    try:
        import websocket  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(CHROMIUM is None or not _has_websocket(),
                    reason="chromium (apt-get install chromium) or websocket-client is missing")
def test_the_page_renders_its_math_in_chromium_and_fetches_nothing(tmp_path):
    sols = solve_file(VO)
    path = tmp_path / "vo.html"
    path.write_text(sols.to_html(), encoding="utf-8")
    lines = [ln for s in sols for _, _, ls in s.sections() for ln in ls]
    page = Page(tmp_path / "profile")
    try:
        page.open(path.as_uri())
        boxes = page.eval("""[...document.querySelectorAll('div.line > math')].map(m => {
            const r = m.getBoundingClientRect();
            return [r.width, r.height, m.querySelectorAll('mfrac, mtable, msup').length];
        })""")
        # a laid-out MathML fraction is taller than its text line; a bracketed matrix too
        frac = page.eval("""(() => { const f = document.querySelector('mfrac');
            const r = f.getBoundingClientRect(); const line = f.closest('math')
            .getBoundingClientRect(); return [r.height, r.width, line.height]; })()""")
        title = page.eval("document.title")
        overflow = page.eval("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        page.close()
    assert title == f"Worked solutions: {sols[0].path}"
    assert len(boxes) == len(lines)
    assert all(w > 20 and h > 10 for w, h, _ in boxes), boxes
    assert sum(1 for *_, n in boxes if n) >= len(lines) // 2
    assert frac[0] > 20 and frac[1] > 5
    assert overflow, "the page is wider than the window"
    outside = [u for u in page.requests if not u.startswith(path.as_uri())]
    assert page.requests and not outside, page.requests


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_the_prose_reaches_latex_without_a_lost_character(path):
    """Every note, claim, diagnosis and convention is written for pdflatex character by
    character: nothing falls back to '?'."""
    from autograd_core.solve.solution import claim_text, part_text
    from autograd_core.solve.texts import tex_text

    pieces = []
    for sol in _sols(path):
        pieces += [sol.title, *sol.header(), *sol.conventions]
        for line in sol.all_lines():
            pieces += ["".join(part_text(p) for p in n) for n in line.notes]
            pieces += [claim_text(c) for c in line.claims]
    assert pieces
    for text in pieces:
        assert "?" not in tex_text(text) or "?" in text, text


@pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed")
def test_every_ops_formula_compiles_in_latex(tmp_path):
    """A solution quotes each op's formula (σ′, the op's rule: …): every op of the engine,
    written for pdflatex, compiles and loses no character."""
    from autograd_core import ops
    from autograd_core.solve.render_tex import PREAMBLE
    from autograd_core.solve.texts import tex_text

    formulas = sorted({op.formula for op in vars(ops).values()
                       if isinstance(op, ops.Op) and op.formula}
                      | {ops.leaky_relu(0.1).formula, ops.pow_const(3.0).formula})
    assert len(formulas) >= 12
    body = "\n".join(tex_text(f) + r"\par" for f in formulas)
    assert "?" not in body
    tex = tmp_path / "ops.tex"
    tex.write_text(PREAMBLE + "\\begin{document}\n" + body + "\n\\end{document}\n")
    run = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", tex.name],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, (tmp_path / "ops.log").read_text(errors="replace")[-2000:]
