"""Fuzzing worked examples: mutated ``.worked`` files (byte flips, deletions, insertions of
brackets, operators, keywords, huge numbers, deep nesting, non-UTF-8 bytes) give a report or
a VerifyError, through the Python API and through ``backprop verify`` (exit status 0, 1 or
2, never a traceback); a report always renders as text, markdown and strict JSON. The same
files through ``backprop solve`` (a solution in every format, or a SolveError) and ``backprop
exercise`` (variants, sheets, key.json and the Moodle quiz, or an ExerciseError)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz_text import ROOT, WORKED_SEEDS, examples, mutated, run_cli
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from autograd_core.exercise import ExerciseError, make_exercises, read_key
from autograd_core.exercise.moodle import to_moodle
from autograd_core.solve import Solutions, SolveError, solve_file
from autograd_core.verify import Report, VerifyError, check, check_file, check_text

FUZZ = settings(max_examples=examples(150), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


def _renders(report: Report) -> None:
    assert report.to_text() and report.to_markdown() is not None
    json.loads(report.to_json(), parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))


@FUZZ
@given(mutated(WORKED_SEEDS))
def test_mutated_worked_files_give_a_report_or_a_verify_error(folder, data):
    path = folder / "example.worked"
    path.write_bytes(data)
    try:
        report = check_file(path)
    except VerifyError as e:
        assert e.line is None or e.line >= 1
        event("VerifyError")
    else:
        _renders(report)
        event("report")
    text = data.decode("utf-8", "replace")
    try:
        _renders(check_text(text))
    except VerifyError:
        pass


@settings(max_examples=examples(100), deadline=None)
@given(st.text(max_size=400) | mutated([s.split(b"\n")[0] for s in WORKED_SEEDS]).map(
    lambda b: b.decode("utf-8", "replace")))
def test_check_of_any_one_line_string_is_a_report_or_a_verify_error(text):
    """``check(str)`` guesses whether a one-line string is a path: a 300-byte line is text
    that is too long to be a file name, not an OSError."""
    try:
        _renders(check(text))
    except VerifyError:
        pass


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated(WORKED_SEEDS), st.sampled_from([[], ["--format", "json"],
                                               ["--format", "markdown"], ["--strict"]]))
def test_backprop_verify_exits_0_1_or_2_without_a_traceback(folder, data, options):
    path = folder / "example.worked"
    path.write_bytes(data)
    status, out, err = run_cli(["verify", *options, str(path)])
    assert status in (0, 1, 2) and "Traceback" not in err
    assert (status == 2) == err.startswith("backprop verify: "), err
    if options[:2] == ["--format", "json"] and status != 2:
        json.loads(out)


def test_file_names_that_are_not_utf8_are_printed_without_a_traceback(tmp_path):
    """A Latin-1 file name (0xe9: é) arrives as a surrogate; a strict UTF-8 stdout (the usual
    locale) could not print it in the report's heading."""
    import os

    name = os.fsdecode(b"caf\xe9.worked")
    (tmp_path / name).write_text("example café\ninput x = 1\nclaim x = 1\n")
    status, out, err = run_cli(["verify", str(tmp_path / name)])
    assert status == 0 and "café" in out and "Traceback" not in err


def test_the_real_command_prints_such_names_under_a_strict_utf8_locale(tmp_path):
    import os
    import subprocess
    import sys

    name = b"caf\xe9.worked"
    (tmp_path / os.fsdecode(name)).write_text("example café\ninput x = 1\nclaim x = 1\n")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}  # as en_US.UTF-8 gives
    proc = subprocess.run([sys.executable, "-m", "autograd_core", "verify", name], cwd=tmp_path,
                          capture_output=True, env=env, timeout=120)
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr
    assert name in proc.stdout  # the name's own bytes, as the terminal shows other names


def test_check_of_a_one_line_text_too_long_for_a_file_name_is_text():
    """Found by the fuzzer above: Path.is_file() raised 'File name too long' (OSError)."""
    for text in ("9" * 300, "input x = 1" + " " * 300):
        with pytest.raises(VerifyError, match="<text>"):
            check(text)


# ------------------------------------------------------------------ solve and exercise
EXERCISE_SEEDS = WORKED_SEEDS + [p.read_bytes() for p in sorted(
    (ROOT / "autograd_core" / "examples" / "exercises").glob("*.worked"))] + [
    b"input x = 0.5\nparam w = 2\nvary w uniform in [1, 3] with 1 decimal\n"
    b"loss l = sigmoid(w*x)\nclaim dl/dw = 0.0983\npoints dl/dw = 2\n",
]


def _solutions_render(sols: Solutions) -> None:
    for per_scalar in (False, True):
        assert sols.to_text(per_scalar) and sols.to_markdown(per_scalar)
        assert sols.to_latex(per_scalar) and sols.to_html(per_scalar)


@FUZZ
@given(mutated(WORKED_SEEDS))
def test_mutated_worked_files_give_a_solution_or_a_solve_error(folder, data):
    """``backprop solve``'s library: every example solved and rendered in every format, or
    one SolveError naming the file (never a RecursionError, OverflowError, TypeError)."""
    path = folder / "example.worked"
    path.write_bytes(data)
    try:
        sols = solve_file(path)
    except SolveError as e:
        assert e.path == "example.worked" or str(e).startswith(str(path)), str(e)
        event("SolveError")
    else:
        _solutions_render(sols)
        event("solved")


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated(EXERCISE_SEEDS), st.integers(1, 3))
def test_mutated_worked_files_give_exercises_or_an_exercise_error(folder, data, count):
    """``backprop exercise``'s library: the variants, their sheets, key.json (read back) and
    the Moodle quiz, or one ExerciseError naming the file."""
    path = folder / "exercise.worked"
    path.write_bytes(data)
    try:
        exercises = make_exercises(path, variants=count)
    except ExerciseError as e:
        assert e.path == "exercise.worked", str(e)
        event("ExerciseError")
        return
    out = folder / "out"
    exercises.write(out)
    assert read_key(out / "key.json").variants[0].worked == exercises.variants[0].worked
    assert to_moodle(exercises).startswith("<?xml")
    event("exercises")


@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated(EXERCISE_SEEDS), st.sampled_from([
    ["solve"], ["solve", "--format", "markdown"], ["solve", "-o", "OUT.tex"],
    ["solve", "--per-scalar", "-o", "OUT.html"], ["exercise", "-o", "OUT"],
    ["exercise", "--variants", "2", "--moodle", "OUT.xml"]]))
def test_backprop_solve_and_exercise_exit_0_or_2_without_a_traceback(folder, data, command):
    path = folder / "example.worked"
    path.write_bytes(data)
    argv = [command[0], str(path), *[str(folder / a) if a.startswith("OUT") else a
                                     for a in command[1:]]]
    status, _, err = run_cli(argv)
    assert status in (0, 2) and "Traceback" not in err, err
    prefix = f"backprop {command[0]}: "
    if status == 2:
        assert err.startswith(prefix), err
    else:  # a success may warn (no 'vary' line) or show progress, never an error
        assert all(not line.startswith(prefix) or line.startswith(prefix + "warning:")
                   or "variants drawn" in line for line in err.splitlines()), err
