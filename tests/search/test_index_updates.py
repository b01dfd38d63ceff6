"""The index follows the content: import, publish, drafts, restore, reorder, archive, rebuild."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from courses.authoring import services
from courses.changes import ChangeNote
from courses.models import Course, Module
from search.models import Section
from search.query import query_parse
from search.selectors import search_results
from tests.coursebuilder import module_file

EDITORIAL = ChangeNote("editorial")


def found(user, text: str) -> list[str]:
    """Links of the results that hold every word of ``text``."""
    results = search_results(query=query_parse(text), user=user)
    return [] if results.loose else [hit.url for hit in results.hits]


def index_rows() -> set[tuple]:
    return set(Section.objects.values_list("pk", "module__slug", "draft", "anchor", "body"))


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what a committed transaction would run (tests are wrapped in one that never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def module(indexed_course) -> Module:
    return Module.objects.select_related("course", "part").get(slug="m-1-2")


def latest(module: Module):
    return services.revision_latest(module=module)


def test_import_indexes_every_live_module_by_section(indexed_course, learner):
    assert set(Section.objects.values_list("module__slug", "draft", "anchor", "heading")) == {
        (f"m-1-{n}", False, anchor, heading) for n in (1, 2, 3) for anchor, heading in (("", ""), ("第一节", "第一节"))}
    assert found(learner, "m-1-2 的正文") == ["/courses/test-course/m-1-2/#第一节"]
    assert found(learner, "目标甲") == [f"/courses/test-course/m-1-{n}/" for n in (1, 2, 3)]  # objectives: the top


def test_reimporting_unchanged_content_rewrites_nothing(indexed_course, course_dir, reimport):
    before = index_rows()
    reimport(course_dir.parent)
    assert index_rows() == before
    with_force = call_command  # --force re-renders every file; the index sees the same text and keeps its rows
    with_force("import_content", str(course_dir.parent), "--force")
    assert index_rows() == before


def test_an_edited_file_rebuilds_only_its_module(indexed_course, course_dir, reimport, learner):
    before = index_rows()
    path = module_file(course_dir, 1, 3)
    path.write_text(path.read_text(encoding="utf-8").replace("的正文", "讲私域流量的正文"), encoding="utf-8")
    reimport(course_dir.parent)
    after = index_rows()
    assert {row for row in before if row[1] != "m-1-3"} <= after
    assert not {row for row in before if row[1] == "m-1-3"} & after
    assert found(learner, "私域流量") == ["/courses/test-course/m-1-3/#第一节"]


def test_an_archived_module_drops_out(indexed_course, course_dir, reimport, learner):
    module_file(course_dir, 1, 3).unlink()
    reimport(course_dir.parent)
    assert not Section.objects.filter(module__slug="m-1-3").exists()
    assert found(learner, "m-1-3") == []
    assert found(learner, "m-1-2") == ["/courses/test-course/m-1-2/#第一节"]


def test_modules_of_an_archived_course_drop_out(indexed_course, learner):
    Course.objects.filter(pk=indexed_course.pk).update(archived_at=timezone.now())
    assert found(learner, "正文") == []


def test_a_draft_is_found_by_trainers_only_and_opens_the_editor(module, trainer, learner, on_commit):
    # given a trainer saves a draft mentioning a new term
    with on_commit():
        outcome = services.revision_save_draft(
            module=module, text=module.source.replace("的正文", "的北极星指标正文"), base_id=latest(module).pk,
            author=trainer)
    assert outcome.ok
    # then trainers find the draft, marked and linked to the editor; learners do not
    hits = search_results(query=query_parse("北极星指标"), user=trainer).hits
    assert [(hit.url, hit.draft) for hit in hits] == [("/trainer/courses/test-course/m-1-2/edit/", True)]
    assert found(learner, "北极星指标") == []
    # and the published text is still what both find
    assert "/courses/test-course/m-1-2/#第一节" in found(learner, "m-1-2 的正文")

    # when it is published, the draft result goes and learners find the new text
    with on_commit():
        services.revision_publish(module=module, text=outcome.revision.source, base_id=outcome.revision.pk,
                                  author=trainer, change=EDITORIAL)
    assert found(trainer, "北极星指标") == found(learner, "北极星指标") == ["/courses/test-course/m-1-2/#第一节"]
    assert not Section.objects.filter(draft=True).exists()


def test_a_module_created_in_the_browser_is_a_draft_until_published(indexed_course, trainer, learner, on_commit):
    with on_commit():
        created = services.module_create(course=indexed_course, part=indexed_course.parts.get(), slug="fresh",
                                         title="新模块", author=trainer, objective="学会裂变", heading="裂变是什么",
                                         body="裂变的正文。")
    assert found(trainer, "裂变") == ["/trainer/courses/test-course/fresh/edit/"]
    assert found(learner, "裂变") == []
    with on_commit():
        services.revision_publish(module=created, text=latest(created).source, base_id=latest(created).pk,
                                  author=trainer, change=EDITORIAL)
    assert found(learner, "裂变") == ["/courses/test-course/fresh/#裂变是什么"]  # the heading outranks the objective


def test_restore_and_reorder_keep_the_index_current(module, trainer, learner, on_commit):
    first = latest(module)
    with on_commit():
        services.revision_publish(module=module, text=module.source.replace("的正文", "的漏斗正文"),
                                  base_id=first.pk, author=trainer, change=EDITORIAL)
    assert found(learner, "漏斗") == ["/courses/test-course/m-1-2/#第一节"]
    with on_commit():
        services.revision_restore(module=module, revision=first, base_id=latest(module).pk, author=trainer,
                                  change=EDITORIAL)
    assert found(learner, "漏斗") == []
    with on_commit():
        services.module_reorder(module=module, direction=-1, author=trainer)
    assert Module.objects.get(pk=module.pk).order == 1
    assert found(learner, "m-1-2 的正文") == ["/courses/test-course/m-1-2/#第一节"]
    assert Section.objects.filter(module=module, draft=False).count() == 2


def test_a_rolled_back_save_changes_nothing(module, trainer, learner, on_commit):
    before = index_rows()
    with on_commit():
        outcome = services.revision_publish(module=module, text=module.source.replace("- [x] 对的", "- [ ] 对的"),
                                            base_id=latest(module).pk, author=trainer, change=EDITORIAL)
    assert outcome.problems and index_rows() == before


def test_search_reindex_rebuilds_everything_and_is_idempotent(indexed_course, capsys):
    content = {row[1:] for row in index_rows()}
    Section.objects.all().delete()
    call_command("search_reindex")
    assert "search index rebuilt: 3 modules, 6 sections written" in capsys.readouterr().out
    once = {row[1:] for row in index_rows()}
    call_command("search_reindex")
    assert once == content == {row[1:] for row in index_rows()}


def test_a_deleted_module_leaves_no_full_text_rows(indexed_course, learner):
    Module.objects.filter(slug="m-1-3").delete()
    assert found(learner, "m-1-3") == []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM search_section WHERE document IS NOT NULL")
        else:
            cursor.execute("SELECT count(*) FROM search_fts")
        assert cursor.fetchone()[0] == Section.objects.count() == 4



def test_reindex_stale_fills_in_what_is_missing_and_nothing_else(indexed_course, capsys, learner):
    # given a database whose content predates the index for one module
    Section.objects.filter(module__slug="m-1-2").delete()
    kept = {row for row in index_rows() if row[1] != "m-1-2"}
    # when the release step runs
    call_command("search_reindex", "--stale")
    # then only that module is written, and a second run writes nothing
    assert "search index brought up to date: 3 modules, 2 sections written" in capsys.readouterr().out
    assert kept <= index_rows() and found(learner, "m-1-2 的正文") == ["/courses/test-course/m-1-2/#第一节"]
    call_command("search_reindex", "--stale")
    assert "3 modules, 0 sections written" in capsys.readouterr().out
