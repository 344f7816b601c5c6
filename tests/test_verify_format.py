"""The worked-example format: what parses, and the documented errors (file:line: message)
for what does not. Nothing is evaluated with Python's eval."""

from __future__ import annotations

import pytest

from autograd_core.verify import VerifyError, check, check_text
from autograd_core.verify.claims import decimals, status
from autograd_core.verify.lexer import statements
from autograd_core.verify.parser import parse


# ------------------------------------------------------------------ numbers as written
@pytest.mark.parametrize("text, k", [("1.4646", 4), ("0.5", 1), ("2", 0), ("-0.125", 3),
                                     ("1.5e-3", 4), ("12e2", -2), ("0.10", 2), ("1/4", 0)])
def test_decimals_as_written(text, k):
    assert decimals(text) == k


@pytest.mark.parametrize("text, true, expected", [
    ("0.6828", 0.682761, "ok"),
    ("0.6827", 0.682761, "truncated"),
    ("0.6829", 0.682761, "wrong"),
    ("-0.3249", -0.324869, "ok"),
    ("-0.3248", -0.324869, "truncated"),
    ("0.3248", -0.324869, "wrong"),
    ("0.125", 0.125, "ok"),
    ("0.12", 0.125, "ok"),  # an exact tie: either neighbour is a correct rounding
    ("0.13", 0.125, "ok"),
    ("2", 2.4999, "wrong"),  # an integer claims exactly that number
    ("2", 2.6, "wrong"),
    ("3", 2.6, "wrong"),
    ("8", 8.0, "ok"),
    ("2.0", 2.04, "ok"),  # one decimal written: rounded to one decimal
    ("0.5", 0.54, "ok"),
    ("0", 0.0, "ok"),
    ("1", float("nan"), "wrong"),
    ("0.1", 0.1 + 0.2 - 0.2, "ok"),  # float noise in the true value is not an error
])
def test_status_of_one_number(text, true, expected):
    assert status(text, true) == expected


# ------------------------------------------------------------------ what parses
def test_statements_continue_while_a_bracket_is_open():
    sts = list(statements("param W = [[1, 2],\n           [3, 4]]   # a comment\nclaim W = 1\n"))
    assert [(s.line, s.tokens[0].text) for s in sts] == [(1, "param"), (3, "claim")]


def test_unicode_from_slides_is_accepted():
    (ex,) = check_text("input x = −2\nparam w = 3\nlet y = w × x · 1\nclaim ∂y/∂w = −2\n"
                       "claim d y / d x = 3\nclaim Wᵀ = 1\n".replace("claim Wᵀ = 1\n", ""))
    assert [c.status for c in ex.claims] == ["ok", "ok"]


def test_operators_precedence_and_power():
    (ex,) = check_text("input a = 2\nlet y = -a^2 + 3*a - 2^3^0\nclaim y = 1\n")
    # −(2²) + 6 − 2^(3^0) = −4 + 6 − 2 = 0
    assert ex.claims[0].computed == 0.0 and ex.claims[0].status == "wrong"


def test_several_examples_in_one_file_and_notes():
    specs = parse("example one\nnote first\ninput x = 1\nshow x\nexample two\ninput y = 2\n"
                  "show y\n")
    assert [(s.name, s.notes, len(s.stmts)) for s in specs] == [
        ("one", ["first"], 2), ("two", [], 2)]


def test_a_file_without_example_line_is_named_after_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "my_exercise.worked"
    path.write_text("input x = 1\nclaim x = 1\n")
    report = check(path)
    assert report[0].name == "my_exercise" and report[0].path == "my_exercise.worked"
    assert check(str(path))[0].name == "my_exercise"


def test_layer_statement_matches_the_formula():
    layer = check_text("input x = [1, 2]\nparam W = [[0.5, -1], [2, 0.25]]\nparam b = [0.1, 0]\n"
                       "layer h: W, b, tanh\nshow h\nshow h.a\n")[0]
    formula = check_text("input x = [1, 2]\nparam W = [[0.5, -1], [2, 0.25]]\n"
                         "param b = [0.1, 0]\nlet h = tanh(W @ x + b)\nshow h\n")[0]
    assert layer.shown[0].computed == formula.shown[0].computed
    assert layer.shown[1].computed == pytest.approx([0.5 - 2 + 0.1, 2 + 0.5])


def test_layer_on_a_batch_uses_one_row_per_sample():
    (ex,) = check_text("input X = [[1, 0], [0, 1]]\nparam W = [[1, 2], [3, 4], [5, 6]]\n"
                       "layer H: W, identity\nshow H\n")
    assert ex.shown[0].computed == [[1, 3, 5], [2, 4, 6]]


def test_leaky_relu_slope_and_softmax_activation():
    (ex,) = check_text("input x = [-2, 1]\nparam W = [[1, 0], [0, 1]]\n"
                       "layer h: W, leaky_relu(0.1)\nlayer p: W, softmax\nshow h\nshow p\n")
    assert ex.shown[0].computed == pytest.approx([-0.2, 1.0])
    assert sum(ex.shown[1].computed) == pytest.approx(1.0)


