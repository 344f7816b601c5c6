"""Each status and each diagnosis is produced by a crafted claim, and only there.

The crafted claims are the true value (closed forms in plain Python, not the library) with
one slip applied; every claim's diagnosis is classified and compared with the one slip.
"""

from __future__ import annotations

import math

import pytest

from autograd_core.verify import check_text
from autograd_core.verify.diagnose import NO_SINGLE_SLIP


def sig(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


def kinds(diagnosis: str | None) -> set[str]:
    """The slips a diagnosis names (several when it says "either … ; or …")."""
    if diagnosis is None:
        return set()
    text = diagnosis.removeprefix("either ")
    if text.startswith("entr") and ": " in text:  # "entries 2, 3: sign flipped"
        text = text.split(": ", 1)[1]
    out = set()
    for part in text.split("; or "):
        for prefix, kind in (("sign flipped", "sign"), ("off by a factor", "factor"),
                             ("off by the batch size", "batch"),
                             ("missing upstream factor", "upstream"),
                             ("the activation's derivative", "activation"),
                             ("transposed matrix", "transposed"), ("index mix-up", "index"),
                             ("row mix-up", "index"), ("the part of", "term"),
                             ("truncated, not rounded", "truncated")):
            if part.startswith(prefix):
                out.add(kind)
                break
        else:
            assert NO_SINGLE_SLIP in part, part
            out.add("none")
    return out


def f6(x: float) -> str:
    return f"{x:.6f}"


# ------------------------------------------------------------------ a scalar chain
# a = w·x, h = σ(a), l = h²:   dl/dw = 2h · σ'(a) · x
X, W = 1.5, 0.8
A = W * X
H = sig(A)
TRUE = 2 * H * H * (1 - H) * X
LOCAL = H * (1 - H) * X  # ∂h/∂w: the upstream factor 2h left out
POST = 2 * H * sig(H) * (1 - sig(H)) * X  # σ' taken at the output h
PRE = 2 * H * A * (1 - A) * X  # h(1 − h) written with the pre-activation a
SKIP = 2 * H * X  # σ' forgotten

CHAIN = f"""
example chain
input x = {X}
param w = {W}
let   a = w * x
let   h = sigmoid(a)
loss  l = h^2
"""

CASES = [  # (claim line, status, slips named)
    (f"claim dl/dw = {f6(TRUE)}", "ok", set()),
    (f"claim h = {math.floor(H * 1000) / 1000:.3f}", "truncated", {"truncated"}),
    (f"claim h = {round(H, 3):.3f}", "ok", set()),
    (f"claim dl/dw = {f6(-TRUE)}", "wrong", {"sign"}),
    (f"claim dl/dw = {f6(2 * TRUE)}", "wrong", {"factor"}),
    (f"claim dl/dw = {f6(TRUE / 2)}", "wrong", {"factor"}),
    (f"claim dl/dw = {f6(LOCAL)}", "wrong", {"upstream"}),
    (f"claim dl/dw = {f6(POST)}", "wrong", {"activation"}),
    (f"claim dl/dw = {f6(PRE)}", "wrong", {"activation"}),
    (f"claim dl/dw = {f6(SKIP)}", "wrong", {"activation"}),
    (f"claim dl/dw = {f6(TRUE + 0.1)}", "wrong", {"none"}),
]


@pytest.mark.parametrize("line, expected_status, slips", CASES, ids=[c[0] for c in CASES])
def test_chain_claims(line, expected_status, slips):
    (ex,) = check_text(CHAIN + line)
    (c,) = ex.claims
    assert c.status == expected_status
    assert kinds(c.diagnosis) == slips, c.diagnosis


def test_the_slips_are_distinct_numbers():
    """The crafted numbers would be ambiguous if two slips gave the same 6 decimals."""
    vals = [TRUE, -TRUE, 2 * TRUE, TRUE / 2, LOCAL, POST, PRE, SKIP, TRUE + 0.1]
    assert len({f6(v) for v in vals}) == len(vals)


def test_upstream_diagnosis_names_the_local_derivative_and_the_factor():
    (ex,) = check_text(CHAIN + f"claim dl/dw = {f6(LOCAL)}")
    d = ex.claims[0].diagnosis
    assert "∂h/∂w" in d and f"∂l/∂h = {round(2 * H, 4)}" in d


def test_activation_variants_are_told_apart():
    (ex,) = check_text(CHAIN + f"claim dl/dw = {f6(POST)}\nclaim dl/dw = {f6(PRE)}\n"
                       f"claim dl/dw = {f6(SKIP)}")
    post, pre, skip = (c.diagnosis for c in ex.claims)
    assert "at its output instead of its input" in post
    assert "pre-activation in the output formula" in pre
    assert skip == "the activation's derivative left out (σ′ taken as 1)"


# ------------------------------------------------------------------ the batch size m
@pytest.mark.parametrize("factor, phrase", [(4, "multiplied by m = 4"), (0.25, "divided by m = 4")])
def test_batch_size_factor(factor, phrase):
    (ex,) = check_text(CHAIN + f"batch 4\nclaim dl/dw = {f6(factor * TRUE)}")
    c = ex.claims[0]
    assert c.status == "wrong" and kinds(c.diagnosis) == {"batch"} and phrase in c.diagnosis


def test_without_a_batch_size_a_factor_4_is_no_single_slip():
    (ex,) = check_text(CHAIN + f"claim dl/dw = {f6(4 * TRUE)}")
    assert kinds(ex.claims[0].diagnosis) == {"none"}


# ------------------------------------------------------------------ vectors and matrices
# l = v · (W x) + penalty:  dl/dW = v xᵀ (+ ∂penalty/∂W),  dl/dx = Wᵀ v
LINEAR = """
example linear
input x = [0.5, -1, 2]
param W = [[1, 2, 3], [4, 5, 6]]
const v = [1, -2]
let   y = W @ x
let   data = dot(v, y)
"""
GRAD_W = [[0.5, -1.0, 2.0], [-1.0, 2.0, -4.0]]  # v xᵀ
GRAD_X = [1 - 8, 2 - 10, 3 - 12]  # Wᵀ v


def lit(m) -> str:
    if isinstance(m, list):
        return "[" + ", ".join(lit(x) for x in m) + "]"
    return f"{m:g}"


MATRIX_CASES = [
    (f"claim ddata/dW = {lit(GRAD_W)}", "ok", set()),
    ("claim ddata/dW = " + lit([list(r) for r in zip(*GRAD_W, strict=True)]), "wrong",
     {"transposed"}),
    (f"claim ddata/dW = {lit([GRAD_W[1], GRAD_W[0]])}", "wrong", {"index"}),
    ("claim ddata/dW = " + lit([[r[2], r[1], r[0]] for r in GRAD_W]), "wrong", {"index"}),
    (f"claim ddata/dx = {lit(GRAD_X)}", "ok", set()),
    (f"claim ddata/dx = {lit([GRAD_X[1], GRAD_X[0], GRAD_X[2]])}", "wrong", {"index"}),
    (f"claim ddata/dx = {lit([GRAD_X[0], -GRAD_X[1], GRAD_X[2]])}", "wrong", {"sign"}),
    (f"claim ddata/dx = {lit([GRAD_X[0], GRAD_X[1] + 3, GRAD_X[2]])}", "wrong", {"none"}),
    ("claim ddata/dW[2,1] = -4", "wrong", {"index"}),
    ("claim x[2] = 2", "wrong", {"index"}),
    ("claim y = [4.5, 9]", "ok", set()),
]


@pytest.mark.parametrize("line, expected_status, slips", MATRIX_CASES,
                         ids=[c[0] for c in MATRIX_CASES])
def test_matrix_claims(line, expected_status, slips):
    (ex,) = check_text(LINEAR + line)
    (c,) = ex.claims
    assert c.status == expected_status
    assert kinds(c.diagnosis) == slips, c.diagnosis


def test_mix_up_diagnoses_say_where():
    (ex,) = check_text(LINEAR + "\n".join(line for line, *_ in MATRIX_CASES))
    d = {c.claimed_text: c.diagnosis for c in ex.claims}
    assert d["[[0.5, -1], [-1, 2], [2, -4]]"] == "transposed matrix: the true value is a 2×3 matrix"
    assert d["[[-1, 2, -4], [0.5, -1, 2]]"] == "row mix-up: rows 1 and 2 swapped"
    assert d["[[2, -1, 0.5], [-4, 2, -1]]"] == "index mix-up: columns 1 and 3 swapped"
    assert d["[-8, -7, -9]"] == "index mix-up: entries 1 and 2 swapped"
    assert d["[-7, 8, -9]"] == "entry 2: sign flipped; the rest ok"
    assert d["[-7, -5, -9]"] == f"entry 2 wrong; {NO_SINGLE_SLIP}; the rest ok"
    assert d["-4"] == "index mix-up: this is ∂data/∂W[2,3]"
    assert d["2"] == "index mix-up: this is the value of x[3]"


def test_square_matrix_transposed():
    text = """
    input x = [3, 5]
    param W = [[1, 2], [3, 4]]
    const v = [1, -2]
    loss  l = dot(v, W @ x)
    claim dl/dW = [[3, -6], [5, -10]]
    claim dl/dW = [[3, 5], [-6, -10]]
    """
    (ex,) = check_text(text)
    assert [(c.status, kinds(c.diagnosis)) for c in ex.claims] == [
        ("wrong", {"transposed"}), ("ok", set())]


def test_symmetric_gradient_is_never_called_transposed():
    text = """
    input x = [1, 1]
    param W = [[1, 2], [3, 4]]
    const v = [1, 1]
    loss  l = dot(v, W @ x)
    claim dl/dW = [[1, 1], [1, 2]]
    """
    (ex,) = check_text(text)
    assert ex.claims[0].status == "wrong" and "transposed" not in ex.claims[0].diagnosis


# ------------------------------------------------------------------ one loss term
PENALISED = LINEAR + """
let   penalty = 0.05 * sum(W^2)
loss  l = data + penalty
"""


def with_penalty(k: float) -> str:
    """dl/dW with the penalty's part 2·0.05·W multiplied by k."""
    Wm = [[1, 2, 3], [4, 5, 6]]
    rows = [[g + k * 0.1 * w for g, w in zip(gr, wr, strict=True)]
            for gr, wr in zip(GRAD_W, Wm, strict=True)]
    return "[" + ", ".join("[" + ", ".join(f"{x:.3f}" for x in r) + "]" for r in rows) + "]"


@pytest.mark.parametrize("k, phrase", [(0.5, "is off by a factor ½"), (0, "is missing"),
                                       (-1, "has its sign flipped"), (2, "is off by a factor 2")])
def test_a_loss_term_off_by_a_factor(k, phrase):
    (ex,) = check_text(PENALISED + f"claim dl/dW = {with_penalty(k)}")
    c = ex.claims[0]
    assert c.status == "wrong" and kinds(c.diagnosis) == {"term"}, c.diagnosis
    assert c.diagnosis.startswith(f"the part of ∂penalty/∂W {phrase}")


def test_the_whole_penalised_gradient_is_ok():
    (ex,) = check_text(PENALISED + f"claim dl/dW = {with_penalty(1)}")
    assert ex.claims[0].status == "ok" and ex.claims[0].diagnosis is None


# ------------------------------------------------------------------ kinks
@pytest.mark.parametrize("formula, warns", [
    ("relu(x)", True), ("relu(x + 0.5)", False), ("step(x)", True), ("abs(x)", True),
    ("leaky_relu(x, 0.1)", True), ("leaky_relu(x - 1)", False), ("sigmoid(x)", False)])
def test_kink_warning_only_at_the_kink(formula, warns):
    (ex,) = check_text(f"input x = 0\nlet y = {formula}\nshow dy/dx\n")
    assert bool(ex.warnings) == warns, ex.warnings
    if warns:
        assert ex.warnings[0].startswith("y = ")
        assert "convention" in ex.warnings[0]


def test_a_kink_inside_a_formula_is_named_by_its_quantity():
    (ex,) = check_text("input x = 0\nloss l = 2 * relu(x)\nclaim dl/dx = 0\n")
    assert ex.warnings == [
        "a relu node inside l = relu(0): relu is evaluated at its kink, where it has no "
        "derivative; gradients through it depend on the subgradient convention (relu'(0) = 0 "
        "here, as in PyTorch)"]


def test_big_quantities_keep_diagnoses_short():
    """l = sum(W @ x): ∂l/∂W[i,j] = x_j and ∂l/∂x = column sums of W, by hand."""
    n = 30
    x = [0.1 if j % 2 == 0 else 0.3 for j in range(n)]
    W = [[1] * n for _ in range(n)]
    head = f"input x = {x}\nparam W = {W}\nloss l = sum(W @ x)\n"
    # ∂l/∂W[1,1] = 0.1; 0.3 is the value of the 450 entries ∂l/∂W[i, even j]
    (ex,) = check_text(head + "claim dl/dW[1,1] = 0.3\n")
    d = ex.claims[0].diagnosis
    assert d.startswith("either index mix-up: this is ∂l/∂W[1,2]; or index mix-up: this is "
                        "∂l/∂W[1,4]; or index mix-up: this is ∂l/∂W[1,6]; or ")
    assert d.endswith(" other slips (write more decimals to tell)")
    # ∂l/∂x = [30, 30, …] (W is all ones): 29 of 30 entries wrong
    (ex,) = check_text(head + f"claim dl/dx = {[30] + [31] * (n - 1)}\n")
    assert ex.claims[0].diagnosis == (
        f"entries 2, 3, 4, 5, 6, 7, 8, 9, … (29 of 30) wrong; {NO_SINGLE_SLIP}; the rest ok")


@pytest.mark.parametrize(("claimed", "true", "shown"), [
    ("1", sig(10.0), "0.99995"),       # σ(10) = 0.9999546: rounds to 1
    ("0", -0.3, "-0.3000"),            # rounds to 0 (not a relu: a plain number)
    ("-4", -4.4, "-4.4000"),
])
def test_an_integer_that_is_only_the_true_value_rounded_says_so(claimed, true, shown):
    """An integer claims an exact value (issue 12): the diagnosis says why it is wrong, shows
    digits that tell the two apart, and how to claim a rounded value instead."""
    formula = "sigmoid(x)" if claimed == "1" else f"x * {true / 10}"
    (ex,) = check_text(f"input x = 10\nlet y = {formula}\nclaim y = {claimed}\n"
                       f"claim y = {claimed} with decimals 0\n")
    wrong, rounded_ok = ex.claims
    assert wrong.status == "wrong" and rounded_ok.status == "ok"
    assert wrong.computed == pytest.approx(true, rel=1e-12)
    assert wrong.diagnosis.startswith("an integer claims the exact value, and the true value "
                                      f"{shown} only rounds to {claimed}: write the digits")
    assert "--decimals 0" in wrong.diagnosis and wrong.computed_text == shown


def test_an_integer_far_from_the_true_value_is_not_called_rounded():
    (ex,) = check_text("input x = 10\nlet y = sigmoid(x)\nclaim y = 2\nclaim y = 3\n")
    assert [c.diagnosis for c in ex.claims] == [NO_SINGLE_SLIP, NO_SINGLE_SLIP]


def test_integer_entries_of_a_vector_rounded_are_told_entry_by_entry():
    (ex,) = check_text("input x = 10\nlet v = [sigmoid(x), 2.4, 0.5]\nclaim v = [1, 2, 0.5]\n"
                       "claim v = [1, 3, 0.5]\n")
    both, one = ex.claims
    assert both.diagnosis.startswith("an integer claims the exact value, and the true values "
                                     "0.99995, 2.4000 only round to 1, 2")
    assert one.diagnosis.startswith("entry 1: an integer claims the exact value, and the true "
                                    "value only rounds to it; entry 2: ")
