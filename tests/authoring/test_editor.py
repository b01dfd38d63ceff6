"""Browser editing: drafts stay private, publishing runs the import service, validation and
concurrency protect the text, question ids keep attempts attached."""

import pytest
from django.utils import translation

from courses.authoring import services
from courses.models import Module, ModuleRevision
from courses.services import module_source
from quizzes.models import Attempt, Question
from tests.authoring.conftest import EDIT, latest_id, post_text
from tests.quizhelpers import submit

LEARNER_URL = "/courses/test-course/m-1-1/"


def edited(module: Module, old: str = "的正文", new: str = "的新正文") -> str:
    module.refresh_from_db()
    assert old in module.source
    return module.source.replace(old, new)


def test_import_records_the_first_revision(module):
    revision = module.revisions.get()
    assert (revision.number, revision.origin, revision.author) == (1, "import", None)
    assert revision.source == module.source and revision.published_at is not None


def test_editor_shows_the_text_with_a_live_preview(trainer_client, module):
    page = trainer_client.get(EDIT.format("m-1-1")).content.decode()
    assert "模块 m-1-1 的正文。" in page  # in the textarea
    assert '<div class="prose" lang="zh-Hans"><h2 id="第一节">第一节</h2>' in page  # the learner fragment
    assert f'name="base" value="{latest_id(module)}"' in page


def test_draft_is_private_until_published(trainer_client, learner_client, module, trainer):
    response = post_text(trainer_client, module, edited(module), action="draft")
    assert response.status_code == 302
    draft = module.revisions.order_by("-number").first()
    assert draft.is_draft and draft.author == trainer and draft.number == 2
    assert "新正文" not in learner_client.get(LEARNER_URL).content.decode()
    assert "新正文" in trainer_client.get("/trainer/courses/test-course/m-1-1/draft/").content.decode()
    assert "新正文" in trainer_client.get(EDIT.format("m-1-1")).content.decode()  # editing goes on from the draft

    response = post_text(trainer_client, module, edited(module), action="publish")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is not None  # the draft itself became the published revision
    assert module.revisions.count() == 2
    assert "新正文" in learner_client.get(LEARNER_URL).content.decode()


def test_invalid_text_is_never_saved_and_errors_carry_line_numbers(trainer_client, module):
    text = edited(module, "- [x] 对的", "- [ ] 对的")
    for action in ("draft", "publish"):
        response = post_text(trainer_client, module, text, action=action)
        assert response.status_code == 400
        page = response.content.decode()
        assert "题目 &#x27;q-one&#x27; 没有正确答案" in page and 'data-line="16"' in page
    assert module.revisions.count() == 1
    module.refresh_from_db()
    assert "- [x] 对的" in module.source


def test_problems_are_told_in_the_trainer_language_the_command_line_stays_english(trainer_client, module):
    text = edited(module, "answer: true", "answer: 很多").replace("[truefalse] q-two", "[numeric] q-two")
    preview = "/trainer/courses/test-course/m-1-1/preview/"
    (chinese,) = trainer_client.post(preview, {"text": text}).json()["errors"]
    assert chinese == {"line": 24, "message": "数值题的答案 '很多' 不是数字（例如写成 'answer: 190 ± 0.5 %'）"}
    page = post_text(trainer_client, module, text, action="draft").content.decode()
    assert "第 24 行" in page and "数值题的答案 &#x27;很多&#x27; 不是数字" in page

    trainer_client.cookies["django_language"] = "en"
    (english,) = trainer_client.post(preview, {"text": text}).json()["errors"]
    assert english["message"] == "numeric answer '很多' is not a number (write e.g. 'answer: 190 ± 0.5 %')"
    page = post_text(trainer_client, module, text, action="draft").content.decode()
    assert "Line 24" in page and "numeric answer &#x27;很多&#x27; is not a number" in page

    with translation.override("zh-hans"):  # what validate_content prints: English, whatever the language
        (problem,) = module_source(text=text, path="m.md").doc.problems
        assert problem.message == english["message"]


def test_preview_endpoint_renders_sanitised_html_and_errors(trainer_client, module):
    text = edited(module, "的正文。", "的正文。\n\n<script>alert(1)</script>**粗**")
    text = text.replace("minutes: 10", "minutes: 0")
    data = trainer_client.post("/trainer/courses/test-course/m-1-1/preview/", {"text": text}).json()
    assert "<strong>粗</strong>" in data["html"] and "<script" not in data["html"]
    assert data["errors"] == [{"line": 5, "message": "字段 'minutes' 不能小于 1"}]
    assert module.revisions.count() == 1


def test_preview_tells_which_questions_get_a_new_version(trainer_client, module):
    text = edited(module, "第一题？", "第一题改了意思？").replace("## [truefalse] q-two", "## [truefalse] q-new")
    html = trainer_client.post("/trainer/courses/test-course/m-1-1/preview/", {"text": text}).json()["html"]
    assert "题意已改：新版本" in html and "新题目" in html and "q-two" in html  # q-two listed as removed


def test_someone_elses_change_is_shown_and_never_overwritten(client, module, trainer):
    from tests.factories import UserFactory

    other = UserFactory(roles=["learner", "trainer"], display_name="王老师")
    base = latest_id(module)
    client.force_login(other)
    assert post_text(client, module, edited(module, "的正文", "的他人改动"), action="publish",
                     base=base).status_code == 302
    client.force_login(trainer)
    mine = edited(module, "的他人改动", "的我的改动")
    response = post_text(client, module, mine, action="publish", base=base)
    assert response.status_code == 409
    page = response.content.decode()
    assert "王老师" in page and "他人改动" in page and "diff-add" in page
    assert "我的改动" in page  # the trainer's own text is kept in the form
    module.refresh_from_db()
    assert "他人改动" in module.body_html
    # Saving again from the conflict page (its base is now the other revision) is a knowing overwrite.
    response = post_text(client, module, mine, action="publish", base=latest_id(module))
    assert response.status_code == 302
    module.refresh_from_db()
    assert "我的改动" in module.body_html and module.revisions.count() == 3


