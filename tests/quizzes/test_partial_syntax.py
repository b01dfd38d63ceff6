"""The hand-written syntax for weights, penalties, several answers and feedback."""

from decimal import Decimal
from textwrap import dedent

import pytest

from courses.content.documents import parse_document
from quizzes.grading import AnswerKey, credit
from quizzes.parser import parse_quiz
from tests.coursebuilder import module_text

D = Decimal


def parse(text: str, first_line: int = 10):
    return parse_quiz(dedent(text).strip("\n").split("\n"), first_line)


def messages(problems) -> list[str]:
    return [f"{p.line}: {p.message}" for p in problems]


def key_of(question) -> AnswerKey:
    return AnswerKey(question.key, question.kind, question.answer, frozenset(c.key for c in question.choices),
                     frozenset(c.key for c in question.choices if c.correct),
                     {c.key: c.fraction for c in question.choices})


def test_weights_penalties_and_feedback_on_choices():
    (single, multiple), problems = parse("""
        ## [single] pick
        Which one?
        - [x] right
          > Yes: this is the one.
        - [50%] nearly
          > Half marks: close.
        - [ ] wrong
        > Because.

        ## [multiple] many
        Which ones?
        - [50%] a
        - [ 50 % ] b
        - [-100%] c
          > c is never right.
        - [ ] d
        > Both a and b.
    """)
    assert problems == []
    assert [(c.fraction, c.correct, c.feedback) for c in single.choices] == [
        (1, True, "Yes: this is the one."), (D("0.5"), False, "Half marks: close."), (0, False, "")]
    assert single.answer == {} and single.explanation == "Because."
    assert [(c.fraction, c.correct) for c in multiple.choices] == [
        (D("0.5"), True), (D("0.5"), True), (-1, False), (0, False)]
    assert multiple.answer == {"partial": True}
    assert credit(key_of(single), "b") == D("0.5")
    assert credit(key_of(multiple), ["a", "d"]) == D("0.5") and credit(key_of(multiple), ["a", "b", "c"]) == 0


def test_several_numeric_answers_ranges_catch_all_and_feedback():
    (question,), problems = parse("""
        ## [numeric] year
        When?
        answer: 1822
          > Exactly.
        answer: 1822 ± 2 = 50%
        answer: 1800..1850 = 10%
        answer: * = 0%
          > Not even close.
        > Champollion, 1822.
    """)
    assert problems == []
    assert question.answer == {"unit": "", "answers": [
        {"value": "1822", "tolerance": "0", "fraction": "1", "feedback": "Exactly."},
        {"value": "1822", "tolerance": "2", "fraction": "0.5", "feedback": ""},
        {"value": "1825", "tolerance": "25", "fraction": "0.1", "feedback": ""},
        {"value": "*", "tolerance": "0", "fraction": "0", "feedback": "Not even close."}]}
    assert [credit(key_of(question), r) for r in ("1822", "1821", "1849", "1900")] == [1, D("0.5"), D("0.1"), 0]


def test_a_plain_answer_line_keeps_the_form_stored_questions_have():
    (numeric, text, truth), problems = parse("""
        ## [numeric] roi
        ROI?
        answer: 1..5 %
        > 3.

        ## [text] name
        Name?
        answer: Frog | Toad
        > Frog.

        ## [truefalse] tf
        True?
        answer: true
        > Yes.
    """)
    assert problems == []
    assert numeric.answer == {"value": "3", "tolerance": "2", "unit": "%"}
    assert text.answer == {"accepted": ["Frog", "Toad"]} and truth.answer == {"value": True}


def test_short_answer_weights_catch_all_and_true_false_feedback():
    (text, truth), problems = parse("""
        ## [text] animal
        Which animal?
        answer: Frog
        answer: Cat | Dog = 50%
          > A pet, not an amphibian.
        answer: * = 0%
        > Frog.

        ## [truefalse] tf
        True?
        answer: false
          > true: No, it is false.
          > 错: Right.
        > Explained.
    """)
    assert problems == []
    assert text.answer == {"answers": [
        {"value": "Frog", "fraction": "1", "feedback": ""},
        {"value": "Cat", "fraction": "0.5", "feedback": "A pet, not an amphibian."},
        {"value": "Dog", "fraction": "0.5", "feedback": "A pet, not an amphibian."},
        {"value": "*", "fraction": "0", "feedback": ""}]}
    assert truth.answer == {"value": False, "feedback": {"true": "No, it is false.", "false": "Right."}}
    assert [credit(key_of(text), r) for r in ("frog", "dog", "*", "horse")] == [1, D("0.5"), 0, 0]