def test_count_parameters_counts_every_param():
    (ex,) = check_text("param W : 3 x 4\nparam b : 3\nparam v = [1, 2]\n"
                       "claim count parameters = 17\n")
    assert ex.claims[0].status == "ok"


# ------------------------------------------------------------------ errors
ERRORS = [
    ("input x = [1, 2\nclaim x = 1\n", 1, "unclosed '[' (line 2 starts a new statement)"),
    ("input x = 1\nclaim y = 1\n", 2, "unknown name 'y'"),
    ("input x = 1\nlet z = x\nclaim zz = 1\n", 3, "unknown name 'zz' (did you mean 'z'?)"),
    ("input x = 1\nlet a = foo(x)\n", 2, "unknown function 'foo'"),
    ("input x = 1\nlet a = __import__(x)\n", 2, "unknown function '__import__'"),
    ("input x = 1\nlet a = x; 2\n", 2, "unexpected character ';'"),
    ("compute x\n", 1, "unknown statement 'compute' (statements: example, note"),
    ("1 + x\n", 1, "a statement starts with one of example, note"),
    ("input x = 1\ninput x = 2\n", 2, "x is already defined (line 1)"),
    ("input x = [1, 2]\nclaim x[3] = 1\n", 2, "x[3]: index 3 is out of range 1..2"),
    ("input x = [1, 2]\nclaim x[0] = 1\n", 2, "an index is a whole number from 1"),
    ("input x = [[1, 2], [3]]\n", 1, "the rows of a matrix must have the same length"),
    ("input x = -1\nlet a = log(x)\nshow a\n", 2, "log: log of a non-positive number"),
    ("input x = [1, 2]\nparam W = [[1, 2], [3, 4]]\nlet h = W @ x\nclaim dh/dW = 1\n", 4,
     "has three indices"),
    ("input x = [1, 2]\nparam W = [[1, 2, 3]]\nlet h = W @ x\n", 3,
     "@: a 1×3 matrix times a vector of 2: inner sizes 3 and 2 differ"),
    ("input x = 1\nlet h = x +\n", 2, "expected a number, a name, '(' or '[', found the end"),
    ("input x = 1\nclaim x = a\n", 2, "expected a number, found 'a'"),
    ("input x = 1\nclaim x = 1 2\n", 2, "unexpected '2' after the end of the statement"),
    ("input x = 1\nlet y = x\n", None, "has no claim and no show: nothing to check"),
    ("param W : 2 x 2\nlet y = W\n", 2, "W is declared with a shape only"),
    ("input x = 1\nlayer h: relu\n", 2, "a layer needs its weights"),
    ("input x = 1\nclaim count parameters = 3\n", 2, "the example declares no param"),
    ("input x = 1\nloss l = x\nloss m = x\n", 3, "a second loss (m)"),
    ("input x = [1, 2]\nloss l = x\n", 2, "the loss l must be a scalar"),
    ("input x = 1\nclaim x = []\n", 2, "an empty list has no numbers to check"),
    ("input x = (1\n", 1, "unclosed '(' (the file ends first)"),
    ("input x = 1)\n", 1, "unmatched ')'"),
    ("example\n", 1, "example needs a name"),
    ("", 1, "no statements"),
    ("param w = [1, 2]\nconst X = [[1, 2, 3]]\nconst Y = [1]\n"
     "perceptron w: data X, labels Y, steps 1\n", 4, "perceptron: X must be a matrix"),
    ("param w = [1, 2]\nperceptron w: data X\n", 2, "perceptron needs labels, steps"),
    ("input x = 1\nclaim dl/x = 1\n", 2, "a derivative is written dA/dB or ∂A/∂B"),
    ("input x = 1\nlet y = 2x\n", 2, "(an operator is missing: W @ x is a matrix product"),
    ("input x = 1\nlet y = sigmoid x\n", 2, "(sigmoid is a function: write sigmoid(x))"),
    ("input x = 1\nclaim x = 1, 2\n", 2, "(several numbers are written as a list: [a, b, c])"),
]


