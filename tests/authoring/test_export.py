"""Export writes the content/ format; export → import_content → export gives identical files."""

import io
import zipfile
from pathlib import Path

from django.core.management import call_command

from courses.models import Course, Module, Part
from tests.authoring.conftest import post_text
from tests.coursebuilder import write_course


def unzip(data: bytes, target: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(target)
        return {name: archive.read(name) for name in archive.namelist()}


def test_course_export_has_the_content_layout(trainer_client, imported_course, course_dir):
    response = trainer_client.get("/trainer/courses/test-course/export/")
    assert response["Content-Type"] == "application/zip"
    assert 'filename="test-course.zip"' in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert names == ["test-course/01-part-1/01-m-1-1.md", "test-course/01-part-1/02-m-1-2.md",
                         "test-course/01-part-1/03-m-1-3.md", "test-course/01-part-1/_part.md",
                         "test-course/_course.md"]
        # Unchanged content comes back byte for byte as it was in git.
        assert archive.read(names[0]) == (course_dir / "01-part" / "01-m-1-1.md").read_bytes()
    assert trainer_client.get("/trainer/courses/test-course/export/").content == response.content


def test_module_export(trainer_client, imported_course):
    response = trainer_client.get("/trainer/courses/test-course/m-1-2/export/")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["test-course/01-part-1/02-m-1-2.md"]
        assert archive.read(archive.namelist()[0]).decode() == Module.objects.get(slug="m-1-2").source


def test_round_trip_after_browser_edits(trainer_client, db, tmp_path, capsys):
    write_course(tmp_path / "git", parts=2, modules_per_part=2)
    call_command("import_content", str(tmp_path / "git"))
    module = Module.objects.get(slug="m-1-1")
    post_text(trainer_client, module, module.source.replace("的正文", "的**浏览器**正文"), action="publish")
    trainer_client.post("/trainer/courses/test-course/m-2-1/move/down/")
    trainer_client.post("/trainer/courses/test-course/m-1-2/move/", {"part": Part.objects.get(slug="part-2").pk})
    trainer_client.post("/trainer/courses/test-course/new/",
                        {"part": Part.objects.get(slug="part-1").pk, "title": "新模块", "slug": "fresh"})
    fresh = Module.objects.get(slug="fresh")
    post_text(trainer_client, fresh, fresh.source, action="publish")

    first = trainer_client.get("/trainer/courses/test-course/export/").content
    files = unzip(first, tmp_path / "export-1")
    assert "test-course/01-part-1/02-fresh.md" in files and "test-course/02-part-2/03-m-1-2.md" in files
    capsys.readouterr()
    call_command("import_content", str(tmp_path / "export-1"))
    assert "0 changed" in capsys.readouterr().out  # the database already holds exactly these files
    second = trainer_client.get("/trainer/courses/test-course/export/").content
    assert unzip(second, tmp_path / "export-2") == files
    assert second == first
    positions = list(Module.objects.live().order_by("position").values_list("slug", flat=True))
    assert positions == ["m-1-1", "fresh", "m-2-2", "m-2-1", "m-1-2"]


def test_round_trip_into_a_fresh_database(trainer_client, db, tmp_path, course_dir):
    call_command("import_content", str(course_dir.parent))
    module = Module.objects.get(slug="m-1-2")
    post_text(trainer_client, module, module.source.replace("的正文", "的新正文"), action="publish")
    files = unzip(trainer_client.get("/trainer/courses/test-course/export/").content, tmp_path / "one")
    from courses.models import ModuleRevision
    from quizzes.models import Quiz

    ModuleRevision.objects.all().delete()
    Module.objects.all().delete()
    Part.objects.all().delete()
    Course.objects.all().delete()
    Quiz.objects.all().delete()
    call_command("import_content", str(tmp_path / "one"))
    again = unzip(trainer_client.get("/trainer/courses/test-course/export/").content, tmp_path / "two")
    assert again == files
    assert "新正文" in Module.objects.get(slug="m-1-2").body_html
