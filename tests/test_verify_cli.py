"""``backprop verify``: the table, the exact JSON schema, markdown, --strict, errors, --draw;
and the Python API (check, Example, the report's displays)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from autograd_core.cli import main
from autograd_core.verify import Example, Report, bundled_examples, check, check_text

SMALL = """\
example small
input x = 2
param w = 3
loss  l = (w*x - 1)^2
claim l = 25
claim dl/dw = -20
claim dl/dx = 30
"""  # dl/dw = 2(wx − 1)x = 20, dl/dx = 2(wx − 1)w = 30

CLEAN = """\
example clean
input u = [-2, 3, 1]
let   p = softmax(u)
claim p = [0.0058, 0.8756, 0.1185]
"""  # 0.0058 is 0.00589975 truncated: not wrong


@pytest.fixture
def files(tmp_path):
    small = tmp_path / "small.worked"
    small.write_text(SMALL)
    clean = tmp_path / "clean.worked"
    clean.write_text(CLEAN)
    bad = tmp_path / "bad.worked"
    bad.write_text("input x = 1\nclaim y = 2\n")
    return small, clean, bad


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_table_lists_quantity_claimed_computed_status_diagnosis(files, capsys):
    code, out, _ = run(["verify", str(files[0])], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "== small =="
    header = next(line for line in lines if line.lstrip().startswith("quantity"))
    assert header.split() == ["quantity", "claimed", "computed", "status", "diagnosis"]
    row = next(line for line in lines if line.lstrip().startswith("dl/dw"))
    assert row.split()[:5] == ["dl/dw", "-20", "20", "wrong", "sign"]
    assert "3 claims: 2 ok, 0 truncated, 1 wrong" in out


def test_json_schema_is_exact(files, capsys):
    code, out, _ = run(["verify", "--format", "json", str(files[0]), str(files[1])], capsys)
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["examples"]
    assert [list(ex) for ex in data["examples"]] == [["name", "claims", "warnings"]] * 2
    small, clean = data["examples"]
    small_name = small["claims"][0]["file"]
    assert small_name.endswith("small.worked") and not small_name.startswith("/")
    assert small["name"] == "small" and small["warnings"] == []
    for c in small["claims"] + clean["claims"]:
        assert list(c) == ["name", "file", "line", "claimed", "computed", "status",
                           "diagnosis", "follows_from", "tolerance"]
        assert c["status"] in ("ok", "truncated", "wrong")
    assert small["claims"][1] == {"name": "dl/dw", "file": small_name, "line": 6,
                                  "claimed": -20.0, "computed": 20.0, "status": "wrong",
                                  "diagnosis": "sign flipped", "follows_from": [],
                                  "tolerance": "as-written"}
    assert small["claims"][0]["diagnosis"] is None
    p = clean["claims"][0]
    assert p["claimed"] == [0.0058, 0.8756, 0.1185] and p["status"] == "truncated"
    assert isinstance(p["computed"], list) and len(p["computed"]) == 3


def test_json_matrices_are_lists_of_rows(capsys, tmp_path):
    f = tmp_path / "m.worked"
    f.write_text("input x = [1, 2]\nparam W = [[1, 0], [0, 1]]\nloss l = sum(W @ x)\n"
                 "claim dl/dW = [[1, 2], [1, 2]]\n")
    _, out, _ = run(["verify", "--format", "json", str(f)], capsys)
    c = json.loads(out)["examples"][0]["claims"][0]
    assert c["claimed"] == [[1.0, 2.0], [1.0, 2.0]] == c["computed"] and c["status"] == "ok"


def test_markdown_table(files, capsys):
    code, out, _ = run(["verify", "--format", "markdown", str(files[0])], capsys)
    assert code == 0
    assert "### small" in out
    assert "| quantity | claimed | computed | status | diagnosis |" in out
    assert "| `dl/dw` | -20 | 20 | **wrong** | sign flipped |" in out


def test_strict_exit_codes(files, capsys):
    assert run(["verify", "--strict", str(files[0])], capsys)[0] == 1  # a wrong claim
    assert run(["verify", "--strict", str(files[1])], capsys)[0] == 0  # truncated only
    assert run(["verify", str(files[0])], capsys)[0] == 0  # without --strict


def test_malformed_file_exit_2_with_file_and_line(files, capsys):
    code, out, err = run(["verify", str(files[2])], capsys)
    assert code == 2 and out == ""
    # an absolute path outside the current directory is named by the file name; 7: the column
    assert err.strip() == "backprop verify: bad.worked:2:7: unknown name 'y'"


@pytest.mark.parametrize("options", [[], ["--strict"], ["--explain"], ["--format", "json"]])
def test_a_bad_file_among_good_ones_stops_nothing_but_the_exit_status(files, options, capsys):
    """good, bad, good: both good files are reported, the bad one's error is printed (and
    named again after the report), and the status is 2 (over --strict's 1)."""
    small, clean, bad = files
    code, out, err = run(["verify", *options, str(small), str(bad), str(clean)], capsys)
    assert code == 2
    assert err.splitlines() == ["backprop verify: bad.worked:2:7: unknown name 'y'",
                                "backprop verify: 1 of 3 files not checked (bad.worked): see "
                                "the errors above"]
    if "json" in options:
        assert [ex["name"] for ex in json.loads(out)["examples"]] == ["small", "clean"]
    else:
        assert "== small ==" in out and "== clean ==" in out
        assert "2 examples, 4 claims: 2 ok, 1 truncated, 1 wrong" in out
    if "--explain" in options:
        assert "the working of each wrong claim" in out


def test_missing_file(tmp_path, capsys):
    code, _, err = run(["verify", str(tmp_path / "nope.worked")], capsys)
    assert code == 2 and "nope.worked: no such file" in err


def test_no_file_runs_every_bundled_example(capsys):
    code, out, _ = run(["verify"], capsys)
    assert code == 0
    expected = Report([])
    for path in bundled_examples():
        expected = expected + check(path)
    for ex in expected:
        assert f"== {ex.name} ==" in out
    assert out.rstrip().endswith(expected.summary())
    assert expected.summary().startswith("12 examples, 77 claims: 65 ok, 1 truncated, 11 wrong")
    assert max(len(line) for line in out.splitlines()) <= 110  # reads in a terminal


def test_strict_on_the_bundled_examples_fails_because_slides_have_errors(capsys):
    assert run(["verify", "--strict"], capsys)[0] == 1


def test_python_m_entry_point(files):
    proc = subprocess.run([sys.executable, "-m", "autograd_core", "verify", "--strict",
                           "--format", "json", str(files[0])], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["examples"][0]["claims"][1]["status"] == "wrong"


@pytest.mark.skipif(importlib.util.find_spec("autograd_core.draw") is None,
                    reason="the drawing module is not installed")
def test_draw_writes_forward_and_backward_graphs(files, tmp_path, capsys):
    from autograd_core.draw import available_renderers

    if not available_renderers():
        pytest.skip("no Graphviz renderer available")
    out_dir = tmp_path / "pictures"
    code, _, err = run(["verify", "--draw", str(out_dir), str(files[0])], capsys)
    assert code == 0, err
    written = sorted(p.name for p in out_dir.iterdir())
    assert written == ["small-backward.svg", "small-forward.svg"]
    for name in written:
        assert (out_dir / name).read_text().lstrip().startswith(("<?xml", "<svg"))


# ------------------------------------------------------------------ Python API
def test_builder_writes_the_same_file():
    ex = (Example("small").input("x", 2).param("w", 3).loss("l", "(w*x - 1)^2")
          .claim("l", 25).claim("dl/dw", -20).claim("dl/dx", 30))
    assert ex.text == SMALL.replace("loss  l", "loss l").replace("claim dl", "claim dl")
    built = ex.check()
    (parsed,) = check_text(SMALL)
    assert built.to_dict() == parsed.to_dict()


def test_builder_decimals_come_from_the_number_or_its_text():
    ex = Example("d").input("x", 0.5).let("y", "sigmoid(x)")
    r = ex.claim("y", 0.6225).claim("y", "0.62250").claim("y", 0.62).check()
    # σ(0.5) = 0.622459…: 0.6225 rounds right, 0.62250 claims 5 decimals (0.62246)
    assert [c.status for c in r.claims] == ["ok", "wrong", "ok"]


def test_builder_layer_perceptron_batch_and_shapes():
    ex = (Example("b").input("x", [1, 2]).param("W", [[1, 0], [0, 1]]).param("V", shape=(3, 2))
          .layer("h", "W", activation="relu").batch(2).show("h").show("count parameters"))
    r = ex.check()
    assert [(s.name, s.computed) for s in r.shown] == [("h", [1.0, 2.0]),
                                                        ("count parameters", 10.0)]
    p = (Example("p").param("w", [0, 1]).const("X", [[1, 1]]).const("Y", [0])
         .perceptron("w", "X", "Y", rate=0.5, steps=1).claim("w.1", [-0.5, 0.5]).check())
    assert p.claims[0].status == "ok"


def test_builder_rejects_two_statements_in_one_call():
    with pytest.raises(ValueError, match="one statement per call"):
        Example("x").let("a", "1\nclaim a = 1")
    with pytest.raises(TypeError, match="expected a number"):
        Example("x").claim("a", None)


def test_report_displays():
    report = check_text(SMALL + CLEAN)
    assert len(report) == 2 and report["small"] is report[0]
    assert repr(report) == report.to_text()
    html = report._repr_html_()
    assert html.count("<table>") == 2 and "sign flipped" in html
    assert report[0]._repr_html_().startswith("<h4>small</h4>")
    assert report[0]["dl/dw"].computed == 20.0
    with pytest.raises(KeyError, match="no claim 'dl/dz'"):
        report[0]["dl/dz"]
    assert not report.ok and report[1].ok


def test_readme_section_runs_as_written():
    import re
    from pathlib import Path

    readme = Path(__file__).resolve().parent.parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    section = text[text.index("## Checking hand-worked examples"):]
    section = section[:section.find("\n## ", 10) if "\n## " in section[10:] else None]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    (example_file,) = re.findall(r"```text\n(example .*?)```", section, re.S)
    (ex,) = check_text(example_file)
    assert [c.status for c in ex.claims] == ["ok", "ok", "wrong", "wrong", "wrong"]


def test_the_table_ends_with_a_recap_of_the_wrong_claims(capsys):
    _, out, _ = run(["verify"], capsys)
    recap = " ".join(out[out.index("\nWrong claims:\n"):out.rindex("\n12 examples")].split())
    assert recap == (
        "Wrong claims: Vo: MLP with one hidden layer (sigmoid): dx2/dx1, dx1/dx0, dl/dW2, "
        "dl/db2, dl/dW1, dl/db1 Ramakrishnan: cross-entropy with the lambda/(2m) weight "
        "penalty: dE/ds2, dpenalty/dW2, dpenalty/dW1, dE/dW2, dE/dW1")


def test_docstring_examples_run():
    import doctest

    import autograd_core.verify as verify

    result = doctest.testmod(verify)
    assert result.attempted >= 5 and result.failed == 0


def test_readme_output_excerpt_is_current(capsys):
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Checking hand-worked examples"):]
    excerpt = re.findall(r"```text\n(== Vo.*?)```", section, re.S)[0]
    vo = next(p for p in bundled_examples() if "vo" in p.name)
    _, out, _ = run(["verify", str(vo)], capsys)
    lines = out.splitlines()
    for line in excerpt.splitlines():
        if line.strip() != "...":
            assert line in lines, line
