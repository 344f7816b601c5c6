"""Files a user names, as hostile as the system allows: every tool reads only a regular file,
never blocks on a named pipe, never reads a device (/dev/zero), never reads a huge file whole;
each refusal is the tool's own error naming the file (exit status 2 on the command line, no
traceback). And a long expression is never taken for a file name (ENAMETOOLONG)."""

from __future__ import annotations

import contextlib
import os
import signal
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fuzz_text import run_cli

from autograd_core.exercise import Exercise, ExerciseError, make_exercises, read_key, read_roster
from autograd_core.exercise.answers import read_answers
from autograd_core.files import Refused, names_a_file, read_limited
from autograd_core.solve import SolveError, solve_file
from autograd_core.verify import VerifyError, check_file
from nn import ModelFileError, load_model

EXAMPLES = Path(__file__).resolve().parent.parent / "autograd_core" / "examples"
VO = EXAMPLES / "exercises" / "vo_mlp.worked"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
needs_zero = pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")


@contextlib.contextmanager
def no_hang(seconds: float = 10) -> Iterator[None]:
    """Fail (instead of waiting forever) if the block takes longer than ``seconds``: the
    alarm interrupts a blocked open() or read()."""
    def hung(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _answers(path: str) -> None:
    """read_answers records its problems instead of raising: raise the first one."""
    errors = read_answers(path).errors
    if errors:
        raise ExerciseError(errors[0].message, None, path)


#: every reader of a user's file, and the error it must raise for one it cannot read
READERS: dict[str, tuple[Callable[[str], object], type[Exception]]] = {
    "verify": (check_file, VerifyError),
    "solve": (solve_file, SolveError),
    "exercise": (make_exercises, ExerciseError),
    "exercise roster": (read_roster, ExerciseError),
    "exercise notebook": (Exercise, ExerciseError),
    "grade key": (read_key, ExerciseError),
    "grade answers": (_answers, ExerciseError),
    "nn.load_model": (load_model, ModelFileError),
}

#: every command reading a file (FILE is replaced by the hostile one)
COMMANDS = {
    "verify": ["verify", "FILE"],
    "verify markdown": ["verify", "--format", "markdown", "FILE"],
    "solve": ["solve", "FILE"],
    "draw": ["draw", "FILE"],
    "exercise": ["exercise", "FILE", "-o", "OUT"],
    "exercise --ids": ["exercise", str(VO), "--ids", "FILE", "-o", "OUT"],
    "grade key": ["grade", "FILE", "."],
}


@pytest.fixture
def fifo(tmp_path: Path) -> str:
    """A named pipe nobody writes to: open() for reading blocks forever on it."""
    path = tmp_path / "pipe.worked"
    os.mkfifo(path)
    return str(path)


@needs_fifo
@pytest.mark.parametrize("reader", READERS)
def test_a_named_pipe_is_refused_by_every_reader_without_blocking(fifo, reader):
    read, error = READERS[reader]
    with no_hang(), pytest.raises(error, match=r"pipe\.worked: is a named pipe \(FIFO\)"):
        read(fifo)


@needs_fifo
@pytest.mark.parametrize("command", COMMANDS)
def test_a_named_pipe_is_exit_2_naming_the_file_for_every_command(fifo, tmp_path, command):
    argv = [fifo if a == "FILE" else str(tmp_path / "out") if a == "OUT" else a
            for a in COMMANDS[command]]
    with no_hang():
        status, _, err = run_cli(argv)
    assert status == 2 and "Traceback" not in err
    assert err.startswith(f"backprop {argv[0]}: ") and "is a named pipe (FIFO)" in err, err


@needs_fifo
def test_a_named_pipe_among_answer_files_is_graded_zero_and_the_others_graded(fifo, tmp_path):
    key = tmp_path / "ex" / "key.json"
    assert run_cli(["exercise", str(VO), "--variants", "1", "-o", str(key.parent)])[0] == 0
    answers = tmp_path / "a.txt"
    answers.write_text("variant 01\n")
    with no_hang():
        status, out, err = run_cli(["grade", str(key), fifo, str(answers)])
    assert status == 0 and "Traceback" not in err
    assert "is a named pipe (FIFO), not an answer file" in out and "a.txt" in out


@needs_zero
@pytest.mark.parametrize("reader", READERS)
def test_a_device_is_refused_by_every_reader_before_reading_it(reader):
    read, error = READERS[reader]
    with no_hang(), pytest.raises(error, match="is a character device"):
        read("/dev/zero")


@needs_zero
@pytest.mark.parametrize("command", COMMANDS)
def test_dev_zero_is_exit_2_for_every_command(tmp_path, command):
    """Before: solve 5.6 GB, exercise 11.8 GB, exercise --ids 9.2 GB of memory in 10 s."""
    argv = ["/dev/zero" if a == "FILE" else str(tmp_path / "out") if a == "OUT" else a
            for a in COMMANDS[command]]
    with no_hang():
        status, _, err = run_cli(argv)
    assert status == 2 and "is a character device" in err and "Traceback" not in err, err


@pytest.mark.parametrize("reader", READERS)
def test_a_huge_regular_file_is_refused_after_a_bounded_read(tmp_path, reader):
    """A sparse 300 MiB file (no disk used): refused as too large, having held at most the
    tool's limit (100 MB for a model file) plus a few pieces in memory, never the file."""
    read, error = READERS[reader]
    path = tmp_path / "huge.worked"
    with open(path, "wb") as f:
        f.truncate(300 << 20)
    tracemalloc.start()
    try:
        with pytest.raises(error, match="larger than"):
            read(str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 220 << 20, f"{peak >> 20} MiB held to refuse the file"


def test_the_limit_is_exact_and_a_regular_file_within_it_is_read_whole(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x" * 1000)
    assert read_limited(path, 1000, "a file") == b"x" * 1000
    with pytest.raises(Refused, match="larger than 999 bytes: too large for a file") as e:
        read_limited(path, 999, "a file")
    assert e.value.too_large and e.value.oserror is None


def test_a_missing_file_keeps_the_oserror_for_the_tools_that_document_one(tmp_path):
    with pytest.raises(Refused, match="no such file") as e:
        read_limited(tmp_path / "absent", 10, "a file")
    assert isinstance(e.value.oserror, FileNotFoundError)
    with pytest.raises(FileNotFoundError):  # nn: "a missing one an OSError" (the README)
        load_model(tmp_path / "absent.json")


def test_a_symbolic_link_to_a_regular_file_is_read_and_to_a_pipe_refused(tmp_path):
    target = tmp_path / "real.worked"
    target.write_text("input x = 2\nclaim x = 2\n")
    (tmp_path / "link.worked").symlink_to(target)
    assert check_file(tmp_path / "link.worked").ok
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe")
        (tmp_path / "to-pipe.worked").symlink_to(tmp_path / "pipe")
        with no_hang(), pytest.raises(VerifyError, match="is a named pipe"):
            check_file(tmp_path / "to-pipe.worked")


def test_stdin_redirected_from_a_regular_file_is_read(tmp_path):
    """``backprop verify /dev/stdin < ex.worked``: /dev/stdin is then the regular file."""
    import subprocess
    import sys

    if not os.path.exists("/dev/stdin"):
        pytest.skip("no /dev/stdin here")
    path = tmp_path / "ex.worked"
    path.write_text("input x = 2\nclaim x = 2\n")
    with open(path, "rb") as stdin:
        proc = subprocess.run([sys.executable, "-m", "autograd_core", "verify", "/dev/stdin"],
                              stdin=stdin, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "1 ok" in proc.stdout, proc.stderr


# ------------------------------------------------------------------ a file or an expression
@pytest.mark.parametrize("source", [
    "+".join(["x"] * 130),  # 259 bytes: too long for a file name (the reviewer's case)
    "x" * 300, "x" * 5000, "a/" * 200 + "x", "x\x00y", "sigmoid(w*x + b)",
])
def test_a_long_or_odd_expression_is_never_taken_for_a_file(source):
    assert names_a_file(source) is False


def test_a_file_is_told_by_its_suffix_or_by_existing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "course").write_text("input x = 1\n")
    (tmp_path / "folder").mkdir()
    assert names_a_file("missing.worked") and names_a_file("notes.txt")
    assert names_a_file("course") and not names_a_file("folder")
    assert not names_a_file("x")  # no file x here: the expression x


@pytest.mark.parametrize("command", ["solve", "draw"])
def test_a_130_term_sum_is_solved_and_drawn_as_an_expression(command):
    """Before: solve printed 'cannot write None: File name too long' (exit 2)."""
    status, out, err = run_cli([command, "+".join(["x"] * 130), "--let", "x=1"])
    assert status == 0 and "Traceback" not in err and "File name too long" not in err, err
    if command == "solve":
        assert "∂f/∂x = 130" in out.replace("∂f/∂x = ∂f/∂x", "∂f/∂x")


def test_solve_of_a_long_one_line_text_is_text_not_a_file_name():
    """The Python API: ``solve(str)`` guesses a path for a one-line string (OSError before)."""
    from autograd_core.solve import solve

    with pytest.raises(SolveError, match="<text>"):
        solve("loss l = " + "+".join(["x"] * 200))
