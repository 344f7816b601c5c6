"""Error carried forward and the new diagnoses, on worked examples written as a student or a
teacher would. Every number a file claims is recomputed here with torch float64 (the slip
made on purpose), never read from the library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from autograd_core.cli import main
from autograd_core.verify import check, check_text

D = torch.float64
WORKED = Path(__file__).resolve().parent / "worked"


def r4(x) -> list[float]:
    return [round(float(v), 4) for v in torch.as_tensor(x).reshape(-1)]


def claimed(ex, name) -> list[float]:
    c = ex[name].claimed
    flat = c if isinstance(c, list) else [c]
    return [v for row in flat for v in (row if isinstance(row, list) else [row])]


# ------------------------------------------------------------------ a root slip, carried
def vo_from(g2: float) -> dict[str, list[float]]:
    """Vo's network back-propagated by hand from a given dl/dx2 (torch, float64)."""
    x0 = torch.tensor([0.5, -0.5], dtype=D)
    W1 = torch.tensor([[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]], dtype=D)
    b1 = torch.tensor([-1.5, -1.3, 2.0], dtype=D)
    W2 = torch.tensor([[-1.5, 0.2, 0.5]], dtype=D)
    x1 = torch.sigmoid(W1 @ x0 + b1)
    x2 = torch.sigmoid(W2 @ x1 + 1.0)
    db2 = g2 * x2 * (1 - x2)
    dx1 = db2 * W2[0]
    db1 = dx1 * x1 * (1 - x1)
    return {"dl/db2": r4(db2), "dl/dW2": r4(db2 * x1), "dl/dx1": r4(dx1), "dl/db1": r4(db1),
            "dl/dW1": r4(torch.outer(db1, x0)), "true dl/dx2": [float(1 / x2)]}


def test_one_root_slip_and_the_claims_carried_from_it():
    (ex,) = check(WORKED / "vo_student_slip.worked")
    slipped, true = vo_from(1.47), vo_from(float(vo_from(1.0)["true dl/dx2"][0]))
    carried = ["dl/db2", "dl/dW2", "dl/dx1", "dl/db1", "dl/dW1"]
    for name in carried:
        assert claimed(ex, name) == slipped[name], name  # the file is what the slip gives
        assert claimed(ex, name) != true[name], name     # and it is not the truth
        c = ex[name]
        assert (c.status, c.follows_from) == ("wrong", ["dl/dx2"]), (name, c.diagnosis)
        assert c.diagnosis.startswith("follows from the claimed dl/dx2 = 1.4700")
    root = ex["dl/dx2"]
    assert root.status == "wrong" and root.follows_from == []
    assert ex["x1"].follows_from == [] and ex["x2"].follows_from == []
    assert ex.summary() == "8 claims: 2 ok, 0 truncated, 6 wrong (5 carried forward)"


def test_json_carries_follows_from(capsys):
    assert main(["verify", "--format", "json", str(WORKED / "vo_student_slip.worked")]) == 0
    (ex,) = json.loads(capsys.readouterr().out)["examples"]
    by_name = {c["name"]: c for c in ex["claims"]}
    assert by_name["dl/dW1"]["follows_from"] == ["dl/dx2"]
    assert by_name["dl/dx2"]["follows_from"] == [] and by_name["x1"]["follows_from"] == []
    assert all(c["file"].endswith("vo_student_slip.worked") for c in ex["claims"])
    assert [c["line"] for c in ex["claims"]][:3] == [14, 15, 16]


def test_rounded_intermediates_are_not_errors():
    (ex,) = check(WORKED / "rounded_intermediates.worked")
    h = 0.67  # as printed; the exact h is 2/3
    assert round(10 * h**2, 2) == 4.49 and round(10 * (2 / 3) ** 2, 2) == 4.44
    assert round(20 * h, 1) == 13.4 and round(20 * (2 / 3), 1) == 13.3
    assert [(c.name, c.status, c.follows_from) for c in ex.claims] == [
        ("h", "ok", []), ("y", "ok", ["h"]), ("dy/dh", "ok", ["h"])]
    assert "computed from the claimed h = 0.67" in ex["y"].diagnosis


def test_no_circle_and_the_earliest_explanation():
    # g = h², y = 10·g: both printed from rounded values; y follows from h (nearer the start)
    (ex,) = check_text("input x = 2\nlet h = x/3\nlet g = h^2\nlet y = 10*g\nclaim h = 0.67\n"
                       "claim g = 0.4489\nclaim y = 4.489\n")
    assert round(0.67**2, 4) == 0.4489 and round(10 * 0.67**2, 3) == 4.489
    assert [(c.status, c.follows_from) for c in ex.claims] == [
        ("ok", []), ("ok", ["h"]), ("ok", ["h"])]


