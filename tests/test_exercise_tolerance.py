"""A teacher's tolerances carry over to the exercise: a claim judged ``with rtol 0.01`` or
under a ``tolerance sigfig 2`` line judges the students' answers the same way, in grading and
in the Moodle quiz; an integer claim whose variant value is not an integer is asked with 4
decimals. The truth, by hand: l = (wx − 1)², ∂l/∂w = 2(wx − 1)x, ∂l/∂x = 2(wx − 1)w."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from autograd_core.exercise import grade_answers, make_exercises
from autograd_core.exercise.answers import parse_answers
from autograd_core.exercise.moodle import to_moodle
from autograd_core.verify import check_text

TEXT = """\
input x = 2
param w = 3
vary w uniform in [1, 4] with 1 decimal except {2.5, 3}
loss l = (w*x - 1)^2
claim l = 25 with rtol 0.01
claim dl/dw = 20
tolerance sigfig 2
claim dl/dx = 30
"""


def truth(w: float, x: float = 2.0) -> dict[str, float]:
    return {"l": (w * x - 1) ** 2, "dl/dw": 2 * (w * x - 1) * x, "dl/dx": 2 * (w * x - 1) * w}


def test_tolerances_are_kept_and_integers_become_decimals():
    exercises = make_exercises(TEXT, variants=12, seed=1)
    decimals = set()
    for v in exercises.variants:
        (part,) = v.parts
        w = float(part.given[1].split("=")[1])
        t = truth(w)
        q = {x.name: x for x in part.questions}
        assert str(q["l"].tolerance).startswith("rtol 0.01") and str(q["dl/dx"].tolerance) == \
            "sigfig 2" and q["dl/dw"].tolerance is None
        # ∂l/∂w = 4(2w − 1): a whole number (28 for w = 4) is asked as the integer the
        # teacher wrote; anything else (16.4 for w = 2.2) with 4 decimals
        whole = t["dl/dw"] == round(t["dl/dw"])
        k = 0 if whole else 4
        assert q["dl/dw"].decimals == k and Decimal(q["dl/dw"].texts[0]) == \
            Decimal(t["dl/dw"]).quantize(Decimal(1).scaleb(-k))
        assert check_text(v.worked).ok  # the variant's own claims, with their tolerances
        two_digits = float(f"{t['dl/dx']:.2g}")
        answers = parse_answers(f"variant {v.id}\nl = {t['l'] * 1.005:.2f}\n"
                                f"dl/dw = {t['dl/dw']:.4f}\ndl/dx = {two_digits}\n")
        graded = grade_answers(exercises.key, answers)
        assert [r.status for r in graded.results] == ["ok", "ok", "ok"], graded.results
        off = parse_answers(f"variant {v.id}\nl = {t['l'] * 1.02:.4f}\n")
        assert grade_answers(exercises.key, off).results[0].status == "wrong"
        decimals.add(k)
    assert decimals == {0, 4}  # both cases were drawn


def test_the_moodle_tolerance_is_the_claims():
    exercises = make_exercises(TEXT, variants=1, seed=1)
    (v,) = exercises.variants
    w = float(v.parts[0].given[1].split("=")[1])
    t = truth(w)
    quiz = ET.fromstring(to_moodle(exercises))
    tol = {q.findtext("name/text").split(": ")[1]: float(q.find("answer").findtext("tolerance"))
           for q in quiz.iter("question") if q.get("type") == "numerical"}
    assert abs(tol["l"] - 0.01 * t["l"]) <= 1e-6 * t["l"]
    digits = len(str(int(abs(t["dl/dx"]))))  # sigfig 2: half a unit of the 2nd digit
    assert tol["dl/dx"] == 0.5 * 10 ** (digits - 2)
    assert tol["dl/dw"] == 0.00005
