"""Taking a module quiz: graded on the server, once, with answers revealed only when allowed."""

import pytest
from django.core.management import call_command

from quizzes.models import Attempt, Quiz
from tests.coursebuilder import module_file
from tests.quizhelpers import MODULE_URL, SUBMIT_URL, answers, open_attempt, submit, token


@pytest.fixture
def quiz(imported_course):
    return Quiz.objects.get(module__slug="m-1-1")


def test_right_answers_pass_and_show_the_review(learner_client, learner, quiz):
    attempt, response = submit(learner_client, learner, right=True)
    assert response.status_code == 302 and response["Location"].endswith("#quiz-result")
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.passed) == ("submitted", 100, True)
    assert attempt.responses == {"q-one": "a", "q-two": True}
    page = learner_client.get(MODULE_URL).content.decode()
    assert "已通过" in page and "第 1 次作答：100 分" in page
    assert "因为对。" in page and "（正确答案）" in page


def test_wrong_answers_fail_with_per_question_verdicts(learner_client, learner, quiz):
    attempt, _ = submit(learner_client, learner, right=False)
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed, attempt.outcomes) == (0, False, {"q-one": False, "q-two": False})
    page = learner_client.get(MODULE_URL).content.decode()
    assert "尚未通过" in page and page.count("✗</span> 错误") == 2


def test_the_open_form_carries_no_answer_key_or_explanation(learner_client, learner, quiz):
    page = learner_client.get(MODULE_URL).content.decode()
    form = page[page.index('class="quiz-form"'):]
    assert "因为对。" not in page and "是对的。" not in page
    assert "data-correct" not in form and "is-correct" not in form
    attempt = Attempt.objects.get(user=learner, status="open")
    for key in ("a", "b"):
        assert f'value="{key}"' not in form
        assert f'value="{token(attempt, "q-one", key)}"' in form


def test_choice_order_is_shuffled_per_attempt_and_stable_within_it(learner_client, learner, quiz, db):
    from quizzes.selectors import current_questions
    from quizzes.services import attempt_start
    from tests.factories import UserFactory

    questions = current_questions(quiz)
    layouts = set()
    for n in range(12):
        user = UserFactory(email=f"shuffle{n}@example.com")
        attempt = attempt_start(user=user, quiz=quiz, questions=questions)
        assert attempt_start(user=user, quiz=quiz, questions=questions).layout == attempt.layout
        layouts.add(tuple(k for _, k in attempt.layout["q-one"]["choices"]))
    assert layouts == {("a", "b"), ("b", "a")}


def test_double_submit_and_replayed_form_grade_once(learner_client, learner, quiz):
    attempt = open_attempt(learner_client, learner)
    data = answers(attempt, right=False)
    learner_client.post(SUBMIT_URL, data)
    data_right = {**data, "q-q-one": token(attempt, "q-one", "a"), "q-q-two": "true"}
    again = learner_client.post(SUBMIT_URL, data_right)
    assert again.status_code == 302
    assert Attempt.objects.filter(user=learner, status="submitted").count() == 1
    attempt.refresh_from_db()
    assert attempt.score == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d, a: d.pop("q-q-two"), "missing answers: q-two"),
        (lambda d, a: d.update({"q-nope": "x"}), "unknown question(s): nope"),
        (lambda d, a: d.update({"q-q-one": "forged"}), "an option that is not part of this question"),
        (lambda d, a: d.update({"q-q-two": "maybe"}), "answer true or false"),
        (lambda d, a: d.update({"q-q-one": [token(a, "q-one", "a"), token(a, "q-one", "b")]}),
         "expected exactly one answer"),
    ],
)
def test_tampered_input_gets_400_and_changes_nothing(learner_client, learner, quiz, change, message):
    attempt = open_attempt(learner_client, learner)
    data = answers(attempt)
    change(data, attempt)
    response = learner_client.post(SUBMIT_URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == "open" and attempt.score is None


def test_attempt_ids_that_are_not_yours_or_not_numbers_are_refused(client, learner, quiz, db):
    from tests.factories import UserFactory

    other = UserFactory(email="other@example.com")
    client.force_login(other)
    theirs = open_attempt(client, other)
    client.force_login(learner)
    for bad in (theirs.pk, "abc", ""):
        response = client.post(SUBMIT_URL, {**answers(theirs), "attempt": bad})
        assert response.status_code == 400
    theirs.refresh_from_db()
    assert theirs.status == "open"


def test_quiz_changed_mid_attempt_asks_to_answer_again(learner_client, learner, quiz, course_dir):
    attempt = open_attempt(learner_client, learner)
    path = module_file(course_dir)
    path.write_text(path.read_text(encoding="utf-8").replace("第一题？", "第一题（改）？"), encoding="utf-8")
    call_command("import_content", str(course_dir.parent))
    response = learner_client.post(SUBMIT_URL, answers(attempt))
    assert response.status_code == 400 and "请重新作答" in response.content.decode()
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == ("open", None)  # the refused submit wrote nothing
    learner_client.get(MODULE_URL)  # the page abandons it and opens one on the new version
    attempt.refresh_from_db()
    assert attempt.status == "abandoned"
    assert Attempt.objects.filter(user=learner, status="open").exclude(pk=attempt.pk).exists()


def test_attempt_limit_and_cooldown(learner_client, learner, quiz):
    Quiz.objects.filter(pk=quiz.pk).update(max_attempts=1)
    submit(learner_client, learner, right=False)
    page = learner_client.get(MODULE_URL).content.decode()
    assert "已用完本测验的全部作答次数" in page and 'class="quiz-form"' not in page
    Quiz.objects.filter(pk=quiz.pk).update(max_attempts=0, cooldown_minutes=30)
    page = learner_client.get(MODULE_URL).content.decode()
    assert "之后可以再试" in page and 'class="quiz-form"' not in page


POLICIES = [("after_attempt", True, True), ("after_pass", False, True), ("never", False, False)]


@pytest.mark.parametrize(("review", "after_fail", "after_pass"), POLICIES)
def test_review_policy_decides_when_explanations_appear(learner_client, learner, quiz, review,
                                                        after_fail, after_pass):
    Quiz.objects.filter(pk=quiz.pk).update(review=review)
    submit(learner_client, learner, right=False)
    page = learner_client.get(MODULE_URL).content.decode()
    assert ("因为对。" in page) is after_fail
    assert "✗</span> 错误" in page  # right/wrong per question is always shown
    submit(learner_client, learner, right=True)
    page = learner_client.get(MODULE_URL).content.decode()
    assert ("因为对。" in page) is after_pass
