"""Exact numbers that leave the float range, or whose digits run away: verify, solve and
``--explain`` report the IEEE value float64 gives (torch is the oracle), never a traceback, a
600-digit integer or a minutes-long computation."""

from __future__ import annotations

import json
import math

import pytest
import torch

from autograd_core.cli import main
from autograd_core.solve import solve_text
from autograd_core.verify import check_text

F64 = torch.float64


def squarings(n: int, x: str, claim: str) -> str:
    """y0 = x, y_k = y_(k−1) · y_(k−1) for k = 1..n, with claims on y_n and dl/dx."""
    lines = [f"input x = {x}", "let y0 = x"]
    lines += [f"let y{k} = y{k - 1} * y{k - 1}" for k in range(1, n + 1)]
    lines += [f"loss l = y{n}", f"claim y{n} = {claim}", "claim dl/dx = 1"]
    return "\n".join(lines) + "\n"


def _torch_squarings(n: int, x: float) -> tuple[float, float]:
    t = torch.tensor(x, dtype=F64, requires_grad=True)
    y = t
    for _ in range(n):
        y = y * y
    y.backward()
    return y.item(), t.grad.item()


BEYOND = {  # a file: float64's value of y
    "x·x of 1e300": ("input x = 1e300\nlet y = x * x\nclaim y = 1\n",
                     (torch.tensor(1e300, dtype=F64) ** 2).item()),
    "x^400 of 10": ("input x = 10\nlet y = x^400\nclaim y = 1\n",
                    (torch.tensor(10.0, dtype=F64) ** 400).item()),
    "numbers of a formula": ("input x = 1\nlet y = 1e300 * 1e300 * x\nclaim y = 1\n",
                             (torch.tensor(1e300, dtype=F64) * 1e300).item()),
    "a quotient": ("input x = 1e-300\nlet y = 1e300 / x\nclaim y = 1\n",
                   (torch.tensor(1e300, dtype=F64) / 1e-300).item()),
}


@pytest.mark.parametrize("name", sorted(BEYOND))
def test_a_value_beyond_the_float_range_is_reported_as_float64s_inf(name):
    text, expected = BEYOND[name]
    assert math.isinf(expected)
    (ex,) = check_text(text)
    (claim,) = ex.claims
    assert claim.computed == expected and claim.computed_text == "inf"
    assert claim.status == "wrong" and "not a finite number" in claim.diagnosis
    solution = solve_text(text).to_text()
    assert "= inf" in solution and "✗" in solution


@pytest.mark.parametrize("command", [["verify"], ["verify", "--explain"], ["solve"],
                                     ["verify", "--format", "json"]])
def test_the_commands_report_it_without_a_traceback(command, tmp_path, capsys):
    path = tmp_path / "big.worked"
    path.write_text(BEYOND["x·x of 1e300"][0])
    assert main([*command, str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    if "json" in command:  # JSON has no infinity: null, with the diagnosis saying why
        (claim,) = json.loads(out)["examples"][0]["claims"]
        assert claim["computed"] is None and "not a finite" in claim["diagnosis"]
    else:
        assert "inf" in out and len(max(out.split(), key=len)) < 40  # no 600-digit number


def test_thirty_lines_of_squaring_give_float64s_values():
    """Each line doubles the exact digits: unbounded, line 20 holds a million digits."""
    (ex,) = check_text(squarings(30, "1.7", "1"))
    value, gradient = _torch_squarings(30, 1.7)
    assert [c.computed for c in ex.claims] == [value, gradient] == [math.inf, math.inf]
    assert "= inf" in solve_text(squarings(30, "1.7", "1")).to_text()


def test_digits_past_the_bound_still_check_a_right_claim():
    """1.001⁴⁰⁹⁶ ≈ 59.9 is finite but needs 40,000 bits exactly: computed in floats, a claim
    of float64's value to 4 decimals is ok."""
    value, gradient = _torch_squarings(12, 1.001)
    (ex,) = check_text(squarings(12, "1.001", f"{value:.4f}"))
    assert ex.claims[0].status == "ok"
    assert ex.claims[0].computed == pytest.approx(value, rel=1e-12)
    assert ex.claims[1].computed == pytest.approx(gradient, rel=1e-12)


def test_a_finite_value_past_sixteen_digits_is_written_in_scientific_notation():
    """1.7¹⁰⁰⁰ ≈ 2.811e+230 is printed so, not as 231 digits (nor its gradient)."""
    value = f"{torch.tensor(1.7, dtype=F64) ** 1000:.4g}"
    slope = f"{1000 * torch.tensor(1.7, dtype=F64) ** 999:.4g}"
    text = "input x = 1.7\nlet y = x^1000\nloss l = y\nclaim y = 1\nclaim dl/dx = 1\n"
    (ex,) = check_text(text)
    assert [c.computed_text for c in ex.claims] == [value, slope]
    solution = solve_text(text).to_text()
    assert f"= {value}" in solution and f"= {slope}" in solution
    assert len(max(solution.split(), key=len)) < 40
