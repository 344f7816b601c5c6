"""Where real files stumbled: node-indexed weights, fractions, more functions, column vectors,
claims of the wrong shape, tabs, mistyped keywords; bad files and the exit codes. Numbers are
checked against torch float64 and exact fractions."""

from __future__ import annotations

from fractions import Fraction

import pytest
import torch

from autograd_core.cli import main
from autograd_core.verify import VerifyError, check_text

D = torch.float64


def t(x):
    return torch.tensor(x, dtype=D, requires_grad=True)


# ------------------------------------------------------------------ the format
def test_node_indexed_weights_as_slides_write_them():
    # Fromont's Exercise 2 with w(i,j) joining node i to node j (0: the bias)
    text = """input x1 = 1
input x2 = 1
param w(1,3) = 0.1
param w(2,3) = 0.3
param w(0,3) = 0.2
let a3 = w(0,3) + w(1,3)*x1 + w(2,3)*x2
loss s3 = sigmoid(a3)
claim a3 = 0.6
claim ds3/dw(1,3) = 0.2288
claim ∂s3/∂w(0, 3) = 0.2288
show ds3/dw(2,3)
"""
    (ex,) = check_text(text)
    w13, w23, w03 = t(0.1), t(0.3), t(0.2)
    s3 = torch.sigmoid(w03 + w13 + w23)
    s3.backward()
    assert [c.name for c in ex.claims] == ["a3", "ds3/dw(1,3)", "ds3/dw(0,3)"]
    assert ex.claims[1].computed == pytest.approx(float(w13.grad), abs=1e-15)
    assert ex.claims[2].computed == pytest.approx(float(w03.grad), abs=1e-15)
    assert [c.status for c in ex.claims] == ["ok", "ok", "ok"]
    assert ex.shown[0].computed == pytest.approx(float(w23.grad), abs=1e-15)


def test_claims_may_be_fractions():
    (ex,) = check_text("input u = 1\nconst y = 0.5\nloss E = 0.5*(u - y)^2\n"
                       "claim E = 1/8\nclaim dE/du = 1/2\nclaim E = -1/8\n")
    assert [c.status for c in ex.claims] == ["ok", "ok", "wrong"]
    assert ex.claims[2].diagnosis == "sign flipped"


FUNCTIONS = [
    ("softplus(x)", lambda x: torch.nn.functional.softplus(x), [-1.5, 0.0, 2.0]),
    ("max(x, 0.5)", lambda x: torch.maximum(x, torch.tensor(0.5, dtype=D)), [-1.5, 0.5, 2.0]),
    ("min(x, 0.5)", lambda x: torch.minimum(x, torch.tensor(0.5, dtype=D)), [-1.5, 0.5, 2.0]),
    ("max(x)", lambda x: x.max(), [-1.5, 0.25, 2.0]),
    ("min(x)", lambda x: x.min(), [-1.5, 0.25, 2.0]),
    ("bce(sigmoid(x), [1, 0, 1])",
     lambda x: torch.nn.functional.binary_cross_entropy(torch.sigmoid(x),
                                                        torch.tensor([1., 0., 1.], dtype=D)),
     [-1.5, 0.25, 2.0]),
    ("binary_cross_entropy(sigmoid(x[1]), 1)",
     lambda x: torch.nn.functional.binary_cross_entropy(torch.sigmoid(x[0]),
                                                        torch.tensor(1., dtype=D)),
     [-1.5, 0.25, 2.0]),
    ("cross_entropy(x, 2)",
     lambda x: torch.nn.functional.cross_entropy(x[None], torch.tensor([1])), [-2.0, 3.0, 1.0]),
    ("softmax_cross_entropy(x, [0, 1, 0])",
     lambda x: torch.nn.functional.cross_entropy(x[None], torch.tensor([[0., 1., 0.]],
                                                                        dtype=D)),
     [-2.0, 3.0, 1.0]),
]


