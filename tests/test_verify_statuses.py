"""The statuses as the README defines them, the tolerances a teacher knows from graders, and
paper arithmetic. The truth of every case is worked out here with exact fractions (or stated
by the rule itself), never read from the library."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from autograd_core.cli import main
from autograd_core.verify import Tolerance, check_text
from autograd_core.verify.claims import status


def exact_rule(text: str, true: Fraction) -> str:
    """The default rule restated with fractions: a decimal with k decimals is ok within
    ½·10⁻ᵏ, truncated when its digits are the true value cut after k decimals; an integer or
    a fraction is ok only when exactly the true value."""
    if "." not in text and "e" not in text.lower():
        return "ok" if Fraction(text) == true else "wrong"
    k = len(text.split(".")[1]) if "." in text else 0
    w = Fraction(text)
    if abs(true - w) <= Fraction(1, 2 * 10**k):
        return "ok"
    cut = Fraction(math.trunc(true * 10**k), 10**k)
    return "truncated" if cut == w else "wrong"


@pytest.mark.parametrize("text, true", [
    ("7", Fraction(8)), ("-4", Fraction(-5)), ("0.23", Fraction(24, 100)),
    ("0.34", Fraction(35, 100)), ("0", Fraction(-7, 10)), ("2", Fraction(24, 10)),
    ("8", Fraction(8)), ("0.0058", Fraction(589975, 10**8)), ("-0.0058", Fraction(-5899, 10**6)),
    ("0.35", Fraction(35, 100)), ("1/4", Fraction(1, 4)), ("1/3", Fraction(333, 1000)),
    ("0.12", Fraction(1, 8)), ("0.13", Fraction(1, 8)), ("0.14", Fraction(1, 8)),
    ("4.49", Fraction(40, 9)), ("4.44", Fraction(40, 9)), ("-0.3248", Fraction(-324869, 10**6)),
])
def test_default_status_is_the_stated_rule(text, true):
    assert status(text, true) == exact_rule(text, true)
    assert status(text, float(true)) == exact_rule(text, true)  # float noise changes nothing


def test_truncated_means_cut_not_one_unit_below():
    assert status("7", 8) == "wrong" and status("-4", -5) == "wrong"
    assert status("0.23", 0.24) == "wrong"
    assert status("0.2", 0.29) == "truncated" and status("0.3", 0.29) == "ok"


def test_float_noise_does_not_decide(tmp_path):
    # 0.7 × 0.5 = 0.35 on paper (0.34999… in floats): 0.34 is wrong, 0.35 ok
    (ex,) = check_text("input a = 0.7\ninput b = 0.5\nlet p = a*b\nclaim p = 0.34\n"
                       "claim p = 0.35\nclaim p = 0.3\n")
    assert [c.status for c in ex.claims] == ["wrong", "ok", "ok"]
    path = tmp_path / "p.worked"
    path.write_text("input a = 0.7\ninput b = 0.5\nlet p = a*b\nclaim p = 0.34\n")
    assert main(["verify", "--strict", str(path)]) == 1


def test_integers_claim_exact_values():
    (ex,) = check_text("input x = 0.4\nlet a = 6*x\nlet b = -7*x/4\nlet c = 20*x\n"
                       "claim a = 2\nclaim b = 0\nclaim c = 8\nclaim a = 2.4\n")
    assert [c.status for c in ex.claims] == ["wrong", "wrong", "ok", "ok"]


def test_a_fraction_claims_its_exact_value():
    (ex,) = check_text("input x = 1\nlet E = x/4\nlet F = x/3\nclaim E = 1/4\nclaim F = 1/3\n"
                       "claim F = 0.3333\nclaim E = 1/5\nclaim F = -1/3\n")
    assert [c.status for c in ex.claims] == ["ok", "ok", "ok", "wrong", "wrong"]
    assert ex.claims[4].diagnosis == "sign flipped"
    assert ex.claims[0].computed == 0.25


def test_a_fraction_is_shown_as_a_fraction():
    (ex,) = check_text("input x = 1\nlet F = x/3\nclaim F = 1/3\nclaim F = 1/4\n")
    assert [c.computed_text for c in ex.claims] == ["1/3", "1/3"]


# ------------------------------------------------------------------ tolerances
@pytest.mark.parametrize("tol, text, true, expected", [
    (Tolerance.sigfig(3), "0.667", Fraction(2, 3), "ok"),
    (Tolerance.sigfig(3), "0.67", Fraction(2, 3), "wrong"),   # 0.0033 > ½·10⁻³
    (Tolerance.sigfig(2), "0.67", Fraction(2, 3), "ok"),
    (Tolerance.sigfig(2), "1200", Fraction(1234), "ok"),      # unit 100
    (Tolerance.sigfig(3), "1200", Fraction(1234), "wrong"),
    (Tolerance.decimals(2), "0.5", Fraction(504, 1000), "ok"),  # whatever was written
    (Tolerance.decimals(2), "0.5", Fraction(506, 1000), "wrong"),
    (Tolerance.decimals(0), "2", Fraction(24, 10), "ok"),     # integers compared like any
    (Tolerance.decimals(0), "2", Fraction(26, 10), "wrong"),
    (Tolerance.close(rtol="0.01"), "100", Fraction(101), "ok"),
    (Tolerance.close(rtol="0.01"), "100", Fraction(102), "wrong"),
    (Tolerance.close(atol="0.05"), "0.3", Fraction(34, 100), "ok"),
    (Tolerance.close(atol="0.05"), "0.3", Fraction(36, 100), "wrong"),
    (Tolerance.close(rtol="0.1", atol="1"), "10", Fraction(115, 10), "ok"),  # 1.5 ≤ 1 + 1.15
    (Tolerance.last_digit(), "4.45", Fraction(40, 9), "ok"),  # 4.44 is right: 4.45 one off
    (Tolerance.last_digit(), "4.46", Fraction(40, 9), "wrong"),
    (Tolerance.last_digit(), "7", Fraction(8), "wrong"),      # integers stay exact
])
def test_tolerance_rules(tol, text, true, expected):
    assert status(text, true, tol) == expected
    assert status(text, float(true), tol) == expected


EXAMPLE = "input x = 2\nlet h = x/3\nlet y = 10*h^2\n"  # h = 2/3, y = 40/9 = 4.444…


def verdict(argv_or_text, tmp_path, capsys, *options):
    path = tmp_path / "t.worked"
    path.write_text(argv_or_text)
    code = main(["verify", "--strict", *options, str(path)])
    capsys.readouterr()
    return code


@pytest.mark.parametrize("options, code", [
    ((), 1), (("--sigfig", "2"), 0), (("--sigfig", "3"), 1), (("--decimals", "1"), 0),
    (("--rtol", "0.01"), 0), (("--atol", "0.001"), 1), (("--last-digit",), 0),
])
def test_cli_tolerance_options(options, code, tmp_path, capsys):
    # claim y = 4.45 (true 4.444…, off by 0.0056): wrong to 2 decimals as written; ok within
    # ½·10⁻¹ (sigfig 2, decimals 1), within 1% and within one unit of the last digit
    assert verdict(EXAMPLE + "claim y = 4.45\n", tmp_path, capsys, *options) == code


def test_file_and_claim_tolerances_win_over_the_command_line(tmp_path, capsys):
    text = EXAMPLE + "tolerance sigfig 2\nclaim y = 4.45\n"
    assert verdict(text, tmp_path, capsys) == 0
    assert verdict(text, tmp_path, capsys, "--sigfig", "3") == 0      # the file's wins
    text = EXAMPLE + "tolerance sigfig 3\nclaim y = 4.45 with rtol 0.02\n"
    assert verdict(text, tmp_path, capsys) == 0                       # the claim's wins
    text = EXAMPLE + "claim y = 4.45 with last-digit\nclaim h = 0.66\n"  # per claim only
    (ex,) = check_text(text)
    assert [c.status for c in ex.claims] == ["ok", "truncated"]
    assert ex.claims[0].tolerance == "last-digit" and ex.claims[1].tolerance == "as-written"


def test_a_tolerance_line_before_the_first_example_covers_the_file():
    text = ("tolerance decimals 1\nexample one\n" + EXAMPLE + "claim y = 4.4\n"
            "example two\n" + EXAMPLE + "tolerance as-written\nclaim y = 4.45\n")
    one, two = check_text(text)
    assert one.claims[0].status == "ok" and two.claims[0].status == "wrong"


def test_bad_tolerances_are_errors(tmp_path, capsys):
    from autograd_core.verify import VerifyError

    for line, message in (("tolerance sigfig 0", "sigfig needs a whole number from 1"),
                          ("tolerance rtol -1", "≥ 0"), ("tolerance fuzzy", "unknown tolerance"),
                          ("tolerance sigfig 2.5", "whole number")):
        with pytest.raises(VerifyError, match=message):
            check_text(EXAMPLE + line + "\nclaim y = 4.4\n")
    path = tmp_path / "t.worked"
    path.write_text(EXAMPLE + "claim y = 4.4\n")
    assert main(["verify", "--sigfig", "0", str(path)]) == 2
    assert main(["verify", "--last-digit", "--rtol", "0.1", str(path)]) == 2
    assert "choose one of" in capsys.readouterr().err


def test_readme_verify_snippets_print_what_their_comments_say():
    """``print(...)  # text`` prints ``text``; a bare ``print(...)`` prints the ``# `` lines
    below it (the convention of the engine section's test)."""
    import contextlib
    import io
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    start = text.index("## Checking hand-worked examples")
    section = text[start:text.index("\n## ", start + 1)]
    checked = 0
    for block in re.findall(r"```python\n(.*?)```", section, flags=re.S):
        lines = block.splitlines()
        expected = []
        for i, line in enumerate(lines):
            if not line.startswith("print("):
                continue
            _, _, comment = line.partition(")  # ")
            if comment:
                expected.append(comment.strip())
            else:
                expected += [b[2:] for b in lines[i + 1:] if b.startswith("# ")][:1]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), {})
        if expected:
            printed = [p.rstrip() for p in out.getvalue().splitlines()]
            assert printed[-len(expected):] == expected or printed == expected
            checked += 1
    assert checked >= 2