@pytest.mark.parametrize("text, line, message", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_malformed_files_say_file_line_and_what(text, line, message, tmp_path, monkeypatch):
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")  # the file is elsewhere: named by its name only
    path = tmp_path / "bad.worked"
    path.write_text(text)
    with pytest.raises(VerifyError) as info:
        check(path)
    err = info.value
    assert err.path == "bad.worked" and err.line == line  # the file's name, not its tmp path
    assert message in err.message
    where = "bad.worked" if line is None else f"bad.worked:{line}"
    if line is not None and err.column is not None:
        where += f":{err.column}"
    assert str(err) == f"{where}: {err.message}"


def test_text_errors_name_text():
    with pytest.raises(VerifyError, match=r"^<text>:2:7: unknown name 'y'"):
        check_text("input x = 1\nclaim y = 1\n")


def test_a_missing_file_is_an_error_not_text(tmp_path):
    missing = tmp_path / "absent.worked"
    with pytest.raises(VerifyError, match=r"absent\.worked: no such file"):
        check(str(missing))
    with pytest.raises(VerifyError, match="no such file"):
        check(missing)


def test_non_finite_values_are_null_in_json():
    report = check_text("input x = 0\nlet y = x^0.5\nloss l = y\nclaim dl/dx = 1\n")
    claim = report.to_dict()["examples"][0]["claims"][0]
    assert claim["computed"] is None and claim["status"] == "wrong"
    assert claim["diagnosis"] == "the true value is not a finite number"
    assert "NaN" not in report.to_json() and "Infinity" not in report.to_json()


# ------------------------------------------------------------------ robustness
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = ["input", "param", "const", "let", "loss", "layer", "claim", "show", "batch",
           "perceptron", "example", "x", "y", "W", "b", "l", "dl/dW", "dl/dx", "=", ":", ",",
           "[", "]", "(", ")", "+", "-", "*", "/", "^", "@", "1", "0", "-2.5", "0.125", "1e3",
           "sigmoid(", "relu(", "softmax(", "sum(", "log(", "grad(", "x[1]", "W[1,2]", "ᵀ",
           "∂", "from", "pre", "count parameters", "#", "\n", " ", "data", "labels", "steps"]
_VALID_HEAD = "input x = [1, -2]\nparam W = [[0.5, 1], [2, -1]]\nparam b = [0, 1]\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_any_text_either_checks_or_names_its_line(pieces):
    """No input crashes the checker: it returns a report or raises VerifyError with a line."""
    text = _VALID_HEAD + " ".join(pieces)
    try:
        check_text(text)
    except VerifyError as e:
        assert e.line is None or 1 <= e.line <= text.count("\n") + 1
        assert e.message


_atoms = st.sampled_from(["x", "W", "b", "s", "2", "0.5", "-1", "x[2]", "W[1,2]", "W[2]", "Wᵀ"])


def _combine(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/", "^", "@"]), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["exp", "log", "sigmoid", "tanh", "relu", "step", "sum",
                                   "softmax", "transpose", "abs", "sqrt", "mean",
                                   "logsumexp"]), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["dot", "outer", "grad"]), children, children).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        children.map(lambda c: f"-{c}"),
    )


_exprs = st.recursive(_atoms, _combine, max_leaves=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_exprs, st.sampled_from(["show y", "show dy/dW", "show dy/dx", "claim y = 1",
                                "claim dy/db = [1, 2]", "show dy/ds"]))
def test_any_formula_either_checks_or_names_its_line(expr, check_line):
    text = _VALID_HEAD + f"const s = 3\nlet y = {expr}\n{check_line}\n"
    try:
        check_text(text)
    except VerifyError as e:
        assert e.line in (5, 6), (e.line, str(e))
        assert e.message


def test_windows_files_with_bom_and_crlf(tmp_path):
    path = tmp_path / "win.worked"
    path.write_bytes("\ufeffinput x = 2\r\nparam w = 3\r\nloss l = w*x\r\nclaim dl/dw = 2\r\n"
                     .encode("utf-8"))
    assert check(path)[0].claims[0].status == "ok"


def test_the_claim_keyword_may_be_left_out():
    (ex,) = check_text("input x = 2\nparam w = 3\nloss l = w*x\ndl/dw = 2\n∂l/∂x = 3\nl = 6\n"
                       "count parameters = 1\n")
    assert [(c.name, c.status) for c in ex.claims] == [
        ("dl/dw", "ok"), ("dl/dx", "ok"), ("l", "ok"), ("count parameters", "ok")]


@pytest.mark.parametrize(("layer", "at", "message"), [
    ("layer h: W, b3, relu from x", "b3", "b3 is a vector of 3 but the layer has 2 neurons"),
    ("layer h: W, relu from x3", "x3", "W takes 2 inputs, but the input is a vector of 3"),
    ("layer h: w from x", "w", "the weights w of layer h are a scalar"),
    ("layer h: W", "h", "say which quantity it reads"),
    ("layer h: W from X", "X", "a matrix input is read as a batch"),
    ("layer h: W, c from x", "c", "unknown name 'c'"),
])
def test_a_layer_error_points_at_the_name_at_fault(layer, at, message):
    """FILE:LINE:COLUMN for layers too (they gave FILE:LINE): the column of the name."""
    text = ("param W = [[1, 2], [3, 4]]\nparam w = 2\nparam b3 = [1, 2, 3]\ninput x = [1, 2]\n"
            f"input x3 = [1, 2, 3]\ninput X = [[1, 2, 3]]\n{layer}\n")
    with pytest.raises(VerifyError, match=message) as info:
        check_text(text)
    assert info.value.line == 7
    assert info.value.column == layer.index(f" {at}") + 2  # 1-based, after the space
