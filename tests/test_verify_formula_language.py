"""One formula language for ``backprop draw "…"`` and the formulas of ``backprop verify`` files:
the same text gives the same values and gradients through both entry points, and torch
(float64) agrees; ``x.f()`` works in .worked files; errors point at the same column."""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd_core import topological_order
from autograd_core.draw.expr import ExpressionError, parse_expression
from autograd_core.formula import FormulaError, parse_formula
from autograd_core.verify import VerifyError, check, check_text

ENV = {"x": 0.5, "w": -1.5, "b": 0.25}
HEAD = "input x = 0.5\nparam w = -1.5\nparam b = 0.25\n"

# a tree: ("leaf", name) | ("num", text) | ("neg", a) | ("bin", op, a, b)
#       | ("fn", f, method?, a) | ("leaky", method?, a) | ("pow2", a) | ("half", a)
FUNCS = ["tanh", "sigmoid", "exp", "relu", "sin", "cos", "abs"]
leaves = st.one_of(st.sampled_from([("leaf", "x"), ("leaf", "w"), ("leaf", "b")]),
                   st.sampled_from([("num", "2"), ("num", "0.5")]))


def grow(children):
    return st.one_of(
        st.tuples(st.just("bin"), st.sampled_from(["+", "-", "*"]), children, children),
        st.tuples(st.just("fn"), st.sampled_from(FUNCS), st.booleans(), children),
        st.tuples(st.just("leaky"), st.booleans(), children),
        st.tuples(st.just("neg"), children),
        st.tuples(st.just("pow2"), children),
        st.tuples(st.just("half"), children),
    )


trees = st.recursive(leaves, grow, max_leaves=6)


def render(t) -> str:
    """The formula text; ``method`` picks ``(a).f()`` instead of ``f(a)``."""
    k = t[0]
    if k in ("leaf", "num"):
        return t[1]
    if k == "neg":
        return f"-({render(t[1])})"
    if k == "bin":
        return f"({render(t[2])} {t[1]} {render(t[3])})"
    if k == "fn":
        return f"({render(t[3])}).{t[1]}()" if t[2] else f"{t[1]}({render(t[3])})"
    if k == "leaky":
        return f"({render(t[2])}).leaky_relu(0.1)" if t[1] else f"leaky_relu({render(t[2])}, 0.1)"
    if k == "pow2":
        return f"({render(t[1])}) ** 2"
    return f"({render(t[1])}) / 2"


def torch_value(t, env):
    k = t[0]
    if k == "leaf":
        return env[t[1]]
    if k == "num":
        return torch.tensor(float(t[1]), dtype=torch.float64)
    if k == "neg":
        return -torch_value(t[1], env)
    if k == "bin":
        a, b = torch_value(t[2], env), torch_value(t[3], env)
        return {"+": a + b, "-": a - b, "*": a * b}[t[1]]
    if k == "fn":
        return getattr(torch, t[1])(torch_value(t[3], env))
    if k == "leaky":
        return torch.nn.functional.leaky_relu(torch_value(t[2], env), 0.1)
    if k == "pow2":
        return torch_value(t[1], env) ** 2
    return torch_value(t[1], env) / 2


def draw_value_and_grads(text: str) -> tuple[float, list[float]]:
    z = parse_expression(text, {"x": ENV["x"]}, {"w": ENV["w"], "b": ENV["b"]})
    z.backward()
    leaves = {v.label: v for v in topological_order(z) if v.is_leaf and v.role != "const"}
    return z.data, [leaves[n].grad if n in leaves else 0.0 for n in ("x", "w", "b")]


