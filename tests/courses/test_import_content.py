"""import_content: validate first, write all or nothing, skip unchanged, archive, never delete."""

import pytest
from django.core.management import CommandError, call_command

from courses.content import sanitise
from courses.models import Course, Module, Part
from quizzes.models import Choice, Question
from tests.coursebuilder import module_file, write_course


def run_import(path, capsys, *args) -> str:
    call_command("import_content", str(path), *args)
    return capsys.readouterr().out


@pytest.fixture
def content(tmp_path):
    write_course(tmp_path)
    return tmp_path


def test_first_import_creates_everything_and_second_changes_nothing(db, content, capsys):
    out = run_import(content, capsys)
    assert "5 changed (5 created, 0 updated, 0 archived), 0 unchanged" in out
    assert Module.objects.count() == 3
    module = Module.objects.get(slug="m-1-2")
    assert module.title == "模块2" and module.position == 2 and module.objectives == ["目标甲", "目标乙"]
    assert "<h2 id=\"第一节\">第一节</h2>" in module.body_html
    assert module.toc == [{"level": 2, "id": "第一节", "title": "第一节"}]
    assert module.render_version == sanitise.RENDER_VERSION and len(module.content_hash) == 64
    assert list(module.quiz.questions.values_list("key", flat=True)) == ["q-one", "q-two"]

    out = run_import(content, capsys)
    assert "0 changed (0 created, 0 updated, 0 archived), 5 unchanged" in out


def test_editing_one_file_updates_only_that_module(db, content, capsys):
    run_import(content, capsys)
    course = content / "test-course"
    path = module_file(course, 1, 2)
    path.write_text(path.read_text(encoding="utf-8").replace("的正文", "的新正文"), encoding="utf-8")
    out = run_import(content, capsys)
    assert "updated  module m-1-2" in out
    assert "1 changed" in out
    assert "新正文" in Module.objects.get(slug="m-1-2").body_html


def test_changed_question_gets_new_version_and_keeps_old_choices(db, content, capsys):
    run_import(content, capsys)
    path = module_file(content / "test-course", 1, 1)
    question = Question.objects.get(quiz__module__slug="m-1-1", key="q-one")
    path.write_text(path.read_text(encoding="utf-8").replace("- [ ] 错的", "- [ ] 不对的"),
                    encoding="utf-8")
    run_import(content, capsys)
    question.refresh_from_db()
    assert question.version == 2
    assert Choice.objects.filter(question=question, version=1).count() == 2
    assert list(Choice.objects.filter(question=question, version=2).values_list("text_html", flat=True)) \
        == ["对的", "不对的"]
    assert question.quiz.version == 2


def test_removed_question_is_deactivated_not_deleted(db, content, capsys):
    run_import(content, capsys)
    path = module_file(content / "test-course", 1, 1)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("## [truefalse]")], encoding="utf-8")
    run_import(content, capsys)
    question = Question.objects.get(quiz__module__slug="m-1-1", key="q-two")
    assert question.is_active is False


def test_deleted_module_is_archived_and_comes_back_with_its_quiz(db, content, capsys):
    run_import(content, capsys)
    path = module_file(content / "test-course", 1, 3)
    saved = path.read_text(encoding="utf-8")
    quiz_id = Module.objects.get(slug="m-1-3").quiz_id
    path.unlink()
    out = run_import(content, capsys)
    assert "archived module m-1-3" in out
    module = Module.objects.get(slug="m-1-3")
    assert module.archived_at is not None
    assert Question.objects.filter(quiz_id=quiz_id).count() == 2
    assert list(Module.objects.live().values_list("slug", flat=True)) == ["m-1-1", "m-1-2"]

    path.write_text(saved, encoding="utf-8")
    run_import(content, capsys)
    module.refresh_from_db()
    assert module.archived_at is None and module.quiz_id == quiz_id


def test_invalid_content_writes_nothing(db, content, capsys):
    run_import(content, capsys)
    course = content / "test-course"
    before = Module.objects.get(slug="m-1-1").body_html
    good = module_file(course, 1, 1)
    good.write_text(good.read_text(encoding="utf-8").replace("的正文", "的改动"), encoding="utf-8")
    bad = module_file(course, 1, 2)
    bad.write_text(bad.read_text(encoding="utf-8").replace("- [x] 对的", "- [ ] 对的"),
                   encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_content", str(content))
    assert "02-m-1-2.md:" in capsys.readouterr().err
    assert Module.objects.get(slug="m-1-1").body_html == before


def test_render_version_bump_rerenders_everything(db, content, capsys, monkeypatch):
    run_import(content, capsys)
    monkeypatch.setattr("courses.services.RENDER_VERSION", sanitise.RENDER_VERSION + 1)
    out = run_import(content, capsys)
    assert "5 changed (0 created, 5 updated" in out
    assert set(Module.objects.values_list("render_version", flat=True)) == {sanitise.RENDER_VERSION + 1}


def test_moving_a_module_between_parts_keeps_its_identity(db, tmp_path, capsys):
    course = write_course(tmp_path, parts=2, modules_per_part=1)
    run_import(tmp_path, capsys)
    module_id = Module.objects.get(slug="m-1-1").pk
    source = module_file(course, 1, 1)
    target = course / "02-part" / "02-m-1-1.md"
    target.write_text(source.read_text(encoding="utf-8").replace("order: 1", "order: 2"),
                      encoding="utf-8")
    source.unlink()
    run_import(tmp_path, capsys)
    module = Module.objects.get(slug="m-1-1")
    assert module.pk == module_id and module.part.slug == "part-2" and module.position == 2
    assert Part.objects.count() == 2 and Course.objects.count() == 1