def test_edits_keep_question_ids_and_attempts_attached(trainer_client, learner_client, module, learner):
    attempt, _ = submit(learner_client, learner)
    question = Question.objects.get(quiz=module.quiz, key="q-one")
    post_text(trainer_client, module, edited(module, "第一题？", "第一题（措辞调整）？"), action="publish")
    same = Question.objects.get(quiz=module.quiz, key="q-one")
    assert same.pk == question.pk and same.version == 2 and "措辞调整" in same.text_html
    attempt.refresh_from_db()
    assert attempt.quiz_id == module.quiz_id and attempt.outcomes == {"q-one": True, "q-two": True}
    # A new id on purpose makes a new question; the old one is kept but inactive.
    post_text(trainer_client, module, edited(module, "## [single] q-one", "## [single] q-one-b"), action="publish")
    assert set(Question.objects.filter(quiz=module.quiz, is_active=True).values_list("key", flat=True)) \
        == {"q-one-b", "q-two"}
    assert Question.objects.get(pk=question.pk).is_active is False
    assert Attempt.objects.filter(quiz=module.quiz).count() == 1


def test_textarea_line_endings_are_normalised(trainer_client, module):
    post_text(trainer_client, module, edited(module).replace("\n", "\r\n"), action="publish")
    module.refresh_from_db()
    assert "\r" not in module.source and "新正文" in module.body_html


def test_slug_cannot_be_changed_in_the_editor(trainer_client, module):
    response = post_text(trainer_client, module, edited(module, "slug: m-1-1", "slug: other"), action="publish")
    assert response.status_code == 400 and "slug 是这个模块的身份" in response.content.decode()


def test_order_taken_by_another_module_is_refused(trainer_client, module):
    response = post_text(trainer_client, module, edited(module, "order: 1", "order: 2"), action="publish")
    assert response.status_code == 400 and "顺序号 2 已被本部分的模块" in response.content.decode()


def test_unchanged_publish_records_nothing(trainer_client, module):
    response = post_text(trainer_client, module, module.source, action="publish")
    assert response.status_code == 302 and module.revisions.count() == 1


def test_history_diff_and_restore(trainer_client, learner_client, module):
    post_text(trainer_client, module, edited(module), action="publish")
    page = trainer_client.get("/trainer/courses/test-course/m-1-1/history/?a=1&b=2").content.decode()
    assert "新正文" in page and "diff-add" in page and "diff-del" in page and "trainer" in page.lower()
    response = trainer_client.post("/trainer/courses/test-course/m-1-1/history/1/restore/",
                                   {"base": latest_id(module)})
    assert response.status_code == 302
    restored = module.revisions.order_by("-number").first()
    assert (restored.number, restored.origin, restored.based_on.number) == (3, "restore", 1)
    assert "新正文" not in learner_client.get(LEARNER_URL).content.decode()


def test_restore_with_a_stale_base_is_refused(trainer_client, module):
    post_text(trainer_client, module, edited(module), action="publish")
    trainer_client.post("/trainer/courses/test-course/m-1-1/history/1/restore/", {"base": 1_000_000})
    assert module.revisions.count() == 2


def test_new_module_is_hidden_until_published(trainer_client, learner_client, imported_course):
    part = imported_course.parts.get()
    response = trainer_client.post("/trainer/courses/test-course/new/",
                                   {"part": part.pk, "title": "新: \"模块\"", "slug": "brand-new"})
    assert response.status_code == 302
    module = Module.objects.get(slug="brand-new")
    assert module.archived_at is not None and module.order == 4 and module.title == '新: "模块"'
    assert module.revisions.get().is_draft
    assert learner_client.get("/courses/test-course/brand-new/").status_code == 404
    post_text(trainer_client, module, module.source, action="publish")
    module.refresh_from_db()
    assert module.archived_at is None and module.position == 4
    assert learner_client.get("/courses/test-course/brand-new/").status_code == 200


def test_new_module_with_a_taken_slug_is_refused(trainer_client, imported_course):
    part = imported_course.parts.get()
    response = trainer_client.post("/trainer/courses/test-course/new/",
                                   {"part": part.pk, "title": "重复", "slug": "m-1-2"})
    assert response.status_code == 400 and "已被本课程的另一个模块使用" in response.content.decode()


def test_concurrent_saves_from_the_same_base_only_one_wins(module, trainer):
    base = latest_id(module)
    first = services.revision_save_draft(module=module, text=edited(module, "的正文", "的甲"), base_id=base,
                                         author=trainer)
    second = services.revision_save_draft(module=module, text=edited(module, "的正文", "的乙"), base_id=base,
                                          author=trainer)
    assert first.ok and second.conflict is not None and second.conflict.latest == first.revision
    assert ModuleRevision.objects.filter(module=module).count() == 2


@pytest.mark.parametrize("path", ["edit/", "history/", "draft/"])
def test_trainer_pages_run_a_fixed_number_of_queries(trainer_client, module, django_assert_max_num_queries, path):
    with django_assert_max_num_queries(20):
        assert trainer_client.get(f"/trainer/courses/test-course/m-1-1/{path}").status_code == 200