@pytest.mark.parametrize(("text", "expected"), [
    ("## [single] a\nQ?\n- [120%] x\n- [x] y\n> e", "12: weight 120% is out of range; use -100% … 100%"),
    ("## [single] a\nQ?\n- [50%] x\n- [ ] y\n> e", "10: question 'a' has no right answer; mark one with "
     "'- [x]' (a single choice needs one option worth 100%)"),
    ("## [multiple] a\nQ?\n- [50%] x\n- [25%] y\n- [ ] z\n> e",
     "10: question 'a': the positive weights add up to 75%; they must add up to 100%"),
    ("## [multiple] a\nQ?\n- [50%] x\n- [x] y\n> e", "13: question 'a' mixes '[x]' with weights"),
    ("## [single] a\nQ?\n- [33.333333%] x\n- [x] y\n> e", "12: weight 33.333333% has more than 5 decimals"),
    ("## [numeric] a\nQ?\nanswer: 5 = 50%\n> e", "12: question 'a' has no answer worth 100%"),
    ("## [numeric] a\nQ?\nanswer: 5 = -50%\n> e", "12: weight -50% is out of range; use 0% … 100%"),
    ("## [numeric] a\nQ?\nanswer: 5..1\n> e", "12: numeric range '5..1' must be 'low..high' with low ≤ high"),
    ("## [numeric] a\nQ?\nanswer: 5 m\nanswer: 6 cm = 50%\n> e", "12: question 'a' gives different units"),
    ("## [text] a\nQ?\nanswer: Cat = 50%\nanswer: Dog = 150%\n> e", "13: weight 150% is out of range"),
    ("## [truefalse] a\nQ?\nanswer: true\n  > maybe: hmm\n> e", "12: question 'a': true/false feedback reads"),
    ("## [truefalse] a\nQ?\nanswer: true\nanswer: false\n> e", "13: question 'a' needs exactly one 'answer:' line"),
])
def test_malformed_weights_are_reported_with_their_line(text, expected):
    _, problems = parse(text)
    assert any(m.startswith(expected) for m in messages(problems)), messages(problems)


def test_a_change_of_weight_or_feedback_is_a_new_question_version_and_plain_marks_are_not():
    def fingerprint(body: str) -> str:
        (question,), problems = parse(f"## [single] a\nQ?\n{body}\n> e")
        assert problems == []
        return question.fingerprint()

    plain = fingerprint("- [x] x\n- [ ] y")
    assert fingerprint("- [100%] x\n- [0%] y") == plain
    assert fingerprint("- [x] x\n- [50%] y") != plain
    assert fingerprint("- [x] x\n  > yes\n- [ ] y") != plain


def test_knowledge_checks_and_exercise_blanks_refuse_weights():
    body = dedent("""\
        ## 第一节

        ::: check
        哪个？
        - [x] 甲
        - [50%] 乙
        > 甲。
        :::

        ::: exercise ex-1 练习
        算一算。

        ## [numeric] b-1
        多少？
        answer: 5
        answer: 6 = 50%
        > 5。
        :::
        """)
    doc = parse_document(module_text(body), "module")
    found = [p.message for p in doc.problems]
    assert any(m.startswith("knowledge check uses weights or feedback") for m in found), found
    assert any(m.startswith("blank 'b-1' uses weights or feedback") for m in found), found


def test_plain_questions_keep_the_fingerprint_they_were_stored_with():
    (question,), _ = parse("## [single] a\nQ?\n- [x] x\n- [ ] y\n> e")
    assert question.fingerprint() == "single\nQ?\nTrue:x|False:y\n[]\ne"
