"""Every trainer URL: anonymous → sign-in page, learner and HR → 403, trainer → allowed."""

import pytest

from tests.factories import UserFactory

M = "/trainer/courses/test-course/m-1-1/"
GET_URLS = [
    "/trainer/", "/trainer/courses/test-course/", "/trainer/courses/test-course/new/",
    "/trainer/courses/test-course/export/", M + "edit/", M + "draft/", M + "draft/1/", M + "history/",
    M + "export/", M + "gift/", M + "gift/export/", M + "excel/", M + "excel/template.xlsx",
    "/trainer/insights/", "/trainer/insights/test-course/",
    "/trainer/insights/test-course/m-1-1/",
]
POST_URLS = [M + "edit/", M + "preview/", M + "history/1/restore/", M + "move/up/", M + "move/",
             M + "gift/", M + "excel/", "/trainer/courses/test-course/new/"]
ROLES = {"learner": ["learner"], "hr": ["learner", "hr"]}


@pytest.mark.parametrize("method,url", [("get", u) for u in GET_URLS] + [("post", u) for u in POST_URLS])
def test_permission_matrix(client, imported_course, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    for roles in ROLES.values():
        client.force_login(UserFactory(roles=roles))
        assert getattr(client, method)(url).status_code == 403, (roles, url)
    client.force_login(UserFactory(roles=["learner", "trainer"]))
    assert getattr(client, method)(url).status_code in (200, 302, 400), url


def test_nothing_changes_when_a_learner_posts(client, imported_course):
    from courses.models import Module

    client.force_login(UserFactory(roles=["learner"]))
    before = Module.objects.get(slug="m-1-1").source
    client.post(M + "edit/", {"text": "---\ntitle: x\n---\n", "action": "publish", "change": "editorial"})
    assert Module.objects.get(slug="m-1-1").source == before


def test_trainer_link_in_header_only_for_trainers(client, imported_course, trainer, learner):
    client.force_login(learner)
    assert 'href="/trainer/"' not in client.get("/").content.decode()
    client.force_login(trainer)
    assert 'href="/trainer/"' in client.get("/").content.decode()
