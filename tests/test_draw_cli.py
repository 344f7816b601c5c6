"""``backprop draw``: the expression parser (safe, no eval) and the command writing files."""

from __future__ import annotations

import math
import shutil
from fractions import Fraction

import pytest
from dot_parse import parse_dot
from hypothesis import given, settings
from hypothesis import strategies as st
from test_draw_support import drawn, lines

from autograd_core.cli import main
from autograd_core.draw.expr import ExpressionError, parse_assignments, parse_expression


def test_expressions_follow_the_usual_precedence():
    env = {"x": 3.0, "y": 2.0}
    cases = {
        "x + y * 2": 7.0,
        "(x + y) * 2": 10.0,
        "-x ** 2": -9.0,
        "2 ^ 3 ^ 2": 512.0,
        "x / y / 2": 0.75,
        "x - y - 1": 0.0,
        "1e-1 + .5": 0.6,
    }
    for text, expected in cases.items():
        assert parse_expression(text, env).data == pytest.approx(expected), text


def test_method_and_function_spellings_agree_and_the_root_is_labelled():
    env = {"w": -2.5, "x": 0.5, "b": 1.0}
    a = parse_expression("y = sigmoid(w*x + b)", env)
    b = parse_expression("(w*x+b).sigmoid()", env)
    assert a.label == "y" and b.label is None
    assert a.data == b.data == pytest.approx(1 / (1 + math.exp(1.25 - 1.0)))
    leaky = parse_expression("leaky_relu(x - 1, 0.1)", env)
    assert leaky.data == pytest.approx(-0.05)
    assert leaky.op.param == pytest.approx(0.1)


def test_each_name_is_one_node_with_its_role():
    z = parse_expression("w*x + w", {"x": 2.0}, {"w": 3.0})
    leaves = {v.label: v for v in (z.inputs[0].inputs + z.inputs[1:])}
    assert leaves["w"] is z.inputs[1] and leaves["w"].role == "param"
    assert leaves["x"].role == "input"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-20, 20).filter(bool), min_size=1, max_size=6),
       st.lists(st.sampled_from("+-*"), min_size=5, max_size=5))
def test_integer_arithmetic_matches_fractions(nums, ops):
    text = str(nums[0])
    for n, op in zip(nums[1:], ops, strict=False):
        text += f" {op} ({n})"
    # an independent evaluation with the same precedence, in exact arithmetic
    terms, sign, prod = [], 1, Fraction(nums[0])
    for n, op in zip(nums[1:], ops, strict=False):
        if op == "*":
            prod *= n
        else:
            terms.append(sign * prod)
            sign, prod = (1 if op == "+" else -1), Fraction(n)
    terms.append(sign * prod)
    assert parse_expression(text).data == float(sum(terms))


# the messages are the formula language's, shared with backprop verify (they changed when
# draw's own parser was replaced by it): what was expected, and the column, with a caret
@pytest.mark.parametrize("text, message, column", [
    ("w*", "expected a number, a name, '(' or '[', found the end of the line", 3),
    ("w * x", "no value for 'w'", 1),
    ("x.foo()", "unknown method 'foo'", 3),
    ("sigmoid(x, 2)", "sigmoid() takes 1 argument(s), got 2", 1),
    ("x $ 2", "unexpected character '$'", 3),
    ("(x", "expected ')' to close the parenthesis", 3),
    ("__import__('os')", "unexpected character", 12),  # never evaluated: no strings at all
    ("__import__(x)", "unknown function '__import__'", 1),
    ("[x, x]", "the expression is a vector of 2; draw one number", 1),
])
def test_bad_expressions_say_where_and_what(text, message, column):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text, {"x": 1.0})
    err = info.value
    assert message in err.message and err.column == column
    assert str(err) == f"column {column}: {err.message}\n  {text}\n  {' ' * (column - 1)}^"


def test_assignments_are_parsed_and_checked():
    assert parse_assignments(["w=-2.5", "x = 0.5"]) == {"w": -2.5, "x": 0.5}
    with pytest.raises(ExpressionError, match="NAME=NUMBER"):
        parse_assignments(["w"])
    with pytest.raises(ExpressionError, match="not a number"):
        parse_assignments(["w=abc"])


def test_draw_prints_the_dot_of_the_forward_graph_with_gradients(capsys):
    assert main(["draw", "y = sigmoid(w*x + b)", "--let", "x=0.5", "--param", "w=-2.5",
                 "b=1"]) == 0
    p = parse_dot(capsys.readouterr().out)
    by_label = {lines(p, n)[0]: n for n in drawn(p)}
    s = 1 / (1 + math.exp(1.25 - 1.0))
    assert lines(p, by_label["w"])[2] == f"grad {s * (1 - s) * 0.5:.4g}".replace("-", "−")
    assert p.nodes[by_label["w"]]["style"] == "filled,rounded"  # drawn as a parameter


