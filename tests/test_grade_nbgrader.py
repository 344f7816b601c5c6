"""``check()`` under nbgrader's autograder: a tiny course with one assignment notebook whose
autograder cell ends with ``ex.check(...)``; a correct, a partly wrong and a wrong submission
are autograded and their scores read back from nbgrader's gradebook.

nbgrader reads a number shown as an autograder cell's result as its partial credit, and
gives 0 for a cell that raises or writes to stderr; check() prints to stdout and returns the
points earned. The truth here: ∂l/∂w for l = (w·x − y)², x = [1, 2], y = 1, w = [3, 1] is
2(w·x − y)·x = 2·4·[1, 2] = [8, 16] (by hand).

nbgrader is a test-only dependency; this test is skipped without it. Measured on the 2-core
machine: about 15 s (nbgrader's import and one kernel start per submission, ~1.5 s each).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("nbgrader")

from notebook_runner import sealed_environment  # noqa: E402

EXERCISE = """\
input x = [1, 2]
const y = 1
param w = [3, 1]
loss  l = (dot(w, x) - y)^2
show  dl/dw
"""
POINTS = 2


def _assignment(root: Path) -> None:
    nb = nbformat.v4.new_notebook()
    setup = nbformat.v4.new_code_cell(
        "from autograd_core.exercise import Exercise\n"
        f"ex = Exercise({EXERCISE!r})")
    solution = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nanswer = [8, 16]\n### END SOLUTION")
    solution.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False,
                                     "grade_id": "answer", "schema_version": 3, "task": False}
    test = nbformat.v4.new_code_cell(f'ex.check("dl/dw", answer, points={POINTS})')
    test.metadata["nbgrader"] = {"solution": False, "grade": True, "locked": True,
                                 "grade_id": "check_answer", "points": POINTS,
                                 "schema_version": 3, "task": False}
    nb.cells = [setup, solution, test]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    (root / "source" / "ps1").mkdir(parents=True)
    nbformat.write(nb, root / "source" / "ps1" / "exercise.ipynb")


def _submit(root: Path, student: str, answer: str) -> None:
    nb = nbformat.read(root / "release" / "ps1" / "exercise.ipynb", as_version=4)
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert "BEGIN SOLUTION" not in cell.source  # the release hides the teacher's answer
    cell.source = f"answer = {answer}"
    where = root / "submitted" / student / "ps1"
    where.mkdir(parents=True)
    nbformat.write(nb, where / "exercise.ipynb")
    (where / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC")


def test_nbgrader_autogrades_check_with_partial_credit(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    # nbgrader runs its `alembic` script: the one installed beside this interpreter
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent),
                                                os.environ.get("PATH", "")]))
    assert shutil.which("alembic")
    root = tmp_path / "course"
    _assignment(root)
    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = "backprop"
    config.Exchange.root = str(tmp_path / "exchange")
    submissions = {"alice": "[8, 16]", "bob": "[8, 32]", "carol": "[-8, -16]"}
    with sealed_environment(tmp_path / "jupyter"):
        api = NbGraderAPI(config=config)
        with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
            gb.update_or_create_assignment("ps1")
            for student in submissions:
                gb.update_or_create_student(student)
        result = api.generate_assignment("ps1", force=True)
        assert result["success"], result.get("log")
        for student, answer in submissions.items():
            _submit(root, student, answer)
            result = api.autograde("ps1", student, force=True)
            assert result["success"], result.get("log")
    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        scores = {s: gb.find_submission("ps1", s).score for s in submissions}
        assert gb.find_submission("ps1", "alice").max_score == POINTS
    assert scores == {"alice": 2.0, "bob": 1.0, "carol": 0.0}
    graded = nbformat.read(root / "autograded" / "carol" / "ps1" / "exercise.ipynb", 4)
    printed = "".join(o.get("text", "") for c in graded.cells for o in c.get("outputs", []))
    assert "dl/dw = [-8, -16]: wrong, 0 of 2 points" in printed and "sign flipped" in printed