def verify_value_and_grads(text: str) -> tuple[float, list[float]]:
    (ex,) = check_text(HEAD + f"let y = {text}\nshow y\nshow dy/dx\nshow dy/dw\nshow dy/db\n")
    return ex.shown[0].computed, [s.computed for s in ex.shown[1:]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_draw_and_verify_agree_with_each_other_and_with_torch(tree):
    text = render(tree)
    drawn, drawn_grads = draw_value_and_grads(text)
    checked, checked_grads = verify_value_and_grads(text)
    # the same graph: draw computes in floats, verify on paper (exact where it can), so they
    # agree to the last bits of a float
    assert drawn == pytest.approx(checked, rel=1e-12, abs=1e-12), text
    assert drawn_grads == pytest.approx(checked_grads, rel=1e-12, abs=1e-12), text

    env = {n: torch.tensor(v, dtype=torch.float64, requires_grad=True) for n, v in ENV.items()}
    expected = torch_value(tree, env)
    assert drawn == pytest.approx(expected.item(), rel=1e-12, abs=1e-12), text
    if expected.requires_grad:
        grads = torch.autograd.grad(expected, [env["x"], env["w"], env["b"]], allow_unused=True)
        grads = [0.0 if g is None else g.item() for g in grads]
    else:
        grads = [0.0, 0.0, 0.0]
    assert drawn_grads == pytest.approx(grads, rel=1e-12, abs=1e-12), text


def test_method_and_function_spellings_are_one_tree():
    assert parse_formula("(w*x + b).sigmoid()") == parse_formula("sigmoid(w*x + b)")
    assert parse_formula("x.leaky_relu(0.1).log()") == parse_formula("log(leaky_relu(x, 0.1))")
    # a dotted quantity name (verify's x1.a, sum.3) before a method: the name, then the method
    tree = parse_formula("h.a.sigmoid()")
    assert tree.func == "sigmoid" and tree.args[0].name == "h.a"
    assert parse_formula("W[2, 1].exp()").args[0].index == (2, 1)


def test_method_syntax_in_a_worked_file_agrees_with_torch(tmp_path):
    path = tmp_path / "methods.worked"
    path.write_text(
        "input x = [0.5, -1.25]\n"
        "param W = [[0.75, -0.5], [1.5, 0.25]]\n"
        "param b = [0.1, -0.3]\n"
        "layer h: W, b, tanh                # defines h.a = W @ x + b\n"
        "loss  l = h.a.sigmoid().sum() + (W @ x).leaky_relu(0.2).dot(b) + h[1].exp()\n"
        "show  l\nshow dl/dW\nshow dl/dx\n")
    (ex,) = check(path)
    x = torch.tensor([0.5, -1.25], dtype=torch.float64, requires_grad=True)
    W = torch.tensor([[0.75, -0.5], [1.5, 0.25]], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([0.1, -0.3], dtype=torch.float64)
    a = W @ x + b
    lt = (torch.sigmoid(a).sum() + torch.nn.functional.leaky_relu(W @ x, 0.2) @ b
          + torch.tanh(a)[0].exp())
    gW, gx = torch.autograd.grad(lt, [W, x])
    assert ex.shown[0].computed == pytest.approx(lt.item(), rel=1e-12)
    assert sum(ex.shown[1].computed, []) == pytest.approx(gW.reshape(-1).tolist(), rel=1e-12)
    assert ex.shown[2].computed == pytest.approx(gx.tolist(), rel=1e-12)


def test_draw_accepts_what_verify_accepts_when_the_result_is_one_number():
    z = parse_expression("sum([x, w] * [2, 3]) + [x, w] @ [1, 1] + x ** 2", {"x": 2.0, "w": 5.0})
    assert z.data == 2 * 2 + 3 * 5 + 2 + 5 + 4
    assert parse_expression("x − 2 × x · 3", {"x": 1.0}).data == -5.0  # slides' unicode


# the same formula, its columns counted from the formula's first character
BAD = [
    ("x + foo(x)", 5, "unknown function 'foo'"),
    ("x.foo()", 3, "unknown method 'foo'"),
    ("2*x + q", 7, "no value for 'q'|unknown name 'q'"),
    ("sigmoid(x, 2)", 1, "sigmoid() takes 1 argument(s), got 2"),
    ("sigmoid(x +)", 12, "expected a number, a name, '(' or '[', found ')'"),
    ("x; 2", 2, "unexpected character ';'"),
    ("x.(1)", 3, "expected a method name after '.', such as .sigmoid(), found '('"),
    ("2 x", 3, "unexpected 'x' after the end of the statement (an operator is missing"),
    ("x[0]", 3, "an index is a whole number from 1"),
    ("leaky_relu(x, x)", 1, "leaky_relu: the slope of leaky_relu is a number"),
]


@pytest.mark.parametrize("formula, column, message", BAD, ids=[b[0] for b in BAD])
def test_errors_point_at_the_same_column_in_both(formula, column, message):
    with pytest.raises(ExpressionError) as drawn:
        parse_expression(formula, {"x": 1.0})
    prefix = "let y = "
    with pytest.raises(VerifyError) as checked:
        check_text(f"input x = 1\n{prefix}{formula}\nshow y\n")
    assert drawn.value.column == column, str(drawn.value)
    assert (checked.value.line, checked.value.column) == (2, len(prefix) + column)
    assert str(checked.value).startswith(f"<text>:2:{len(prefix) + column}: ")
    for err in (drawn.value, checked.value):
        assert any(m in err.message for m in message.split("|")), err.message
    if "name" not in message:  # the unknown name is the one message each side words its way
        assert drawn.value.message == checked.value.message


def test_an_unclosed_bracket_points_at_it_in_both():
    with pytest.raises(ExpressionError) as drawn:
        parse_expression("2 * (x + 1", {"x": 1.0})
    assert drawn.value.column == 11  # where the ')' is missing
    with pytest.raises(VerifyError) as checked:  # a file: the bracket may close on a later line
        check_text("input x = 1\nlet y = 2 * (x + 1\nshow y\n")
    assert (checked.value.line, checked.value.column) == (2, 13)  # the '(' left open
    assert "unclosed '('" in checked.value.message


def test_a_shape_error_points_at_its_operator():
    with pytest.raises(VerifyError) as info:
        check_text("input v = [1, 2]\nparam W = [[1, 2, 3]]\nlet h = W @ v\nshow h\n")
    assert (info.value.line, info.value.column) == (3, 11)  # the '@'
    assert "inner sizes 3 and 2 differ" in info.value.message


def test_formula_error_is_a_value_error_and_verify_error_is_one():
    assert issubclass(VerifyError, FormulaError) and issubclass(FormulaError, ValueError)
    assert ExpressionError is FormulaError
