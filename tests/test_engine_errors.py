"""Bad input and the modes: TypeErrors that say what was given, domain errors that name the op
and the operand, NaN/inf allowed, detect_anomaly(), no_grad(), and repr."""

from __future__ import annotations

import decimal
import fractions
import math

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import AnomalyError, Value


# ---------------------------------------------------------------- what a Value accepts
@pytest.mark.parametrize(
    ("given", "shown"),
    [("abc", "str: 'abc'"), (None, "NoneType: None"), ([1], "list: [1]"),
     (1 + 2j, "complex: (1+2j)"), (b"1", "bytes: b'1'"), ({}, "dict: {}"),
     (np.array([1.0, 2.0]), "ndarray"), (np.complex128(1 + 2j), "complex128")],
    ids=["str", "None", "list", "complex", "bytes", "dict", "ndarray", "numpy complex"],
)
def test_value_rejects_non_numbers_saying_what_was_given(given, shown):
    with pytest.raises(TypeError) as err:
        Value(given)
    assert shown in str(err.value) and "real number" in str(err.value)


def test_a_value_is_not_a_number_for_another_value():
    with pytest.raises(TypeError, match="got a Value"):
        Value(Value(1.0))


@pytest.mark.parametrize(
    ("given", "data"),
    [(3, 3.0), (-2.5, -2.5), (True, 1.0), (False, 0.0), (np.float64(1.5), 1.5),
     (np.float32(0.5), 0.5), (np.int64(7), 7.0), (np.bool_(True), 1.0),
     (decimal.Decimal("2.5"), 2.5), (np.array(4.0), 4.0)],
    ids=str,
)
def test_value_accepts_real_numbers_as_floats(given, data):
    """bool counts as a number (it is an int in Python): Value(True) is 1.0."""
    v = Value(given)
    assert v.data == data and type(v.data) is float


def test_a_fraction_stays_exact():
    """A Fraction is taken as an exact number (ag.Exact), not rounded to a float."""
    v = Value(fractions.Fraction(1, 3))
    assert v.data == fractions.Fraction(1, 3) and isinstance(v.data, ag.Exact)


def test_nan_and_inf_are_accepted_and_flow_through():
    n, i = Value(math.nan), Value(math.inf, label="big")
    assert math.isnan((n + 1.0).data) and (i * 2.0).data == math.inf
    assert i.log().data == math.inf and i.sqrt().data == math.inf and math.isnan(n.exp().data)
    y = n * i + i.tanh()
    y.backward()  # no exception without detect_anomaly
    assert math.isnan(y.data)


def test_label_role_and_exponent_types_are_checked():
    with pytest.raises(TypeError, match="label must be a string or None, got 3"):
        Value(1.0, label=3)
    with pytest.raises(ValueError, match="role must be one of .* got 'weight'"):
        Value(1.0, role="weight")
    with pytest.raises(TypeError, match="exponent must be a real number.*str: '2'"):
        Value(2.0) ** "2"
    with pytest.raises(TypeError, match="slope must be a real number"):
        Value(2.0).leaky_relu("x")
    assert Value(1.0, role="param").role == "param" and Value(1.0).role == "input"
    assert (Value(1.0) + 1).inputs[1].role == "const" and (Value(1.0) + 1).role == "op"


def test_comparisons_use_data_and_equality_is_identity():
    a, b = Value(1.0), Value(1.0)
    assert a <= b and a >= b and not a < b and a < 2 and 0 < a and a > Value(0.5)
    assert a != b and a == a and len({a, b}) == 2 and {a: 1}[a] == 1
    assert max([Value(1.0), b, Value(3.0)]).data == 3.0
    assert sorted([Value(2.0), Value(-1.0)])[0].data == -1.0
    with pytest.raises(TypeError, match="comparison operand must be a real number"):
        _ = a < "b"
    assert float(Value(2.5)) == 2.5


