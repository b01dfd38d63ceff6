"""A module quiz written with weights: graded with partial credit, reviewed with feedback."""

import pytest
from django.core.management import call_command

from quizzes.models import Attempt, QuestionResult, Quiz
from tests.coursebuilder import module_file
from tests.quizhelpers import MODULE_URL, SUBMIT_URL, open_attempt, token

WEIGHTED_QUIZ = """=== quiz ===

## [multiple] q-one
哪些是留存指标？
- [50%] 次日留存
  > 对，这是留存。
- [50%] 7 日留存
- [-100%] 注册量
  > 注册量是获客指标。
> 两个留存指标。

## [numeric] q-two
ROI 是多少（%）？
answer: 190
answer: 190 ± 10 = 50%
  > 接近了，再算一遍。
answer: * = 0%
> （290 − 100）/ 100 = 190%。
"""


@pytest.fixture
def quiz(course_dir, db):
    path = module_file(course_dir)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("=== quiz ===")] + WEIGHTED_QUIZ, encoding="utf-8")
    call_command("import_content", str(course_dir.parent))
    return Quiz.objects.get(module__slug="m-1-1")


def post(client, attempt, chosen, number):
    return client.post(SUBMIT_URL, {"attempt": attempt.pk, "q-q-two": number,
                                    "q-q-one": [token(attempt, "q-one", k) for k in chosen]})


def test_half_right_answers_earn_half_the_marks_and_show_their_feedback(learner_client, learner, quiz):
    attempt = open_attempt(learner_client, learner)
    assert post(learner_client, attempt, ["a"], "195").status_code == 302
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed, attempt.outcomes) == (50, False, {"q-one": 0.5, "q-two": 0.5})
    page = learner_client.get(MODULE_URL).content.decode()
    assert page.count("部分正确：得到本题 50% 的分数") == 2
    assert "对，这是留存。" in page and "接近了，再算一遍。" in page and "注册量是获客指标。" not in page
    assert QuestionResult.objects.filter(user=learner, last_correct=False).count() == 2


def test_a_penalised_option_wipes_out_the_credit_and_full_answers_pass(learner_client, learner, quiz):
    attempt = open_attempt(learner_client, learner)
    post(learner_client, attempt, ["a", "b", "c"], "190")
    attempt.refresh_from_db()
    assert (attempt.score, attempt.outcomes) == (50, {"q-one": 0, "q-two": 1})
    assert "注册量是获客指标。" in learner_client.get(MODULE_URL).content.decode()


def test_the_open_form_carries_no_weights_or_feedback(learner_client, learner, quiz):
    page = learner_client.get(MODULE_URL).content.decode()
    assert "对，这是留存。" not in page and "50%" not in page and "接近了" not in page


def test_reimporting_unchanged_weighted_content_keeps_the_quiz_version(learner_client, learner, quiz, course_dir):
    open_attempt(learner_client, learner)
    version = quiz.version
    call_command("import_content", str(course_dir.parent))
    quiz.refresh_from_db()
    assert quiz.version == version
    assert Attempt.objects.get(user=learner).status == "open"
