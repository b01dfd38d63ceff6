"""GIFT with Moodle's meaning: the cases of Moodle's importer tests, graded as Moodle grades them,
and export → GIFT → import giving back the same questions (for every shipped module too)."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from courses.authoring.gift import gift_to_quiz
from courses.authoring.gift_export import quiz_to_gift
from courses.content.documents import parse_document
from quizzes.grading import AnswerKey, clean_response, credit, feedback
from quizzes.parser import parse_quiz
from tests.coursebuilder import module_text

D = Decimal


def imported(gift: str):
    result = gift_to_quiz(gift)
    assert result.problems == [] and result.count == 1, result.problems
    (question,), problems = parse_quiz(result.text.split("\n"), 1)
    return question, [p.message for p in problems]


def key_of(question) -> AnswerKey:
    return AnswerKey(question.key, question.kind, question.answer, frozenset(c.key for c in question.choices),
                     frozenset(c.key for c in question.choices if c.correct),
                     {c.key: c.fraction for c in question.choices})


def grade(question, raw) -> Decimal:
    key = key_of(question)
    if question.kind in ("single", "multiple"):
        texts = {c.text: c.key for c in question.choices}
        raw = texts[raw] if isinstance(raw, str) else [texts[t] for t in raw]
    return credit(key, clean_response(key, raw))


def said(question, raw) -> list[str]:
    key = key_of(question)
    return feedback(key, clean_response(key, raw), {c.key: c.feedback for c in question.choices})


# (GIFT, [(response, credit Moodle gives)])
MOODLE_CASES = {
    "numeric, Moodle's export form with a catch-all": (
        "::num::What number? {#\n\t=%100%3:2#Well done\n\t~#Completely wrong\n####Three.}",
        [("3", "1"), ("5", "1"), ("1", "1"), ("5.5", "0"), ("-7", "0")]),
    "numeric, value:tolerance and wrong feedback": (
        "::num::What number? {#3:2~#Not quite}", [("4.9", "1"), ("0", "0")]),
    "several numeric answers, the first match counts": (
        "::grant::When was Ulysses S. Grant born? {#\n=1822:0 # Correct!\n=%50%1822:2 # Close.\n}",
        [("1822", "1"), ("1820", "0.5"), ("1824", "0.5"), ("1825", "0")]),
    "numeric range": ("::r::A number from 1 to 5? {#1..5}", [("1", "1"), ("5", "1"), ("5.01", "0")]),
    "short answer with weights and a catch-all": (
        "::frog::Which animal? {=Frog =%50%Cat =%0%*}", [("frog", "1"), ("CAT", "0.5"), ("*", "0"),
                                                         ("dog", "0")]),
    "single choice with a half-credit wrong option stays single": (
        "::abc::Pick one {=a ~%50%b ~c}", [("a", "1"), ("b", "0.5"), ("c", "0")]),
    "multiple answer with a penalty": (
        "::m::Pick {~%50%a ~%50%b ~%-100%c}",
        [(["a", "b"], "1"), (["a"], "0.5"), (["a", "c"], "0"), (["a", "b", "c"], "0"), ([], "0")]),
    "true/false with feedback": ("::tf::The sky is green. {F#No, it is not green.#Right.}",
                                 [("false", "1"), ("true", "0")]),
}


@pytest.mark.parametrize("case", MOODLE_CASES)
def test_each_gift_case_grades_as_moodle_grades_it(case):
    gift, expected = MOODLE_CASES[case]
    question, problems = imported(gift)
    assert [p for p in problems if "has no explanation" not in p] == []  # the editor asks for one
    assert [(response, grade(question, response)) for response, _ in expected] == [
        (response, D(earned)) for response, earned in expected]


def test_feedback_is_kept_for_each_option_and_answer():
    numeric, _ = imported(MOODLE_CASES["numeric, Moodle's export form with a catch-all"][0])
    assert numeric.explanation == "Three." and said(numeric, "3") == ["Well done"]
    assert said(numeric, "9") == ["Completely wrong"]
    grant, _ = imported(MOODLE_CASES["several numeric answers, the first match counts"][0])
    assert grant.explanation == "Correct!" and said(grant, "1821") == ["Close."]
    truth, _ = imported(MOODLE_CASES["true/false with feedback"][0])
    assert truth.explanation == "Right." and said(truth, "true") == ["No, it is not green."]
    jesus, _ = imported("::town::Jesus Christ was from {\n~Jerusalem#An important city, but wrong.\n"
                        "~%25%Bethlehem#Born here, not raised here.\n~%50%Galilee#Be more specific.\n"
                        "=Nazareth#Yes! That's right!\n}")
    assert jesus.kind == "single" and jesus.explanation == "Yes! That's right!"
    assert [(c.text, c.fraction, c.feedback) for c in jesus.choices] == [
        ("Jerusalem", 0, "An important city, but wrong."), ("Bethlehem", D("0.25"), "Born here, not raised here."),
        ("Galilee", D("0.5"), "Be more specific."), ("Nazareth", 1, "")]


@pytest.mark.parametrize(("gift", "reason"), [
    ("::two::Pick {=a =b ~c}", "single choice with 2 answers worth 100%"),
    ("::m::Match {=a -> 1 =b -> 2}", "matching questions are not supported"),
    ("::e::Essay {}", "essay questions"),
    ("::n::Number {#abc}", "numeric answer 'abc' is not"),
])
def test_what_our_quizzes_cannot_grade_is_reported_not_changed(gift, reason):
    result = gift_to_quiz(gift)
    assert result.count == 0 and result.problems[0].message.startswith(reason)


def same(question) -> tuple:
    return (question.kind, question.key, question.text, question.explanation, question.answer,
            [(c.text, c.fraction, c.correct, c.feedback) for c in question.choices])


def round_trip(questions):
    result = gift_to_quiz(quiz_to_gift(questions))
    assert result.problems == [] and result.count == len(questions)
    again, problems = parse_quiz(result.text.split("\n"), 1)
    assert problems == []
    return again


WEIGHTED = """\
## [single] best
哪个 {最} 好：A=B？
- [x] 甲 #1
  > 对：就是它。
