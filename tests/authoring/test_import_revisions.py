"""import_content and browser edits share one service and one history. Files win, loudly."""

from django.core.management import call_command

from courses.models import Module
from tests.authoring.conftest import post_text
from tests.coursebuilder import module_file


def run_import(path, capsys) -> tuple[str, str]:
    call_command("import_content", str(path))
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_unchanged_import_adds_no_revision(imported_course, course_dir, capsys):
    run_import(course_dir.parent, capsys)
    assert Module.objects.get(slug="m-1-1").revisions.count() == 1


def test_changed_file_is_recorded_as_an_import_revision(imported_course, course_dir, capsys):
    path = module_file(course_dir)
    path.write_text(path.read_text(encoding="utf-8").replace("的正文", "的文件改动"), encoding="utf-8")
    _, err = run_import(course_dir.parent, capsys)
    revisions = list(Module.objects.get(slug="m-1-1").revisions.order_by("number"))
    assert [(r.number, r.origin, r.author) for r in revisions] == [(1, "import", None), (2, "import", None)]
    assert err == ""


def test_import_wins_over_a_browser_publication_but_keeps_it_and_warns(
        imported_course, course_dir, capsys, trainer_client, trainer):
    module = Module.objects.get(slug="m-1-1")
    post_text(trainer_client, module, module.source.replace("的正文", "的浏览器改动"), action="publish")
    path = module_file(course_dir)
    path.write_text(path.read_text(encoding="utf-8").replace("的正文", "的文件改动"), encoding="utf-8")
    out, err = run_import(course_dir.parent, capsys)
    assert "updated  module m-1-1" in out
    assert "warning  module m-1-1: the file replaced revision #2, published in the browser by" in err
    module.refresh_from_db()
    assert "文件改动" in module.body_html
    history = {r.number: r for r in module.revisions.all()}
    assert "浏览器改动" in history[2].source and history[2].author == trainer
    assert history[3].origin == "import"


def test_pending_browser_draft_survives_an_import_with_a_warning(
        imported_course, course_dir, capsys, trainer_client):
    module = Module.objects.get(slug="m-1-1")
    post_text(trainer_client, module, module.source.replace("的正文", "的草稿"), action="draft")
    path = module_file(course_dir)
    path.write_text(path.read_text(encoding="utf-8").replace("的正文", "的文件改动"), encoding="utf-8")
    _, err = run_import(course_dir.parent, capsys)
    assert "unpublished browser draft #2" in err
    assert module.revisions.get(number=2).is_draft


def test_browser_only_module_is_archived_by_import_with_a_warning(imported_course, course_dir, capsys,
                                                                  trainer_client):
    trainer_client.post("/trainer/courses/test-course/new/",
                        {"part": imported_course.parts.get().pk, "title": "浏览器模块", "slug": "web-only"})
    module = Module.objects.get(slug="web-only")
    post_text(trainer_client, module, module.source, action="publish")
    out, err = run_import(course_dir.parent, capsys)
    assert "archived module web-only" in out and "web-only: published in the browser" in err
    module.refresh_from_db()
    assert module.archived_at is not None and module.revisions.count() == 1
    # Publishing it again from the editor brings it back.
    post_text(trainer_client, module, module.source, action="publish")
    module.refresh_from_db()
    assert module.archived_at is None


def test_editor_publish_and_import_use_the_same_service(imported_course, monkeypatch, trainer_client,
                                                        course_dir, capsys):
    from courses import services as importer

    calls = []
    original = importer.module_upsert

    def spy(**kwargs):
        calls.append(kwargs.get("origin", "import"))
        return original(**kwargs)

    monkeypatch.setattr(importer, "module_upsert", spy)
    monkeypatch.setattr("courses.authoring.services.module_upsert", spy)
    module = Module.objects.get(slug="m-1-2")
    post_text(trainer_client, module, module.source.replace("的正文", "的改动"), action="publish")
    run_import(course_dir.parent, capsys)
    assert calls == ["editor", "import", "import", "import"]
