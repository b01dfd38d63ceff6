"""Drive the module quiz the way a browser does: load the page, post the form."""

from quizzes.models import Attempt

MODULE_URL = "/courses/test-course/m-1-1/"
SUBMIT_URL = MODULE_URL + "quiz/"


def open_attempt(client, user, url: str = MODULE_URL) -> Attempt:
    assert client.get(url).status_code == 200
    return Attempt.objects.get(user=user, status=Attempt.Status.OPEN)


def token(attempt: Attempt, question: str, choice_key: str) -> str:
    return next(t for t, k in attempt.layout[question]["choices"] if k == choice_key)


def answers(attempt: Attempt, *, right: bool = True) -> dict:
    """Form data for the test course's quiz: q-one (a is right), q-two (true is right)."""
    return {"attempt": attempt.pk, "q-q-one": token(attempt, "q-one", "a" if right else "b"),
            "q-q-two": "true" if right else "false"}


def submit(client, user, *, right: bool = True, url: str = SUBMIT_URL):
    attempt = open_attempt(client, user, url.removesuffix("quiz/"))
    return attempt, client.post(url, answers(attempt, right=right))
