"""``backprop solve`` and ``backprop exercise`` on worked examples that ``verify`` and ``draw``
accept but that are large or extreme: a loss of thousands of terms, a product chain, numbers
beyond the floats. Each gives its solution (or a clear error), never a RecursionError or an
OverflowError, and the numbers are checked against exact arithmetic done here."""

from __future__ import annotations

from fractions import Fraction

import pytest
from fuzz_text import run_cli

from autograd_core.exercise import ExerciseError, make_exercises
from autograd_core.solve import expr as E
from autograd_core.solve import solve_text

N = 2000  # > Python's recursion limit (1000): a recursive walk of the formula fails


def _number(text: str) -> Fraction:
    return Fraction(text.replace("−", "-"))


def test_a_loss_of_thousands_of_products_is_solved_in_every_format():
    """Before: RecursionError in solve/forward.py Forward.formula (1500 x*x terms)."""
    text = f"input x = 0.5\nparam w = 2\nloss l = {' + '.join(['w*x'] * N)}\n"
    (sol,) = solve_text(text)
    assert _number(sol.line("l").stages[-1].text) == N * Fraction(1, 2) * 2
    assert _number(sol.backward_line("w").stages[-1].text) == N * Fraction(1, 2)  # Σ x
    assert _number(sol.backward_line("x").stages[-1].text) == N * 2  # Σ w
    for rendered in (sol.to_text(), sol.to_markdown(), sol.to_latex(), sol.to_html()):
        assert rendered.count("w") >= N  # the formula written out, every term


def test_a_product_chain_thousands_deep_is_solved():
    """(((x·w)·w)·…)·w: a left-deep tree as deep as the formula is long;
    ∂(x wᴺ)/∂w = N x wᴺ⁻¹ and ∂/∂x = wᴺ."""
    text = f"input x = 3\nparam w = -1\nloss l = x{'*w' * N}\n"
    (sol,) = solve_text(text)
    assert _number(sol.line("l").stages[-1].text) == 3 * (-1) ** N
    assert _number(sol.backward_line("w").stages[-1].text) == N * 3 * (-1) ** (N - 1)
    assert _number(sol.backward_line("x").stages[-1].text) == (-1) ** N


def test_the_writer_is_linear_and_matches_a_short_line():
    """A line written piece by piece equals the same line written by hand, and a sum of
    N terms is N times as long as one term (no quadratic string building)."""
    x = E.Sym("x", "x", E.Num(Fraction(1, 2), "0.5"))
    line = E.Bin("-", E.Bin("·", E.Num(2, "2"), E.Fn("σ", r"\sigma", (x,), "sigmoid")),
                 E.Num(-1, "-1"))
    assert E.text(line) == "2·σ(x) + 1" and E.latex(line) == r"2 \cdot \sigma(x) + 1"
    assert E.text(E.substitute(line)) == "2·σ(0.5) + 1"
    total: E.Expr = x
    for _ in range(N - 1):
        total = E.Bin("+", total, x)
    assert E.text(total) == " + ".join(["x"] * N)
    assert E.evaluate(total).cells == [Fraction(N, 2)]
    assert len(E.numbers(E.substitute(total))) == N


def test_an_exercise_of_a_long_loss_is_made_and_its_sheet_written(tmp_path):
    """Before: RecursionError in exercise/wellposed.py _calls."""
    text = (f"input x = 0.5\nparam w = 2\nvary w uniform in [1, 3] with 1 decimal\n"
            f"loss l = {' + '.join(['w*x'] * N)}\nclaim dl/dw = {N // 2}\n")
    exercises = make_exercises(text, variants=2, seed=1)
    exercises.write(tmp_path)
    for v in exercises.variants:
        (question,) = v.parts[0].questions
        assert question.values == [N / 2]  # ∂l/∂w = Σ x, whatever w was drawn


def test_numbers_beyond_the_floats_are_solved_as_inf_and_refused_by_exercise(tmp_path):
    """Exact arithmetic overflows no float: 10³⁰⁰ cubed is carried exactly, printed inf.
    Before: OverflowError tracebacks in solve (rounding), draw (style.fmt) and exercise."""
    path = tmp_path / "huge.worked"
    path.write_text("input x = 1e300\nloss l = x*x*x\nshow l\n")
    status, out, err = run_cli(["solve", str(path)])
    assert status == 0 and "inf" in out and "Traceback" not in err
    status, out, err = run_cli(["draw", str(path)])
    assert status == 0 and "∞" in out, err
    with pytest.raises(ExerciseError, match=r"huge.worked:1: .*not a finite number \(l = inf\)"):
        make_exercises(path)


def test_an_exact_number_beyond_the_floats_converts_to_inf():
    from autograd_core import Exact

    assert float(Exact(10) ** 400) == float("inf")
    assert float(-(Exact(10) ** 400)) == float("-inf")
    assert float(Exact(1, 3)) == 1 / 3 and float(Exact("0.1")) == 0.1


def test_a_key_nested_deep_is_read_without_recursion(tmp_path):
    """The JSON reader accepts nesting up to its own limit; the key's numbers are then
    flattened in a loop (a question with such a value is refused as not a key)."""
    from autograd_core.exercise import read_key

    exercises = make_exercises("input x = 2\nparam w = 3\nloss l = w*x\nclaim dl/dw = 2\n")
    doc = exercises.key.to_json().replace('"value": 2.0', '"value": ' + "[" * 900 + "2" +
                                           "]" * 900)
    assert doc.count("[" * 900) == 1
    path = tmp_path / "key.json"
    path.write_text(doc)
    key = read_key(path)
    assert key.variants[0].parts[0].questions[0].values == [2.0]