def test_a_second_slip_after_the_first_is_its_own_root():
    # dl/dx2 slipped to 1.47, dl/db2 from it, but dl/dW2 then with its sign flipped
    slipped = vo_from(1.47)
    text = (WORKED / "vo_student_slip.worked").read_text().replace(
        "claim dl/dW2 = [0.1592, 0.1021, 0.2880]",
        f"claim dl/dW2 = {[-v for v in slipped['dl/dW2']]}")
    (ex,) = check_text(text)
    assert ex["dl/db2"].follows_from == ["dl/dx2"]
    assert ex["dl/dW2"].follows_from == [] and ex["dl/dW2"].status == "wrong"


# ------------------------------------------------------------------ the new diagnoses
NEURON = """input x = [1, 2]
param w = [0.5, -0.3]
param b = 0.1
const y = 1
layer u: w, b, sigmoid from x pre a
loss E = 0.5 * (u - y)^2
"""


def neuron():
    x = torch.tensor([1.0, 2.0], dtype=D)
    w = torch.tensor([0.5, -0.3], dtype=D, requires_grad=True)
    a = w @ x + 0.1
    a.retain_grad()
    u = torch.sigmoid(a)
    u.retain_grad()
    E = 0.5 * (u - 1) ** 2
    E.backward()
    return x, w, a, u


def test_local_factors_dropped_the_gradient_at_the_output():
    x, w, a, u = neuron()
    (ex,) = check_text(NEURON + f"claim dE/dw = {r4([u.grad, u.grad])}\n"
                                f"claim dE/db = {r4(a.grad)}\nclaim dE/dw = {r4([a.grad] * 2)}\n")
    assert ex.claims[0].diagnosis == ("the local derivative ∂u/∂w left out: this is ∂E/∂u, "
                                      "the gradient at u")
    assert ex.claims[2].diagnosis == ("the local derivative ∂a/∂w left out: this is ∂E/∂a, "
                                      "the gradient at a")
    assert ex.claims[1].status == "ok"  # ∂E/∂b = ∂E/∂a: right, not a slip


def test_activation_derivative_left_out():
    x, w, a, u = neuron()
    (ex,) = check_text(NEURON + f"claim dE/dw = {r4((u - 1).detach() * x)}\n")
    assert ex.claims[0].diagnosis == "the activation's derivative left out (σ′ taken as 1)"


UPDATE = NEURON + "let w_new = w - 0.5 * grad(E, w)\n"


@pytest.mark.parametrize("slip, make, text", [
    ("flipped", lambda w, g: w + 0.5 * g,
     "the update's sign flipped: w + η·∂E/∂w instead of w − η·∂E/∂w"),
    ("rate", lambda w, g: w - g, "the update off by the learning rate: η left out (w − ∂E/∂w)"),
])
def test_update_slips(slip, make, text):
    x, w, a, u = neuron()
    wrong = make(w.detach(), w.grad)
    (ex,) = check_text(UPDATE + f"claim w_new = {r4(wrong)}\n"
                                f"claim w_new = {r4(w.detach() - 0.5 * w.grad)}\n")
    assert ex.claims[0].status == "wrong" and ex.claims[0].diagnosis == text
    assert ex.claims[1].status == "ok"


def test_a_partly_wrong_matrix_entry_by_entry():
    W = torch.tensor([[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]], dtype=D, requires_grad=True)
    x0 = torch.tensor([0.5, -0.5], dtype=D)
    l = torch.log(torch.sigmoid(torch.tensor([[-1.5, 0.2, 0.5]], dtype=D)
                                @ torch.sigmoid(W @ x0 + torch.tensor([-1.5, -1.3, 2.0], dtype=D))
                                + 1.0)).sum()
    l.backward()
    g = [[round(float(v), 4) for v in row] for row in W.grad]
    g[1][0], g[2][0] = -g[1][0], -g[2][0]       # (2,1) and (3,1): sign flipped
    g[0][1] = round(2 * float(W.grad[0][1]), 4)  # (1,2): doubled
    text = (WORKED / "vo_student_slip.worked").read_text().split("claim x1")[0]
    (ex,) = check_text(text + f"claim dl/dW1 = {g}\n")
    assert ex.claims[0].diagnosis == ("entries (2,1) and (3,1): sign flipped; entry (1,2): off "
                                      "by a factor 2; the rest ok")


def test_numbers_no_slip_explains_get_no_slip():
    (ex,) = check_text(UPDATE + "claim w_new = [0.1234, 0.9876]\nclaim dE/dw = [0.3, 0.7]\n")
    assert [c.diagnosis for c in ex.claims] == ["no single slip explains it"] * 2
