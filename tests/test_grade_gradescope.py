"""``backprop grade --format gradescope`` writes Gradescope's results.json, valid against the
autograder output format Gradescope documents ("Autograder Specifications", output format:
top-level score / max_score / execution_time / output / output_format / test_output_format /
test_name_format / visibility / stdout_visibility / extra_data / tests / leaderboard; each
test: score / max_score / status / name / name_format / number / output / output_format /
tags / visibility / extra_data; visibility one of hidden, after_due_date, after_published,
visible; status passed or failed; formats text, simple_format, html, md, ansi).
"""

from __future__ import annotations

import json

import jsonschema
import pytest
from exercise_oracles import VO, given_numbers, literal, vo

from autograd_core.cli import main
from autograd_core.exercise import grade_file, make_exercises
from autograd_core.exercise.outputs import to_gradescope

VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
FORMAT = {"enum": ["text", "simple_format", "html", "md", "ansi"]}
TEST = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number"},
        "max_score": {"type": "number"},
        "status": {"enum": ["passed", "failed"]},
        "name": {"type": "string"},
        "name_format": FORMAT,
        "number": {"type": "string"},
        "output": {"type": "string"},
        "output_format": FORMAT,
        "tags": {"type": "array", "items": {"type": "string"}},
        "visibility": VISIBILITY,
        "extra_data": {"type": "object"},
    },
}
RESULTS_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number"},
        "max_score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": FORMAT,
        "test_output_format": FORMAT,
        "test_name_format": FORMAT,
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": TEST},
        "leaderboard": {"type": "array", "items": {
            "type": "object", "required": ["name", "value"],
            "properties": {"name": {"type": "string"}, "order": {"enum": ["asc", "desc"]}}}},
    },
    # "score: optional, but required if not on each test case"
    "anyOf": [{"required": ["score"]},
              {"required": ["tests"], "properties": {"tests": {"items": {"required": ["score"]}}}}],
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    d = tmp_path_factory.mktemp("gs")
    ex = make_exercises(VO, variants=2, seed=5)
    (d / "key.json").write_text(ex.key.to_json(), encoding="utf-8")
    v = ex.key.variant("01")
    lines = ["variant 01"]
    for i, (part, act) in enumerate(zip(v.parts, ("sigmoid", "relu"), strict=True), start=1):
        t = vo(given_numbers(part.given), act)
        lines.append(f"example {i}")
        for q in part.questions:
            vals = [-x if (i, q.name) == (1, "dl/dW2") else x for x in t[q.name]]
            lines.append(f"{q.name} = {literal(vals, q.shape)}")
    (d / "answers.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "broken.txt").write_bytes(b"\x00")
    return d, ex.key


def test_the_schema_rejects_what_gradescope_would():
    jsonschema.Draft202012Validator.check_schema(RESULTS_SCHEMA)
    bad = [{"tests": [{"name": "t"}]},  # no score anywhere
           {"score": 1, "visibility": "public"},
           {"score": 1, "tests": [{"score": 1, "status": "ok"}]},
           {"score": 1, "tests": [{"score": 1, "points": 1}]}]
    for doc in bad:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(doc, RESULTS_SCHEMA)


def test_results_json_is_valid_and_adds_up(workspace, tmp_path, capsys):
    d, key = workspace
    out = tmp_path / "results" / "results.json"
    assert main(["grade", str(d / "key.json"), str(d / "answers.txt"), "--format",
                 "gradescope", "-o", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(doc, RESULTS_SCHEMA)
    assert len(doc["tests"]) == 21
    assert doc["max_score"] == 22 and doc["score"] == 21
    assert doc["score"] == pytest.approx(sum(t["score"] for t in doc["tests"]))
    wrong = [t for t in doc["tests"] if t["status"] == "failed"]
    assert [t["name"] for t in wrong] == ["1. dl/dW2"]
    assert "sign flipped" in wrong[0]["output"]
    # the student sees the verdict and the slip, not the key (without --reveal)
    true = next(q for q in key.variant("01").parts[0].questions if q.name == "dl/dW2")
    assert true.text not in wrong[0]["output"]
    assert all(t["visibility"] == "visible" for t in doc["tests"])


def test_a_broken_submission_is_still_valid_results(workspace):
    d, key = workspace
    doc = to_gradescope(grade_file(key, str(d / "broken.txt")))
    jsonschema.validate(doc, RESULTS_SCHEMA)
    assert doc["score"] == 0 and doc["tests"] == [] and "binary file" in doc["output"]


def test_several_submissions_need_a_directory(workspace, tmp_path, capsys):
    d, _ = workspace
    args = ["grade", str(d / "key.json"), str(d / "answers.txt"), str(d / "broken.txt"),
            "--format", "gradescope"]
    assert main(args) == 2
    assert "add -o DIR" in capsys.readouterr().err
    assert main([*args, "-o", str(tmp_path / "all")]) == 0
    for name in ("answers.json", "broken.json"):
        jsonschema.validate(json.loads((tmp_path / "all" / name).read_text()), RESULTS_SCHEMA)
