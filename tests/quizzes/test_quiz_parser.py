from textwrap import dedent

import pytest

from quizzes.parser import parse_quiz


def parse(text: str, first_line: int = 10):
    return parse_quiz(dedent(text).strip("\n").split("\n"), first_line)


def messages(problems) -> list[str]:
    return [f"{p.line}: {p.message}" for p in problems]


def test_every_question_type_parses_into_answer_data():
    questions, problems = parse("""
        ## [single] pick-one
        Which one?
        - [ ] wrong
        - [x] right
        > Because.

        ## [multiple] pick-many
        Which ones?
        - [x] a
        - [X] b
        - [ ] c
        > Both.

        ## [truefalse] yes-no
        Is it?
        answer: false
        > No.

        ## [numeric] how-much
        ROI?
        answer: 190 ± 0.5 %
        > 190.

        ## [text] name-it
        Name?
        answer: 北极星指标 | North Star
        > Named.
    """)
    assert problems == []
    single, multiple, truefalse, numeric, text = questions
    assert [c.correct for c in single.choices] == [False, True]
    assert [c.key for c in multiple.choices] == ["a", "b", "c"]
    assert truefalse.answer == {"value": False}
    assert numeric.answer == {"value": "190", "tolerance": "0.5", "unit": "%"}
    assert text.answer == {"accepted": ["北极星指标", "North Star"]}
    assert single.line == 10 and multiple.line == 16


@pytest.mark.parametrize(
    ("quiz", "expected"),
    [
        ("## [single] a\nQ?\n- [ ] x\n- [ ] y\n> e", "10: question 'a' has no right answer"),
        ("## [single] a\nQ?\n- [x] x\n- [x] y\n> e", "10: question 'a' is single choice but marks 2"),
        ("## [numeric] a\nQ?\nanswer: lots\n> e", "12: numeric answer 'lots' is not a number"),
        ("## [numeric] a\nQ?\nanswer: 5 ± x\n> e", "12: tolerance 'x' is not a non-negative number"),
        ("## [truefalse] a\nQ?\nanswer: maybe\n> e", "12: true/false answer must be"),
        ("## [choice] a\nQ?", "10: unknown question type 'choice'"),
        ("## [single] A_B\nQ?", "10: question id 'A_B' must be"),
        ("## [single] a\nQ?\n- [x] x\n- [ ] y", "10: question 'a' has no explanation"),
        ("## [single] a\n- [x] x\n- [ ] y\n> e", "10: question 'a' has no question text"),
        ("## [single] a\nQ?\n- [x] only\n> e", "10: question 'a' needs at least two choices"),
        ("## [text] a\nQ?\n> e", "10: question 'a' needs at least one 'answer:' line"),
        ("## [single] a\nQ?\n-[x] x\n- [ ] y\n> e", "12: a choice must start with '- [x] '"),
        ("stray text\n## [single] a\nQ?\n- [x] x\n- [ ] y\n> e", "10: text before the first question"),
        ("## ［single］ a\nQ?", "10: full-width character(s) '［］' in a question header"),
        ("## [single] a\nQ?\n- ［x］ x\n- [ ] y\n> e", "12: full-width character(s) '［］' where the syntax"),
        ("## [numeric] a\nQ?\nanswer：5\n> e", "12: full-width character(s) '：' where the syntax"),
        ("## [single] a\nQ?\n- [x] x\n- [ ] y\n＞ e", "14: full-width character(s) '＞' where the syntax"),
        ("## [single] a\nQ?\n- [x] x\n- [ ] y\n> e\ntrailing", "15: text after the explanation"),
    ],
)
def test_bad_quiz_text_gets_a_specific_error_with_its_line(quiz, expected):
    _, problems = parse(quiz)
    assert any(m.startswith(expected) for m in messages(problems)), messages(problems)


def test_duplicate_question_ids_name_the_first_line():
    _, problems = parse("""
        ## [truefalse] same
        Q?
        answer: true
        > e
        ## [truefalse] same
        Q?
        answer: true
        > e
    """)
    assert messages(problems) == [
        "14: question id 'same' is already used on line 10; ids must be unique in a module"
    ]


def test_fingerprint_changes_with_meaning_not_with_key():
    (a,), _ = parse("## [truefalse] a\nQ?\nanswer: true\n> e")
    (b,), _ = parse("## [truefalse] b\nQ?\nanswer: true\n> e")
    (c,), _ = parse("## [truefalse] a\nQ?\nanswer: false\n> e")
    assert a.fingerprint() == b.fingerprint()
    assert a.fingerprint() != c.fingerprint()
