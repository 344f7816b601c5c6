"""Graphs and lines of any size: ``solve`` writes a chain of thousands of unlabelled links,
or a Σ of thousands of terms, without recursion and in linear work, with the gradient torch
computes. Long unnamed sub-expressions are cut, (…) standing for their number."""

from __future__ import annotations

from fractions import Fraction

import pytest
import torch

from autograd_core import Value, vsum
from autograd_core.solve import expr as E
from autograd_core.solve import solve
from autograd_core.solve.backward import times

LINKS = 3000  # a RecursionError from 400 links on; 3000 took more than 100 s


def _gradient_line(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if line.lstrip().startswith(name))


def test_a_long_unlabelled_chain_is_written_cut_with_its_gradient_from_torch():
    x = Value(0.5, label="x")
    t = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    y, ty = x, t
    for _ in range(LINKS):
        y, ty = (y * 0.9 + 0.1).tanh(), torch.tanh(ty * 0.9 + 0.1)
    y.label = "y"
    ty.backward()
    sol = solve(y, [x])
    (line,) = sol.backward
    assert line.values[0] == pytest.approx(t.grad.item(), rel=1e-9)
    text = sol.to_text()
    assert "(…)" in text  # the forward formula is cut where the unnamed nodes go deep
    assert max(len(ln) for ln in text.splitlines()) < 300
    assert _gradient_line(text, "∂y/∂x").count("∂y/∂x") == 1  # not "∂y/∂x = ∂y/∂x = …"


def test_a_sum_of_thousands_of_terms_is_solved_exactly():
    """Σᵢ cᵢ·x with cᵢ = i mod 7 + 1: ∂y/∂x = Σᵢ cᵢ (a RecursionError before, then minutes:
    every term's edge wrote all 3000 terms again)."""
    x = Value(Fraction(1, 2), label="x")
    coefficients = [i % 7 + 1 for i in range(LINKS)]
    y = vsum([x * c for c in coefficients])
    y.label = "y"
    (line,) = solve(y, [x]).backward
    assert line.values == [sum(coefficients)]


def test_deep_lines_are_written_substituted_and_evaluated_without_recursion():
    """A line 5000 operations deep (a long formula's Σ, a long chain): every walk over it
    (text, LaTeX, substitution, evaluation from the printed numbers) is a loop."""
    n = 5000
    terms = [E.Sym(f"a{i}", f"a_{{{i}}}", E.Num(Fraction(i, 10), f"{i / 10}")) for i in range(n)]
    line: E.Expr = terms[0]
    for term in terms[1:]:
        line = E.Bin("+", line, E.Neg(term))
    assert E.has_names(line) and not E.has_names(E.substitute(line))
    truth = Fraction(0) - sum(Fraction(i, 10) for i in range(1, n))
    assert E.evaluate(E.substitute(line)).cells == [truth]
    assert E.text(line).count(" − ") == n - 1  # a + (−b) is written a − b
    assert E.latex(line).count(" - ") == n - 1


def test_the_signs_of_a_product_are_counted_not_recursed():
    x = E.Sym("x", "x")
    a: E.Expr = x
    for _ in range(3001):
        a = E.Neg(a)
    product = times(a, E.Num(2, "2"))
    assert isinstance(product, E.Neg) and E.text(product) == "−x·2"  # 3001 signs: odd
    assert E.text(times(E.Neg(a), E.Num(-1, "-1"))) == "−x"  # 3003 signs
