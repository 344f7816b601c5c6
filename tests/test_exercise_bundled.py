"""Every bundled example that ``backprop exercise`` accepts writes all its outputs: two
variants' answer keys (each verified ok by ``backprop verify``), their sheets (every question
named), key.json (read back as it was written) and the Moodle quiz. A perceptron's rate is a
Fraction, which Python 3.11 cannot format with ``:g``: fromont.worked's sheets crashed."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograd_core.exercise import make_exercises, read_key
from autograd_core.exercise.moodle import to_moodle
from autograd_core.verify import check_file

EXAMPLES = Path(__file__).resolve().parent.parent / "autograd_core" / "examples"
BUNDLED = sorted(EXAMPLES.glob("*.worked")) + sorted((EXAMPLES / "exercises").glob("*.worked"))


def test_the_bundled_list_is_not_empty():
    assert len(BUNDLED) >= 7 and EXAMPLES / "exercises" / "fromont.worked" in BUNDLED


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_bundled_example_writes_its_sheets_key_and_quiz(tmp_path, path):
    exercises = make_exercises(path, variants=2, seed="bundled")
    written = exercises.write(tmp_path)
    assert sorted(p.name for p in written) == ["key.json", "variant-01.md", "variant-01.worked",
                                               "variant-02.md", "variant-02.worked"]
    for v in exercises.variants:
        assert check_file(tmp_path / f"variant-{v.id}.worked").ok
        sheet = (tmp_path / f"variant-{v.id}.md").read_text(encoding="utf-8")
        for part in v.parts:
            for q in part.questions:
                assert f"`{q.name}`" in sheet
    key = read_key(tmp_path / "key.json")
    assert [v.worked for v in key.variants] == [v.worked for v in exercises.variants]
    assert to_moodle(exercises).startswith("<?xml")
