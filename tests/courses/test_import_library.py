"""Glossary and templates are imported with the course; changing them re-renders modules, loses nothing."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from courses.models import Course, CourseResource, GlossaryTerm, Module, ModuleRevision
from progress.models import ExerciseResult, ModuleProgress
from tests.coursebuilder import module_file, module_text

GLOSSARY = "---\ntitle: 术语表\n---\n## 正文\nid: body-text\nmodule: m-1-2\n模块的主要文字。\n"
SHEET = """\
title: 测算表
slug: calc-sheet
order: 1
summary: 一张测试用的表。
sheets:
  - name: 测算
    widths: [20, 12]
    rows:
      - {id: a, cells: [甲, 60]}
      - {id: total, expect: 60, cells: [合计, "=SUM({a}:{a})"]}
"""
EXERCISE = "::: exercise ex\n任务\n## [numeric] a\n几？\nanswer: 25\n> 因为。\n:::\n\n::: resource calc-sheet\n:::\n"


def run_import(path, capsys) -> str:
    call_command("import_content", str(path))
    return capsys.readouterr().out


@pytest.fixture
def content(course_dir):
    (course_dir / "_glossary.md").write_text(GLOSSARY, encoding="utf-8")
    (course_dir / "_resources").mkdir()
    (course_dir / "_resources" / "calc-sheet.yaml").write_text(SHEET, encoding="utf-8")
    module_file(course_dir, 1, 1).write_text(module_text(EXERCISE, slug="m-1-1"), encoding="utf-8")
    return course_dir


def test_the_first_import_loads_glossary_templates_links_and_answer_keys(db, content, capsys):
    run_import(content.parent, capsys)
    course = Course.objects.get(slug="test-course")
    (term,) = GlossaryTerm.objects.filter(course=course)
    assert (term.key, term.name, term.module_slug, term.definition_html) == \
        ("body-text", "正文", "m-1-2", "<p>模块的主要文字。</p>")
    sheet = CourseResource.objects.get(course=course, slug="calc-sheet")
    assert sheet.kind == "sheet" and sheet.spec["sheets"][0]["rows"][1]["cells"][1] == "=SUM(B1:B1)"
    linked = Module.objects.get(slug="m-1-2")
    assert linked.body_html.count('href="/courses/test-course/glossary/#body-text"') == 1
    exercise = Module.objects.get(slug="m-1-1")
    assert exercise.exercises["ex"]["blanks"][0]["answer"]["value"] == "25"
    assert 'href="/courses/test-course/resources/calc-sheet/"' in exercise.body_html
    assert "因为" not in exercise.body_html and len(course.library_hash) == 64


def test_a_second_import_changes_nothing(db, content, capsys):
    run_import(content.parent, capsys)
    out = run_import(content.parent, capsys)
    assert "0 changed" in out and "re-rendered" not in out


def test_editing_the_glossary_relinks_modules_without_revisions_or_lost_learner_data(db, content, capsys):
    run_import(content.parent, capsys)
    module = Module.objects.get(slug="m-1-2")
    learner = User.objects.create_user(email="l@example.com", password="x")
    ModuleProgress.objects.create(user=learner, module=module, first_viewed_at=module.updated_at,
                                  last_viewed_at=module.updated_at, active_seconds=120)
    ExerciseResult.objects.create(user=learner, module=Module.objects.get(slug="m-1-1"), key="ex",
                                  answers={"a": "25"}, results={"a": True}, attempts=1)
    revisions = ModuleRevision.objects.count()
    (content / "_glossary.md").write_text(GLOSSARY.replace("id: body-text", "id: main-text"), encoding="utf-8")

    out = run_import(content.parent, capsys)

    module.refresh_from_db()
    assert "re-rendered 3 module(s)" in out
    assert 'glossary/#main-text"' in module.body_html and "#body-text" not in module.body_html
    assert ModuleRevision.objects.count() == revisions
    assert ModuleProgress.objects.get(user=learner).active_seconds == 120
    assert ExerciseResult.objects.get(user=learner).answers == {"a": "25"}
    assert list(GlossaryTerm.objects.values_list("key", flat=True)) == ["main-text"]


def test_a_removed_template_is_removed_and_a_module_still_naming_it_blocks_the_import(db, content, capsys):
    run_import(content.parent, capsys)
    (content / "_resources" / "calc-sheet.yaml").unlink()
    with pytest.raises(CommandError):
        call_command("import_content", str(content.parent))
    assert "no template 'calc-sheet'" in capsys.readouterr().err
    assert CourseResource.objects.filter(slug="calc-sheet").exists()  # nothing written

    module_file(content, 1, 1).write_text(module_text("正文\n", slug="m-1-1"), encoding="utf-8")
    run_import(content.parent, capsys)
    assert not CourseResource.objects.exists()
    assert Module.objects.get(slug="m-1-1").exercises == {}


def test_the_browser_editor_renders_against_the_imported_glossary(db, content, capsys, client):
    run_import(content.parent, capsys)
    from courses.services import module_source, module_upsert

    module = Module.objects.select_related("course", "part").get(slug="m-1-3")
    text = module_text("新的正文段落。\n", slug="m-1-3", order=3)
    module_upsert(course=module.course, part=module.part, source=module_source(text=text), module=module,
                  origin=ModuleRevision.Origin.EDITOR)
    module.refresh_from_db()
    assert 'href="/courses/test-course/glossary/#body-text"' in module.body_html


def test_modules_relinked_for_a_new_glossary_store_what_validation_rendered_under_the_budget(
        db, content, capsys, monkeypatch):
    """Re-rendering for a new glossary happens in validation, in the bounded child; the import
    stores that result and renders nothing itself (a slow render there would escape the budget)."""
    from courses.content import loader

    run_import(content.parent, capsys)
    (content / "_glossary.md").write_text(GLOSSARY.replace("模块的主要文字。", "模块的正文。"), encoding="utf-8")
    bounded = loader.render_sources

    def marked(sources, library=None):
        problems = bounded(sources, library)
        for source in sources:
            source.rendered.body_html += "<!-- rendered under the budget -->"
        return problems

    monkeypatch.setattr("courses.render_cache.render_sources", marked)
    out = run_import(content.parent, capsys)
    assert "re-rendered" in out
    relinked = Module.objects.get(slug="m-1-2")
    assert relinked.body_html.endswith("<!-- rendered under the budget -->")


@pytest.mark.parametrize(("name", "text"), [
    ("_glossary.md", GLOSSARY.replace("模块的主要文字。", "模块的\0主要文字。")),
    ("_glossary.md", GLOSSARY + "很长" * 6000 + "\n"),
    ("_resources/calc-sheet.yaml", SHEET.replace("测算表", "测算\x07表")),
])
def test_glossary_and_template_files_meet_the_same_character_limits_as_modules(db, content, capsys, name, text):
    (content / name).write_text(text, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("validate_content", str(content.parent))
    err = capsys.readouterr().err
    assert f"{name.split('/')[-1]}:" in err and ("control character" in err or "NUL" in err or "characters long" in err)
