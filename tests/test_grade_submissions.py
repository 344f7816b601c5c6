"""A correct, a partly wrong and a malformed submission graded right.

The answers are written from torch float64 (tests/exercise_oracles.py) of each variant's
given numbers, and the expected points are counted here by hand: ok entries earn their share
of the question's points, wrong entries none, missing and unreadable answers none.
"""

from __future__ import annotations

import csv
import io
import math
from decimal import ROUND_DOWN, Decimal

import pytest
from exercise_oracles import VO, given_numbers, literal, rounded, vo

from autograd_core.exercise import (
    Policy,
    grade_all,
    grade_answers,
    grade_file,
    make_exercises,
    read_key,
)
from autograd_core.exercise.answers import parse_answers
from autograd_core.exercise.outputs import to_csv, to_json, to_table

ACTIVATIONS = ("sigmoid", "relu")


@pytest.fixture(scope="module")
def key(tmp_path_factory):
    path = tmp_path_factory.mktemp("key") / "key.json"
    exercises = make_exercises(VO, variants=3, seed=11)
    path.write_text(exercises.key.to_json(), encoding="utf-8")
    return read_key(path)  # through the JSON file, as backprop grade reads it


def truth(key, vid):
    v = key.variant(vid)
    return [vo(given_numbers(p.given), act) for p, act in zip(v.parts, ACTIVATIONS, strict=True)]


def lit(values, shape, k=4, fmt=None):
    return literal(values, shape, k, fmt)


def cut(x: float, k: int = 4) -> str:
    return str(Decimal(x).quantize(Decimal(1).scaleb(-k), rounding=ROUND_DOWN))


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def correct_lines(key, vid):
    lines = [f"variant {vid}"]
    for i, (part, values) in enumerate(zip(key.variant(vid).parts, truth(key, vid),
                                           strict=True), start=1):
        lines.append(f"example {i}")
        lines += [f"{q.name} = {lit(values[q.name], q.shape)}" for q in part.questions]
    return lines


def test_a_correct_submission_earns_every_point(key, tmp_path):
    g = grade_file(key, write(tmp_path, "alice.txt", "\n".join(correct_lines(key, "01"))))
    assert g.variant == "01" and g.student == "alice"
    assert [r.status for r in g.results] == ["ok"] * 21
    assert g.score == g.max_score == 22 and not g.messages


def test_a_partly_wrong_submission(key, tmp_path):
    part = key.variant("02").parts[0]
    true = truth(key, "02")[0]
    shapes = {q.name: q.shape for q in part.questions}
    # an entry whose 4-decimal cut differs from its rounding: it will be "truncated"
    name, entry = next((q.name, i) for q in part.questions if q.size > 1
                       for i, x in enumerate(true[q.name]) if cut(x) != str(rounded(x, 4)))
    doubled = [x * (2 if i == 2 else 1) for i, x in enumerate(true["dl/dW1"])]  # entry (2,1)
    assert str(rounded(true["x2"][0], 2)) + "00" != str(rounded(true["x2"][0], 4))
    def cut_one(x):
        return cut(x) if x == true[name][entry] else str(rounded(x, 4))

    lines = ["variant 02", "example 1", f"x2 = {rounded(true['x2'][0], 2)}",
             f"dl/dW2 = {lit([-x for x in true['dl/dW2']], shapes['dl/dW2'])}",
             f"dl/dW1 = {lit(doubled, shapes['dl/dW1'])}",
             f"{name} = {lit(true[name], shapes[name], fmt=cut_one)}"]
    skip = {"x2", "dl/dW2", "dl/dW1", name, "dl/db1"}
    lines += [f"{q.name} = {lit(true[q.name], q.shape)}" for q in part.questions
              if q.name not in skip]
    path = write(tmp_path, "bob.txt", "\n".join(lines))
    g = grade_file(key, path)
    r = {x.name: x for x in g.results if x.part == part.name}
    assert (r["x2"].status, r["x2"].points) == ("wrong", 0)
    assert (r["dl/dW2"].status, r["dl/dW2"].diagnosis, r["dl/dW2"].points) == \
        ("wrong", "sign flipped", 0)
    assert r["dl/dW1"].status == "wrong" and "(2,1)" in r["dl/dW1"].diagnosis
    assert "factor 2" in r["dl/dW1"].diagnosis
    assert math.isclose(r["dl/dW1"].points, 2 * 5 / 6, rel_tol=1e-6)
    assert (r[name].status, r[name].points) == ("truncated", 1)
    assert (r["dl/db1"].status, r["dl/db1"].answer, r["dl/db1"].points) == ("missing", None, 0)
    others = [x for x in g.results if x.part != part.name]
    assert [x.status for x in others] == ["missing"] * 10
    expected = (11 + 1) - 1 - 1 - 2 + 2 * 5 / 6 - 1  # every point, less what is lost
    assert math.isclose(g.score, expected, abs_tol=1e-4)
    half = grade_file(key, path, Policy(truncated_credit=0.5))
    size = next(q.size for q in part.questions if q.name == name)
    assert math.isclose(half.score, expected - 0.5 / size, abs_tol=1e-4)


