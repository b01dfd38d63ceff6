"""The catalogue: a card per course with its cover, the learner's progress and a clear next step."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.quizhelpers import submit

# Session, user, roles (header), courses, enrolments, modules, module progress, certificates.
CATALOGUE = 8


def card(page: str) -> str:
    return page.split('class="course-card"')[1].split("</li>")[0]


def test_a_visitor_is_invited_to_start(client, imported_course):
    page = client.get("/").content.decode()
    assert 'class="course-cover course-cover-' in card(page)
    assert "开始学习" in card(page) and "未开始" in card(page) and "3 个模块" in card(page)


def test_a_learner_sees_progress_and_continues_where_they_left_off(learner_client, learner, imported_course):
    submit(learner_client, learner, right=True, url="/courses/test-course/m-1-1/quiz/")
    learner_client.post("/courses/test-course/m-1-1/read/")
    page = card(learner_client.get("/").content.decode())
    assert "已学完 1/3 个模块" in page and 'stroke-dasharray="33 100"' in page
    assert 'href="/courses/test-course/m-1-2/">继续学习' in page


def test_someone_elses_progress_never_shows(client, learner_client, learner, imported_course):
    from tests.factories import UserFactory

    submit(learner_client, learner, right=True, url="/courses/test-course/m-1-1/quiz/")
    client.force_login(UserFactory(email="fresh@example.com"))
    page = card(client.get("/").content.decode())
    assert "未开始" in page and "开始学习" in page and "1/3" not in page


@pytest.mark.parametrize("courses", [1, 3])
def test_catalogue_queries_do_not_grow_with_courses(learner_client, learner, tmp_path, courses):
    from django.core.management import call_command

    from tests.coursebuilder import write_course

    for n in range(courses):
        write_course(tmp_path, slug=f"course-{n}")
    call_command("import_content", str(tmp_path))
    for n in range(courses):
        learner_client.post(f"/courses/course-{n}/enrol/")
    with CaptureQueriesContext(connection) as queries:
        assert learner_client.get("/").status_code == 200
    assert len(queries) == CATALOGUE, "\n".join(q["sql"] for q in queries)


def test_the_card_speaks_english_in_the_english_ui(client, imported_course):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = card(client.get("/").content.decode())
    assert "Start learning" in page and "Not started" in page and "0% complete" in page
    assert "开始学习" not in page and "未开始" not in page
