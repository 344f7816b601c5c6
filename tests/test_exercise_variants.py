"""40 variants of Vo's and Fromont's exercises, each well-posed, each key right: checked against
torch float64 (the MLPs) and exact fractions (the perceptron), from the numbers on the sheet.

Well-posed (autograd_core/exercise/wellposed.py says why): every quantity finite and in its
domain; no relu/step input within 0.01 of 0; every gradient entry asked at least 10 units of
its last decimal (0.001 for 4 decimals), or exactly 0 where the teacher's own numbers give 0.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from exercise_oracles import (
    FROMONT,
    VO,
    fromont_exercise2,
    given_numbers,
    given_texts,
    perceptron_update,
    rounded,
    vo,
)

from autograd_core.exercise import ExerciseError, make_exercises
from autograd_core.verify import check_text

N = 40
SEED = 2026
MARGIN, LEAST = 0.01, 10 * 1e-4


@pytest.fixture(scope="module")
def vo_set():
    return make_exercises(VO, variants=N, seed=SEED)


@pytest.fixture(scope="module")
def fromont_set():
    return make_exercises(FROMONT, variants=N, seed=SEED)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-10, abs_tol=1e-12)


def _teacher(path, index):
    """The teacher's own numbers of example ``index`` (the file as written, nothing drawn)."""
    (v,) = make_exercises(path.read_text(encoding="utf-8").replace("\nvary", "\n# vary"),
                          variants=1).variants
    return given_numbers(v.parts[index].given)


def _on_grid(text: str, low: str, high: str, k: int) -> bool:
    d = Decimal(text)
    return Decimal(low) <= d <= Decimal(high) and (-d.as_tuple().exponent == k)


@pytest.mark.parametrize("index, activation", [(0, "sigmoid"), (1, "relu")])
def test_vo_variants_are_well_posed_and_their_keys_are_torchs(vo_set, index, activation):
    zeros = {k: [v == 0 for v in vals] for k, vals in vo(_teacher(VO, index), activation).items()}
    distinct = set()
    for v in vo_set.variants:
        part = v.parts[index]
        g = given_numbers(part.given)
        texts = given_texts(part.given)
        distinct.add(json.dumps(g, sort_keys=True))
        # the numbers obey the vary statements
        assert all(x in (-1, -0.5, 0.5, 1) for x in g["x0"])
        assert all(_on_grid(x, "-2", "2", 1) and Decimal(x) != 0 for x in texts["W1"])
        assert all(_on_grid(x, "-2", "2", 1) and Decimal(x) != 0 for x in texts["W2"])
        truth = vo(g, activation)
        # well-posed: finite, in the log's domain, no kink, gradients worth computing
        assert all(math.isfinite(x) for vals in truth.values() for x in vals)
        assert 0 < truth["x2"][0] and (activation == "relu" or truth["x2"][0] < 1)
        if activation == "relu":
            assert all(abs(z) >= MARGIN for z in truth["z1"] + truth["z2"]), truth["z1"]
        for q in part.questions:
            assert len(q.values) == len(truth[q.name])
            for i, (mine, true) in enumerate(zip(q.values, truth[q.name], strict=True)):
                assert _close(mine, true), (v.id, q.name, mine, true)
                # correctly rounded to 4 decimals (either neighbour of an exact tie: 0.15625)
                assert abs(Decimal(q.texts[i]) - Decimal(true)) <= Decimal("0.00005")
                assert -Decimal(q.texts[i]).as_tuple().exponent == 4
                if q.name.startswith("d"):
                    assert abs(true) >= LEAST or (true == 0 and zeros[q.name][i]), \
                        (v.id, q.name, true)
    assert len(distinct) == N


