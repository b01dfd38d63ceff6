"""Partial credit with Moodle's semantics: choice fractions, weighted answers, penalties."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import QueryDict

from quizzes.grading import AnswerKey, credit, feedback, grade
from quizzes.models import Choice, QuestionResult, Quiz
from quizzes.selectors import attempt_review, current_questions
from quizzes.services import ChoiceData, QuestionData, attempt_start, attempt_submit, question_retry
from tests.factories import UserFactory

D = Decimal


def choice_key(kind: str, fractions: dict[str, str], partial: bool = False) -> AnswerKey:
    weights = {k: D(v) for k, v in fractions.items()}
    return AnswerKey("q", kind, {"partial": True} if partial else {}, frozenset(weights),
                     frozenset(k for k, v in weights.items() if v > 0), weights)


@pytest.mark.parametrize(("response", "earned"), [("a", "1"), ("b", "0.5"), ("c", "0"), ("d", "0")])
def test_single_choice_earns_the_fraction_of_the_chosen_option_never_below_zero(response, earned):
    key = choice_key("single", {"a": "1", "b": "0.5", "c": "0", "d": "-0.5"})
    assert credit(key, response) == D(earned)


@pytest.mark.parametrize(("chosen", "earned"), [
    (["a", "b"], "1"), (["a"], "0.5"), (["a", "c"], "0"), (["a", "b", "c"], "0"), (["c"], "0"),
    ([], "0"), (["a", "b", "d"], "0.75")])
def test_weighted_multiple_choice_sums_fractions_floored_at_zero(chosen, earned):
    key = choice_key("multiple", {"a": "0.5", "b": "0.5", "c": "-1", "d": "-0.25"}, partial=True)
    assert credit(key, chosen) == D(earned)


def test_weighted_multiple_choice_is_capped_at_full_credit():
    key = choice_key("multiple", {"a": "0.7", "b": "0.7"}, partial=True)
    assert credit(key, ["a", "b"]) == 1


@pytest.mark.parametrize(("chosen", "earned"), [(["a", "c"], 1), (["a"], 0), (["a", "b", "c"], 0), ([], 0)])
def test_a_multiple_choice_with_plain_marks_stays_all_or_nothing(chosen, earned):
    key = choice_key("multiple", {"a": "1", "b": "0", "c": "1"})
    assert credit(key, chosen) == earned


NUMERIC = AnswerKey("n", "numeric", {"unit": "", "answers": [
    {"value": "1822", "tolerance": "0", "fraction": "1", "feedback": "exactly"},
    {"value": "1822", "tolerance": "2", "fraction": "0.5", "feedback": "close"},
    {"value": "*", "tolerance": "0", "fraction": "0", "feedback": "no"}]})


@pytest.mark.parametrize(("response", "earned", "said"), [
    ("1822", "1", ["exactly"]), ("1823.5", "0.5", ["close"]), ("1830", "0", ["no"])])
def test_numeric_answers_the_first_matching_answer_counts(response, earned, said):
    assert credit(NUMERIC, response) == D(earned)
    assert feedback(NUMERIC, response, {}) == said


TEXT = AnswerKey("t", "text", {"answers": [
    {"value": "Frog", "fraction": "1"}, {"value": "Cat", "fraction": "0.5", "feedback": "half"},
    {"value": "Fr*g", "fraction": "0.25"}, {"value": "*", "fraction": "0", "feedback": "guess"}]})


@pytest.mark.parametrize(("response", "earned"), [
    ("frog", "1"), ("ＣＡＴ", "0.5"), ("Froooog", "0.25"), ("*", "0"), ("Dog", "0")])
def test_short_answer_fractions_wildcards_and_catch_all(response, earned):
    assert credit(TEXT, response) == D(earned)


def test_quiz_score_is_the_sum_of_credits():
    keys = [choice_key("single", {"a": "1", "b": "0.5"}), NUMERIC, TEXT]
    score, outcomes = grade([AnswerKey("x", "truefalse", {"value": True}), *keys[1:]],
                            {"x": "true", "n": "1823", "t": "cat"})
    assert [o.credit for o in outcomes] == [1, D("0.5"), D("0.5")] and score == 67


@pytest.fixture
def weighted_quiz(db):
    quiz = Quiz.objects.create(title="partial", pass_mark=75)
    choices = [ChoiceData("a", "<p>A</p>", True, D("0.5"), "A is half"),
               ChoiceData("b", "<p>B</p>", True, D("0.5")),
               ChoiceData("c", "<p>C</p>", False, D("-1"), "C is wrong")]
    quiz_sync(quiz=quiz, questions=[
        QuestionData("m", "multiple", "m", "<p>M?</p>", "<p>why</p>", {"partial": True}, choices),
        QuestionData("t", "truefalse", "t", "<p>T?</p>", "<p>why</p>", {"value": True}, [])])
    quiz.refresh_from_db()
    return quiz


def quiz_sync(**kwargs):
    from quizzes.services import quiz_sync as sync

    sync(title=kwargs["quiz"].title, **kwargs)


def submit(user, quiz, chosen: list[str], truth: str):
    questions = current_questions(quiz)
    attempt = attempt_start(user=user, quiz=quiz, questions=questions)
    tokens = {key: token for token, key in attempt.layout["m"]["choices"]}
    data = QueryDict(mutable=True)
    data.setlist("q-m", [tokens[k] for k in chosen])
    data["q-t"] = truth
    return attempt_submit(user=user, quiz=quiz, attempt_id=attempt.pk, data=data, questions=questions).attempt


def test_half_credit_counts_towards_the_pass_mark_and_keeps_the_question_in_the_mistake_book(weighted_quiz):
    learner = UserFactory()
    attempt = submit(learner, weighted_quiz, ["a"], "true")
    assert (attempt.score, attempt.passed, attempt.outcomes) == (75, True, {"m": 0.5, "t": 1})
    result = QuestionResult.objects.get(user=learner, question__key="m")
    assert (result.last_correct, result.last_credit, result.wrong_count) == (False, D("0.5"), 1)
    review = attempt_review(attempt, current_questions(weighted_quiz), reveal=True)
    assert review[0].partial and review[0].percent == 50 and review[0].feedback == ["A is half"]


def test_a_penalised_option_can_fail_the_attempt(weighted_quiz):
    attempt = submit(UserFactory(), weighted_quiz, ["a", "b", "c"], "true")
    assert (attempt.score, attempt.passed) == (50, False)


def test_full_credit_on_retry_takes_a_partly_right_question_off_the_mistake_book(weighted_quiz):
    learner = UserFactory()
    submit(learner, weighted_quiz, ["a"], "true")
    question = weighted_quiz.questions.get(key="m")
    assert question_retry(user=learner, question=question, raw=["a"]) is False
    assert question_retry(user=learner, question=question, raw=["a", "b"]) is True
    result = QuestionResult.objects.get(user=learner, question=question)
    assert (result.last_correct, result.last_credit, result.wrong_count) == (True, 1, 2)


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_stored_right_options_and_results_full_credit():
    before = [("quizzes", "0002_quiz_cooldown_minutes_quiz_max_attempts_and_more")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    loader = MigrationExecutor(connection).loader
    old = loader.project_state(list(loader.applied_migrations)).apps
    user = old.get_model("accounts", "User").objects.create(email="old@example.com")
    quiz = old.get_model("quizzes", "Quiz").objects.create(title="old")
    question = old.get_model("quizzes", "Question").objects.create(
        quiz=quiz, key="q", kind="single", order=1, fingerprint="f", text_html="", explanation_html="")
    for key, right in (("a", True), ("b", False)):
        old.get_model("quizzes", "Choice").objects.create(question=question, version=1, key=key, order=1,
                                                          text_html=key, is_correct=right)
    old.get_model("quizzes", "QuestionResult").objects.create(user=user, question=question, last_correct=True)
    MigrationExecutor(connection).migrate(loader.graph.leaf_nodes())
    assert dict(Choice.objects.values_list("key", "fraction")) == {"a": 1, "b": 0}
    assert QuestionResult.objects.get().last_credit == 1
