"""Reflection answers are saved privately per learner and editable later."""

import json

import pytest
from django.core.management import call_command

from progress.models import Reflection
from tests.coursebuilder import module_file


@pytest.fixture
def module_with_prompt(imported_course, course_dir):
    path = module_file(course_dir)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "的正文。", "的正文。\n\n::: reflection my-plan\n你的计划是什么？\n:::\n"), encoding="utf-8")
    call_command("import_content", str(course_dir.parent))
    return imported_course.modules.get(slug="m-1-1")


def test_save_edit_and_see_only_your_own_answer(client, learner, module_with_prompt, db):
    from tests.factories import UserFactory

    url = f"/progress/reflections/{module_with_prompt.pk}/"
    client.force_login(learner)
    client.get("/courses/test-course/m-1-1/")
    assert client.post(url, {"key": "my-plan", "text": "先做用户访谈"}).json()["ok"] is True
    assert client.post(url, {"key": "my-plan", "text": "先看数据再访谈"}).status_code == 200
    assert Reflection.objects.get(user=learner).text == "先看数据再访谈"
    assert saved_reflections(client)["my-plan"]["text"] == "先看数据再访谈"
    client.force_login(UserFactory(email="peer@example.com"))
    assert saved_reflections(client) == {}


def saved_reflections(client) -> dict:
    page = client.get("/courses/test-course/m-1-1/").content.decode()
    start = page.index('id="reflection-data" type="application/json">') + 45
    return json.loads(page[start:page.index("</script>", start)])


@pytest.mark.parametrize(("data", "error"), [
    ({"key": "nope", "text": "x"}, "没有这道思考题"),
    ({"key": "<script>", "text": "x"}, "没有这道思考题"),
    ({"key": "my-plan", "text": "长" * 5001}, "最多 5000"),
])
def test_bad_reflection_saves_are_refused(learner_client, module_with_prompt, data, error):
    learner_client.get("/courses/test-course/m-1-1/")
    response = learner_client.post(f"/progress/reflections/{module_with_prompt.pk}/", data)
    assert response.status_code == 400 and error in json.loads(response.content)["error"]
    assert not Reflection.objects.exists()
