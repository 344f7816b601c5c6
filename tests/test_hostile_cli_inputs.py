"""``backprop solve``, ``exercise`` and ``grade`` given odd files and options: each ends with
its output (exit 0) or one clear error (exit 2, ``FILE:LINE[:COLUMN]`` when it is about a
file), never a traceback, never a hang. The cases a reviewer tried by hand, kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fuzz_text import run_cli
from test_hostile_files import no_hang

VO = Path(__file__).resolve().parent.parent / "autograd_core" / "examples" / "exercises" / \
    "vo_mlp.worked"
SMALL = "input x = 2\nparam w = 3\nloss l = w*x\nclaim dl/dw = 2\n"

#: odd worked files: (name, bytes, what a refusal must say; None: a result or any located error)
FILES = [
    ("empty", b"", "no statements"),
    ("bom-crlf", b"\xef\xbb\xbf" + SMALL.replace("\n", "\r\n").encode(), None),
    ("unicode-minus", "input x = 2\nparam w = −3\nloss l = w×x − 1\nclaim dl/dw = 2\n".encode(),
     None),
    ("5000-digits", f"input x = {'9' * 5000}\nloss l = x*x\nshow l\n".encode(), "at most 60"),
    ("huge-exponent", f"input x = 1e{'9' * 5000}\nloss l = x*x\nshow l\n".encode(),
     "exponent is beyond"),
    ("nested-5000", f"input x = 1\nloss l = {'(' * 5000}x{')' * 5000}\nshow l\n".encode(),
     "nested more than 50 deep"),
    ("huge-steps", b"param w = [0, 1]\nconst X = [[1, 0]]\nconst Y = [1]\nperceptron w: data X,"
     b" labels Y, rate 1, steps 99999999999999999999\nclaim w.1 = [1, 1]\n", "steps must be"),
    ("49-decimals", b"input x = 2\nparam w = 3\nloss l = w*x\n"
     b"claim l = 6.0000000000000000000000000000000000000000000000001\n", None),
    ("tiny-claim", b"input x = 1e-200\nparam w = 3\nloss l = w*x\nclaim l = 3e-200\n", None),
    ("huge-claim", b"input x = 1e200\nparam w = 3\nloss l = w*x\nclaim l = 3e200\n", None),
    ("beyond-floats", b"input x = 1e300\nloss l = x*x*x\nshow l\n", None),
]
COMMANDS = [["verify"], ["solve"], ["solve", "-o", "OUT.md"], ["solve", "-o", "OUT.html"],
            ["solve", "-o", "OUT.tex"], ["draw"], ["exercise", "-o", "OUT"],
            ["exercise", "--moodle", "OUT.xml"]]


def _argv(command: list[str], path: Path, folder: Path) -> list[str]:
    return [command[0], str(path), *[str(folder / a) if a.startswith("OUT") else a
                                     for a in command[1:]]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("name, data, refusal", FILES, ids=[f[0] for f in FILES])
def test_odd_files_give_a_result_or_a_located_error(tmp_path, name, data, refusal, command):
    path = tmp_path / f"{name}.worked"
    path.write_bytes(data)
    with no_hang(60):
        status, _, err = run_cli(_argv(command, path, tmp_path))
    assert "Traceback" not in err and status in (0, 1, 2), err
    if status == 2:
        assert err.startswith(f"backprop {command[0]}: {name}.worked:"), err
        assert refusal is None or refusal in err, err
    else:
        assert refusal is None, f"accepted, expected an error saying {refusal!r}"


def test_exercise_writes_only_keys_that_grade_reads_back(tmp_path):
    """A claim of 3e200 is written in scientific notation and graded back; one of 200
    decimals (3e-200) is refused at its line (before: '<text>:8:11: …' at the sheet)."""
    path = tmp_path / "big.worked"
    path.write_text("input x = 1e200\nparam w = 3\nloss l = w*x\nclaim l = 3e200\n")
    out = tmp_path / "big"
    assert run_cli(["exercise", str(path), "-o", str(out)])[0] == 0
    answer = tmp_path / "a.txt"
    answer.write_text("variant 01\nl = 3e200\n")
    status, printed, err = run_cli(["grade", str(out / "key.json"), str(answer)])
    assert status == 0 and "total 1 / 1" in printed, (printed, err)
    path = tmp_path / "tiny.worked"
    path.write_text("input x = 1e-200\nparam w = 3\nloss l = w*x\nclaim l = 3e-200\n")
    status, _, err = run_cli(["exercise", str(path), "-o", str(tmp_path / "tiny")])
    assert status == 2 and err.startswith("backprop exercise: tiny.worked:4: claim l: ")
    assert "200 decimals" in err, err


def test_a_file_name_that_is_not_utf8_is_written_into_every_format(tmp_path):
    """Before: UnicodeEncodeError writing solve -o x.md/.html and exercise -o DIR."""
    name = os.fsdecode(b"caf\xe9.worked")
    path = tmp_path / name
    path.write_text(SMALL)
    for command in COMMANDS + [["solve", "-o", "OUT.txt"]]:
        status, _, err = run_cli(_argv(command, path, tmp_path))
        assert status == 0 and "Traceback" not in err, (command, err)
    assert "caf\ufffd" in (tmp_path / "OUT.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("options, message", [
    (["--decimals", "999999999"], "--decimals must be from 0 to 400, got 999999999"),
    (["--decimals", "-3"], "--decimals must be from 0 to 400, got -3"),
    (["--digits", "0"], "--digits must be from 1 to 60, got 0"),
    (["--digits", "99999"], "--digits must be from 1 to 60, got 99999"),
    (["-o", "out.xyz"], "-o out.xyz: unknown format .xyz"),
])
def test_solve_options_out_of_range_are_exit_2(tmp_path, options, message):
    """Before: decimal.InvalidOperation tracebacks; --digits 0 printed nonsense."""
    path = tmp_path / "ex.worked"
    path.write_text(SMALL)
    status, _, err = run_cli(["solve", str(path), *options])
    assert status == 2 and err.startswith(f"backprop solve: {message}"), err


@pytest.mark.parametrize("variants", ["10001", "1000000000", "99999999999999999999999"])
def test_exercise_refuses_more_variants_than_a_run_makes(tmp_path, variants):
    """Before: --variants 1000000000 ran until killed."""
    with no_hang(30):
        status, _, err = run_cli(["exercise", str(VO), "--variants", variants, "-o",
                                  str(tmp_path / "out")])
    assert status == 2 and err.startswith("backprop exercise: --variants must be from 1 to 10,000")
    assert f"not {int(variants):,}" in err


def test_exercise_refuses_a_roster_longer_than_a_run_makes_naming_the_roster(tmp_path):
    roster = tmp_path / "roster.txt"
    roster.write_text("\n".join(f"s{i}" for i in range(10_001)))
    status, _, err = run_cli(["exercise", str(VO), "--ids", str(roster), "-o",
                              str(tmp_path / "out")])
    assert status == 2 and err.startswith("backprop exercise: roster.txt"), err
    assert "10,000" in err


def test_outputs_onto_a_folder_a_file_or_a_full_device_are_exit_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ex.worked").write_text(SMALL)
    (tmp_path / "folder.md").mkdir()
    (tmp_path / "folder.xml").mkdir()
    assert run_cli(["exercise", str(VO), "-o", "key"])[0] == 0
    (tmp_path / "a.txt").write_text("variant 01\n")
    (tmp_path / "b.txt").write_text("variant 01\n")
    cases = [
        (["solve", "ex.worked", "-o", "folder.md"], "cannot write folder.md: Is a directory"),
        (["solve", "ex.worked", "-o", "no/such/x.md"], "cannot write no/such/x.md"),
        (["exercise", str(VO), "--moodle", "folder.xml"], "cannot write folder.xml"),
        (["exercise", str(VO), "-o", "ex.worked"], "ex.worked: exists and is not a directory"),
        (["grade", "key/key.json", "a.txt", "-o", "folder.md"], "cannot write folder.md"),
        (["grade", "key/key.json", "a.txt", "b.txt", "--format", "gradescope", "-o",
          "ex.worked"], "cannot write ex.worked: File exists"),  # before: FileExistsError
    ]
    if os.path.exists("/dev/full"):
        cases += [
            (["solve", "ex.worked", "--format", "markdown", "-o", "/dev/full"],
             "No space left on device"),
            (["exercise", str(VO), "--moodle", "/dev/full"], "full: No space left on device"),
            (["grade", "key/key.json", "a.txt", "-o", "/dev/full"], "No space left on device"),
        ]
    for argv, message in cases:
        status, _, err = run_cli(argv)
        assert status == 2 and message in err and "Traceback" not in err, (argv, err)