# ---------------------------------------------------------------- domain errors
@pytest.mark.parametrize(
    ("make", "error", "words"),
    [(lambda: Value(0.0, label="p").log(), ValueError, ["log", "p=0.0"]),
     (lambda: Value(-1.0, label="p").log(), ValueError, ["log", "p=-1.0"]),
     (lambda: Value(-math.inf, label="p").log(), ValueError, ["log", "p=-inf"]),
     (lambda: Value(-1.0, label="v").sqrt(), ValueError, ["sqrt", "v=-1.0"]),
     (lambda: Value(3.0, label="x") / Value(0.0, label="d"), ZeroDivisionError, ["div", "d=0.0"]),
     (lambda: Value(3.0) / 0, ZeroDivisionError, ["div", "constant=0.0"]),
     (lambda: Value(3.0) / -0.0, ZeroDivisionError, ["div", "constant=-0.0"]),
     (lambda: 1.0 / Value(0.0, label="q"), ZeroDivisionError, ["div", "q=0.0"]),
     (lambda: Value(0.0, label="b") ** -1, ZeroDivisionError, ["pow", "b=0.0", "-1.0"]),
     (lambda: Value(0.0, label="b") ** Value(-1.0, label="e"), ZeroDivisionError,
      ["pow", "b=0.0"]),
     (lambda: 0 ** Value(-2.0), ZeroDivisionError, ["pow", "constant=0.0"]),
     (lambda: Value(-8.0, label="b") ** (1 / 3), ValueError, ["pow", "b=-8.0", "0.333"]),
     (lambda: Value(-8.0, label="b") ** Value(1 / 3, label="e"), ValueError,
      ["pow", "b=-8.0", "e=0.333"]),
     (lambda: (-8) ** Value(0.5, label="e"), ValueError, ["pow", "constant=-8.0", "e=0.5"])],
    ids=["log0", "log-1", "log-inf", "sqrt-1", "div0", "div_number0", "div-0", "rdiv0",
         "0**-1", "0**Value(-1)", "rpow0", "(-8)**(1/3)", "(-8)**Value(1/3)", "rpow-8"],
)
def test_domain_errors_name_the_op_and_the_operand(make, error, words):
    with pytest.raises(error) as err:
        make()
    for word in words:
        assert word in str(err.value), f"{word!r} missing from: {err.value}"


