"""Trainer statistics pages: funnel and question figures from real attempts; aggregates only."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from progress.models import Enrollment
from tests.factories import UserFactory
from tests.quizhelpers import submit

COURSE = "/trainer/insights/test-course/"
MODULE = COURSE + "m-1-1/"


def learner_takes_quiz(user, *, right_first: bool, retry: bool = False) -> None:
    client = Client()
    client.force_login(user)
    submit(client, user, right=right_first)
    if retry:
        submit(client, user, right=True)


@pytest.fixture
def cohort(imported_course):
    people = [UserFactory(display_name=f"学员甲{i}", email=f"person{i}@example.com") for i in range(4)]
    learner_takes_quiz(people[0], right_first=True)
    learner_takes_quiz(people[1], right_first=False, retry=True)
    learner_takes_quiz(people[2], right_first=False)
    client = Client()
    client.force_login(people[3])
    client.get("/courses/test-course/m-1-2/")  # opened the second module, then went quiet
    Enrollment.objects.filter(user=people[3]).update(last_activity_at=timezone.now() - timedelta(days=30))
    return people


def test_course_funnel(trainer_client, cohort):
    response = trainer_client.get(COURSE)
    assert response.status_code == 200
    rows = {row.module.slug: row for row in response.context["rows"]}
    first = rows["m-1-1"]
    assert (first.started, first.completed, first.passed_first_try, first.first_tries) == (3, 0, 1, 3)
    assert rows["m-1-2"].started == 1 and rows["m-1-2"].dropped == 1
    assert rows["m-1-1"].dropped == 0  # the others were active just now
    assert response.context["enrolled"] == 4


def test_question_statistics_page(trainer_client, cohort):
    response = trainer_client.get(MODULE)
    stats = {s.key: s for s in response.context["stats"]}
    assert (stats["q-one"].attempts, stats["q-one"].right) == (4, 2)
    assert (stats["q-two"].attempts, stats["q-two"].facility) == (4, 50.0)
    page = response.content.decode()
    assert "第一题？" in page and "错的: 2 (50.0%)" in page
    first = trainer_client.get(MODULE + "?attempts=first").context["stats"]
    assert {s.key: s.attempts for s in first} == {"q-one": 3, "q-two": 3}


def test_pages_never_name_a_learner(trainer_client, cohort):
    for url in (COURSE, MODULE, MODULE + "?attempts=first"):
        page = trainer_client.get(url).content.decode()
        assert "学员甲" not in page and "person" not in page


def test_query_count_does_not_grow_with_learners(trainer_client, cohort, django_assert_max_num_queries):
    for url in (COURSE, MODULE):
        with django_assert_max_num_queries(14):
            trainer_client.get(url)
    for _ in range(3):
        learner_takes_quiz(UserFactory(), right_first=True)
    for url in (COURSE, MODULE):
        with django_assert_max_num_queries(14):
            trainer_client.get(url)


def test_flagged_question_is_marked(trainer_client, imported_course):
    for _ in range(3):
        learner_takes_quiz(UserFactory(), right_first=True)
    page = trainer_client.get(MODULE).content.decode()
    assert page.count('class="flag"') == 2  # both questions: everybody right
