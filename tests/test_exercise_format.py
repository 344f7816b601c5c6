"""The exercise statements of the .worked format (``vary``, ``points``): what they accept, what
they draw, the errors they give (FILE:LINE:COLUMN), and that ``backprop verify`` reads them
and computes nothing different."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from autograd_core.exercise import ExerciseError, make_exercises
from autograd_core.verify import VerifyError, check_text
from autograd_core.verify.parser import parse
from autograd_core.verify.vary import KinksAllowed, Points, Variation

BASE = "input x = [1, 2]\nparam W = [[0.5, -1], [2, 0.25]]\nloss l = sum(W @ x)\n"


def _exercise(*lines: str) -> list:
    (spec,) = parse(BASE + "\n".join(lines) + "\nshow dl/dW\n")
    return [st.options[st.kind] for st in spec.exercise]


def test_the_forms_of_vary_and_points():
    v, c, e, k, p = _exercise(
        "vary W uniform in [-2, 2] with 1 decimal",
        "vary x from {0, 1, −1}",
        "vary W[2, 1] uniform in [0.1, 0.9] with 2 decimals except {0.5, 0.25}",
        "vary kinks allowed",
        "points dl/dW = 2.5")
    assert (v.name, v.index, v.low, v.high, v.decimals) == ("W", None, -2, 2, 1)
    assert c.choices == ("0", "1", "-1") and c.low is None
    assert (e.target, e.decimals, e.excluded) == ("W[2,1]", 2, {Decimal("0.5"), Decimal("0.25")})
    assert isinstance(k, KinksAllowed) and isinstance(v, Variation)
    assert p == Points("dl/dW", 2.5, 8)
    assert (v.drawable(), c.drawable(), e.drawable()) == (41, 3, 79)


def test_draws_stay_on_the_grid_and_cover_it():
    (v,) = _exercise("vary W uniform in [-2, 2] with 1 decimal except {0}")
    rng = random.Random(1)
    drawn = [v.draw(rng) for _ in range(4000)]
    assert all(Decimal(d).as_tuple().exponent == -1 for d in drawn)  # "1.0", "-0.3": 1 decimal
    values = {Decimal(d) for d in drawn}
    grid = {Decimal(i) / 10 for i in range(-20, 21)} - {Decimal(0)}
    assert values == grid  # every number of the grid but 0, and nothing else
    (c,) = _exercise("vary x from {0, 1}")
    assert {c.draw(rng) for _ in range(200)} == {"0", "1"}


def test_verify_reads_the_statements_and_computes_the_same():
    plain = check_text(BASE + "claim dl/dW = [[1, 2], [1, 2]]\n")
    varied = check_text(BASE + "vary W uniform in [-2, 2] with 1 decimal\nvary kinks allowed\n"
                               "points dl/dW = 3\nclaim dl/dW = [[1, 2], [1, 2]]\n")
    def verdicts(report):
        return [{k: v for k, v in c.to_dict().items() if k != "line"} for c in report.claims]

    assert verdicts(plain) == verdicts(varied)


@pytest.mark.parametrize("line, where, message", [
    ("vary W uniform in [2, -2] with 1 decimal", "4", "an empty interval: 2 is above -2"),
    ("vary W uniform [0, 1] with 1 decimal", "4:16", "expected 'in'"),
    ("vary W from {}", "4:14", "expected a number, found '}'"),
    ("vary W from {0} except {0}", "4", "'except' leaves no number to draw"),
    ("vary W uniform in [0.05, 1] with 1 decimal", "4", "0.05 has more decimals than the 1"),
    ("vary W", "4:7", "expected 'uniform in [a, b] with K decimals' or 'from {a, b, …}'"),
    ("vary W from {1, 2} or so", "4:20", "unexpected 'or' at the end"),
    ("vary 3 from {1}", "4:6", "expected the name of an input, param or const"),
    ("vary W[0, 1] from {1}", "4:6", "indices count from 1"),
    ("vary kinks allowed please", "4:20", "nothing may follow 'vary kinks allowed'"),
    ("points dl/dW = -1", "4", "the points are one number ≥ 0"),
    ("points dl/dW 3", "4:14", "expected '=' after points dl/dW"),
])
def test_malformed_statements_say_where_and_what(line, where, message):
    with pytest.raises(VerifyError) as e:
        check_text(BASE + line + "\nshow l\n", path="ex.worked")
    assert str(e.value).startswith(f"ex.worked:{where}: ") and message in str(e.value)


@pytest.mark.parametrize("line, message", [
    ("vary W9 from {1}", "vary W9: no input, param or const W9 in this example (given: x, W)"),
    ("vary l from {1}", "vary l: l is computed (loss, line 3); vary the numbers it is computed"),
    ("vary W[3, 1] from {1}", "vary W[3,1]: W is a 2×2 matrix"),
    ("vary x[1, 1] from {1}", "vary x[1,1]: x has 1 index (a vector of 2)"),
    ("points dl/dx = 2", "points dl/dx: no claim or show of this example asks for dl/dx"),
])
def test_statements_that_name_the_wrong_thing(line, message):
    with pytest.raises(ExerciseError) as e:
        make_exercises(BASE + line + "\nshow dl/dW\n")
    assert message in str(e.value) and str(e.value).startswith("<text>:4")


def test_a_shape_only_parameter_cannot_vary():
    text = "param W : 2 x 3\nvary W from {1}\nshow count parameters\n"
    with pytest.raises(ExerciseError, match="declared with a shape only"):
        make_exercises(text)
