"""The page's Python half (autograd_core.site.runtime.Page), run natively: the same answers
the page gives, checked against torch float64 and against the command line run as a
separate process. (test_site_browser.py checks that the page gives these answers.)"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import autograd_core
from autograd_core.site.runtime import Page, parse_values
from autograd_core.verify import bundled_examples

REPO = Path(autograd_core.__file__).resolve().parent.parent


def torch_grads(expression: str, values: dict[str, float]) -> tuple[float, dict[str, float]]:
    """∂y/∂leaf in float64 by torch, for an expression written in Python's syntax."""
    leaves = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
              for k, v in values.items()}
    functions = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "exp": torch.exp,
                 "log": torch.log, "relu": torch.relu}
    y: torch.Tensor = eval(expression, functions, dict(leaves))
    y.backward()  # type: ignore[no-untyped-call]
    return y.item(), {k: grad_of(t) for k, t in leaves.items()}


def grad_of(t: torch.Tensor) -> float:
    """A leaf tensor's gradient after backward()."""
    assert t.grad is not None
    return t.grad.item()


def cli(argv: list[str], cwd: Path) -> tuple[int, str, str]:
    """``backprop ARGV`` as a user runs it: a separate process (exit, stdout, stderr)."""
    proc = subprocess.run([sys.executable, "-m", "autograd_core", *argv], cwd=cwd,
                          capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("expression, inputs, params, python", [
    ("y = sigmoid(w*x + b)", "x = 0.5", "w = -2.5, b = 1", "sigmoid(w*x + b)"),
    ("tanh(x*x) + relu(x - 1) * w", "x=1.5", "w=0.3", "tanh(x*x) + relu(x - 1) * w"),
    ("log(exp(a) + exp(b)) / (a*a + 1)", "a=0.2; b=-1.3", "", "log(exp(a)+exp(b))/(a*a+1)"),
])
def test_evaluate_gives_torchs_gradients_for_every_named_leaf(expression: str, inputs: str,
                                                                params: str, python: str) -> None:
    """Value and ∂y/∂leaf agree with torch float64 to 1e-12; the table lists the leaves in
    the order typed, each with the kind of the field it was typed in."""
    answer = json.loads(Page().evaluate(expression, inputs, params))
    values = {**parse_values(inputs), **parse_values(params)}
    value, grads = torch_grads(python, values)
    assert math.isclose(answer["value"], value, rel_tol=1e-12)
    got = {g["name"]: g["grad"] for g in answer["gradients"]}
    assert got.keys() == grads.keys()
    for name, g in grads.items():
        assert math.isclose(got[name], g, rel_tol=1e-12, abs_tol=1e-15), name
    # listed as the student gave them; kinds from the field they were typed in
    assert [g["name"] for g in answer["gradients"]] == list(values)
    roles = {g["name"]: g["role"] for g in answer["gradients"]}
    assert all(roles[n] == "input" for n in parse_values(inputs))
    assert all(roles[n] == "param" for n in parse_values(params))


def test_evaluate_draws_both_graphs_and_the_stepper() -> None:
    """SVG of the forward graph (with w) and of the backward graph (with ∂y/∂w), and a whole
    stepper page."""
    answer = json.loads(Page().evaluate("y = sigmoid(w*x + b)", "x=0.5", "w=-2.5, b=1"))
    for key in ("forward", "backward"):
        assert answer[key].lstrip().startswith(("<?xml", "<svg", "<!DOCTYPE"))
        assert "</svg>" in answer[key]
    assert ">w</text>" in answer["forward"] and "∂y/∂w" in answer["backward"]
    page = answer["stepper"]
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "const STEPS" in page


def test_the_page_renderer_is_the_one_used() -> None:
    """The page passes viz-js's renderString: every picture goes through it."""
    seen: list[str] = []

    def render(dot: str) -> str:
        seen.append(dot)
        return f'<svg id="r{len(seen)}"></svg>'

    answer = json.loads(Page(render).evaluate("x * w", "x=2", "w=3"))
    assert answer["forward"] == '<svg id="r1"></svg>'
    assert answer["backward"] == '<svg id="r2"></svg>'
    assert len(seen) == 3 and all(d.lstrip().startswith("digraph") for d in seen)
    assert '<svg id="r3"></svg>' in answer["stepper"]


@pytest.mark.parametrize("expression, inputs, message", [
    ("sigmoid(w*x", "w=1, x=2", "^"),                 # the caret under the column
    ("w*x", "w=1", "no value for 'x'"),
    ("log(x)", "x=-1", "log of a non-positive number"),
    ("x", "x=abc", "'abc' is not a number"),
])
def test_evaluate_reports_mistakes_as_backprop_draw_does(expression: str, inputs: str,
                                                         message: str) -> None:
    """A message, never a traceback: the column, the missing name, the domain, the number."""
    answer = json.loads(Page().evaluate(expression, inputs))
    assert set(answer) == {"error"} and message in answer["error"]
    assert "Traceback" not in answer["error"]


def test_verify_is_the_command_lines_report_for_the_same_file(tmp_path: Path) -> None:
    """Exit status, stdout and stderr equal ``backprop verify FILE`` run as a process."""
    text = (REPO / "autograd_core" / "examples" / "01_vo_mlp.worked").read_text("utf-8")
    text = text.replace("claim x2      = 0.6828", "claim x2      = 0.6829")
    answer = json.loads(Page(workdir=tmp_path / "page").verify(text, "mine.worked"))
    (tmp_path / "mine.worked").write_text(text, "utf-8")
    code, out, err = cli(["verify", "mine.worked"], tmp_path)
    assert (answer["exit"], answer["stdout"], answer["stderr"]) == (code, out, err)
    assert answer["command"] == "backprop verify mine.worked"
    assert " wrong " in out and answer["graph"] and "</svg>" in answer["graph"]


def test_a_malformed_file_gives_the_command_lines_error(tmp_path: Path) -> None:
    """The same FILE:LINE:COLUMN message and exit status 2 as the command line."""
    text = "input x = 2\nparam w = 3\nloss l = (w*x - 1)^\nclaim l = 25\n"
    answer = json.loads(Page(workdir=tmp_path / "page").verify(text, "bad.worked"))
    (tmp_path / "bad.worked").write_text(text, "utf-8")
    code, out, err = cli(["verify", "bad.worked"], tmp_path)
    assert (answer["exit"], answer["stdout"], answer["stderr"]) == (code, out, err)
    assert code == 2 and err.startswith("backprop verify: bad.worked:3:")
    assert answer["graph"] is None and "the file has an error" in answer["graph_note"]


def test_an_example_with_no_scalar_to_draw_says_why_as_backprop_draw_does(
        tmp_path: Path) -> None:
    """No loss and a vector last: the report as usual, and backprop draw's message."""
    text = "input x = [1, 2]\nlet y = x * x\nclaim y = [1, 4]\n"
    answer = json.loads(Page(workdir=tmp_path).verify(text, "vec.worked"))
    assert answer["exit"] == 0 and answer["graph"] is None
    code, _, err = cli(["draw", "vec.worked"], tmp_path)
    assert code == 2
    assert err == "backprop draw: " + answer["graph_note"].removeprefix("No graph: ") + "\n"


@pytest.mark.parametrize("path", bundled_examples(), ids=lambda p: p.name)
def test_a_bundled_example_is_verified_and_solved_as_the_command_line_does(
        path: Path, tmp_path: Path) -> None:
    """Each bundled file: the report of ``backprop verify autograd_core/examples/FILE`` and
    the page of ``backprop solve … --format html``."""
    answer = json.loads(Page(workdir=tmp_path).verify_bundled(path.name))
    shown = answer["command"].removeprefix("backprop verify ")
    assert shown == f"autograd_core/examples/{path.name}"
    code, out, err = cli(["verify", shown], REPO)
    assert (answer["exit"], answer["stdout"], answer["stderr"]) == (code, out, err)
    solution = answer["solution"]
    assert solution["command"] == f"backprop solve {shown} --format html"
    code, out, err = cli(solution["command"].split()[1:], REPO)
    assert (solution["exit"], solution["stdout"], solution["stderr"]) == (code, out, err)
    assert code == 0 and "<math" in out


def test_an_expression_comes_with_backprop_solves_solution() -> None:
    """The solution page is the command line's for the same expression and values."""
    answer = json.loads(Page().evaluate("y = sigmoid(w*x + b)", "x = 0.5", "w = -2.5, b = 1"))
    solution = answer["solution"]
    assert solution["command"] == ("backprop solve 'y = sigmoid(w*x + b)' --let x=0.5 "
                                   "--param w=-2.5 b=1.0 --format html")
    code, out, err = cli(["solve", "y = sigmoid(w*x + b)", "--let", "x=0.5", "--param",
                          "w=-2.5", "b=1.0", "--format", "html"], REPO)
    assert (solution["exit"], solution["stdout"], solution["stderr"]) == (code, out, err)
    assert code == 0 and "<math" in out


def test_pasted_file_names_stay_plain_file_names() -> None:
    """No folder of the name survives: pasted text is written in the work folder only."""
    assert Page.file_name("../../etc/passwd") == "passwd.worked"
    assert Page.file_name("my ex 1.worked") == "my_ex_1.worked"
    assert Page.file_name("") == "example.worked"
    assert Page.file_name("notes.txt") == "notes.worked"


def test_examples_lists_the_bundled_files_with_their_titles() -> None:
    """Every bundled file, in order, its text unchanged and its ``example`` line's title."""
    examples = json.loads(Page().examples())
    assert [e["file"] for e in examples] == [p.name for p in bundled_examples()]
    for e, p in zip(examples, bundled_examples(), strict=True):
        assert e["text"] == p.read_text("utf-8")
        assert f"example {e['title']}" in e["text"]


def test_a_chain_is_built_differentiated_and_released() -> None:
    """The measuring chain computes what torch computes for the same links."""
    answer = json.loads(Page.chain(3000))
    x = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(1000):
        y = torch.tanh(y * 0.9 + 0.1)
    y.backward()  # type: ignore[no-untyped-call]
    assert answer["ops"] == 3000
    assert math.isclose(answer["value"], y.item(), rel_tol=1e-12)
    assert math.isclose(answer["grad"], grad_of(x), rel_tol=1e-9, abs_tol=1e-300)
