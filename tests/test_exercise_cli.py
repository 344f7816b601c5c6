"""``backprop exercise`` and ``backprop grade`` from the command line: what they write, and a
clear message (never a traceback) with exit status 2 for every input they cannot use."""

from __future__ import annotations

import csv
import json

import pytest
from exercise_oracles import VO

from autograd_core.cli import main
from autograd_core.verify import check_file


def run(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_both_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "exercise" in out and "grade" in out


def test_exercise_writes_variants_sheets_and_key(tmp_path, capsys):
    code, out, err = run(["exercise", str(VO), "--variants", "3", "--seed", "9", "-o",
                          str(tmp_path / "ex")], capsys)
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "ex").iterdir())
    assert names == ["key.json", "variant-01.md", "variant-01.worked", "variant-02.md",
                     "variant-02.worked", "variant-03.md", "variant-03.worked"]
    assert out.startswith("3 variants of ") and "21 questions each" in out and "draws" in out
    assert check_file(tmp_path / "ex" / "variant-02.worked").ok
    key = json.loads((tmp_path / "ex" / "key.json").read_text(encoding="utf-8"))
    assert key["format"] == "autograd-core exercise key" and len(key["variants"]) == 3


def test_a_roster_names_the_files_by_student(tmp_path, capsys):
    roster = tmp_path / "roster.txt"
    roster.write_text("# class of 2026\nalice\n\nbob.martin  # second\n", encoding="utf-8")
    code, _, err = run(["exercise", str(VO), "--ids", str(roster), "--example", "2", "-o",
                        str(tmp_path / "ex")], capsys)
    assert code == 0, err
    assert (tmp_path / "ex" / "alice.md").is_file()
    assert (tmp_path / "ex" / "bob.martin.md").is_file()
    worked = (tmp_path / "ex" / "alice.worked").read_text(encoding="utf-8")
    assert "redo it with ReLU" in worked and "(sigmoid)" not in worked  # only example 2
    assert "**Student:** alice" in (tmp_path / "ex" / "alice.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("roster, message", [
    ("alice\nbob\nalice\n", "roster.txt:3: student id 'alice' appears twice"),
    ("alice\nbob smith\n", "roster.txt:2: student id 'bob smith': use letters, digits"),
    ("# nobody\n", "roster.txt: the roster names no student"),
])
def test_bad_rosters(tmp_path, capsys, roster, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "roster.txt").write_text(roster, encoding="utf-8")
    code, _, err = run(["exercise", str(VO), "--ids", "roster.txt", "-o", "ex"], capsys)
    assert code == 2 and message in err and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (["exercise", "nope.worked", "-o", "ex"], "nope.worked: no such file"),
    (["exercise", ".", "-o", "ex"], ".: is a directory"),
    (["exercise", str(VO)], "say where to write: -o DIR and/or --moodle FILE.xml"),
    (["exercise", str(VO), "--variants", "0", "-o", "ex"], "--variants must be from 1 to 10,000"),
    (["exercise", str(VO), "--variants", "100000", "-o", "ex"],
     "--variants must be from 1 to 10,000 (one per student), not 100,000"),
    (["exercise", str(VO), "--example", "9", "-o", "ex"], "no example '9' in this file"),
    (["grade", "nokey.json", "."], "nokey.json: no such file"),
    (["grade", "bad.json", "."], "bad.json:1:2: not a key: invalid JSON"),
    (["grade", "other.json", "."], "not an exercise key made by backprop exercise"),
    (["grade", "key.json", "missing/"], "missing: no such file or directory"),
    (["grade", "key.json", ".", "--truncated-credit", "2"], "truncated_credit is a fraction"),
])
def test_unusable_input_exits_2_with_a_message(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.json").write_text("{oops", encoding="utf-8")
    (tmp_path / "other.json").write_text('{"examples": []}', encoding="utf-8")
    assert main(["exercise", str(VO), "-o", "made"]) == 0
    (tmp_path / "key.json").write_text((tmp_path / "made" / "key.json").read_text())
    capsys.readouterr()
    code, _, err = run(args, capsys)
    assert code == 2 and message in err and "Traceback" not in err, err


def test_grade_a_directory_into_a_csv(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["exercise", str(VO), "--variants", "2", "-o", "ex"]) == 0
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ann.txt").write_text("variant 01\nexample 1\nx2 = 0.5\n", encoding="utf-8")
    (subs / "ben.txt").write_bytes(b"variant 01\n\xe9\n")  # Latin-1
    (subs / ".hidden").write_text("not a submission")
    capsys.readouterr()
    code, out, err = run(["grade", "ex/key.json", "subs", "--format", "csv", "-o",
                          "grades.csv"], capsys)
    assert code == 0 and out == "", err
    rows = list(csv.DictReader((tmp_path / "grades.csv").open(encoding="utf-8")))
    assert [r["student"] for r in rows] == ["ann", "ben"]
    assert rows[1]["score"] == "0" and "not UTF-8 text" in rows[1]["messages"]
    code, out, _ = run(["grade", "ex/key.json", "subs/ann.txt"], capsys)
    assert code == 0 and "== ann (subs/ann.txt), variant 01 ==" in out


def test_a_file_without_vary_lines_warns_that_every_sheet_is_the_same(tmp_path, capsys):
    source = tmp_path / "plain.worked"
    source.write_text("input x = 3\nlet y = x*x\nclaim y = 9\n", encoding="utf-8")
    code, out, err = run(["exercise", str(source), "--variants", "3", "-o",
                          str(tmp_path / "ex")], capsys)
    assert code == 0
    assert "1 question each" in out and "0 draws" in out
    assert "has no 'vary' line: every student gets the same numbers" in err
    sheets = {(tmp_path / "ex" / f"variant-0{i}.worked").read_text().split("\n", 3)[3]
              for i in (1, 2, 3)}
    assert len(sheets) == 1  # the warning is true: one set of numbers
    code, _, err = run(["exercise", str(VO), "--variants", "2", "-o", str(tmp_path / "vo")],
                       capsys)
    assert code == 0 and "vary" not in err  # Vo's exercise varies its numbers


def test_many_variants_show_their_progress(tmp_path, capsys):
    source = tmp_path / "plain.worked"
    source.write_text("input x = 3\nvary x from {1, 2, 3}\nlet y = x*x\nclaim y = 9\n",
                      encoding="utf-8")
    code, _, err = run(["exercise", str(source), "--variants", "200", "-o",
                        str(tmp_path / "ex")], capsys)
    assert code == 0
    progress = [line for line in err.splitlines() if "variants drawn" in line]
    assert progress[0] == "backprop exercise: 20 of 200 variants drawn"
    assert progress[-1] == "backprop exercise: 200 of 200 variants drawn" and len(progress) == 10


def test_a_roster_beyond_the_limit_is_refused_at_its_line(tmp_path, capsys):
    """Checked id by id (each line used to re-check all before it: 74 s for 10,002 ids)."""
    roster = tmp_path / "roster.txt"
    roster.write_text("".join(f"s{i}\n" for i in range(10_001)), encoding="utf-8")
    code, _, err = run(["exercise", str(VO), "--ids", str(roster), "-o", str(tmp_path / "e")],
                       capsys)
    assert code == 2
    assert "roster.txt:10001: more than 10,000 students: at most 10,000 variants" in err
