"""Every content file is bounded in bytes and in work before the work is done.

Whatever the import would reject or crash on, validate_content reports too, as file:line: reason,
and so does the editor (preview and save): validation runs the pipeline the import runs (limits,
parse, render, sanitise), the render inside a budget of time and memory.
"""

import os
import re
import signal

import pytest
from django.core.management import CommandError, call_command

from courses.models import Module
from tests.coursebuilder import module_file, module_text

CHECK = "::: check\n这个对吗？\n- [x] 对\n- [ ] 错\n> 因为。\n:::\n\n"
# (body, the line the problem is reported on, what the message says). Line 9 is the body's first.
CASES = {
    "deep list nesting": ("".join("    " * i + f"- 第{i}层\n" for i in range(350)), 26,
                          "nested 17 levels deep (lists, quotes or indentation); the limit is 16"),
    "deep quote nesting": ("> " * 40 + "引用\n", 9, "nested 40 levels deep"),
    "NUL byte": ("正文\x00正文\n", 9, "column 3 holds a NUL byte"),
    "control character": ("正文\x07\n", 9, "column 3 holds the control character U+0007"),
    "bracket run": ("[" * 3000 + "\n", 9, "too many '[' (or '](') that are never closed"),
    "unclosed link targets": ("[a](" * 800 + "\n", 9, "too many '[' (or '](') that are never closed"),
    "many knowledge checks": (CHECK * 250, 1409, "more than 200 '::: ' blocks in one file"),
    "many headings": ("## 标题\n\n" * 400, 609, "more than 300 headings"),
    "huge table": ("| 甲 | 乙 |\n|---|---|\n" + "| 1 | 2 |\n" * 1200, 9,
                   "the table has 1,200 rows; the limit is 1,000"),
    "wide table": ("|" + " a |" * 80 + "\n|" + "---|" * 80 + "\n", 9, "the table row has 80 columns"),
    "long line": ("长" * 12_000 + "\n", 9, "the line is 12,000 characters long; the limit is 10,000"),
    "many abbreviations": ("".join(f"*[A{i}]: 缩写\n" for i in range(150)), 109, "more than 100 abbreviation"),
    # Consecutive definitions make Python-Markdown recurse until RecursionError (~450 of them).
    "long definition list": ("术语\n: 解释\n" * 500, 410, "more than 200 definitions"),
    "raw HTML nesting": ("<div>" * 1500 + "\n", 9, "more than 1000 HTML tags"),
}


def _write(course_dir, body: str) -> str:
    path = module_file(course_dir, 1, 1)
    path.write_text(module_text(body, slug="m-1-1"), encoding="utf-8")
    return f"{path.parent.name}/{path.name}"


def _command_lines(command: str, root, capsys) -> list[str]:
    with pytest.raises(CommandError):
        call_command(command, str(root))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_validate_and_import_report_the_same_limit_as_file_line_reason(course_dir, capsys, case):
    # Given a module that exceeds one limit
    body, line, message = CASES[case]
    where = _write(course_dir, body)
    # When it is validated, then imported
    validated = _command_lines("validate_content", course_dir.parent, capsys)
    imported = _command_lines("import_content", course_dir.parent, capsys)
    # Then both name the file, the line and the reason, and nothing is imported
    expected = f"{where}:{line}: "
    assert any(expected in text and message in text for text in validated), validated
    assert any(expected in text and message in text for text in imported), imported
    assert not Module.objects.exists()


def test_fullwidth_markers_next_to_ascii_ones_are_reported(course_dir, capsys):
    where = _write(course_dir, "::: case 甲\n正文\n：：：\n")
    validated = _command_lines("validate_content", course_dir.parent, capsys)
    assert any(f"{where}:11: full-width '：' in a block marker" in text for text in validated), validated


@pytest.mark.django_db
def test_front_matter_nesting_is_refused_before_yaml_recurses(course_dir, capsys):
    path = module_file(course_dir, 1, 1)
    path.write_text(module_text("正文\n", slug="m-1-1").replace("minutes: 5", "minutes: " + "[" * 3000),
                    encoding="utf-8")
    validated = _command_lines("validate_content", course_dir.parent, capsys)
    assert any(":5: front matter nested 3000 levels deep" in text for text in validated), validated


def _slow(doc, library=None):
    while True:
        pass


