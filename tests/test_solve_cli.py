"""``backprop solve`` from the command line, and ``solve()`` from Python: the formats by
suffix, expressions with --let/--param, rich displays, and clear errors (never a traceback)."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import Value
from autograd_core.cli import main
from autograd_core.solve import Solution, SolveError, solve
from autograd_core.verify import bundled_examples

VO = next(p for p in bundled_examples() if p.name == "01_vo_mlp.worked")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autograd_core", "solve", *args],
                          capture_output=True, text=True, timeout=120)


def test_solve_prints_the_whole_solution(capsys):
    assert main(["solve", str(VO)]) == 0
    out = capsys.readouterr().out
    for heading in ("Given", "Forward pass", "Backward pass", "Also claimed"):
        assert heading in out
    assert "∂l/∂W⁽²⁾ = δ⁽²⁾ x⁽¹⁾ᵀ" in out
    assert "✗ the example claims [0.1083, 0.0695, 0.1959]: wrong" in out


@pytest.mark.parametrize(("suffix", "marker"), [(".md", "$"), (".tex", r"\begin{document}"),
                                                (".html", "<math"), (".txt", "== Vo")])
def test_the_output_format_follows_the_suffix(tmp_path, capsys, suffix, marker):
    out = tmp_path / f"vo{suffix}"
    assert main(["solve", str(VO), "-o", str(out)]) == 0
    assert marker in out.read_text(encoding="utf-8")
    assert f"wrote {out}" in capsys.readouterr().err


def test_an_expression_with_its_values(capsys):
    assert main(["solve", "sigmoid(w*x + b)", "--let", "x=0.5", "--param", "w=-2.5",
                 "b=1"]) == 0
    out = capsys.readouterr().out
    w = torch.tensor(-2.5, dtype=torch.float64, requires_grad=True)
    torch.sigmoid(w * 0.5 + 1).backward()
    assert "f = σ(w·x + b) = σ((−2.5)·0.5 + 1) = σ(−0.25) = 0.4378" in out
    assert f"∂f/∂w = σ′(w·x + b)·x = 0.2461·0.5 = {float(w.grad):.4f}" in out


@pytest.mark.parametrize(("name", "factor"), [("softplus", "softplus′(w·x)"),
                                              ("tanh", "tanh′(w·x)"), ("relu", "relu′(w·x)"),
                                              ("sigmoid", "σ′(w·x)"), ("exp", "f")])
def test_every_function_of_the_engine_is_written_as_a_function(name, factor, capsys):
    """A function's step names its derivative (f′(a), or exp's own value f) and its value."""
    assert main(["solve", f"{name}(w*x)", "--let", "x=0.5", "--param", "w=2"]) == 0
    out = capsys.readouterr().out
    a = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    getattr(torch.nn.functional, name, getattr(torch, name, None))(a).backward()
    line = next(line for line in out.splitlines() if line.strip().startswith("∂f/∂w ="))
    assert line.strip().startswith(f"∂f/∂w = {factor}·x = "), line
    shown = float(line.rsplit("= ", 1)[1].replace("−", "-"))
    assert shown == pytest.approx(float(a.grad) * 0.5, rel=5e-4), line


def test_per_scalar_writes_one_line_per_entry(capsys):
    main(["solve", str(VO), "--example", "1", "--per-scalar"])
    out = capsys.readouterr().out
    assert "x⁽¹⁾₂ = σ(z⁽¹⁾₂) = σ(1.2·0.5 + 0.1·(−0.5) − 1.3) = σ(−0.75) = 0.3208" in out
    assert "∂l/∂x⁽⁰⁾₁ = δ⁽¹⁾₁·W⁽¹⁾₁₁ + δ⁽¹⁾₂·W⁽¹⁾₂₁ + δ⁽¹⁾₃·W⁽¹⁾₃₁" in out
    assert "ReLU" not in out  # --example 1: only the first example


@pytest.mark.parametrize(("args", "message"), [
    (["missing.worked"], "missing.worked: no such file"),
    (["sigmoid(w*x +", "--let", "w=1", "x=2"], "column 8: unclosed '('"),
    (["sigmoid(w*q)", "--let", "w=1"], "no value for 'q'"),
    (["w*x", "--let", "w=abc"], "'abc' is not a number"),
    ([str(VO), "--example", "Nope"], "no example 'Nope'"),
    ([str(VO), "-o", "out.pdf"], "unknown format .pdf"),
])
def test_bad_input_is_one_clear_line_and_status_2(args, message):
    r = run_cli(*args)
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_an_unknown_quantity_in_a_file_names_its_line(tmp_path):
    bad = tmp_path / "bad.worked"
    bad.write_text("input x = 2\nparam w = 3\nloss l = w*x\nclaim dl/dW9 = 1\n")
    r = run_cli(str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "bad.worked:4" in r.stderr and "'W9'" in r.stderr


def test_an_unreadable_file_is_named(tmp_path):
    (tmp_path / "dir.worked").mkdir()
    r = run_cli(str(tmp_path / "dir.worked"))
    assert r.returncode == 2 and "is a directory" in r.stderr and "Traceback" not in r.stderr
    binary = tmp_path / "bin.worked"
    binary.write_bytes(b"\xff\xfe\x00input")
    r = run_cli(str(binary))
    assert r.returncode == 2 and "bin.worked" in r.stderr and "Traceback" not in r.stderr


# ------------------------------------------------------------------ from Python
def test_solve_a_value_and_its_targets():
    x = Value(0.5, label="x")
    w = Value(-2.5, label="w", role="param")
    b = Value(1.0, label="b", role="param")
    y = (w * x + b).tanh()
    y.label = "y"
    sol = solve(y, [w])
    assert isinstance(sol, Solution)
    assert [ln.quantity for ln in sol.backward] == ["w"]
    tw = torch.tensor(-2.5, dtype=torch.float64, requires_grad=True)
    torch.tanh(tw * 0.5 + 1).backward()
    (line,) = sol.backward
    assert math.isclose(line.values[0], float(tw.grad), rel_tol=1e-12)
    assert line.printed_result() == [f"{float(tw.grad):.4f}"]
    assert "<math" in sol._repr_html_() and "&#x02202;" in sol._repr_html_()  # ∂ in MathML
    assert r"\frac{\partial y}{\partial w}" in sol._repr_markdown_()
    assert r"\frac{\partial y}{\partial w}" in sol._repr_latex_()
    assert "∂y/∂w" in repr(sol)


def test_an_nn_network_is_written_in_layers():
    from nn import MLP, losses

    net = MLP.from_matrices([[[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]], [[-1.5, 0.2, 0.5]]],
                            [[-1.5, -1.3, 2.0], [1.0]], "sigmoid")
    l = losses.log_likelihood(net([0.5, -0.5]), 1.0)
    text = solve(l).to_text()
    assert "W⁽²⁾ᵀ δ⁽²⁾" in text and "δ⁽¹⁾ x⁽⁰⁾ᵀ" in text
    assert "@" not in text  # no engine-made names


def test_targets_must_be_in_the_graph():
    x = Value(1.0, label="x")
    other = Value(2.0, label="other")
    with pytest.raises(ValueError, match="other.*not in the graph"):
        solve(x * 3.0, [other])
    with pytest.raises(SolveError, match="<text>:2:14: unknown name .q."):
        solve("input x = 1\nloss l = x * q\n")
    with pytest.raises(TypeError):
        solve(str(VO), [x])


def test_a_file_path_gives_its_solutions_by_title():
    sols = solve(str(VO))
    assert [s.title for s in sols] == ["Vo: MLP with one hidden layer (sigmoid)",
                                       "Vo: the exercise, redo it with ReLU"]
    relu = sols["Vo: the exercise, redo it with ReLU"]
    assert any("relu′(0) taken as 0, as PyTorch does" in "".join(map(str, n))
               for ln in relu.backward for n in ln.notes)
    assert isinstance(solve(Path(VO)), list)


def test_verify_explain_follows_each_wrong_claim_with_its_working(capsys):
    assert main(["verify", "--explain", str(VO)]) == 0
    out = capsys.readouterr().out
    table, _, working = out.partition("the working of each wrong claim ==")
    assert "11 claims: 5 ok, 0 truncated, 6 wrong" in table
    wrong = ["dx2/dx1", "dx1/dx0", "dl/dW2", "dl/db2", "dl/dW1", "dl/db1"]
    blocks = re.split(r"\n  (?=d\S+ \(line \d+\): )", working)[1:]
    assert [b.split(" ", 1)[0] for b in blocks] == wrong
    W2 = torch.tensor([[-1.5, 0.2, 0.5]], dtype=torch.float64, requires_grad=True)
    x1 = torch.sigmoid(torch.tensor([[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]], dtype=torch.float64)
                       @ torch.tensor([0.5, -0.5], dtype=torch.float64)
                       + torch.tensor([-1.5, -1.3, 2.0], dtype=torch.float64))
    torch.log(torch.sigmoid(W2 @ x1 + 1.0)).sum().backward()
    true = ", ".join(f"{g:.4f}" for g in W2.grad.flatten().tolist())
    assert blocks[2].rstrip().endswith(f"= [{true}]")
    assert "    ∂l/∂W⁽²⁾ = δ⁽²⁾ x⁽¹⁾ᵀ\n" in blocks[2]
    assert "= ∂l/∂x⁽²⁾·σ′(z⁽²⁾)·x⁽¹⁾ᵀ\n" in blocks[2]
    assert "∂l/∂x⁽²⁾ = " in blocks[2] and "δ⁽²⁾ = ∂l/∂z⁽²⁾" in blocks[2]


def test_verify_explain_says_nothing_more_when_nothing_is_wrong(tmp_path, capsys):
    good = tmp_path / "good.worked"
    good.write_text("input x = 2\nparam w = 3\nloss l = (w*x - 1)^2\nclaim dl/dw = 20\n")
    assert main(["verify", "--explain", str(good)]) == 0
    assert "working" not in capsys.readouterr().out


def test_wrt_keeps_the_gradients_asked_for_and_the_lines_they_use(capsys):
    assert main(["solve", str(VO), "--example", "1", "--wrt", "b2"]) == 0
    back = capsys.readouterr().out.partition("Backward pass")[2]
    assert [ln.split(" = ")[0].strip() for ln in back.splitlines()
            if " = " in ln and not ln.startswith("      ")] == ["∂l/∂x⁽²⁾", "δ⁽²⁾", "∂l/∂b⁽²⁾"]
    r = run_cli(str(VO), "--wrt", "W9")
    assert r.returncode == 2 and "no gradient of 'W9'" in r.stderr and "x2, z2" in r.stderr


def test_a_notebook_latex_display_is_one_aligned_block():
    latex = solve(str(VO))[0]._repr_latex_()
    assert latex.startswith("$$\\begin{aligned}") and latex.endswith("\\end{aligned}$$")
    assert latex.count("&=") == sum(len(ls) for _, _, ls in solve(str(VO))[0].sections())


_PIECES = ["0", "-1", "x1", "W1", "relu(x0)", "1e308", "[1, 2]", "sigmoid", ")", "dl/dW1",
           "show", "claim", "loss l = x1", "0.1234"]


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_a_mangled_worked_example_gives_a_solution_or_a_clear_error(data):
    """Lines dropped, repeated, cut or with a token replaced: solve and all its formats
    either work or raise SolveError (FILE:LINE: …), nothing else."""
    texts = [p.read_text() for p in bundled_examples()]
    lines = data.draw(st.sampled_from(texts)).splitlines()
    for _ in range(data.draw(st.integers(1, 3))):
        k = data.draw(st.integers(0, len(lines) - 1))
        how = data.draw(st.sampled_from(["drop", "repeat", "cut", "token"]))
        if how == "drop" and len(lines) > 1:
            del lines[k]
        elif how == "repeat":
            lines.insert(k, lines[data.draw(st.integers(0, len(lines) - 1))])
        elif how == "cut":
            lines[k] = lines[k][:data.draw(st.integers(0, len(lines[k])))]
        else:
            toks = lines[k].split(" ")
            toks[data.draw(st.integers(0, len(toks) - 1))] = data.draw(st.sampled_from(_PIECES))
            lines[k] = " ".join(toks)
    try:
        sols = solve("\n".join(lines) + "\n")
    except SolveError as e:
        assert str(e).startswith("<text>")
        return
    for s in (sols if isinstance(sols, list) else [sols]):
        s.to_text(), s.to_markdown(), s.to_latex(), s.to_html()


def test_layers_are_written_as_the_lecture_writes_back_propagation():
    """Vo's and Allauzen's networks: δ⁽ˡ⁾ = f′(z⁽ˡ⁾) ∘ (W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾), ∂l/∂W⁽ˡ⁾ = δ⁽ˡ⁾ x⁽ˡ⁻¹⁾ᵀ,
    ∂l/∂b⁽ˡ⁾ = δ⁽ˡ⁾, and a one-number δ shown as its factors."""
    from autograd_core.solve.expr import text

    vo = solve(str(VO))[0]

    def written(key):
        ln = next(x for x in vo.backward if x.quantity == key)
        return [text(ln.lhs), *(text(s) for s in ln.stages)]

    assert written("z1")[:4] == ["δ⁽¹⁾", "∂l/∂z⁽¹⁾", "σ′(z⁽¹⁾) ∘ ∂l/∂x⁽¹⁾",
                                 "σ′(z⁽¹⁾) ∘ (W⁽²⁾ᵀ δ⁽²⁾)"]
    assert written("W1")[:2] == ["∂l/∂W⁽¹⁾", "δ⁽¹⁾ x⁽⁰⁾ᵀ"]
    assert written("b1")[:2] == ["∂l/∂b⁽¹⁾", "δ⁽¹⁾"]
    assert written("x0")[:2] == ["∂l/∂x⁽⁰⁾", "W⁽¹⁾ᵀ δ⁽¹⁾"]
    assert written("W2")[:3] == ["∂l/∂W⁽²⁾", "δ⁽²⁾ x⁽¹⁾ᵀ", "∂l/∂x⁽²⁾·σ′(z⁽²⁾)·x⁽¹⁾ᵀ"]
    assert written("b2")[:3] == ["∂l/∂b⁽²⁾", "δ⁽²⁾", "∂l/∂x⁽²⁾·σ′(z⁽²⁾)"]
    assert [ln.quantity for ln in vo.backward] == ["x2", "z2", "W2", "b2", "x1", "z1", "W1",
                                                   "b1", "x0"]
    allauzen = next(p for p in bundled_examples() if p.name.startswith("04_"))
    ex2 = solve(str(allauzen))[1]
    (d1,) = [x for x in ex2.backward if x.quantity == "a1"]
    assert text(d1.stages[2]) == "tanh′(a⁽¹⁾) ∘ (W⁽²⁾ᵀ δ⁽²⁾)"
