"""``backprop exercise --moodle quiz.xml``: a question bank Moodle imports, graded as Moodle
grades numerical questions, with the true values and the slips' values from torch float64.

The schema below is the part of Moodle's XML question format the quiz uses, as Moodle's
documentation ("Moodle XML format") and its importer (question/format/xml/format.php:
import_headers, import_answer, import_numerical, import_category) read it: a <quiz> of
<question type="category"> (<category><text>) and <question type="numerical"> with <name>,
<questiontext format>, <generalfeedback>, <defaultgrade>, <penalty>, <hidden>, one or more
<answer fraction format> each with <text> (a number, or * for any response), <tolerance> and
<feedback format>, then the unit settings. Moodle takes the first answer whose interval
[answer − tolerance, answer + tolerance] holds the response.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest
import torch
import xmlschema
from exercise_oracles import VO, given_numbers, rounded, vo

from autograd_core.cli import main
from autograd_core.exercise import make_exercises
from autograd_core.exercise.moodle import to_moodle

XSD = """<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="quiz">
    <xs:complexType><xs:sequence>
      <xs:element name="question" maxOccurs="unbounded">
        <xs:alternative test="@type = 'category'" type="categoryQuestion"/>
        <xs:alternative test="@type = 'numerical'" type="numericalQuestion"/>
        <xs:alternative type="xs:error"/>
      </xs:element>
    </xs:sequence></xs:complexType>
  </xs:element>
  <xs:simpleType name="format"><xs:restriction base="xs:string">
    <xs:enumeration value="html"/><xs:enumeration value="moodle_auto_format"/>
    <xs:enumeration value="plain_text"/><xs:enumeration value="markdown"/>
  </xs:restriction></xs:simpleType>
  <xs:complexType name="text"><xs:sequence>
    <xs:element name="text"><xs:simpleType><xs:restriction base="xs:string">
      <xs:minLength value="1"/></xs:restriction></xs:simpleType></xs:element>
  </xs:sequence></xs:complexType>
  <xs:complexType name="formatted"><xs:complexContent><xs:extension base="text">
    <xs:attribute name="format" type="format" use="required"/>
  </xs:extension></xs:complexContent></xs:complexType>
  <xs:simpleType name="numberOrAny"><xs:restriction base="xs:string">
    <xs:pattern value="\\*|[\\-+]?[0-9]+(\\.[0-9]+)?([eE][\\-+]?[0-9]+)?"/>
  </xs:restriction></xs:simpleType>
  <xs:simpleType name="nonNegative"><xs:restriction base="xs:decimal">
    <xs:minInclusive value="0"/></xs:restriction></xs:simpleType>
  <xs:complexType name="categoryQuestion"><xs:sequence>
    <xs:element name="category" type="text"/>
  </xs:sequence><xs:attribute name="type" fixed="category" use="required"/></xs:complexType>
  <xs:complexType name="answer"><xs:sequence>
    <xs:element name="text" type="numberOrAny"/>
    <xs:element name="tolerance" type="nonNegative"/>
    <xs:element name="feedback" type="formatted"/>
  </xs:sequence>
    <xs:attribute name="fraction" use="required"><xs:simpleType>
      <xs:restriction base="xs:decimal"><xs:minInclusive value="-100"/>
      <xs:maxInclusive value="100"/></xs:restriction></xs:simpleType></xs:attribute>
    <xs:attribute name="format" type="format"/>
  </xs:complexType>
  <xs:complexType name="numericalQuestion"><xs:sequence>
    <xs:element name="name" type="text"/>
    <xs:element name="questiontext" type="formatted"/>
    <xs:element name="generalfeedback" type="formatted" minOccurs="0"/>
    <xs:element name="defaultgrade" type="nonNegative"/>
    <xs:element name="penalty"><xs:simpleType><xs:restriction base="xs:decimal">
      <xs:minInclusive value="0"/><xs:maxInclusive value="1"/></xs:restriction>
    </xs:simpleType></xs:element>
    <xs:element name="hidden"><xs:simpleType><xs:restriction base="xs:integer">
      <xs:enumeration value="0"/><xs:enumeration value="1"/></xs:restriction>
    </xs:simpleType></xs:element>
    <xs:element name="answer" type="answer" maxOccurs="unbounded"/>
    <xs:element name="unitgradingtype" type="xs:integer"/>
    <xs:element name="unitpenalty" type="nonNegative"/>
    <xs:element name="showunits" type="xs:integer"/>
    <xs:element name="unitsleft" type="xs:integer"/>
  </xs:sequence><xs:attribute name="type" fixed="numerical" use="required"/></xs:complexType>