def _hungry(doc, library=None):
    hoard = []
    while True:
        hoard.append(bytearray(16 * 1024 * 1024))


def _crash(doc, library=None):
    os.kill(os.getpid(), signal.SIGKILL)  # as a segfault in a C library would


@pytest.mark.django_db
@pytest.mark.parametrize(("renderer", "seconds", "message"), [
    (_slow, 0.5, "rendering this text takes longer than 0.5 s, the limit"),
    (_hungry, 30, "rendering this text needs more than 64 MB, the limit"),
    (_crash, 30, "the text cannot be rendered"),
])
def test_render_budget_stops_a_render_that_runs_away(course_dir, capsys, settings, monkeypatch,
                                                      renderer, seconds, message):
    # Given a renderer that never finishes, eats memory or crashes (whatever text would do that)
    settings.CONTENT_RENDER_SECONDS, settings.CONTENT_RENDER_MEMORY_MB = seconds, 64
    monkeypatch.setattr("courses.content.loader.render_document", renderer)
    where = _write(course_dir, "正文\n")
    # When the course is validated
    lines = _command_lines("validate_content", course_dir.parent, capsys)
    # Then that file is refused with the reason, and the other files were still checked
    assert any(f"{where}:9: {message}" in text for text in lines), lines
    assert len([text for text in lines if "render" in text]) == 5  # course, part and 3 modules


# --- the editor: preview and save ----------------------------------------------------------------

PREVIEW = "/trainer/courses/test-course/m-1-1/preview/"
EDIT = "/trainer/courses/test-course/m-1-1/edit/"


def _save(client, text: str):
    module = Module.objects.get(slug="m-1-1")
    base = module.revisions.order_by("-number").first().pk
    return client.post(EDIT, {"text": text, "action": "publish", "change": "editorial", "base": base})


@pytest.fixture
def editor(client, trainer, imported_course):
    client.force_login(trainer)
    client.cookies["django_language"] = "en"  # the cases are worded as the command line prints them
    return client


@pytest.mark.parametrize("case", ["bracket run", "deep list nesting", "NUL byte", "many knowledge checks"])
def test_editor_preview_and_save_report_the_limit(editor, case):
    body, line, message = CASES[case]
    text = module_text(body, slug="m-1-1")
    data = editor.post(PREVIEW, {"text": text}).json()
    assert {"line": line, "message": data["errors"][0]["message"]} == data["errors"][0]
    assert message in data["errors"][0]["message"]
    before = Module.objects.get(slug="m-1-1").body_html
    response = _save(editor, text)
    assert response.status_code == 400
    if case != "NUL byte":  # the form itself refuses NUL ("Null characters are not allowed")
        assert message in re.sub(r"&#x27;|&#39;", "'", response.content.decode())
    assert Module.objects.get(slug="m-1-1").body_html == before


def test_the_same_text_is_rendered_once_for_preview_after_preview_and_save(editor, monkeypatch):
    # Given a spy on the renderer
    from courses.content import loader

    calls = []
    real = loader.render_sources
    monkeypatch.setattr("courses.render_cache.render_sources", lambda *args: calls.append(1) or real(*args))
    text = module_text("## 新的一节\n\n新的正文。\n", slug="m-1-1")
    # When the editor previews the same text three times (pauses in typing), then saves it
    for _ in range(3):
        assert editor.post(PREVIEW, {"text": text}).json()["errors"] == []
    assert _save(editor, text).status_code == 302
    # Then it was rendered once, and the learners' page shows it
    assert len(calls) == 1
    assert "新的正文" in Module.objects.get(slug="m-1-1").body_html


def test_a_text_over_the_render_budget_is_refused_once_and_not_rendered_again(editor, settings,
                                                                            monkeypatch):
    settings.CONTENT_RENDER_SECONDS = 0.5
    from courses.content import loader

    calls = []
    monkeypatch.setattr("courses.content.loader.render_document", _slow)
    real = loader.render_sources
    monkeypatch.setattr("courses.render_cache.render_sources", lambda *args: calls.append(1) or real(*args))
    text = module_text("慢的正文\n", slug="m-1-1")
    for _ in range(2):
        data = editor.post(PREVIEW, {"text": text}).json()
        assert any("takes longer than 0.5 s" in e["message"] for e in data["errors"]), data
    assert len(calls) == 1