def test_fromont_perceptron_variants_exact(fromont_set):
    for v in fromont_set.variants:
        part = v.parts[0]
        texts = given_texts(part.given)
        assert texts["X"][0] == "1" and all(x in ("0", "1", "2") for x in texts["X"][1:])
        assert all(_on_grid(w, "-1", "1", 1) for w in texts["w"])
        exact = perceptron_update(texts)
        # no step at its threshold: neither the sum nor the sum after the update is 0
        assert abs(exact["sum.1"][0]) >= Fraction(1, 100)
        assert abs(exact["again_sum"][0]) >= Fraction(1, 100)
        for q in part.questions:
            want = exact[q.name]
            assert [Decimal(x) for x in q.texts] == [rounded(w, q.decimals) for w in want]
        assert [q.decimals for q in part.questions] == [1, 0, 1, 0]


def test_fromont_exercise2_variants_against_torch(fromont_set):
    teacher = fromont_exercise2(_teacher(FROMONT, 1))
    assert all(x != 0 for k, vals in teacher.items() if k.startswith(("dE", "grad"))
               for x in vals)
    for v in fromont_set.variants:
        part = v.parts[1]
        g = given_numbers(part.given)
        truth = fromont_exercise2(g)
        for q in part.questions:
            for mine, true in zip(q.values, truth[q.name], strict=True):
                assert _close(mine, true), (v.id, q.name, mine, true)
        # every gradient asked or used by an update is worth computing at 4 decimals
        for name in ("dE/du.a", "dE/dh.a", "grad(E, W1)", "grad(E, b1)", "grad(E, W2)",
                     "grad(E, b2)"):
            assert all(abs(x) >= LEAST for x in truth[name]), (v.id, name, truth[name])


def test_each_variant_file_is_its_own_answer_key(vo_set, fromont_set):
    for ex in (vo_set, fromont_set):
        for v in ex.variants[:10]:
            report = check_text(v.worked)
            assert report.ok and all(c.status == "ok" for c in report.claims)
            assert not any(ex.warnings for ex in report)  # no kink warning either
            assert len(report.claims) == sum(len(p.questions) for p in v.parts)


def test_the_sheet_gives_the_numbers_and_no_answer(vo_set):
    for v in vo_set.variants[:10]:
        md = vo_set.sheet(v)
        for part in v.parts:
            for line in part.given:
                assert line in md
            for q in part.questions:
                assert f"`{q.name}`" in md and f"{q.name} = " in md  # asked, in the template
                if q.name.startswith("d") and q.size > 1:
                    assert q.text not in md
        assert md.count(f"variant {v.id}") >= 2  # title and answer file
        assert "_" in md.split("## Your answer file")[1]


def test_same_seed_same_variants_other_seed_other_numbers():
    a = make_exercises(VO, variants=3, seed=SEED).key.to_json()
    b = make_exercises(VO, variants=3, seed=SEED).key.to_json()
    c = make_exercises(VO, variants=3, seed=SEED + 1).key.to_json()
    assert a == b and a != c


def test_a_students_numbers_depend_on_the_seed_and_their_id_only():
    one = make_exercises(VO, ids=["alice", "bob"], seed=SEED)
    two = make_exercises(VO, ids=["zoe", "carol", "alice"], seed=SEED)
    alice1 = one.key.variant("alice")
    alice2 = two.key.variant("alice")
    assert alice1.worked.split("\n", 1)[1] == alice2.worked.split("\n", 1)[1]
    assert one.key.variant("bob").parts[0].given != alice1.parts[0].given
    assert alice1.student == "alice" and one.file_stem(alice1) == "alice"


def test_no_well_posed_variant_is_a_clear_error():
    text = ("input x = 1\nparam w = 1\nvary w from {0, 0.001}\nloss l = relu(w*x)\n"
            "show dl/dw\n")
    with pytest.raises(ExerciseError, match=r"no well-posed variant in 2000 draws.*kink.*"
                                            r"vary kinks allowed"):
        make_exercises(text, variants=1)
    allowed = text.replace("loss", "vary kinks allowed\nloss")
    (v,) = make_exercises(allowed, variants=1).variants
    # w = 0 is still refused (its gradient 0 where the teacher's is 1); w = 0.001, within
    # the kink's margin, is allowed now
    assert v.parts[0].given == ["input x = 1", "param w = 0.001"]
    assert v.parts[0].questions[0].texts == ["1.0000"]
