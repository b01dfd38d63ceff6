"""错题本: wrong questions collect here, can be retried, and leave when answered right."""

from quizzes.models import QuestionResult, Quiz
from tests.quizhelpers import submit


def test_wrong_answers_appear_and_leave_when_answered_right(learner_client, learner, imported_course):
    submit(learner_client, learner, right=False)
    page = learner_client.get("/me/mistakes/").content.decode()
    assert "第一题？" in page and "第二题对吗？" in page and "因为对。" in page
    result = QuestionResult.objects.get(user=learner, question__key="q-two")
    response = learner_client.post(f"/me/mistakes/{result.pk}/retry/", {"answer": "false"}, follow=True)
    assert "还没答对" in response.content.decode()
    response = learner_client.post(f"/me/mistakes/{result.pk}/retry/", {"answer": "true"}, follow=True)
    assert "答对了" in response.content.decode()
    page = learner_client.get("/me/mistakes/").content.decode()
    assert "第二题对吗？" not in page and "第一题？" in page


def test_explanations_stay_hidden_until_the_policy_allows(learner_client, learner, imported_course):
    Quiz.objects.update(review="after_pass")
    submit(learner_client, learner, right=False)
    page = learner_client.get("/me/mistakes/").content.decode()
    assert "因为对。" not in page and "解析暂不显示" in page


def test_retry_rejects_empty_answers_and_other_peoples_entries(client, learner, imported_course, db):
    from tests.factories import UserFactory

    client.force_login(learner)
    submit(client, learner, right=False)
    result = QuestionResult.objects.get(user=learner, question__key="q-one")
    response = client.post(f"/me/mistakes/{result.pk}/retry/", {}, follow=True)
    assert "请先选择或填写答案" in response.content.decode()
    client.force_login(UserFactory(email="nosy@example.com"))
    assert client.post(f"/me/mistakes/{result.pk}/retry/", {"answer": "a"}).status_code == 404