@pytest.mark.parametrize("formula, torch_f, x", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_more_functions_match_torch(formula, torch_f, x):
    xs = t(x)
    out = torch_f(xs)
    if out.dim():
        out = out.sum()
    out.backward()
    text = f"input x = {x}\nloss l = sum({formula})\nshow l\nshow dl/dx\n"
    (ex,) = check_text(text)
    assert ex.shown[0].computed == pytest.approx(out.detach().item(), abs=1e-12)
    assert ex.shown[1].computed == pytest.approx(xs.grad.tolist(), abs=1e-12)


def test_a_column_vector_is_a_layer_input():
    col = check_text("input x = [[0.05], [0.10]]\nparam W = [[0.15, 0.20], [0.25, 0.30]]\n"
                     "layer h: W, sigmoid from x\nshow h\n")[0]
    row = check_text("input x = [0.05, 0.10]\nparam W = [[0.15, 0.20], [0.25, 0.30]]\n"
                     "layer h: W, sigmoid from x\nshow h\n")[0]
    expected = torch.sigmoid(torch.tensor([[0.15, 0.20], [0.25, 0.30]], dtype=D)
                             @ torch.tensor([0.05, 0.10], dtype=D))
    assert col.shown[0].computed == row.shown[0].computed == pytest.approx(expected.tolist())
    with pytest.raises(VerifyError, match="a matrix input is read as a batch, one sample per "
                                          "row"):
        check_text("input x = [[0.05, 0.1, 0.2]]\nparam W = [[0.15, 0.20], [0.25, 0.30]]\n"
                   "layer h: W, sigmoid from x\nshow h\n")


def test_a_claim_of_the_wrong_shape_is_one_wrong_claim():
    (ex,) = check_text("input x = [1, 2]\nparam W = [[1, 2]]\nlet h = W @ x\nclaim x = 1\n"
                       "claim dh/dW = [1, 2, 3]\nclaim h = 5\n")
    assert [c.status for c in ex.claims] == ["wrong", "wrong", "ok"]
    assert ex.claims[0].diagnosis == "shape: 1 is a scalar but x is a vector of 2"
    assert ex.claims[1].diagnosis == ("shape: [1, 2, 3] is a vector of 3 but dh/dW is a 1×2 "
                                      "matrix")
    assert ex.claims[1].computed == [[1.0, 2.0]]


def test_tabs_after_every_keyword():
    (ex,) = check_text("example\tone\nnote\tby hand\ninput\tx = 2\nclaim\tx = 2\n")
    assert ex.name == "one" and ex.notes == ["by hand"] and ex.claims[0].status == "ok"


def test_one_claim_is_singular():
    report = check_text("input x = 2\nclaim x = 2\n")
    assert report[0].summary() == "1 claim: 1 ok, 0 truncated, 0 wrong"
    assert report.summary() == "1 example, 1 claim: 1 ok, 0 truncated, 0 wrong; 0 warnings"


@pytest.mark.parametrize("line, word, suggestion", [
    ("parm w = 3", "parm", "param"), ("los l = w", "los", "loss"),
    ("clam w = 3", "clam", "claim"), ("shwo w", "shwo", "show"), ("lett y = w", "lett", "let"),
])
def test_a_mistyped_keyword_is_not_a_claim(line, word, suggestion):
    with pytest.raises(VerifyError) as info:
        check_text(f"param v = 1\n{line}\n")
    assert info.value.message == f"unknown statement {word!r} (did you mean {suggestion!r}?)"
    assert (info.value.line, info.value.column) == (2, 1)


# ------------------------------------------------------------------ bad files
BAD = [
    (b"\x7fELF\x02\x01\x01\x00\x00\x00", "a binary file, not text: a NUL byte at offset 7"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text: byte 0x89 at offset 0 (line 1, column 1)"),
    ("input x = 1\n".encode("utf-16"), "the file is UTF-16"),
    ("example a\nnote café\ninput x = 1\nclaim x = 1\n".encode("latin-1"),
     "not UTF-8 text: byte 0xe9 at offset 18 (line 2, column 9)"),
]


@pytest.mark.parametrize("data, message", BAD, ids=["elf", "png", "utf16", "latin1"])
def test_bad_bytes_give_a_clear_error_and_exit_2(data, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.worked").write_bytes(data)
    assert main(["verify", "bad.worked"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("backprop verify: bad.worked") and message in err
    assert "Traceback" not in err


def test_a_directory_is_a_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "course").mkdir()
    assert main(["verify", "course"]) == 2
    assert capsys.readouterr().err == ("backprop verify: course: is a directory, not a "
                                       "worked-example file\n")
    assert main(["verify", "absent.worked"]) == 2
    assert capsys.readouterr().err == "backprop verify: absent.worked: no such file\n"


def test_exit_codes(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "right.worked").write_text("input x = 2\nloss l = x^2\nclaim dl/dx = 4\n")
    (tmp_path / "slip.worked").write_text("input x = 2\nloss l = x^2\nclaim dl/dx = -4\n")
    (tmp_path / "broken.worked").write_text("input x = 2\nloss l = x^\n")
    assert main(["verify", "right.worked"]) == 0
    assert main(["verify", "--strict", "right.worked"]) == 0
    assert main(["verify", "slip.worked"]) == 0
    assert main(["verify", "--strict", "slip.worked"]) == 1
    assert main(["verify", "--strict", "right.worked", "broken.worked"]) == 2
    assert "broken.worked:2:" in capsys.readouterr().err


def test_exact_decimals_through_a_formula():
    # s = w·x − 0.35 with w = 0.5, x = 0.7: exactly 0 on paper; ∂s/∂w = x = 7/10
    (ex,) = check_text("input x = 0.7\nparam w = 0.5\nloss s = w*x - 0.35\nclaim s = 0\n"
                       "claim ds/dw = 7/10\nclaim ds/dx = 1/2\n")
    assert [c.status for c in ex.claims] == ["ok", "ok", "ok"]
    assert Fraction("0.5") * Fraction("0.7") - Fraction("0.35") == 0
