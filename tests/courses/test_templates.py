"""Template files: spreadsheets described in YAML (rows, formulas by row id) and printable documents."""

from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from courses.content.resources import parse_resource
from courses.content.workbook import format_value, preview, workbook_bytes
from tests.coursebuilder import module_file, module_text

SHEET = """\
title: 测算表
slug: calc-sheet
order: 1
summary: 一张测试用的表。
sheets:
  - name: 测算
    widths: [20, 12]
    rows:
      - {style: header, cells: [项目, 金额]}
      - {id: cost-a, style: input, cells: [甲, 60]}
      - {id: cost-b, style: input, cells: [乙, 40]}
      - {id: total, style: total, expect: 100, cells: [合计, "=SUM({cost-a}:{cost-b})"]}
      - {id: share, style: result, format: "0.0%", expect: 0.6, cells: [甲占比, "={cost-a}/{total}"]}
"""


def sheet_problems(text: str) -> list[str]:
    return [f"{p.line}: {p.message}" for p in parse_resource(text, "sheet").problems]


def test_formulas_name_rows_by_id_and_become_cell_addresses():
    resource = parse_resource(SHEET, "sheet")
    assert resource.problems == []
    rows = resource.spec["sheets"][0]["rows"]
    assert rows[3]["cells"][1] == "=SUM(B2:B3)" and rows[4]["cells"][1] == "=B2/B4"


@pytest.mark.parametrize(("change", "expected"), [
    (("style: input, cells: [甲, 60]", "style: input, colour: red, cells: [甲, 60]"), "10: unknown row field 'colour'"),
    (('"=SUM({cost-a}:{cost-b})"', '"=SUM({cost-a}:{cost-c})"'), "12: formula names {cost-c}"),
    (('"=SUM({cost-a}:{cost-b})"', '"=SUMX({cost-a})"'), "12: formula '=SUMX(B2)': function 'SUMX' is not supported"),
    (('"=SUM({cost-a}:{cost-b})"', '"=SUM(({cost-a})"'), "12: formula '=SUM((B2)': a '(' is never closed"),
    (('format: "0.0%"', 'format: "0.000%"'), "13: format '0.000%' is not one of"),
    (("{id: cost-b, style: input,", "{id: cost-b, style: fancy,"), "11: style 'fancy' is not one of"),
    (("[甲, 60]}", "[甲, 60], expect: 60}"), "10: 'expect' needs a formula in column B"),
    (("{id: cost-b,", "{id: cost-a,"), "11: row id 'cost-a' is used twice"),
    (("  - name: 测算", "  - name: 测算/汇总"), "6: a sheet needs a 'name' of 1–31 characters"),
    (("summary: 一张测试用的表。\n", ""), "1: missing required field 'summary'"),
    (("sheets:\n", "sheetz:\n"), "5: unknown field 'sheetz'"),
    (("title: 测算表", "title: [unclosed"), "2: not valid YAML"),
])
def test_every_bad_sheet_line_is_reported(change, expected):
    found = sheet_problems(SHEET.replace(*change))
    assert any(p.startswith(expected) for p in found), found


def test_the_workbook_has_real_formulas_number_formats_and_choices():
    spec = parse_resource(SHEET.replace("    widths: [20, 12]\n",
                                        "    widths: [20, 12]\n    freeze: A2\n"
                                        "    choices: {cells: \"B2:B3\", values: [R, A]}\n"), "sheet").spec
    book = load_workbook(BytesIO(workbook_bytes(spec=spec, title="测算表")))
    ws = book["测算"]
    assert ws["B4"].value == "=SUM(B2:B3)" and ws["B5"].number_format == "0.0%"
    assert ws.freeze_panes == "A2" and ws.column_dimensions["A"].width == 20
    assert ws.data_validations.dataValidation[0].formula1 == '"R,A"'
    assert book.properties.title == "测算表"


def test_the_preview_shows_stated_results_of_formulas_in_their_format():
    (sheet,) = preview(parse_resource(SHEET, "sheet").spec)
    assert [c["text"] for c in sheet["rows"][4]["cells"]] == ["甲占比", "60.0%"]
    assert sheet["rows"][3]["cells"][1] == {"text": "100", "kind": "formula"}
    assert sheet["rows"][1]["cells"] == [{"text": "甲", "kind": ""}, {"text": "60", "kind": "input"}]


@pytest.mark.parametrize(("value", "number_format", "text"), [
    (1.9, "0.0%", "190.0%"), (0.5, "0%", "50%"), (5000, "#,##0", "5,000"), (100.0, "", "100"), (2.5, "0.00", "2.50"),
])
def test_number_formats_read_as_excel_shows_them(value, number_format, text):
    assert format_value(value, number_format) == text


def test_a_document_template_is_plain_markdown_with_front_matter():
    doc = parse_resource("---\ntitle: 清单\nslug: list\norder: 1\nsummary: 一份清单。\n---\n## 一\n- ☐ 甲\n",
                         "document")
    assert doc.problems == [] and doc.body.startswith("## 一")
    bad = parse_resource("---\ntitle: 清单\nslug: list\norder: 1\nsummary: x\n---\n::: tip\n甲\n:::\n", "document")
    assert [p.line for p in bad.problems] == [7]


def test_a_module_may_only_link_templates_the_course_has(course_dir, capsys):
    folder = course_dir / "_resources"
    folder.mkdir()
    (folder / "calc-sheet.yaml").write_text(SHEET, encoding="utf-8")
    module_file(course_dir, 1, 1).write_text(
        module_text("::: resource calc-sheet\n:::\n\n::: resource missing-sheet\n:::\n", slug="m-1-1"),
        encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("validate_content", str(course_dir.parent))
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.endswith("01-m-1-1.md:12: no template 'missing-sheet' in this course's _resources folder")


def test_two_templates_cannot_share_a_slug(course_dir, capsys):
    folder = course_dir / "_resources"
    folder.mkdir()
    (folder / "a.yaml").write_text(SHEET, encoding="utf-8")
    (folder / "b.yaml").write_text(SHEET, encoding="utf-8")
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("validate_content", str(course_dir.parent))
    err = capsys.readouterr().err
    assert "b.yaml:1: template slug 'calc-sheet' is already used by" in err
    assert "notes.txt:1: a template is a .md document or a .yaml spreadsheet" in err


@pytest.mark.parametrize(("change", "expected"), [
    (("style: input, cells: [甲, 60]", "style: input, colour: red, cells: [甲, 60]"), "10: 未知的行字段 'colour'"),
    (('"=SUM({cost-a}:{cost-b})"', '"=SUMX({cost-a})"'), "12: 公式 '=SUMX(B2)'：不支持函数 'SUMX'"),
    (('"=SUM({cost-a}:{cost-b})"', '"=SUM(({cost-a})"'), "12: 公式 '=SUM((B2)'：有一个 '(' 没有闭合"),
    (("{id: cost-b,", "{id: cost-a,"), "11: 行 id 'cost-a' 在工作表 '测算' 中用了两次"),
    (("  - name: 测算", "  - name: 测算/汇总"), "6: 工作表需要一个 1–31 个字符的 'name'，不能含 [ ] : * ? / \\"),
])
def test_sheet_problems_are_told_in_the_reader_language(change, expected):
    from django.utils import translation

    found = parse_resource(SHEET.replace(*change), "sheet").problems
    with translation.override("zh-hans"):
        assert any(f"{p.line}: {p.localised()}".startswith(expected) for p in found), [p.localised() for p in found]
    with translation.override("en"):
        assert [p.localised() for p in found] == [p.message for p in found]
