"""``backprop grade`` given hostile keys and answer files: a clear ExerciseError or a graded
zero, never a traceback, and never an unbounded read (/dev/zero as a key or an answer)."""

from __future__ import annotations

import os

import pytest
from fuzz_text import run_cli

from autograd_core.exercise.answers import MAX_BYTES, read_answers
from autograd_core.exercise.errors import ExerciseError
from autograd_core.exercise.key import read_key

ZERO = "/dev/zero"
needs_zero = pytest.mark.skipif(not os.path.exists(ZERO), reason="no /dev/zero here")


@pytest.mark.parametrize("text, message", [
    ("[" * 100_000, "nested too deeply"),
    ('{"format": ' + "9" * 5000 + "}", "more than"),
])
def test_a_key_nested_too_deeply_or_with_a_huge_number_is_an_exercise_error(tmp_path, text,
                                                                            message):
    path = tmp_path / "key.json"
    path.write_text(text)
    with pytest.raises(ExerciseError, match=message):
        read_key(path)
    status, _, err = run_cli(["grade", str(path), str(tmp_path)])
    assert status == 2 and err.startswith("backprop grade: ") and "Traceback" not in err


@needs_zero
def test_an_endless_key_is_refused_without_reading_it():
    """/dev/zero is no regular file: refused before any read (a huge regular file is refused
    after a bounded read: tests/test_hostile_files.py)."""
    with pytest.raises(ExerciseError, match="is a character device, not a key.json"):
        read_key(ZERO)


@needs_zero
def test_an_endless_answer_file_is_refused_without_reading_it():
    """Reading /dev/zero whole never ends (or ends in MemoryError): it is never read."""
    answers = read_answers(ZERO)
    assert [e.message for e in answers.errors] == [
        "is a character device, not an answer file: give a regular file"]


def test_an_answer_file_over_the_limit_is_refused(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"#" * (MAX_BYTES + 1))
    assert [e.message for e in read_answers(path).errors] == [
        f"larger than {MAX_BYTES:,} bytes: too large for an answer file"]
