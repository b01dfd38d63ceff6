"""Module ids in learner URLs must name a live module the learner has opened; 错题本 retries stay
with the learner's own results and never reveal what the review policy hides."""

import json

import pytest
from django.core.management import call_command

from progress.models import ModuleProgress, Reflection
from quizzes.models import Question, QuestionResult, Quiz
from tests.coursebuilder import module_file
from tests.factories import UserFactory


@pytest.fixture
def modules(imported_course):
    return list(imported_course.modules.order_by("position"))


def test_marking_a_module_read_without_opening_it_is_refused(learner_client, modules):
    assert learner_client.post("/courses/test-course/m-1-2/read/").status_code == 400
    assert not ModuleProgress.objects.exists()


def test_heartbeats_for_an_archived_module_credit_nothing(learner_client, learner, modules):
    learner_client.get("/courses/test-course/m-1-1/")
    modules[0].__class__.objects.filter(pk=modules[0].pk).update(archived_at="2026-01-01T00:00:00Z")
    assert learner_client.post(f"/progress/beat/{modules[0].pk}/", {"seconds": 15}).status_code == 404
    assert ModuleProgress.objects.get(user=learner).active_seconds == 0


def test_a_reflection_on_a_module_never_opened_is_refused(learner_client, imported_course, course_dir):
    path = module_file(course_dir, 1, 2)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "的正文。", "的正文。\n\n::: reflection plan\n你的计划？\n:::\n"), encoding="utf-8")
    call_command("import_content", str(course_dir.parent))
    module = imported_course.modules.get(slug="m-1-2")
    response = learner_client.post(f"/progress/reflections/{module.pk}/", {"key": "plan", "text": "x"})
    assert response.status_code == 400 and "请先打开这个模块" in json.loads(response.content)["error"]
    assert not Reflection.objects.exists()


def _mistake(learner, slug="m-1-1") -> QuestionResult:
    question = Question.objects.get(quiz__module__slug=slug, key="q-one")
    return QuestionResult.objects.create(user=learner, question=question, last_correct=False, wrong_count=1)


def test_a_retry_of_another_learners_result_or_an_inactive_question_is_404(client, learner, modules):
    result = _mistake(learner)
    client.force_login(UserFactory(email="other@example.com"))
    assert client.post(f"/me/mistakes/{result.pk}/retry/", {"answer": "a"}).status_code == 404
    client.force_login(learner)
    Question.objects.filter(pk=result.question_id).update(is_active=False)
    assert client.post(f"/me/mistakes/{result.pk}/retry/", {"answer": "a"}).status_code == 404
    assert QuestionResult.objects.get(pk=result.pk).wrong_count == 1


def test_a_question_whose_answers_are_hidden_can_be_retried_without_revealing_them(learner_client, learner,
                                                                                  modules):
    Quiz.objects.filter(module__slug="m-1-1").update(review="never")
    result = _mistake(learner)
    response = learner_client.post(f"/me/mistakes/{result.pk}/retry/", {"answer": "b"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "还没答对" in page
    assert "因为对。" not in page and "right-choice" not in page and "正确答案" not in page
    assert QuestionResult.objects.get(pk=result.pk).wrong_count == 2
