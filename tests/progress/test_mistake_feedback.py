"""A 错题本 retry answers beside the question it is about; a right answer (the question leaves) at the top."""

import re

from quizzes.models import QuestionResult
from tests.quizhelpers import submit


def item(page: str, pk: int) -> str:
    return re.split(r'<li class="mistake card"|</ol>\s*\n', page.split(f'id="mistake-{pk}"')[1])[0]


def test_a_wrong_retry_is_answered_beside_its_question(learner_client, learner, imported_course):
    submit(learner_client, learner, right=False)
    result = QuestionResult.objects.get(user=learner, question__key="q-two")
    response = learner_client.post(f"/me/mistakes/{result.pk}/retry/", {"answer": "false"})
    assert response["Location"].endswith(f"#mistake-{result.pk}-result")
    page = learner_client.get(response["Location"]).content.decode()
    assert re.search(rf'id="mistake-{result.pk}-result" role="status" tabindex="-1" data-focus-result>还没答对',
                     item(page, result.pk))
    assert page.count("还没答对") == 1
    other = QuestionResult.objects.get(user=learner, question__key="q-one")
    assert "还没答对" not in item(page, other.pk)


def test_a_right_retry_is_answered_at_the_top(learner_client, learner, imported_course):
    submit(learner_client, learner, right=False)
    result = QuestionResult.objects.get(user=learner, question__key="q-two")
    response = learner_client.post(f"/me/mistakes/{result.pk}/retry/", {"answer": "true"})
    page = learner_client.get(response["Location"]).content.decode()
    assert re.search(r'<div class="messages"[^>]*data-focus-result>\s*<p class="message message-success">答对了', page)
