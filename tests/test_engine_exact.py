"""Paper arithmetic: a Value over an Exact stays exact through the rational ops and becomes a
float where the math leaves the rationals. The truth is Python's own fractions.Fraction."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import assert_close, tensor

from autograd_core import Exact, Value, grad

decimals = st.decimals(min_value=-20, max_value=20, places=3, allow_nan=False,
                       allow_infinity=False).map(lambda d: Fraction(d))

RATIONAL = {  # name: (on Values, on Fractions)
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / (b * b + 1), lambda a, b: a / (b * b + 1)),
    "square": (lambda a, b: a**2 - b, lambda a, b: a**2 - b),
    "cube": (lambda a, b: a ** 3.0 + b, lambda a, b: a**3 + b),
    "relu": (lambda a, b: (a - b).relu(), lambda a, b: max(a - b, Fraction(0))),
    "abs": (lambda a, b: abs(a) - b, lambda a, b: abs(a) - b),
    "step": (lambda a, b: (a - b).step() * a, lambda a, b: (1 if a > b else 0) * a),
    "leaky": (lambda a, b: (a - b).leaky_relu(Exact("0.1")),
              lambda a, b: a - b if a > b else Fraction(1, 10) * (a - b)),
    "numbers": (lambda a, b: 2 * a - 1.5 * b + 0.25, lambda a, b: 2 * a - Fraction(3, 2) * b
                + Fraction(1, 4)),
}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(RATIONAL)), decimals, decimals)
def test_rational_ops_stay_exact(name, a, b):
    on_values, on_fractions = RATIONAL[name]
    y = on_values(Value(Exact(a)), Value(Exact(b)))
    assert isinstance(y.data, Exact), f"{name} left the rationals: {y.data!r}"
    assert y.data == on_fractions(a, b)


@settings(max_examples=40, deadline=None)
@given(decimals, decimals, decimals)
def test_gradients_through_rational_ops_are_exact(a, b, c):
    """l = (a·b − c)² / 2: ∂l/∂a = (a·b − c)·b, ∂l/∂b = (a·b − c)·a, ∂l/∂c = −(a·b − c)."""
    va, vb, vc = Value(Exact(a)), Value(Exact(b)), Value(Exact(c))
    loss = (va * vb - vc) ** 2 / 2
    loss.backward()
    r = a * b - c
    assert (va.grad, vb.grad, vc.grad) == (r * b, r * a, -r)
    assert all(isinstance(v.grad, Fraction) for v in (va, vb, vc))
    assert grad(loss, [va]) == (r * b,)


def test_what_floats_get_wrong_exact_gets_right():
    """0.3 − 0.1 − 0.2 is 0 on paper: a relu there is at its kink; 0.7 · 0.5 is 0.35."""
    assert (Value(0.3) - 0.1 - 0.2).data != 0  # the float answer
    s = Value(Exact("0.3")) - Exact("0.1") - Exact("0.2")
    assert s.data == 0 and s.relu().at_kink and s.step().data == 0
    assert (Value(Exact("0.7")) * Exact("0.5")).data == Fraction(7, 20)
    assert f"{(Value(Exact('0.7')) * Exact('0.5')).data:.2f}" == "0.35"


def test_transcendental_ops_become_floats_and_agree_with_torch():
    x = Value(Exact("0.5"))
    for f, tf in ((Value.exp, torch.exp), (Value.log, torch.log), (Value.sqrt, torch.sqrt),
                  (Value.sigmoid, torch.sigmoid), (Value.tanh, torch.tanh)):
        y = f(x)
        assert type(y.data) is float
        t = tensor(0.5)
        assert_close(y.data, tf(t), f.__name__)
        (g,) = grad(y, [x])
        tf(t).backward()
        assert_close(g, t.grad, f"d{f.__name__}")


@pytest.mark.parametrize(("other", "exact"), [(2.0, True), (0.5, True), (0.0, True),
                                              (-3.25, True), (0.1, False), (math.pi, False),
                                              (math.inf, False)])
def test_a_float_joins_exactly_only_when_it_is_a_small_binary_fraction(other, exact):
    y = Exact("0.3") * other
    assert isinstance(y, Exact) is exact
    if exact:
        assert y == Fraction(3, 10) * Fraction(other)


def test_exact_prints_and_formats_like_a_number():
    e = Exact("0.35")
    assert repr(e) == "Exact('7/20')" and f"{e:.3g}" == "0.35" and float(e) == 0.35
    assert isinstance(-e, Exact) and isinstance(abs(-e), Exact) and isinstance(e**2, Exact)
    assert isinstance(e ** Exact(2), Exact) and not isinstance(e**0.5, Exact)


# ---------------------------------------------------------------- bounded exact digits
def test_an_exact_result_beyond_the_float_range_is_the_ieee_infinity_torch_gives():
    """10³⁰⁰ · 10³⁰⁰ has no float: the result is inf, as in float64 (not a 601-digit integer
    that no report can print or compare); the same for ÷ and for −."""
    big = Value(Exact(10) ** 300)
    t = tensor(1e300)
    for ours, theirs in ((big * big, t * t), (big / Exact(10) ** -300, t / 1e-300),
                         (-big * big, -t * t)):
        assert type(ours.data) is float and ours.data == theirs.item()
        assert math.isinf(ours.data)


def test_exact_digits_past_the_bound_become_the_correctly_rounded_float():
    """y ← y·y twelve times from 1.001: 1.001⁴⁰⁹⁶ needs 40,000 bits exactly; beyond
    EXACT_BITS it is a float, equal to the exact value rounded (Fraction is the oracle), and
    its gradient agrees with torch's float64 one."""
    x = Value(Exact("1.001"))
    y = x
    for _ in range(12):
        y = y * y
    assert type(y.data) is float
    truth = Fraction(1001, 1000) ** 4096
    assert y.data == pytest.approx(float(truth), rel=1e-12)
    (g,) = grad(y, [x])
    t = tensor(1.001)
    ty = t
    for _ in range(12):
        ty = ty * ty
    ty.backward()
    assert_close(g, t.grad, "d(1.001^4096)/dx")


def test_thirty_squarings_finish_as_float64_does():
    """Each y·y doubles the digits: unbounded, line 20 would hold a million digits (minutes
    of work). Bounded, thirty lines give float64's inf, value and gradient."""
    x = Value(Exact("1.7"))
    t = tensor(1.7)
    y, ty = x, t
    for _ in range(30):
        y, ty = y * y, ty * ty
    ty.backward()
    (g,) = grad(y, [x])
    assert type(y.data) is float and y.data == ty.item() == math.inf
    assert g == t.grad.item() == math.inf


@pytest.mark.parametrize(("base", "n"), [("1.7", 5000), ("-2", 3001), ("0.5", -5000),
                                         ("1.001", 3000), ("-1.5", 2000), ("0.9", 9000)])
def test_a_large_exact_power_is_taken_in_floats_as_float64_does(base, n):
    ours = Value(Exact(base)) ** n
    theirs = torch.tensor(float(base), dtype=torch.float64) ** n
    assert type(ours.data) is float
    assert ours.data == pytest.approx(theirs.item(), rel=1e-12)


def test_small_exact_powers_stay_exact_however_large_the_exponent():
    """1ⁿ, (−1)ⁿ and 0ⁿ have no digits to run away with."""
    for base, n in (("1", 100_000), ("-1", 100_001), ("0", 50_000)):
        y = Exact(base) ** n
        assert isinstance(y, Exact) and y == Fraction(base) ** n