def test_a_malformed_submission_loses_only_what_is_malformed(key, tmp_path):
    part = key.variant("03").parts[0]
    true = truth(key, "03")[0]
    shapes = {q.name: q.shape for q in part.questions}
    good = {q.name: f"{q.name} = {lit(true[q.name], q.shape)}" for q in part.questions}
    text = "\n".join([
        "# a student's file with everything that can go wrong",
        "variant 03",
        "x1 = [0.1, 0.2, 0.3]",                # answered twice: this one is replaced
        good["x1"],
        "x2 = 0.38?2",                         # an unreadable number
        "dl/dW2 = [0.1, 0.2,",                 # never closed: lost
        good["dl/dx2"],
        "hello there",                         # not an answer
        "dl/dW9 = 1",                          # not asked
        "dx1/dx0 = [1, 2]",                    # the wrong shape
        "claim ∂l/∂b2 = " + lit(true["dl/db2"], ()),   # the claim keyword, ∂ spelled out
        *[good[n] for n in good if n not in ("x1", "x2", "dl/dW2", "dl/dx2", "dx1/dx0",
                                             "dl/db2")],
    ])
    g = grade_file(key, write(tmp_path, "carol.txt", text))
    r = {x.name: x for x in g.results if x.part == part.name}
    assert r["x1"].status == "ok"
    assert r["x2"].status == "unreadable" and "carol.txt:5:" in r["x2"].diagnosis
    assert r["dl/dW2"].status == "unreadable" and "unclosed '['" in r["dl/dW2"].diagnosis
    assert r["dx1/dx0"].status == "wrong" and "3×2" in r["dx1/dx0"].diagnosis
    assert r["dl/db2"].status == "ok" and r["dl/dx2"].status == "ok"
    lost = {"x2": 1, "dl/dW2": 1, "dx1/dx0": 1}
    assert g.score == 12 - sum(lost.values())
    text_of = "\n".join(g.messages)
    assert "carol.txt:3: x1 is answered again on line 4; line 4 is graded" in text_of
    assert "carol.txt:8: expected an answer" in text_of
    assert "dl/dW9 is not asked (did you mean 'dl/dW2'?)" in text_of or \
        "dl/dW9 is not asked" in text_of
    assert all(shapes)  # every question was graded
    assert len(g.results) == 21


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a binary file (a zero byte at offset 8)"),
    ("variant 01\nnote é\n".encode("latin-1"), "not UTF-8 text (byte 16 is 0xe9)"),
    (b"x2 = 0.5\n", "does not say which variant it answers"),
    (b"variant 99\nx2 = 0.5\n", "no variant '99' in the key"),
    (b"", "does not say which variant"),
])
def test_files_that_cannot_be_graded_say_why_and_score_zero(key, tmp_path, content, message):
    p = tmp_path / "dave.txt"
    p.write_bytes(content)
    g = grade_file(key, str(p))
    assert g.score == 0 and g.results == [] and g.max_score == 22
    assert any(message in m for m in g.messages), g.messages


def test_one_broken_file_never_costs_another_student(key, tmp_path):
    good = write(tmp_path, "good.txt", "\n".join(correct_lines(key, "01")))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02")
    half = write(tmp_path, "half.txt", "\n".join(correct_lines(key, "02")[:8]))
    together = grade_all(key, [good, str(bad), half])
    alone = [grade_file(key, p) for p in (good, str(bad), half)]
    assert [to_json([g]) for g in together] == [to_json([g]) for g in alone]
    assert [g.score for g in together] == [22, 0, 6]


def test_a_file_named_by_its_variant_needs_no_variant_line(key, tmp_path):
    lines = correct_lines(key, "02")[1:]
    g = grade_file(key, write(tmp_path, "variant-02.txt", "\n".join(lines)))
    assert g.variant == "02" and g.score == 22


def test_the_csv_gradebook_and_the_table(key, tmp_path):
    files = [write(tmp_path, "alice.txt", "\n".join(correct_lines(key, "01"))),
             write(tmp_path, "zed.txt", "variant 02\nexample 2\nx2 = 1\n")]
    grades = grade_all(key, files)
    rows = list(csv.DictReader(io.StringIO(to_csv(grades))))
    assert [(r["student"], r["variant"], r["score"], r["max_score"]) for r in rows] == \
        [("alice", "01", "22", "22"), ("zed", "02", "0", "22")]
    assert rows[0]["1. dl/dW1"] == "2" and rows[1]["2. x2"] == "0"
    table = to_table(grades)
    assert "== alice" in table and "total 22 / 22" in table and "2 submissions graded" in table