def test_dash_as_output_prints_the_dot_and_writes_no_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["draw", "x*2", "--let", "x=1", "-o", "-"]) == 0
    p = parse_dot(capsys.readouterr().out)
    assert {lines(p, n)[0] for n in drawn(p)} >= {"x"}
    assert list(tmp_path.iterdir()) == []  # no file named "-"


def test_draw_backward_and_precision(capsys):
    assert main(["draw", "z = x*x", "--let", "x=1.23456", "--backward", "--precision", "3"]) == 0
    p = parse_dot(capsys.readouterr().out)
    grads = [lines(p, n) for n in drawn(p) if lines(p, n)[0] == "∂z/∂x"]
    assert grads and grads[0][1] == "= 2.47"


def test_draw_writes_svg_and_html_files(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # the in-process renderer, as after pip install
    out = tmp_path / "n.svg"
    assert main(["draw", "tanh(x*x)", "--let", "x=0.5", "-o", str(out)]) == 0
    assert "<svg" in out.read_text()
    page = tmp_path / "n.html"
    assert main(["draw", "tanh(x*x)", "--let", "x=0.5", "-o", str(page)]) == 0
    assert "<script>" in page.read_text() and "<svg" in page.read_text()
    png = tmp_path / "n.png"  # converted from the in-process SVG: no system dot needed
    assert main(["draw", "tanh(x*x)", "--let", "x=0.5", "-o", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_draw_reports_a_bad_expression_with_exit_code_2(capsys):
    assert main(["draw", "tanh(x*q)", "--let", "x=0.5"]) == 2
    assert "no value for 'q'" in capsys.readouterr().err


def test_draw_a_worked_example_file(tmp_path, capsys):
    pytest.importorskip("autograd_core.verify.model")
    path = tmp_path / "tiny.worked"
    path.write_text("input x = 2\nparam w = 3\nloss  l = (w*x - 1)^2\n")
    assert main(["draw", str(path), "--steps"]) == 0
    p = parse_dot(capsys.readouterr().out)
    labels = {lines(p, n)[0]: lines(p, n) for n in drawn(p)}
    assert labels["l"][1] == "data 25" and "step 0" in labels["l"]
    assert labels["w"][2] == "grad 20"  # dl/dw = 2(wx − 1)·x = 20
    assert main(["draw", str(path), "--of", "nope"]) == 2
    assert "no quantity 'nope'" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("dot") is None, reason="system Graphviz is not installed")
def test_draw_writes_png_with_system_graphviz(tmp_path):
    out = tmp_path / "n.png"
    assert main(["draw", "relu(x)", "--let", "x=0", "-o", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_the_help_examples_run_from_the_repository_root(tmp_path, capsys, monkeypatch):
    # the epilog's worked-file example said examples/01_vo_mlp.worked, which is not there
    import shlex
    from pathlib import Path

    from autograd_core import draw_cli

    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    examples = [line.split("#")[0].strip() for line in draw_cli.__doc__.splitlines()
                if line.strip().startswith("backprop draw ")]
    assert len(examples) >= 5 and any(".worked" in e for e in examples)
    for k, example in enumerate(examples):
        words = shlex.split(example)[1:]
        at = words.index("-o")
        words[at + 1] = str(tmp_path / f"{k}{Path(words[at + 1]).suffix}")
        assert main(words) == 0, example
        assert Path(words[at + 1]).stat().st_size > 0


@pytest.mark.parametrize("option", [["--precision", "-1"], ["--precision", "0"],
                                    ["--max-nodes", "-5"], ["--max-nodes", "3"],
                                    ["--collapse", "nosuch"]])
def test_a_bad_option_is_exit_2_naming_it(option, capsys):
    # exit 1 is the renderer's (missing or failed); these said 1 though the docstring said 2
    assert main(["draw", "x*2", "--let", "x=1", *option]) == 2
    err = capsys.readouterr().err
    assert option[0].lstrip("-").replace("-", "_").split("_")[0] in err and "Traceback" not in err


def test_the_help_lists_the_exit_statuses(capsys):
    with pytest.raises(SystemExit):
        main(["draw", "--help"])
    out = capsys.readouterr().out
    assert "Exit status: 0 written; 1 the renderer failed or is missing; 2 bad input" in out


@pytest.mark.parametrize("where", ["expression", "let"])
@pytest.mark.parametrize("number, message", [
    ("1e5000", "the exponent is beyond ±300"), ("1" + "0" * 70, "at most 60 digits")])
def test_a_number_beyond_what_verify_reads_is_refused_not_made_infinite(where, number,
                                                                        message, capsys):
    # it silently became inf (or a 71-digit float) while verify and solve refuse it
    from autograd_core.verify.numbers import NumberError, written

    with pytest.raises(NumberError, match=message):
        written(number)  # verify's own rule, the same words
    args = (["draw", f"x*{number}", "--let", "x=1"] if where == "expression"
            else ["draw", "x*2", "--let", f"x={number}"])
    assert main(args) == 2
    assert message in capsys.readouterr().err