@pytest.mark.parametrize(
    ("call", "words"),
    [(lambda: ag.vsum([]), "vsum of an empty sequence"),
     (lambda: ag.logsumexp([]), "logsumexp of an empty sequence"),
     (lambda: ag.softmax([]), "softmax of an empty sequence"),
     (lambda: ag.log_softmax(iter([])), "log_softmax of an empty sequence"),
     (lambda: ag.dot([], []), "dot: 0 weights and 0 inputs"),
     (lambda: ag.dot([1.0, 2.0], [Value(1.0)]), "dot: 2 weights and 1 inputs")],
    ids=["vsum", "logsumexp", "softmax", "log_softmax", "dot_empty", "dot_lengths"],
)
def test_nary_helpers_reject_empty_or_mismatched_input(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_unlabelled_operands_are_named_by_what_they_compute():
    x = Value(2.0, label="x")
    with pytest.raises(ValueError, match=r"x − x=0\.0"):
        (x - x).log()


def test_domain_boundaries_are_allowed():
    assert Value(0.0).sqrt().data == 0.0 and Value(0.0) ** 0 is not None
    assert (Value(-8.0) ** 3).data == -512.0 and (Value(-8.0) ** Value(2.0)).data == 64.0
    assert (Value(-8.0) ** -1).data == -0.125 and (Value(0.0) ** 0.5).data == 0.0


# ---------------------------------------------------------------- detect_anomaly
def test_anomaly_names_the_first_op_with_a_non_finite_forward_result():
    a = Value(800.0, label="a")
    with ag.detect_anomaly(), pytest.raises(AnomalyError, match=r"exp produced inf.*a=800\.0"):
        (a.exp() * 2.0).backward()
    with ag.detect_anomaly(), pytest.raises(AnomalyError, match="mul produced inf"):
        Value(1e308) * 10.0
    assert issubclass(AnomalyError, FloatingPointError)


def test_anomaly_names_the_op_whose_backward_is_not_finite():
    a = Value(0.0, label="a")
    y = a.sqrt() * 3.0
    with ag.detect_anomaly(), pytest.raises(AnomalyError,
                                            match=r"backward of sqrt .*inf.*a=0\.0"):
        y.backward()
    x = Value(1e-200, label="x")
    with ag.detect_anomaly():
        r = 1.0 / x  # 1e200 is finite...
        with pytest.raises(AnomalyError, match=r"backward of div.*-inf.*x=1e-200"):
            r.backward()  # ...but d(1/x)/dx = −1e400 is not
        with pytest.raises(AnomalyError, match="backward of div"):
            ag.grad(r, [x])


def test_anomaly_does_not_fire_on_nan_or_inf_inputs_passed_through():
    x, w = Value(math.nan, label="x"), Value(2.0, label="w")
    big = Value(math.inf, label="big")
    with ag.detect_anomaly():
        y = (x * w + 1.0).tanh() + big * w
        y.backward()
        ag.grad(y, [w])
    assert math.isnan(w.grad)


def test_without_detect_anomaly_nothing_fires_and_the_switch_is_restored():
    (Value(0.0).sqrt() * Value(800.0).exp()).backward()
    with pytest.raises(AnomalyError), ag.detect_anomaly():
        Value(1000.0).exp()
    Value(1000.0).exp()  # off again after the exception


# ---------------------------------------------------------------- no_grad
def test_no_grad_builds_no_graph():
    x = Value(2.0, label="x")
    with ag.no_grad():
        assert not ag.is_grad_enabled()
        y = (x * 3.0).exp() + x
        with ag.enable_grad():
            assert ag.is_grad_enabled()
            kept = x * 3.0
    assert ag.is_grad_enabled()
    assert y.is_leaf and y.inputs == () and y.data == math.exp(6.0) + 2.0
    assert kept.inputs[0] is x
    assert ag.grad(y, [x]) == (0.0,)
    y.backward()
    assert x.grad == 0.0


def test_no_grad_parameter_update_then_new_graph():
    w = Value(1.0, role="param")
    (w * w).backward()
    with ag.no_grad():
        w.data -= 0.1 * w.grad
    w.zero_grad()
    (w * w).backward()
    assert w.grad == 2 * 0.8


def test_no_grad_is_restored_after_an_exception():
    with pytest.raises(ValueError), ag.no_grad():
        Value(-1.0).log()
    assert ag.is_grad_enabled() and (Value(1.0) * 2.0).inputs


# ---------------------------------------------------------------- repr
def test_repr_shows_label_data_grad_and_op():
    x = Value(2.0, label="x")
    assert repr(x) == "Value(data=2.0, grad=0.0, label='x')"
    y = x * x
    y.backward()
    assert repr(y) == "Value(data=4.0, grad=1.0, op='mul')"
    assert repr(x) == "Value(data=2.0, grad=4.0, label='x')"
    assert repr(Value(1.0, role="param")) == "Value(data=1.0, grad=0.0)"


def test_repr_never_walks_the_graph():
    y = Value(1.0)
    for _ in range(10**4):
        y = y + 1.0
    assert len(repr(y)) < 60 and repr(y) == "Value(data=10001.0, grad=0.0, op='add')"
    assert repr(y.op) == "Op('add')" and repr(Value(0.0).relu().op) == "Op('relu', at_kink=True)"


def test_subclasses_of_value_are_values_everywhere():
    class Tagged(Value):
        __slots__ = ()

    a, b = Tagged(2.0), Value(3.0)
    for y in (a + b, b - a, a * b, b / a, b**a, a**b, 2.0**a):
        assert a in y.inputs
    (g,) = ag.grad(b**a, [a])
    assert g == 9.0 * math.log(3.0)
