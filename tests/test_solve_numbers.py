"""Every number a solution prints, checked: against torch float64 (the engine's graph replayed
op by op in torch, values and autograd gradients), against a Vo network written directly in
torch, and against the slide; and the rule on rounded factors over every line."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import torch
from solve_oracle import replay_of

from autograd_core.solve import solve_file
from autograd_core.solve.expr import evaluate, has_names, numbers
from autograd_core.verify import bundled_examples

EXAMPLES = bundled_examples()
# the bundled examples, and the teachers' examples of verify's tests (Mazur, Karpathy, …)
OTHERS = sorted((Path(__file__).parent / "worked").glob("*.worked"))
SOLUTIONS = [(p.name, s) for p in [*EXAMPLES, *OTHERS] for s in solve_file(p)]
IDS = [f"{name}:{s.title[:30]}" for name, s in SOLUTIONS]


def _lines(sol):
    return sol.all_lines()


def _rounded(x, unit: Decimal) -> Decimal:
    return Decimal(float(x)).quantize(unit, rounding=ROUND_HALF_EVEN) if not isinstance(
        x, Fraction) else (Decimal(x.numerator) / Decimal(x.denominator)).quantize(
            unit, rounding=ROUND_HALF_EVEN)


def _unit(sol, exact) -> Decimal:
    """The last digit the solution prints for a value (decimals, or significant digits)."""
    p = sol.precision
    if p.decimals is not None:
        return Decimal(1).scaleb(-p.decimals)
    v = abs(float(exact))
    if v == 0:
        return Decimal(1).scaleb(-p.digits)
    return Decimal(1).scaleb(math.floor(math.log10(v)) - p.digits + 1)


def _truth(replay, line):
    """The independent values of what a line shows."""
    if line.wrt:  # a Jacobian: one back-propagation per numerator entry, in torch
        return [g for top in line.nodes for g in replay.grads(top, line.wrt)]
    if line.root is not None:
        return replay.grads(line.root, line.nodes)
    return [replay.value(n) for n in line.nodes]


GRAPHS = [(n, s) for n, s in SOLUTIONS if any(ln.nodes for ln in s.all_lines())]


@pytest.mark.parametrize(("name", "sol"), GRAPHS, ids=[f"{n}:{s.title[:30]}" for n, s in GRAPHS])
def test_every_result_is_torchs_value_correctly_rounded(name, sol):
    lines = [ln for ln in _lines(sol) if ln.nodes]
    roots = [ln.root for ln in lines] + [n for ln in lines for n in ln.nodes]
    replay = replay_of(roots)
    checked = 0
    for line in lines:
        truth = _truth(replay, line)
        shown = [n.text for n in numbers(line.result)]
        assert len(shown) == len(truth), line.quantity
        for text, true in zip(shown, truth, strict=True):
            unit = _unit(sol, true)
            if line.section == "given":
                assert Fraction(text) == Fraction(true) or float(text) == true
            else:
                assert _rounded(Fraction(text), unit) == _rounded(true, unit), (
                    f"{line.quantity}: printed {text}, torch says {true!r}")
            checked += 1
        for exact, true in zip(line.values, truth, strict=True):
            assert math.isclose(float(exact), true, rel_tol=1e-12, abs_tol=1e-12)
    assert checked >= len(lines)


@pytest.mark.parametrize(("name", "sol"), SOLUTIONS, ids=IDS)
def test_each_stage_in_numbers_computes_the_result_from_its_exact_factors(name, sol):
    """Substituting the exact values behind the printed factors gives the result: the
    formula written on the line is the one the engine computed."""
    for line in _lines(sol):
        for stage in line.stages[:-1]:
            if has_names(stage):
                continue
            got = evaluate(stage, exact=True).cells
            assert len(got) == len(line.values), line.quantity
            for g, v in zip(got, line.values, strict=True):
                assert math.isclose(float(g), float(v), rel_tol=1e-9, abs_tol=1e-12), (
                    f"{line.quantity}: a stage gives {float(g)!r}, the result is {float(v)!r}")


@pytest.mark.parametrize(("name", "sol"), SOLUTIONS, ids=IDS)
def test_a_line_whose_printed_factors_disagree_with_its_result_says_so(name, sol):
    """The rule, over every line: recompute each numeric stage from the numbers exactly as
    printed (fractions); where that rounds differently from the exact result, the line
    carries the note, and a line that needs no note has none."""
    for line in _lines(sol):
        stages = [s for s in line.stages[:-1] if not has_names(s)]
        disagree = False
        for stage in stages:
            got = evaluate(stage).cells  # every stage must be computable from its print
            for g, exact in zip(got, line.values, strict=True):
                unit = _unit(sol, exact)
                if _rounded(g, unit) != _rounded(exact, unit):
                    disagree = True
        noted = any("shown rounded" in "".join(p for p in n if isinstance(p, str))
                    for n in line.notes)
        assert noted == disagree, f"{line.quantity}: note {noted}, disagreement {disagree}"


def test_the_parameter_count_is_the_sum_of_the_layers_sizes():
    (sol,) = [s for _, s in SOLUTIONS if s.title == "Fromont: count the parameters"]
    (line,) = sol.claimed
    assert line.printed_result() == [str(1600 * 100 + 100 + 100 * 100 + 100 + 100 * 100 + 100
                                          + 10 * 100 + 10)]
    assert len(GRAPHS) == len(SOLUTIONS) - 1


def test_the_precision_is_the_claims_habit_of_rounding():
    from autograd_core.solve.rounding import Precision, claims_precision

    # Karpathy's neuron: 0.8814 and 0.7071 are rounded; 0.5, 1.0, -1.5 are exact
    karpathy = [("0.8814", False), ("0.7071", False), ("0.5", True), ("1.0", True),
                ("-1.5", True)]
    assert claims_precision(karpathy) == Precision(decimals=4)
    assert claims_precision([("0.3", True), ("1", True)]) == Precision(decimals=1)
    assert claims_precision([("1", True), ("0", True)]) == Precision()
    assert claims_precision([("0.25", False), ("0.125", False), ("0.375", False),
                             ("0.5", False)]) == Precision(decimals=3)


def test_the_rule_is_exercised_by_the_bundled_examples():
    """At least one bundled line needs the note (else the test above proves little)."""
    notes = [ln for _, s in SOLUTIONS for ln in s.all_lines()
             if any("shown rounded" in str(p) for n in ln.notes for p in n)]
    assert len(notes) >= 5


# ------------------------------------------------------------------ Vo, independently
def _vo_torch():
    t = lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True)  # noqa: E731
    x0 = t([0.5, -0.5])
    W1 = t([[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]])
    b1 = t([-1.5, -1.3, 2.0])
    W2 = t([[-1.5, 0.2, 0.5]])
    b2 = t([1.0])
    z1 = W1 @ x0 + b1
    x1 = torch.sigmoid(z1)
    x1.retain_grad()
    z2 = W2 @ x1 + b2
    x2 = torch.sigmoid(z2)
    x2.retain_grad()
    loss = torch.log(x2).sum()  # y' = 1: l = y' log x2 + (1 - y') log(1 - x2)
    loss.backward()
    jac21 = torch.autograd.functional.jacobian(
        lambda a: torch.sigmoid(W2.detach() @ a + b2.detach()), x1.detach())
    jac10 = torch.autograd.functional.jacobian(
        lambda a: torch.sigmoid(W1.detach() @ a + b1.detach()), x0.detach())
    return {
        "x1": x1.detach().flatten().tolist(), "x2": x2.detach().flatten().tolist(),
        "dl/dx2": x2.grad.flatten().tolist(), "dx2/dx1": jac21.flatten().tolist(),
        "dx1/dx0": jac10.flatten().tolist(), "dl/dx1": x1.grad.flatten().tolist(),
        "dl/dx0": x0.grad.flatten().tolist(), "dl/dW2": W2.grad.flatten().tolist(),
        "dl/db2": b2.grad.flatten().tolist(), "dl/dW1": W1.grad.flatten().tolist(),
        "dl/db1": b1.grad.flatten().tolist(),
    }


def _slide_claims():
    """The slide's numbers, as 01_vo_mlp.worked copies them (claim name → texts)."""
    from autograd_core.verify.parser import parse

    path = next(p for p in EXAMPLES if p.name == "01_vo_mlp.worked")
    spec = parse(path.read_text())[0]
    return {str(st.target): list(st.literal.texts) for st in spec.stmts if st.kind == "claim"}