# ------------------------------------------------------------------ paper arithmetic
def test_a_kink_reached_on_paper_is_a_kink():
    # 0.3 − 0.1 − 0.2 is exactly 0 (−2.8e-17 in floats): relu there is at its kink
    assert 0.3 - 0.1 - 0.2 != 0 and Fraction("0.3") - Fraction("0.1") - Fraction("0.2") == 0
    (ex,) = check_text("input a = 0.3\nlet z = a - 0.1 - 0.2\nloss h = relu(z)\nclaim z = 0\n"
                       "claim dh/da = 0\n")
    assert [c.status for c in ex.claims] == ["ok", "ok"]
    assert len(ex.warnings) == 1 and "relu is evaluated at its kink" in ex.warnings[0]


def test_a_perceptron_sum_of_exactly_zero_outputs_zero():
    # w·x = −0.3 + 0.1 + 0.2 = 0 on paper: u = step(0) = 0 and the weights are updated by
    # c (y − u) x = [1, 1, 1] (the slide's rule), not left alone as floats (Σ = 2.8e-17 > 0)
    w, x = [Fraction("-0.3"), Fraction("0.1"), Fraction("0.2")], [1, 1, 1]
    s = sum(wi * xi for wi, xi in zip(w, x, strict=True))
    assert s == 0
    after = [wi + (1 - 0) * xi for wi, xi in zip(w, x, strict=True)]
    (ex,) = check_text("param w = [-0.3, 0.1, 0.2]\nconst X = [[1, 1, 1]]\nconst Y = [1]\n"
                       "perceptron w: data X, labels Y, rate 1, steps 1\nclaim sum.1 = 0\n"
                       f"claim u.1 = 0\nclaim w.1 = [{', '.join(str(float(v)) for v in after)}]\n")
    assert [c.status for c in ex.claims] == ["ok", "ok", "ok"]
    assert any("step(0)" in w for w in ex.warnings)
