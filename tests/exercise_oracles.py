"""Independent truth for the exercise tests: the bundled exercises computed with torch float64
(the MLPs) and exact fractions (the perceptron), from the numbers a variant's sheet gives.

Nothing here calls the library's engine or checker: the given numbers are read back from a
variant's ``given`` lines with ``ast.literal_eval``, and every asked quantity is computed by
hand-written formulas and torch's autograd.
"""

from __future__ import annotations

import ast
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path

import torch

F64 = torch.float64
EXERCISES = Path(__file__).resolve().parent.parent / "autograd_core" / "examples" / "exercises"
VO = EXERCISES / "vo_mlp.worked"
FROMONT = EXERCISES / "fromont.worked"


def given_numbers(lines: list[str]) -> dict[str, object]:
    """``param W1 = [[…], …]`` (over several lines) → {"W1": [[…], …]} as Python numbers."""
    out: dict[str, object] = {}
    statements: list[str] = []
    for line in lines:
        if line.split(None, 1)[0] in ("input", "param", "const"):
            statements.append(line)
        else:
            statements[-1] += " " + line.strip()
    for st in statements:
        head, _, literal = st.partition("=")
        name = head.split()[1]
        out[name] = ast.literal_eval(literal.strip())
    return out


def given_texts(lines: list[str]) -> dict[str, list[str]]:
    """The numbers of each given statement, as written (for the decimals)."""
    import re

    out: dict[str, list[str]] = {}
    name = ""
    for line in lines:
        words = line.split()
        if words and words[0] in ("input", "param", "const"):
            name = words[1]
            line = line.partition("=")[2]
            out[name] = []
        out[name] += re.findall(r"-?\d+(?:\.\d+)?", line)
    return out


def t(x: object) -> torch.Tensor:
    return torch.tensor(x, dtype=F64, requires_grad=True)


def flat(x: torch.Tensor | float) -> list[float]:
    if isinstance(x, torch.Tensor):
        return [float(v) for v in x.detach().reshape(-1)]
    return [float(x)]


def vo(g: dict[str, object], activation: str) -> dict[str, list[float]]:
    """Vo's 2-3-1 network: every quantity the exercise asks, by torch float64."""
    act = torch.sigmoid if activation == "sigmoid" else torch.relu
    x0, W1, b1, W2 = t(g["x0"]), t(g["W1"]), t(g["b1"]), t(g["W2"])
    b2 = t(g["b2"])
    z1 = W1 @ x0 + b1
    x1 = act(z1)
    z2 = W2 @ x1 + b2
    x2 = act(z2)
    if activation == "sigmoid":
        y = float(g["y'"])  # type: ignore[arg-type]
        loss = y * torch.log(x2) + (1 - y) * torch.log(1 - x2)
    else:
        loss = torch.log(x2)
    out: dict[str, list[float]] = {"z1": flat(z1), "x1": flat(x1), "x2": flat(x2), "z2": flat(z2)}
    inter = [x2, x1, x0, W2, b2, W1, b1]
    for v in (x1, x2):
        v.retain_grad()
    grads = torch.autograd.grad(loss.sum(), inter, retain_graph=True)
    for name, gr in zip(["dl/dx2", "dl/dx1", "dl/dx0", "dl/dW2", "dl/db2", "dl/dW1", "dl/db1"],
                        grads, strict=True):
        out[name] = flat(gr)
    out["dx2/dx1"] = flat(torch.autograd.grad(x2.sum(), x1, retain_graph=True)[0])
    jac = torch.stack([torch.autograd.grad(x1[i], x0, retain_graph=True)[0] for i in range(3)])
    out["dx1/dx0"] = flat(jac)
    return out


def fromont_exercise2(g: dict[str, object]) -> dict[str, list[float]]:
    """Fromont's Exercise 2 (2-2-1 sigmoid, E = ½(u − y)², one step with rate c), by torch."""
    x, W1, b1, W2, b2 = t(g["x"]), t(g["W1"]), t(g["b1"]), t(g["W2"]), t(g["b2"])
    y, c = float(g["y"]), float(g["c"])  # type: ignore[arg-type]
    ha = W1 @ x + b1
    h = torch.sigmoid(ha)
    ua = W2 @ h + b2
    u = torch.sigmoid(ua)
    E = 0.5 * ((u - y) ** 2).sum()
    gW1, gb1, gW2, gb2, gua, gha = torch.autograd.grad(E, [W1, b1, W2, b2, ua, ha])
    with torch.no_grad():
        nW1, nb1, nW2, nb2 = W1 - c * gW1, b1 - c * gb1, W2 - c * gW2, b2 - c * gb2
        u_new = torch.sigmoid(nW2 @ torch.sigmoid(nW1 @ x + nb1) + nb2)
        E_new = 0.5 * ((u_new - y) ** 2).sum()
    return {"h": flat(h), "u": flat(u), "E": flat(E), "dE/du.a": flat(gua),
            "dE/dh.a": flat(gha), "W1_new": flat(nW1), "b1_new": flat(nb1),
            "W2_new": flat(nW2), "b2_new": flat(nb2), "u_new": flat(u_new),
            "E_new": flat(E_new), "grad(E, W1)": flat(gW1), "grad(E, b1)": flat(gb1),
            "grad(E, W2)": flat(gW2), "grad(E, b2)": flat(gb2)}


def perceptron_update(texts: dict[str, list[str]]) -> dict[str, list[Fraction]]:
    """One step of Rosenblatt's rule in exact fractions: s = w·x, u = [s > 0],
    w' = w + (y − u) x, and again = [w'·x > 0]."""
    w = [Fraction(v) for v in texts["w"]]
    x = [Fraction(v) for v in texts["X"]]
    (y,) = [Fraction(v) for v in texts["Y"]]
    s = sum((a * b for a, b in zip(w, x, strict=True)), Fraction(0))
    u = Fraction(1 if s > 0 else 0)
    w1 = [a + (y - u) * b for a, b in zip(w, x, strict=True)]
    again_sum = sum((a * b for a, b in zip(w1, x, strict=True)), Fraction(0))
    return {"sum.1": [s], "u.1": [u], "w.1": w1, "again": [Fraction(int(again_sum > 0))],
            "again_sum": [again_sum]}


def rounded(x: float | Fraction, k: int) -> Decimal:
    """x correctly rounded to k decimals (exact for fractions)."""
    if isinstance(x, Fraction):
        d = Decimal(x.numerator) / Decimal(x.denominator)
    else:
        d = Decimal(x)
    return d.quantize(Decimal(1).scaleb(-k), rounding=ROUND_HALF_EVEN)


def literal(values: list[float], shape: tuple[int, ...], k: int = 4, fmt=None) -> str:
    """Numbers written as an answer: ``x``, ``[a, b]`` or ``[[a, b], [c, d]]``, each number
    correctly rounded to k decimals (or written by ``fmt``)."""
    texts = [fmt(x) if fmt else str(rounded(x, k)) for x in values]
    if not shape:
        return texts[0]
    if len(shape) == 1:
        return "[" + ", ".join(texts) + "]"
    r, c = shape
    return "[" + ", ".join("[" + ", ".join(texts[i * c:(i + 1) * c]) + "]" for i in range(r)) + "]"
