"""``backprop draw`` given hostile output paths and sources: a clear error and exit status 2,
never a traceback, never a half-written or destroyed file; and an expression is never taken
for a file name because it is long."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from autograd_core.cli import main

DRAW = ["draw", "tanh(x*w)", "--let", "x=0.5", "--param", "w=2"]
FORMATS = ["svg", "dot", "html"]


def backprop(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, in a process of its own (what a user's shell sees)."""
    return subprocess.run([sys.executable, "-m", "autograd_core", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


@pytest.mark.parametrize("suffix", FORMATS)
def test_output_into_a_missing_folder_is_exit_2_naming_the_folder(tmp_path, capsys, suffix):
    out = tmp_path / "no" / "such" / f"graph.{suffix}"
    assert main([*DRAW, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"backprop draw: cannot write {out}: no folder {out.parent}" in err
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("suffix", FORMATS)
def test_output_onto_a_folder_is_exit_2(tmp_path, capsys, suffix):
    folder = tmp_path / f"pictures.{suffix}"
    folder.mkdir()
    assert main([*DRAW, "-o", str(folder)]) == 2
    assert f"cannot write {folder}: it is a folder" in capsys.readouterr().err
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
@pytest.mark.parametrize("target", ["/dev/full"])
def test_output_onto_a_full_device_is_exit_2_and_the_device_stays(capsys, target):
    assert main([*DRAW, "-o", target]) == 2
    assert f"cannot write {target}: No space left on device" in capsys.readouterr().err
    assert stat.S_ISCHR(os.stat(target).st_mode)  # written to, never replaced by a file


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, capsys,
                                                                    monkeypatch, suffix):
    out = tmp_path / f"graph.{suffix}"
    out.write_text("the old picture")
    real = Path.write_bytes

    def disk_full_after_a_few_bytes(self: Path, data: bytes | str, *a: object, **k: object):
        real(self, (data.encode() if isinstance(data, str) else data)[:10])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", disk_full_after_a_few_bytes)
    monkeypatch.setattr(Path, "write_text", disk_full_after_a_few_bytes)
    assert main([*DRAW, "-o", str(out)]) == 2
    monkeypatch.undo()
    assert "No space left on device" in capsys.readouterr().err
    assert out.read_text() == "the old picture"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_a_real_file_size_limit_keeps_the_old_file(tmp_path):
    """No mock: the process may write at most 200 bytes per file (RLIMIT_FSIZE; Python
    ignores SIGXFSZ, so the write fails with EFBIG)."""
    pytest.importorskip("resource")
    out = tmp_path / "graph.svg"
    out.write_text("the old picture")
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200)); "
            "from autograd_core.cli import main; sys.exit(main(sys.argv[1:]))")
    proc = subprocess.run([sys.executable, "-c", code, *DRAW, "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert f"cannot write {out}: File too large" in proc.stderr
    assert out.read_text() == "the old picture"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_the_command_itself_prints_no_traceback(tmp_path):
    """The real process, once per failure kind (each costs a Python start-up)."""
    targets = [tmp_path / "missing" / "g.svg", tmp_path]
    if os.path.exists("/dev/full"):
        targets.append(Path("/dev/full"))
    for target in targets:
        proc = backprop(*DRAW, "-o", str(target))
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert proc.stderr.startswith("backprop draw: cannot write"), proc.stderr


def test_a_long_expression_is_an_expression_not_a_file_name(capsys):
    expr = " + ".join(f"x*{i}" for i in range(1, 120))  # 800 bytes, no '/'
    assert len(expr.encode()) > 255
    assert main(["draw", expr, "--let", "x=1"]) == 0
    assert "digraph" in capsys.readouterr().out
    assert main(["draw", "y" * 300, "--let", "x=1"]) == 2  # a long name, not a long file name
    err = capsys.readouterr().err
    assert "no value for 'yyy" in err and "File name too long" not in err


def test_the_worked_suffix_or_an_existing_file_makes_a_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["draw", "missing.worked"]) == 2
    assert "no such worked-example file: missing.worked" in capsys.readouterr().err
    assert main(["draw", "a" * 300 + ".worked"]) == 2  # too long for a name: still refused
    assert "no such worked-example file" in capsys.readouterr().err
    pytest.importorskip("autograd_core.verify.model")
    Path("tiny").write_text("input x = 2\nparam w = 3\nloss  l = (w*x - 1)^2\n")
    assert main(["draw", "tiny"]) == 0  # an existing file, no suffix
    assert "digraph" in capsys.readouterr().out
