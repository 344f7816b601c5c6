"""Build the static site: the page, Pyodide, viz-js and the library's own wheel in one folder.

What goes in (nothing is fetched from any other host when the page runs):

* ``page/`` -- ``index.html``, ``app.js``, ``style.css`` (no framework);
* ``vendor/pyodide/`` -- CPython compiled to WebAssembly, from the npm package ``pyodide``;
* ``vendor/viz/viz.js`` -- Graphviz compiled to WebAssembly, from ``@viz-js/viz``
  (both at the versions pinned by ``package.json`` and ``package-lock.json`` beside this
  file, installed with ``npm ci`` into a cache folder, so a second build downloads nothing);
* ``wheels/`` -- this project's wheel, built now from its source tree (or given), and the
  pure-Python wheels of the dependencies its metadata declares for Pyodide's Python
  (``sys_platform == "emscripten"``: graphviz, tqdm, latex2mathml), from PyPI;
* ``manifest.json`` -- the wheels' file names and the versions, read by the page.

The folder is written next to its destination and moved into place when complete, so a
failed build leaves the previous site (or nothing), never half a site.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from .. import __version__

HERE = Path(__file__).resolve().parent
PAGE_FILES = ("index.html", "app.js", "style.css")
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json", "package.json")  # package.json: version and licence
VIZ_FILES = ("dist/viz.js", "package.json")
SOURCE_ITEMS = ("pyproject.toml", "README.md", "LICENSE", "autograd_core", "nn")
MARKER = "manifest.json"

Log = Callable[[str], None]


class SiteError(RuntimeError):
    """The site could not be built; the message says what is missing and what to do."""


def default_cache() -> Path:
    """Where npm packages and downloaded wheels are kept between builds."""
    if os.environ.get("AUTOGRAD_CORE_CACHE"):
        return Path(os.environ["AUTOGRAD_CORE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "autograd-core"


def _run(cmd: list[str], cwd: Path | None, what: str) -> None:
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise SiteError(f"{what}: {cmd[0]} is not installed") from None
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise SiteError(f"{what} failed ({' '.join(cmd[:3])} …, exit {proc.returncode}):\n{tail}")


def npm_packages(cache: Path, log: Log) -> Path:
    """``node_modules`` with the pinned Pyodide and viz-js (``npm ci``, once per lock file)."""
    npm = shutil.which("npm")
    if npm is None:
        raise SiteError("backprop site needs npm (Node.js) to fetch Pyodide and viz-js from "
                        "the npm registry: install Node.js (apt-get install npm, brew install "
                        "node, or nodejs.org), then run it again")
    lock = (HERE / "package-lock.json").read_bytes()
    folder = cache / f"npm-{hashlib.sha256(lock).hexdigest()[:16]}"
    done = folder / ".installed"
    if not done.exists():
        log(f"npm ci (Pyodide, viz-js) into {folder}")
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json", ".npmrc"):
            shutil.copyfile(HERE / name, folder / name)
        _run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline",
              "--loglevel=error"], folder, "npm ci")
        done.touch()
    return folder / "node_modules"


def source_tree() -> Path | None:
    """The project's source tree (a checkout with pyproject.toml), if this is one."""
    root = HERE.parent.parent
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and 'name = "autograd-core"' in pyproject.read_text("utf-8"):
        return root
    return None


def build_wheel(dest: Path, log: Log) -> Path:
    """This project's wheel, built from a clean copy of its source tree (no stale build/)."""
    root = source_tree()
    if root is None:
        raise SiteError("backprop site builds the library's wheel from its source tree, and "
                        "this installation has none: run it in a checkout, or pass "
                        "--wheel PATH (a wheel of autograd-core)")
    log(f"building the autograd-core wheel from {root}")
    with tempfile.TemporaryDirectory(prefix="autograd-core-src-") as tmp:
        copy = Path(tmp) / "src"
        copy.mkdir()
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules", "*.egg-info")
        for item in SOURCE_ITEMS:
            src = root / item
            if src.is_dir():
                shutil.copytree(src, copy / item, ignore=ignore)
            elif src.is_file():
                shutil.copy2(src, copy / item)
        out = Path(tmp) / "wheel"
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
              str(copy)], None, "building the wheel")
        (wheel,) = out.glob("autograd_core-*.whl")
        dest.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy2(wheel, dest / wheel.name))


def browser_environment(node_modules: Path) -> dict[str, str]:
    """The environment markers of Pyodide's Python (PEP 508), from its lock file."""
    from packaging.markers import default_environment

    info = json.loads((node_modules / "pyodide" / "pyodide-lock.json").read_text("utf-8"))
    version = str(info["info"]["python"])
    env = {key: str(value) for key, value in default_environment().items()}
    env.update(sys_platform="emscripten", platform_system="Emscripten",
               platform_machine="wasm32", os_name="posix", implementation_name="cpython",
               platform_python_implementation="CPython", python_full_version=version,
               python_version=".".join(version.split(".")[:2]), extra="")
    return env


