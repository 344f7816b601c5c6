"""Hypothesis mutations of text for the fuzz tests: a seed (a real worked example, a formula)
edited a few times by byte flips, deletions, duplications and insertions of what breaks
parsers (brackets, operators, keywords, huge numbers, deep nesting, non-UTF-8 bytes, odd
Unicode). The seeds make most mutants nearly valid, so they reach past the first error.

``examples(n)`` scales the number of examples (``FUZZ_SCALE``). ``run_cli(argv)`` runs
``backprop`` in this process as a shell would see it: arguments decoded from bytes like
``sys.argv`` (surrogateescape), stdout a strict UTF-8 pipe (as under en_US.UTF-8), stderr
with backslashreplace (Python's default); it returns the exit status and both texts, and
lets any exception other than SystemExit escape (a traceback).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from hypothesis import strategies as st

#: ``FUZZ_SCALE=20 pytest tests/test_fuzz_*.py`` runs 20 times the examples (a deep search on
#: a developer's machine; the suite's default keeps each fuzz test to a few seconds).
SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1") or 1))


def examples(n: int) -> int:
    """``n`` examples, times FUZZ_SCALE."""
    return n * SCALE

ROOT = Path(__file__).resolve().parent.parent
WORKED_SEEDS = [p.read_bytes() for p in sorted((ROOT / "autograd_core" / "examples").glob(
    "*.worked")) + sorted((ROOT / "tests" / "worked").glob("*.worked"))] + [
    b"input x = 2\nparam w = 3\nloss  l = (w*x - 1)^2\nclaim l = 25\nclaim dl/dw = -20\n",
    b"param w = [0, 1, -1]\nconst X = [[1, 0, 0], [1, 1, 1]]\nconst Y = [0, 1]\n"
    b"perceptron w: data X, labels Y, rate 0.5, steps 4\nclaim w.4 = [0, 1, -1]\n",
    ("input x = [1, 2]\nparam W = [[1, 2], [3, 4]]\nparam b = [0, 1]\n"
     "layer h: W, b, leaky_relu(0.1) from x pre z\nlet p = softmax(h)\nloss l = -log(p[1])\n"
     "let W2 = W - 0.5 * grad(l, W)\nbatch 2\nclaim dl/dW[1,2] = 0.5\nshow Wᵀ\n").encode(),
]
FORMULA_SEEDS = [
    "sigmoid(w*x + b)", "y = (w*x + b).sigmoid()", "leaky_relu(x - 1, 0.1)",
    "sum([x, w] * [b, x])", "x ^ 2 / w", "dot([x, w], [w, b])", "softmax([x, w, b])[1]",
    "logsumexp([x, w])", "tanh(x*x)", "sum(outer([x, w], [b, x]))", "mean([x, w, b])",
    "log_softmax([x, w])[2]", "sum([[x, w], [b, x]] @ [w, b])", "abs(x - w) + relu(b)",
    "exp(-x) / (1 + exp(-x))", "sqrt(x*x + 1) + log(b + 1)", "sin(x) * cos(w)", "z = x",
    "sum([[x, w], [b, x]]ᵀ @ [w, b])", "(x*w).leaky_relu(0.2) + step(b)",
]
SNIPPETS = [
    b"(", b")", b"[", b"]", b",", b".", b"=", b"+", b"-", b"*", b"/", b"^", b"**", b"@",
    "ᵀ".encode(), b"'", b"#", b":", b"\n", b"\r", b"\t", b" ",
    b"input ", b"param ", b"const ", b"let ", b"loss ", b"claim ", b"show ", b"layer ",
    b"perceptron ", b"batch ", b"example ", b"note ", b"data ", b"labels ", b"rate ", b"steps ",
    b"from ", b"pre ", b"count parameters", b" x ", b"grad(", b"sum(", b"softmax(", b"log(",
    b"sqrt(", b"leaky_relu(", b"exp(", b"dot(", b"outer(", b"transpose(", b".sigmoid()",
    b"relu", b"step", b"tanh", b"identity", b"dl/dw", b"d", b"x", b"w", b"[1]", b"[2, 1]",
    b"0", b"-0", b"1", b"2", b"0.5", b"(-8)", b"(1/3)", b"1e308", b"1e-320", b"1e999",
    b"nan", b"inf", b"1e-200", b"3e200", b"0." + b"0" * 40 + b"1", b"9" * 5000,
    b"99999999999", b"[" + b"9" * 5000 + b"]", b"0.0000",
    b"(" * 300, b")" * 300, b"[" * 1200, b"]" * 1200, b"x^" * 600, b"-" * 3000,
    b" + x" * 2000, b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\xef\xbb\xbf",
    "\u2028".encode(), "⁽¹⁾".encode(), "²".encode(), "…".encode(), "\udcff".encode(
        "utf-8", "surrogatepass"),
]

#: Balanced edits, which keep a formula readable more often: they reach evaluation with
#: hostile values instead of stopping at the first syntax error.
WRAPS = [
    (b"(", b")"), (b"sum(", b")"), (b"sin(", b")"), (b"cos(", b")"), (b"[", b"]"),
    (b"(" * 60, b")" * 60), (b"exp(", b")"), (b"log(", b")"), (b"sqrt(", b")"), (b"-(", b")"),
    (b"(", b")^(1/3)"), (b"(", b")^-1"), (b"(", ")ᵀ".encode()), (b"(", b").sigmoid()"),
    (b"(", b")[1]"), (b"(", b")[99999]"), (b"(", b")*1e308"), (b"(", b") / 0"),
    (b"(", b")*1e308*1e308"), (b"grad(", b", w)"), (b"softmax([", b", 1e308])[1]"),
    (b"dot(", b", [1, 2])"), (b"outer(", b", [1])"), (b"leaky_relu(", b", 1e308)"),
    (b"[" * 40, b"]" * 40), (b"(0*", b")"), (b"(-0.0*", b")"), (b"(", b")^100000"),
]


@st.composite
def mutated(draw: st.DrawFn, seeds: Sequence[bytes], most: int = 5) -> bytes:
    """A seed with 1 to ``most`` edits."""
    data = draw(st.sampled_from(seeds), label="seed")
    for _ in range(draw(st.integers(1, most), label="edits")):
        at = draw(st.integers(0, len(data)), label="at")
        how = draw(st.sampled_from(["insert", "insert", "delete", "flip", "copy", "wrap",
                                    "wrap"]))
        if how == "wrap":
            end = draw(st.integers(at, len(data)), label="end")
            before, after = draw(st.sampled_from(WRAPS))
            data = data[:at] + before + data[at:end] + after + data[end:]
        elif how == "insert":
            data = data[:at] + draw(st.sampled_from(SNIPPETS)) + data[at:]
        elif how == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 40)):]
        elif how == "flip" and at < len(data):
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
        else:
            start = draw(st.integers(0, len(data)))
            data = data[:at] + data[start:start + draw(st.integers(1, 60))] + data[at:]
    return data


def formulas() -> st.SearchStrategy[bytes]:
    """Mutated formulas, as bytes (a shell argument may be any bytes)."""
    return mutated([f.encode() for f in FORMULA_SEEDS], most=4)


def run_cli(argv: Sequence[bytes | str]) -> tuple[int, str, str]:
    """``backprop ARGV`` in this process, with a shell's arguments and pipes (see above)."""
    from autograd_core.cli import main

    args = [os.fsdecode(a) if isinstance(a, bytes) else a for a in argv]
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        try:
            status = main(args)
        except SystemExit as e:  # argparse: --help (0) or a usage error (2)
            status = e.code if isinstance(e.code, int) else 2
        out.flush()
        err.flush()
    finally:
        sys.stdout, sys.stderr = saved
    texts = [s.detach().getvalue().decode("utf-8", "replace")
             for s in (out, err)]
    return status, texts[0], texts[1]


