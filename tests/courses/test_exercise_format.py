"""The ::: exercise block: checked like quiz questions, rendered without its answers, graded purely."""

import pytest
from django.utils import translation

from courses.content.documents import parse_document
from courses.content.exercises import ExerciseInvalid, answer_sheet, feedback, grade
from courses.content.rendering import render_body
from tests.coursebuilder import module_text

EXERCISE = """\
::: exercise cohort 算留存
| 批次 | 新增 | D7 |
|---|---|---|
| 甲 | 1000 | 250 |

## [numeric] d7
甲批的 D7 留存率（%）
answer: 25 ± 0.1 %
> 250 ÷ 1000 = 25%，这是隐藏的解析。

## [text] score
客户的 RFM 得分
answer: 433
> 解析二：R 4、F 3、M 3。

## [single] pick
哪批更好？
- [x] 甲批
- [ ] 乙批
> 解析三：甲批更好。
:::
"""


def doc(body: str):
    return parse_document(module_text(body), "module")


def sheet():
    (directive,) = doc(EXERCISE).directives
    return answer_sheet(directive.exercise)


def test_the_page_shows_the_task_and_blanks_but_no_answer_or_explanation():
    html, _ = render_body(doc(EXERCISE))
    assert 'data-widget="exercise"' in html and 'data-key="cohort"' in html and "<table>" in html
    assert 'data-blank="d7"' in html and 'data-blank="score"' in html and "甲批" in html
    assert "解析" not in html and "433" not in html and "data-correct" not in html
    assert '<span class="exercise-unit">%</span>' in html


def test_the_answer_sheet_keeps_answers_and_sanitised_explanations():
    blanks = {b["key"]: b for b in sheet()["blanks"]}
    assert blanks["d7"]["answer"] == {"value": "25", "tolerance": "0.1", "unit": "%"}
    assert blanks["pick"]["correct"] == ["a"] and blanks["pick"]["choices"] == ["a", "b"]
    assert blanks["score"]["explanation_html"] == "<p>解析二：R 4、F 3、M 3。</p>"


@pytest.mark.parametrize(("body", "expected"), [
    ("::: exercise\n任务\n## [numeric] a\n几？\nanswer: 1\n> 因为一。\n:::\n", "9: an exercise needs an id"),
    ("::: exercise ex\n## [numeric] a\n几？\nanswer: 1\n> 因为一。\n:::\n", "9: the exercise needs its task"),
    ("::: exercise ex\n任务\n:::\n", "9: the exercise has no blanks"),
    ("::: exercise ex\n任务\n## [multiple] a\n几？\n- [x] 一\n- [x] 二\n> 因为。\n:::\n", "11: blank 'a' is multiple"),
    ("::: exercise ex\n任务\n## [numeric] a\n几？\nanswer: 许多\n> 因为一。\n:::\n", "13: numeric answer '许多'"),
    ("::: exercise ex\n任务\n## [numeric] a\n几？\nanswer: 1\n:::\n", "11: blank 'a' has no explanation"),
    ("::: exercise ex\n任务\n## [numeric] a\n几？\nanswer: 1\n> 因。\n:::\n\n"
     "::: exercise ex\n任务\n## [numeric] b\n几？\nanswer: 1\n> 因。\n:::\n", "17: exercise id 'ex' is already used"),
])
def test_every_problem_in_an_exercise_has_its_line(body, expected):
    found = [f"{p.line}: {p.message}" for p in doc(body).problems]
    assert any(p.startswith(expected) for p in found), found


def test_grading_marks_each_blank_right_or_wrong():
    graded = grade(sheet(), {"d7": "25.05%", "score": "4 3 3", "pick": "b"})
    assert graded.results == {"d7": True, "score": True, "pick": False} and not graded.solved
    assert graded.answers["score"] == "4 3 3"
    assert grade(sheet(), {"d7": "２５", "score": "433", "pick": "a"}).solved  # full-width digits too


@pytest.mark.parametrize(("answers", "message"), [
    ({"d7": "25", "score": "433"}, "Blank 3 is empty"),
    ({"d7": " ", "score": "433", "pick": "a"}, "Blank 1 is empty"),
    ({"d7": "25", "score": "433", "pick": "a", "extra": "1"}, "no blank extra"),
    ({"d7": "二十五", "score": "433", "pick": "a"}, "Blank 1 needs a number"),
    ({"d7": "25", "score": "433", "pick": "z"}, "Blank 3: choose one of the offered options"),
    ({"d7": "25", "score": "4" * 101, "pick": "a"}, "at most 100 characters"),
])
def test_a_submission_that_cannot_be_graded_is_refused_with_a_reason(answers, message):
    with translation.override("en"), pytest.raises(ExerciseInvalid, match=message):
        grade(sheet(), answers)


def test_explanations_are_shown_once_solved_or_after_two_attempts():
    results = {"d7": False, "score": True, "pick": True}
    assert feedback(sheet(), answers={}, results=results, attempts=1)["explanations"] == {}
    assert set(feedback(sheet(), answers={}, results=results, attempts=2)["explanations"]) == {"d7", "score", "pick"}
    solved = feedback(sheet(), answers={}, results=dict.fromkeys(results, True), attempts=1)
    assert solved["solved"] and solved["explanations"]


def test_feedback_forgets_blanks_the_trainer_removed():
    old = {"d7": True, "score": True, "pick": True, "gone": False}
    state = feedback(sheet(), answers={"gone": "1", "d7": "25"}, results=old, attempts=1)
    assert state["solved"] and "gone" not in state["results"] and state["answers"] == {"d7": "25"}