def test_vo_solution_reproduces_every_correct_slide_number_and_corrects_the_others():
    sol = solve_file(next(p for p in EXAMPLES if p.name == "01_vo_mlp.worked"))[0]
    truth = _vo_torch()
    slide = _slide_claims()
    assert set(slide) == set(truth)
    right = wrong = 0
    for name, texts in slide.items():
        line = next(ln for ln in sol.all_lines() if any(str_(c) == name for c in ln.claims))
        shown = [n.text for n in numbers(line.result)]
        true = truth[name]
        assert len(shown) == len(true) == len(texts)
        for text, t, printed in zip(texts, true, shown, strict=True):
            k = max(len(text.partition(".")[2]), 1)
            unit = Decimal(1).scaleb(-k)
            slide_ok = abs(Decimal(text) - Decimal(t)) <= unit / 2
            # the solution prints the true value at 4 decimals
            assert _rounded(Fraction(printed), Decimal("1e-4")) == _rounded(t, Decimal("1e-4"))
            if slide_ok:
                assert Decimal(printed).quantize(unit) == Decimal(text).quantize(unit), name
                right += 1
            else:
                assert Decimal(printed).quantize(unit) != Decimal(text).quantize(unit), name
                wrong += 1
    # the slide's x1, x2, dl/dx2, dl/dx1 and dl/dx0 are right; its six other results are not
    assert right == 3 + 1 + 1 + 3 + 2
    assert wrong > 0


def str_(claim) -> str:
    return str(claim.name)
