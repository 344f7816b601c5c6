"""Reports and errors name a file as a user would, never by this machine's absolute path:
relative to the current directory when under it, the bundled examples from the package,
else the file name; a relative path stays as typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograd_core.cli import main
from autograd_core.verify import VerifyError, bundled_examples, check, check_file, check_text
from autograd_core.verify.paths import display_path

TEXT = "input x = 2\nparam w = 3\nloss l = (w*x - 1)^2\nclaim dl/dw = -20\n"


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """A file in tmp_path/course, the current directory tmp_path/cwd (not above it)."""
    (tmp_path / "course").mkdir()
    (tmp_path / "cwd").mkdir()
    path = tmp_path / "course" / "ex1.worked"
    path.write_text(TEXT)
    monkeypatch.chdir(tmp_path / "cwd")
    return path


def test_display_path_rules(tmp_path, monkeypatch, elsewhere):
    assert display_path(elsewhere) == "ex1.worked"  # absolute, elsewhere: the file name
    assert display_path("../course/ex1.worked") == "../course/ex1.worked"  # as typed
    monkeypatch.chdir(tmp_path)
    assert display_path(elsewhere) == str(Path("course", "ex1.worked"))  # under the cwd
    bundled = bundled_examples()[0]
    assert display_path(bundled) == str(Path("autograd_core", "examples", bundled.name))


def test_a_report_of_an_absolute_path_carries_no_machine_path(elsewhere, tmp_path):
    report = check_file(elsewhere)
    assert report[0].path == "ex1.worked"
    outputs = [str(report), report.to_text(), report.to_markdown(), report.to_json(),
               report._repr_html_(), repr(report)]
    for out in outputs:
        assert str(tmp_path) not in out
    assert "(ex1.worked)" in report.to_text()
    assert check(str(elsewhere))[0].path == "ex1.worked"
    assert check_text(TEXT, path=str(elsewhere))[0].path == "ex1.worked"


def test_errors_name_the_file_without_its_directory(elsewhere, tmp_path):
    elsewhere.write_text("input x = 1\nclaim y = 1\n")
    with pytest.raises(VerifyError) as info:
        check_file(elsewhere)
    assert str(info.value) == "ex1.worked:2:7: unknown name 'y'"
    with pytest.raises(VerifyError, match=r"^absent\.worked: no such file"):
        check_file(tmp_path / "absent.worked")


def test_cli_names_files_as_typed_or_by_name(elsewhere, tmp_path, capsys):
    assert main(["verify", str(elsewhere)]) == 0
    out = capsys.readouterr().out
    assert "(ex1.worked)" in out and str(tmp_path) not in out
    assert main(["verify", "../course/ex1.worked"]) == 0
    assert "(../course/ex1.worked)" in capsys.readouterr().out
    assert main(["verify", str(tmp_path / "nope.worked")]) == 2
    assert capsys.readouterr().err.strip() == "backprop verify: nope.worked: no such file"


def test_bundled_examples_are_named_from_the_package_anywhere(elsewhere, capsys):
    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    assert "(autograd_core/examples/01_vo_mlp.worked)" in out
    assert str(Path(bundled_examples()[0]).parent.parent) not in out


def test_draw_names_a_worked_file_like_verify(elsewhere, tmp_path, capsys):
    elsewhere.write_text("input x = 1\nloss l = x + foo(x)\n")
    assert main(["draw", str(elsewhere)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("backprop draw: ex1.worked:2:14: unknown function 'foo'")
    assert str(tmp_path) not in err
