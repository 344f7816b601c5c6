"""Hostile worked examples and formulas: clear errors (never a traceback), no recursion
limit reached, no quadratic work, no reference cycle."""

from __future__ import annotations

import gc

import pytest

from autograd_core import Value
from autograd_core.draw.expr import parse_expression
from autograd_core.formula import FormulaError, parse_formula
from autograd_core.verify import VerifyError, bundled_examples, check_file, check_text


@pytest.mark.parametrize("text, message", [
    ("input x = 1\nlet a = (-8)^(1/3)\nshow a\n", "negative base to a non-integer power"),
    ("input x = [1, 2]\nclaim x[" + "9" * 5000 + "] = 1\n", "at most 9 digits"),
    ("input x = " + "9" * 5000 + "\nshow x\n", "a number has at most 60 digits"),
    ("input x = 1e999999999\nshow x\n", "the exponent is beyond ±300"),
    ("param w(" + "1" * 5000 + ",1) = 1\nshow w\n", "a node number has at most 9 digits"),
    ("input x = 1\nlet a = " + "(" * 200 + "x" + ")" * 200 + "\nshow a\n", "nested more than 50"),
    ("input x = " + "[" * 995 + "1" + "]" * 995 + "\n", "nested more than 50 deep"),
    ("input x = [[[1]]]\n", "only scalars, vectors and matrices"),
    ("input x = 1\nlet a = " + "^".join(["x"] * 600) + "\nshow a\n", "nested more than 50"),
    ("input x = 2\nlet a = x^100000\nshow a\n", "the exponent 100000 is beyond ±10000"),
    ("param w = [0, 1]\nconst X = [[1, 0]]\nconst Y = [1]\n"
     "perceptron w: data X, labels Y, steps 100000\n", "steps must be a whole number from 1 to"),
])
def test_hostile_files_get_clear_errors(text, message):
    with pytest.raises(VerifyError, match=message) as info:
        check_text(text)
    assert info.value.line is not None


def test_long_formulas_need_no_deep_recursion():
    n = 5000
    (ex,) = check_text("input x = 1\nlet a = " + " + ".join(["x"] * n) + "\nloss l = a\n"
                       "claim a = 5000\nclaim dl/dx = 5000\nlet b = " + "-" * 3001 + "x\n"
                       "claim b = -1\n")
    assert [c.status for c in ex.claims] == ["ok", "ok", "ok"]


def test_the_formula_language_of_backprop_draw_is_guarded_too():
    with pytest.raises(FormulaError, match="nested more than 50"):
        parse_formula("(" * 300 + "x" + ")" * 300)
    with pytest.raises(FormulaError, match="negative base to a non-integer power"):
        parse_expression("(-8)^(1/3)")
    z = parse_expression(" + ".join(["x"] * 3000), {"x": 1.0})
    assert z.data == 3000.0


def test_a_long_perceptron_is_linear_not_quadratic(monkeypatch):
    """Counted in node visits, not seconds (the machine is shared): each quantity used to
    re-walk the whole graph (47 s for 1000 steps)."""
    visits = 0
    at_kink = Value.at_kink

    def counted(node: Value) -> bool:
        nonlocal visits
        visits += 1
        return bool(at_kink.fget(node))

    monkeypatch.setattr(Value, "at_kink", property(counted))

    def run(steps: int) -> int:
        nonlocal visits
        visits = 0
        text = ("param w = [0, 1, -1]\nconst X = [[1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1]]\n"
                f"const Y = [0, 1, 1, 1]\nperceptron w: data X, labels Y, steps {steps}\n"
                f"claim w.{steps} = [0, 1, 1]\n")
        (ex,) = check_text(text)
        assert ex.claims[0].status == "ok"
        return visits

    small, big = run(250), run(2000)
    assert small > 250  # the counter sees the walk
    assert big < 8 * small * 1.5  # 8× the steps: about 8× the visits, not 64×


def test_checking_leaves_no_reference_cycle():
    text = ("input x = 2\nlet h = x/3\nlet y = 10*h^2\nloss l = y + h\nclaim h = 0.67\n"
            "claim y = 4.49\nclaim dl/dx = 3\n")
    check_text(text)
    gc.collect()
    gc.disable()
    try:
        for path in bundled_examples():
            report = check_file(path)
            del report
        report = check_text(text)
        del report
        assert gc.collect() == 0  # nothing was left for the cyclic collector to find
    finally:
        gc.enable()