- [50%] 乙 ~ 近似
- [-25%] 丙
> 甲最好：看 **第 2 节**。
>
> 第二段。

## [multiple] many
哪些？
- [50%] a
- [50%] b
- [-100%] c
  > c 会扣分。
- [ ] d
> a 和 b。

## [multiple] all-or-nothing
哪些（全对才得分）？
- [x] a
- [ ] b
- [x] c
- [x] d
> a、c、d。

## [truefalse] tf
对吗？
answer: false
  > true: 不对。
  > false: 对了。
> 解释。

## [numeric] year
ROI（%）？
answer: 190 %
answer: 190 ± 10 = 50%
  > 接近了。
answer: * = 0%
  > 再算。
> 190%。

## [text] animal
哪种动物？
answer: Frog | 青蛙
answer: Cat = 50%
  > 宠物。
answer: Fr*g = 25%
answer: * = 0%
> 青蛙。
"""


def test_every_kind_of_weight_and_feedback_survives_export_and_import():
    questions, problems = parse_quiz(WEIGHTED.split("\n"), 1)
    assert problems == []
    assert [same(q) for q in round_trip(questions)] == [same(q) for q in questions]


def test_the_export_is_gift_that_moodle_reads_with_the_same_weights():
    questions, _ = parse_quiz(WEIGHTED.split("\n"), 1)
    gift = quiz_to_gift(questions)
    assert "::best::哪个 \\{最\\} 好：A\\=B？{\n\t=甲 \\#1#对：就是它。\n\t~%50%乙 \\~ 近似\n\t~%-25%丙\n" in gift
    assert "// ops-academy: all-or-nothing\n::all-or-nothing::" in gift
    assert "~%33.33333%a\n\t~%-100%b" in gift
    assert "{FALSE#不对。#对了。####解释。}" in gift
    assert "{#\n\t=%100%190:0\n\t=%50%190:10#接近了。\n\t~#再算。\n####190%。}" in gift
    assert "{\n\t=Frog\n\t=青蛙\n\t=%50%Cat#宠物。\n\t=%25%Fr*g\n\t=%0%*\n####青蛙。}" in gift


def shipped_modules() -> list[Path]:
    return sorted(p for p in (Path(settings.BASE_DIR) / "content").rglob("*.md")
                  if not p.name.startswith("_") and p.name != "README.md")


def test_every_shipped_quiz_round_trips_through_gift():
    modules = shipped_modules()
    assert modules
    total = 0
    for path in modules:
        doc = parse_document(path.read_text(encoding="utf-8"), "module")
        if not doc.questions:
            continue
        assert [same(q) for q in round_trip(doc.questions)] == [same(q) for q in doc.questions], path
        total += len(doc.questions)
    assert total >= 50


def test_a_module_text_with_the_converted_questions_validates():
    questions, _ = parse_quiz(WEIGHTED.split("\n"), 1)
    text = gift_to_quiz(quiz_to_gift(questions)).text
    assert parse_document(module_text("正文\n", quiz=text), "module").problems == []


def test_trainer_downloads_a_modules_quiz_as_gift(trainer_client, imported_course):
    response = trainer_client.get("/trainer/courses/test-course/m-1-1/gift/export/")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    assert 'filename="test-course-m-1-1.gift.txt"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text == "::q-one::第一题？{\n\t=对的\n\t~错的\n####因为对。}\n\n::q-two::第二题对吗？{TRUE####是对的。}\n"
    assert trainer_client.get("/trainer/courses/test-course/no-such/gift/export/").status_code == 404
