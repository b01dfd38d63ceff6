"""validate_content: every problem, as file:line: reason, exit status 1; nothing else."""

import pytest
from django.core.management import CommandError, call_command

from courses.content.documents import MAX_FILE_BYTES
from tests.coursebuilder import module_file, module_text, write_course


def run_validate(path, capsys) -> list[str]:
    with pytest.raises(CommandError) as error:
        call_command("validate_content", str(path))
    assert "problem(s) found" in str(error.value)
    return capsys.readouterr().err.strip().splitlines()


def test_valid_course_passes(course_dir, capsys):
    call_command("validate_content", str(course_dir.parent))
    assert "content is valid" in capsys.readouterr().out


def test_every_problem_in_every_file_is_reported(course_dir, capsys):
    module_file(course_dir, 1, 1).write_text(
        module_text("正文\n", quiz="## [single] q\n问？\n- [ ] 甲\n- [ ] 乙\n> 解释\n", slug="m-1-1"),
        encoding="utf-8")
    module_file(course_dir, 1, 2).write_text(
        module_text("正文\n::: widget\n内容\n:::\n", slug="m-1-2", order=2), encoding="utf-8")
    module_file(course_dir, 1, 3).write_text(
        module_text("正文\n", quiz="## [numeric] n\n多少？\nanswer: 许多\n> 解释\n", slug="m-1-3",
                    order=3), encoding="utf-8")
    lines = run_validate(course_dir.parent, capsys)
    assert len(lines) == 3
    assert lines[0].endswith("01-m-1-1.md:12: question 'q' has no right answer; mark one with '- [x]'")
    assert lines[1].endswith("02-m-1-2.md:10: unknown directive 'widget'; use one of case, tip, "
                             "check, calculator, reflection, exercise, resource")
    assert lines[2].endswith("03-m-1-3.md:14: numeric answer '许多' is not a number "
                             "(write e.g. 'answer: 190 ± 0.5 %')")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitle: [unclosed\n---\n", ":2: front matter is not valid YAML"),
        ("---\ntitle: 甲\n---\n", ":2: missing required field 'slug'"),
        ("no front matter\n", ":1: the file must start with a '---' line"),
        ("---\ntitle: 甲\n", ":1: front matter is not closed"),
        (module_text("x", minutes="ten"), ":5: field 'minutes' must be a whole number, not 'ten'"),
        (module_text("x", minuets=5), ":6: unknown field 'minuets'"),
        (module_text("x", slug="Bad Slug"), ":3: slug 'Bad Slug' must be lowercase"),
        (module_text("x", pass_mark=120), ":6: field 'pass_mark' must be at most 100"),
        (module_text("x", pass_mark=60), ":6: a module's own 'pass_mark' needs a 'pass_mark_reason'"),
        ("---\ntitle：甲\n---\n", ":2: full-width '：' in a front-matter key"),
        (module_text("：：： case\n正文\n"), ":9: full-width '：' in a block marker"),
        (module_text("正文\n＝＝＝ quiz ＝＝＝\n"), ":10: full-width '＝' in the quiz marker"),
        (module_text("::: case 标题\n正文\n"), ":9: '::: case' is never closed"),
        (module_text("::: calculator roi\ncost: 100\nrevenue: 250\nexpect: 190\n:::\n"),
         ":9: roi calculator gives 150 for these inputs, but 'expect' says 190"),
        (module_text("::: calculator roi\ncost: 100\nrevnue: 250\n:::\n"),
         ":11: roi calculator has no parameter 'revnue'"),
        (module_text("::: calculator sankey\n:::\n"), ":9: unknown calculator 'sankey'"),
        (module_text("::: reflection\n想一想\n:::\n"), ":9: a reflection needs an id"),
        (module_text("::: check\n问？\n- [ ] 甲\n- [ ] 乙\n> 解\n:::\n"),
         ":9: knowledge check has no right answer"),
    ],
)
def test_single_file_problems_name_the_line_and_reason(tmp_path, capsys, text, expected):
    path = tmp_path / "01-m.md"
    path.write_text(text, encoding="utf-8")
    lines = run_validate(path, capsys)
    assert any(expected in line for line in lines), lines
    assert all(line.startswith(str(path).lstrip("/")) or "01-m.md:" in line for line in lines)


def test_duplicate_module_slugs_across_parts_name_both_files(tmp_path, capsys):
    course = write_course(tmp_path, parts=2, modules_per_part=1)
    module_file(course, 2, 1).write_text(
        module_file(course, 1, 1).read_text(encoding="utf-8"), encoding="utf-8")
    lines = run_validate(course, capsys)
    assert any("module slug 'm-1-1' is already used by" in line and "01-part" in line
               for line in lines), lines


def test_non_utf8_bytes_are_located(tmp_path, capsys):
    path = tmp_path / "01-m.md"
    path.write_bytes("---\ntitle: 甲\n".encode() + "乙".encode("gb18030") + b"\n---\n")
    (line,) = run_validate(path, capsys)
    assert ":3: not valid UTF-8" in line


def test_huge_files_are_refused_before_parsing(tmp_path, capsys):
    path = tmp_path / "01-m.md"
    path.write_text("x" * (MAX_FILE_BYTES + 1), encoding="utf-8")
    (line,) = run_validate(path, capsys)
    assert ":1: file is 256 KB; the limit is 256 KB" in line


def test_missing_part_file_and_stray_module(tmp_path, capsys):
    course = write_course(tmp_path)
    (course / "01-part" / "_part.md").unlink()
    (course / "loose.md").write_text("x", encoding="utf-8")
    lines = run_validate(course, capsys)
    assert any("part folder has no _part.md" in line for line in lines)
    assert any("loose.md:1: module files belong in a part folder" in line for line in lines)


def test_tree_problems_are_told_in_the_reader_language(tmp_path):
    from django.utils import translation

    from courses.services import content_validate

    course = write_course(tmp_path, parts=2, modules_per_part=1)
    module_file(course, 2, 1).write_text(module_file(course, 1, 1).read_text(encoding="utf-8"), encoding="utf-8")
    (course / "loose.md").write_text("x", encoding="utf-8")
    problems = {p.path.rsplit("/", 1)[-1]: p for p in content_validate(root=course)}
    duplicate, stray = problems[module_file(course, 2, 1).name], problems["loose.md"]
    with translation.override("zh-hans"):
        assert duplicate.localised().startswith("模块 slug 'm-1-1' 已被 ") and "01-part" in duplicate.localised()
        assert stray.localised() == "模块文件应放在章节文件夹（<course>/<NN-part>/）中，与 _part.md 放在一起"
    with translation.override("en"):
        assert duplicate.localised() == duplicate.message and duplicate.message.startswith("module slug 'm-1-1'")
        assert stray.localised() == stray.message


def test_unreadable_files_are_told_in_the_reader_language(tmp_path):
    from django.utils import translation

    from courses.services import content_validate

    path = tmp_path / "01-m.md"
    path.write_bytes("---\ntitle: 甲\n".encode() + "乙".encode("gb18030") + b"\n---\n")
    (problem,) = content_validate(root=path)
    assert problem.line == 3 and problem.message.startswith("not valid UTF-8 (byte 0xd2 at offset")
    with translation.override("zh-hans"):
        assert problem.localised().startswith("不是有效的 UTF-8（偏移 ") and "字节 0xd2）" in problem.localised()
    with translation.override("en"):
        assert problem.localised() == problem.message