</xs:schema>
"""


@pytest.fixture(scope="module")
def quiz():
    exercises = make_exercises(VO, variants=2, seed=3)
    return exercises, to_moodle(exercises)


def moodle_grade(question: ET.Element, response: float) -> tuple[float, str]:
    """Moodle's numerical question: the first answer whose interval holds the response."""
    for a in question.findall("answer"):
        text = a.findtext("text")
        tol = float(a.findtext("tolerance"))
        if text == "*" or abs(response - float(text)) <= tol:
            return float(a.get("fraction")), a.findtext("feedback/text")
    return 0.0, ""


def test_the_quiz_is_valid_moodle_xml(quiz):
    _, xml = quiz
    schema = xmlschema.XMLSchema11(XSD)
    schema.validate(xml)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(xml.replace('fraction="100"', 'fraction="200"', 1))


def test_round_trip_true_values_tolerances_and_slips(quiz):
    exercises, xml = quiz
    root = ET.fromstring(xml)
    questions = root.findall("question")
    categories = [q.findtext("category/text") for q in questions if q.get("type") == "category"]
    assert categories == ["$course$/vo_mlp/variant-01", "$course$/vo_mlp/variant-02"]
    numerical = [q for q in questions if q.get("type") == "numerical"]
    per_variant = sum(q.size for p in exercises.variants[0].parts for q in p.questions)
    assert len(numerical) == 2 * per_variant
    assert len({q.findtext("name/text") for q in numerical}) == len(numerical)  # all named apart
    by_name = {q.findtext("name/text"): q for q in numerical}
    checked = 0
    for v in exercises.variants:
        for n, (part, act) in enumerate(zip(v.parts, ("sigmoid", "relu"), strict=True), 1):
            g = given_numbers(part.given)
            truth = vo(g, act)
            for q in part.questions:
                for k, true in enumerate(truth[q.name]):
                    entry = "" if q.size == 1 else (
                        f"[{k + 1}]" if len(q.shape) == 1 else
                        f"[{k // q.shape[1] + 1},{k % q.shape[1] + 1}]")
                    question = by_name[f"vo_mlp {v.id} part {n}: {q.name}{entry}"]
                    first = question.find("answer")
                    assert first.get("fraction") == "100"
                    assert math.isclose(float(first.findtext("text")), true, rel_tol=1e-10,
                                        abs_tol=1e-12)
                    assert first.findtext("tolerance") == "0.00005"
                    assert moodle_grade(question, float(rounded(true, 4)))[0] == 100
                    if abs(true) >= 1e-3:
                        fraction, feedback = moodle_grade(question, -true)
                        assert fraction == 0 and "sign flipped" in feedback.lower(), feedback
                        fraction, feedback = moodle_grade(question, 2 * true)
                        assert fraction == 0 and "factor 2" in feedback, feedback
                    assert moodle_grade(question, 12345.678) == \
                        (0, "<p>No single slip explains it.</p>")
                    checked += 1
    assert checked == 2 * per_variant


def test_a_missing_upstream_factor_is_named_in_the_feedback(quiz):
    """dl/dW2 written as the local derivative ∂x2/∂W2 = σ′(z2)·x1 (torch's), without ∂l/∂x2."""
    exercises, xml = quiz
    by_name = {q.findtext("name/text"): q for q in ET.fromstring(xml).iter("question")}
    v = exercises.variants[0]
    g = given_numbers(v.parts[0].given)
    W1, b1, W2 = (torch.tensor(g[n], dtype=torch.float64) for n in ("W1", "b1", "W2"))
    W2.requires_grad_(True)
    x1 = torch.sigmoid(W1 @ torch.tensor(g["x0"], dtype=torch.float64) + b1)
    x2 = torch.sigmoid(W2 @ x1 + g["b2"])
    (local,) = torch.autograd.grad(x2.sum(), W2)
    for k, value in enumerate(local.reshape(-1).tolist()):
        question = by_name[f"vo_mlp 01 part 1: dl/dW2[{k + 1}]"]
        fraction, feedback = moodle_grade(question, value)
        assert fraction == 0, feedback
        assert "issing upstream factor ∂l/∂x2" in feedback and "∂x2/∂W2" in feedback, feedback


def test_the_command_line_writes_the_quiz(tmp_path, capsys):
    out = tmp_path / "quiz.xml"
    assert main(["exercise", str(VO), "--variants", "1", "--seed", "3", "--example", "2",
                 "--moodle", str(out)]) == 0
    xmlschema.XMLSchema11(XSD).validate(out.read_text(encoding="utf-8"))
    assert "wrote the Moodle quiz" in capsys.readouterr().out