def browser_requirements(wheel: Path, environment: dict[str, str]) -> list[str]:
    """The dependencies that ``wheel``'s metadata declares for ``environment`` (the page's
    Python): ``Requires-Dist`` lines whose markers hold there, extras left out."""
    from packaging.requirements import Requirement

    with zipfile.ZipFile(wheel) as z:
        (meta,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        text = z.read(meta).decode("utf-8")
    names = []
    for line in text.splitlines():
        if line.startswith("Requires-Dist:"):
            req = Requirement(line.split(":", 1)[1].strip())
            if req.marker is None or req.marker.evaluate(environment):
                names.append(req.name)
    return names


def _cached_wheel(folder: Path, name: str, version: str) -> list[Path]:
    """The pure-Python wheel of ``name`` ``version`` in ``folder`` (a wheel file is named
    ``{name}-{version}-…-py3-none-any.whl``, its name compared case and ``-_.`` aside)."""
    def key(text: str) -> str:
        return re.sub(r"[-_.]+", "_", text).lower()

    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.endswith("-py3-none-any.whl")
                  and key(p.name.split("-")[0]) == key(name) and p.name.split("-")[1] == version)


def dependency_wheels(names: list[str], cache: Path, log: Log) -> list[Path]:
    """The pure-Python wheels of ``names``, at the versions installed here (which pip chose
    for this project), downloaded once into the cache."""
    folder = cache / "wheels"
    wheels = []
    for name in names:
        version = importlib.metadata.version(name)
        found = _cached_wheel(folder, name, version)
        if not found:
            log(f"pip download {name}=={version}")
            _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                  "--only-binary=:all:", "-d", str(folder), f"{name}=={version}"],
                 None, f"downloading {name}")
            found = _cached_wheel(folder, name, version)
        if not found:
            raise SiteError(f"{name} {version} has no pure-Python wheel (py3-none-any); the "
                            "page cannot load it. Mark it sys_platform != 'emscripten' in "
                            "pyproject.toml if the browser does not need it")
        wheels.append(found[0])
    return wheels


def _copy_files(src: Path, names: tuple[str, ...], dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        path = src / name
        if not path.is_file():
            raise SiteError(f"{path} is missing: the npm package is not what package.json "
                            "pins (delete the cache folder and build again)")
        shutil.copyfile(path, dest / Path(name).name)


def _check_destination(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SiteError(f"{out} is a folder that holds something other than a site built by "
                        "backprop site; choose an empty or new folder")


def _npm_version(node_modules: Path, package: str) -> str:
    data = json.loads((node_modules / package / "package.json").read_text("utf-8"))
    return str(data["version"])


def build_site(out: str | os.PathLike[str], *, wheel: str | os.PathLike[str] | None = None,
               cache: str | os.PathLike[str] | None = None,
               log: Log | None = None) -> Path:
    """Write the site into ``out`` (replacing a site built there before) and return it."""
    out = Path(out)
    say: Log = log or (lambda _msg: None)
    cache_dir = Path(cache) if cache is not None else default_cache()
    _check_destination(out)
    if wheel is not None and not (Path(wheel).is_file() and Path(wheel).suffix == ".whl"):
        raise SiteError(f"--wheel {wheel}: not a wheel file")
    node_modules = npm_packages(cache_dir, say)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        _copy_files(HERE / "page", PAGE_FILES, staging)
        _copy_files(node_modules / "pyodide", PYODIDE_FILES, staging / "vendor" / "pyodide")
        _copy_files(node_modules / "@viz-js" / "viz", VIZ_FILES, staging / "vendor" / "viz")
        wheels_dir = staging / "wheels"
        if wheel is not None:
            given = Path(wheel)
            wheels_dir.mkdir()
            own = Path(shutil.copy2(given, wheels_dir / given.name))
        else:
            own = build_wheel(wheels_dir, say)
        needed = browser_requirements(own, browser_environment(node_modules))
        deps = [Path(shutil.copy2(w, wheels_dir / w.name))
                for w in dependency_wheels(needed, cache_dir, say)]
        manifest = {
            "version": __version__,
            "wheels": [own.name] + [d.name for d in deps],
            "pyodide": _npm_version(node_modules, "pyodide"),
            "viz": _npm_version(node_modules, "@viz-js/viz"),
        }
        (staging / MARKER).write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
        staging.chmod(0o755)
        if out.exists():
            old = out.with_name(f".{out.name}-old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            staging.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def site_size(folder: Path) -> tuple[int, int]:
    """(files, bytes) of a built site."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)