LEAVES = ["x", "w", "b", "0", "-0", "1", "2", "0.5", "1e308", "1e-320", "1e300", "99999999999",
          "(-8)", "(1/3)", "[x, w]", "[[x, w], [b, x]]", "[1, 2, 3]", "[[1], [2]]"]
UNARY = ["exp", "log", "sqrt", "abs", "sin", "cos", "sigmoid", "tanh", "relu", "step",
         "softmax", "log_softmax", "logsumexp", "sum", "mean", "transpose", "leaky_relu"]
BINARY = ["+", "-", "*", "/", "^", "**", "@"]


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(st.sampled_from(UNARY), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(inner, st.sampled_from(UNARY)).map(lambda t: f"({t[0]}).{t[1]}()"),
        st.tuples(inner, st.sampled_from(BINARY), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["dot", "outer", "leaky_relu", "grad"]), inner, inner).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        st.tuples(inner, st.sampled_from(["1", "2", "3", "0", "99999", "1, 2", "2, 1"])).map(
            lambda t: f"({t[0]})[{t[1]}]"),
        inner.map(lambda e: f"({e})ᵀ"), inner.map(lambda e: f"-{e}"),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    )


def valid_formulas() -> st.SearchStrategy[str]:
    """Formulas that parse (mostly), built from the language's grammar with hostile leaves
    (1e308, 1e-320, (-8), huge indices, shapes that do not fit), so they reach evaluation."""
    return st.recursive(st.sampled_from(LEAVES), _extend, max_leaves=10)
