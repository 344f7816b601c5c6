"""``Exercise.check()``: one answer judged with backprop grade's checking, from a variant file,
a key or a text; floats rounded to the decimals asked, strings as written; points returned.
The truth: l = (w·x − 1)², x = 2, w = 3 gives dl/dw = 2(wx − 1)x = 20 (by hand)."""

from __future__ import annotations

import pytest
from exercise_oracles import VO

from autograd_core.exercise import Exercise, make_exercises

TEXT = "input x = 2\nparam w = 3\nloss l = (w*x - 1)^2\nshow dl/dw\npoints dl/dw = 2\n"


def test_check_prints_the_verdict_and_returns_the_points(capsys):
    ex = Exercise(TEXT)
    assert ex.check("dl/dw", 20.0) == 2.0
    assert ex.check("dl/dw", -20) == 0.0
    assert ex.check("dl/dw", "20.0001") == 0.0  # a string is judged as written
    assert ex.check("dl/dw", 20.00004) == 2.0   # a float is rounded to the 4 decimals asked
    assert ex.check("dl/dw", 20.0, points=5) == 5.0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "dl/dw = 20.0000: ok, 2 of 2 points"
    assert out[1] == "dl/dw = -20: wrong, 0 of 2 points (the key has 4 decimals): sign flipped"
    assert "20" not in out[1].split("sign flipped")[1]  # the true value is not shown


def test_strict_raises_and_reveal_shows_the_key(capsys):
    ex = Exercise(TEXT)
    with pytest.raises(AssertionError, match="sign flipped"):
        ex.check("dl/dw", -20, strict=True)
    ex.check("dl/dw", 10, reveal=True)
    assert capsys.readouterr().out.rstrip().endswith("[true value: 20.0000]")


def test_from_a_variant_file_and_from_the_key(tmp_path):
    exercises = make_exercises(VO, variants=2, seed=4)
    exercises.write(tmp_path)
    v = exercises.key.variant("02")
    q = v.parts[1]["dl/db2"]
    from_file = Exercise(tmp_path / "variant-02.worked")
    from_key = Exercise.from_key(tmp_path / "key.json", "2")
    for ex in (from_file, from_key):
        assert ex.result("dl/db2", q.text, part=2).status == "ok"
        assert ex.result("dl/db2", q.text, part=1).status == "wrong"
    with pytest.raises(KeyError, match="asked in parts 1, 2: say which"):
        from_file.check("dl/db2", 0.5)
    with pytest.raises(KeyError, match="'dl/dq' is not asked"):
        from_file.check("dl/dq", 0.5)
    assert repr(from_key) == "Exercise(variant 02, 2 parts, 21 questions)"
    assert from_key._repr_markdown_().startswith("# Exercise: variant 02")


def test_a_malformed_or_misshapen_answer(capsys):
    ex = Exercise(TEXT)
    assert ex.check("dl/dw", "2 0") == 0.0
    assert ex.check("dl/dw", [20, 20]) == 0.0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("dl/dw = 2 0: unreadable")
    assert "is a vector of 2 but dl/dw is a scalar" in out[1]
    with pytest.raises(TypeError, match="an answer is a number"):
        ex.check("dl/dw", {"a": 1})


def test_a_name_not_asked_in_a_part_lists_that_parts_names_once():
    ex = Exercise(VO)
    asked = {i: [q.name for q in p.questions] for i, p in enumerate(ex.parts, start=1)}
    with pytest.raises(KeyError) as info:
        ex.check("dl/dW9", 0.5, part=1)
    message = info.value.args[0]
    assert message == (f"'dl/dW9' is not asked in part 1 (did you mean 'dl/dW2'?); asked: "
                       f"{', '.join(asked[1])}")
    assert len(asked[1]) == len(set(asked[1])) and "z1" in asked[2] and "z1" not in asked[1]
    with pytest.raises(KeyError) as info:
        ex.check("dl/dW9", 0.5)  # every part: each name once
    listed = info.value.args[0].split("asked: ")[1].split(", ")
    assert listed == list(dict.fromkeys(asked[1] + asked[2]))
    with pytest.raises(KeyError, match="no part 3: the exercise has parts 1 to 2"):
        ex.check("x2", 0.5, part=3)


@pytest.mark.parametrize("answer", [1e308, 1e60, -1.5e20, float("inf"), float("nan"),
                                    [20.0, 1e308]])
def test_a_float_from_python_is_judged_by_its_value_not_its_digits(answer, capsys):
    """1e308 written out has 309 digits ('a number has at most 60 digits, this one has
    313'); it is a number, and a wrong one."""
    ex = Exercise(TEXT)
    r = ex.result("dl/dw", answer)
    assert r.status == "wrong" and r.points == 0
    assert "digits" not in (r.diagnosis or "")
    ex.check("dl/dw", answer)
    assert ": wrong, 0 of 2 points" in capsys.readouterr().out