def test_error_carried_forward_earns_the_carried_credit(key):
    """A student writes ∂l/∂x2 10% off, then back-propagates correctly from it (by hand, plain
    floats, each step rounded to 4 decimals as on paper): the later answers are wrong but
    follow from the claimed dl/dx2, and earn --carried-credit."""
    v = key.variant("01")
    g = given_numbers(v.parts[0].given)
    x0, W1, b1, (W2,), b2 = g["x0"], g["W1"], g["b1"], g["W2"], g["b2"]

    def sig(a):
        return 1 / (1 + math.exp(-a))

    x1 = [sig(sum(w * x for w, x in zip(row, x0, strict=True)) + b)
          for row, b in zip(W1, b1, strict=True)]
    x2 = sig(sum(w * x for w, x in zip(W2, x1, strict=True)) + b2)
    dx2 = round(1.1 / x2, 4)                   # the slip
    dz2 = round(dx2 * x2 * (1 - x2), 4)         # correct from here on
    dx1 = [round(dz2 * w, 4) for w in W2]
    dz1 = [round(d * x * (1 - x), 4) for d, x in zip(dx1, x1, strict=True)]

    def vec(xs):
        return "[" + ", ".join(f"{x:.4f}" for x in xs) + "]"

    text = "\n".join(["variant 01", f"x1 = {vec(x1)}", f"x2 = {x2:.4f}", f"dl/dx2 = {dx2:.4f}",
                      f"dl/db2 = {dz2:.4f}", f"dl/dW2 = {vec([dz2 * x for x in x1])}",
                      f"dl/dx1 = {vec(dx1)}", f"dl/db1 = {vec(dz1)}"])
    later = ("dl/db2", "dl/dW2", "dl/dx1", "dl/db1")
    for policy, credit in ((Policy(), 0.0), (Policy(carried_credit=0.5), 0.5)):
        g = grade_answers(key, parse_answers(text), policy)
        r = {x.name: x for x in g.results if x.part == v.parts[0].name}
        assert (r["dl/dx2"].status, r["dl/dx2"].follows_from) == ("wrong", [])  # the root slip
        for name in later:
            assert (r[name].status, r[name].follows_from, r[name].points) == \
                ("wrong", ["dl/dx2"], credit), name
        assert g.score == 2 + 4 * credit


def test_entries_are_judged_on_exact_values_as_verify_judges():
    """0.7 × 0.5 is 0.35 on paper (0.34999… in floats): 0.34 is wrong, not a truncation of it,
    so that entry earns nothing even with full credit for truncated entries."""
    text = "input x = [0.7, 0.2]\nparam w = 0.5\nlet y = w * x\nclaim y = [0.35, 0.10]\n"
    key = make_exercises(text, variants=1).key
    g = grade_answers(key, parse_answers("variant 01\ny = [0.34, 0.10]\n"), Policy())
    (r,) = g.results
    assert (r.status, r.entries_ok, r.points) == ("wrong", 1, 0.5)
    g = grade_answers(key, parse_answers("variant 01\ny = [0.35, 0.1]\n"), Policy())
    assert g.results[0].status == "ok" and g.score == 1


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_an_answer_file_with_a_byte_order_mark_is_graded_as_its_text(key, tmp_path, encoding):
    """Windows Notepad saves UTF-16 with a BOM: the file is the same answers (it used to be
    "a binary file (a zero byte at offset 3)")."""
    text = "\n".join(correct_lines(key, "01"))
    raw = text.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw  # Python writes no BOM for an explicit byte order
    p = tmp_path / "erin.txt"
    p.write_bytes(raw)
    g = grade_file(key, str(p))
    assert g.messages == [] and g.score == 22 and g.variant == "01"


def test_two_files_for_one_variant_are_both_graded_and_say_so(key, tmp_path):
    right = write(tmp_path, "fay.txt", "\n".join(correct_lines(key, "02")))
    half = write(tmp_path, "fay-again.txt", "\n".join(correct_lines(key, "02")[:8]))
    other = write(tmp_path, "gil.txt", "\n".join(correct_lines(key, "01")))
    grades = grade_all(key, [right, half, other])
    assert [g.score for g in grades] == [22, 6, 22]  # as each alone
    assert [m for m in grades[0].messages if "warning" in m] == [
        f"{grades[0].file}: warning: variant 02 is answered by {grades[1].file} too; "
        "every file is graded"]
    assert any(grades[0].file in m for m in grades[1].messages)
    assert grades[2].messages == []


def test_an_answer_in_scientific_notation_is_graded_not_a_traceback(key, tmp_path):
    """x2 = 1e60 padded to the 4 decimals asked had 65 digits: NumberError escaped grading."""
    lines = correct_lines(key, "01")
    at = next(i for i, line in enumerate(lines) if line.startswith("x2 = "))
    lines[at] = "x2 = 1e60"
    g = grade_file(key, write(tmp_path, "hal.txt", "\n".join(lines)))
    (x2,) = [r for r in g.results if r.name == "x2" and r.part == g.results[0].part]
    assert x2.status == "wrong" and g.score == 21
