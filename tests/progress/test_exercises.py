"""Data exercises: answers graded on the server, kept per learner, refused (400) when they cannot be graded."""

import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from courses.models import Module
from progress.models import ExerciseResult
from tests.coursebuilder import module_file, module_text
from tests.factories import UserFactory

EXERCISE = """\
## 练习

::: exercise cohort 算留存
| 批次 | 新增 | D7 |
|---|---|---|
| 甲 | 1000 | 250 |

## [numeric] d7
甲批的 D7 留存率（%）
answer: 25 ± 0.1 %
> 秘密解析：250 ÷ 1000。

## [single] better
哪批更好？
- [x] 甲批
- [ ] 乙批
> 秘密解析二。
:::
"""


@pytest.fixture
def module(db, course_dir):
    module_file(course_dir, 1, 1).write_text(module_text(EXERCISE, slug="m-1-1"), encoding="utf-8")
    call_command("import_content", str(course_dir.parent))
    return Module.objects.get(slug="m-1-1")


def submit(client, module, key="cohort", *, opened=True, **answers):
    """Post answers as the module page would; the learner has the page open unless opened=False."""
    if opened:
        client.get(f"/courses/test-course/{module.slug}/")
    data = {"key": key, **{f"b-{name}": value for name, value in answers.items()}}
    return client.post(f"/progress/exercises/{module.pk}/", data)


def page_state(client) -> dict:
    page = client.get("/courses/test-course/m-1-1/").content.decode()
    match = re.search(r'<script id="exercise-data" type="application/json">(.*?)</script>', page)
    return json.loads(match[1]) if match else {}


def test_the_page_holds_the_task_but_never_the_answers(learner_client, module):
    page = learner_client.get("/courses/test-course/m-1-1/").content.decode()
    assert 'data-widget="exercise"' in page and "data-exercise-url" in page and "<td>1000</td>" in page
    assert "秘密解析" not in page and "exercise-data" not in page


def test_right_answers_are_graded_kept_and_shown_with_explanations(learner_client, learner, module):
    response = submit(learner_client, module, d7="25", better="a")
    assert response.status_code == 200
    reply = response.json()
    assert reply["results"] == {"d7": True, "better": True} and reply["solved"] is True
    assert "秘密解析" in reply["explanations"]["d7"]
    row = ExerciseResult.objects.get(user=learner, module=module, key="cohort")
    assert row.attempts == 1 and row.solved_at is not None and row.answers == {"d7": "25", "better": "a"}


def test_explanations_wait_for_a_second_try_and_results_persist_on_reload(learner_client, module):
    first = submit(learner_client, module, d7="2.5", better="b").json()
    assert first["results"] == {"d7": False, "better": False} and first["explanations"] == {}
    assert page_state(learner_client)["cohort"]["answers"] == {"d7": "2.5", "better": "b"}

    second = submit(learner_client, module, d7="25.05%", better="b").json()

    assert second["attempts"] == 2 and second["results"] == {"d7": True, "better": False}
    assert set(second["explanations"]) == {"d7", "better"}
    assert page_state(learner_client)["cohort"] == second


def test_each_learner_sees_only_their_own_results(client, learner_client, module):
    submit(learner_client, module, d7="25", better="a")
    other = UserFactory(email="other@example.com")
    client.force_login(other)
    assert page_state(client) == {}


@pytest.mark.parametrize(("data", "message"), [
    ({"key": "nope", "b-d7": "25", "b-better": "a"}, "这个模块没有这道练习。"),
    ({"b-d7": "25", "b-better": "a"}, "这个模块没有这道练习。"),
    ({"key": "cohort", "b-d7": "25"}, "第 2 空还没有填：请先填完所有空。"),
    ({"key": "cohort", "b-d7": "二十五", "b-better": "a"}, "第 1 空需要填一个数字，例如 25 或 25.5。"),
    ({"key": "cohort", "b-d7": "25", "b-better": "c"}, "第 2 空：请从给出的选项中选择一个。"),
    ({"key": "cohort", "b-d7": "25", "b-better": "a", "b-extra": "1"}, "这道练习没有“extra”这一空。"),
    ({"key": "cohort", "b-d7": "9" * 500, "b-better": "a"}, "第 1 空：答案最多 100 个字符。"),
])
def test_a_submission_that_cannot_be_graded_is_refused_and_changes_nothing(learner_client, learner, module,
                                                                           data, message):
    submit(learner_client, module, d7="1", better="b")
    response = learner_client.post(f"/progress/exercises/{module.pk}/", data)
    assert response.status_code == 400 and response.json() == {"error": message}
    row = ExerciseResult.objects.get(user=learner)
    assert row.attempts == 1 and row.answers == {"d7": "1", "better": "b"}


def test_a_module_without_that_exercise_refuses_it(learner_client, module):
    other = Module.objects.get(slug="m-1-2")
    assert submit(learner_client, other, d7="25", better="a").status_code == 400
    assert not ExerciseResult.objects.exists()


def test_archived_or_unknown_modules_are_404_and_only_post_is_allowed(learner_client, module):
    assert learner_client.get(f"/progress/exercises/{module.pk}/").status_code == 405
    assert learner_client.post("/progress/exercises/999999/", {"key": "cohort"}).status_code == 404
    Module.objects.filter(pk=module.pk).update(archived_at=timezone.now())
    assert submit(learner_client, module, d7="25", better="a").status_code == 404


def test_signing_in_is_required(client, module):
    response = submit(client, module, d7="25", better="a")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ExerciseResult.objects.exists()


def test_the_module_page_shows_a_new_result_at_once(learner_client, module):
    learner_client.get("/courses/test-course/m-1-1/")
    submit(learner_client, module, d7="25", better="a")
    assert page_state(learner_client)["cohort"]["solved"] is True


def test_answers_to_a_module_never_opened_are_refused(learner_client, module):
    response = submit(learner_client, module, opened=False, d7="25", better="a")
    assert response.status_code == 400 and "请先打开本模块" in response.json()["error"]
    assert not ExerciseResult.objects.exists()
