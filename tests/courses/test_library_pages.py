"""The glossary page, the template list, template pages and downloads, as a visitor meets them."""

from io import BytesIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from courses.models import Module
from tests.courses.test_import_library import SHEET

GLOSSARY = ("---\ntitle: 术语表\n---\n## 正文\nid: body-text\nfull: Body Text\naliases: 主文\nmodule: m-1-2\n"
            "模块的主要文字。\n\n## 孤儿\nid: orphan\nmodule: m-1-3\n讲它的模块已被归档。\n")
DOCUMENT = "---\ntitle: 检查清单\nslug: check-list\norder: 2\nsummary: 一份清单。\n---\n## 第一部分\n- ☐ 甲\n"


@pytest.fixture
def library(db, course_dir):
    (course_dir / "_glossary.md").write_text(GLOSSARY, encoding="utf-8")
    folder = course_dir / "_resources"
    folder.mkdir()
    (folder / "calc-sheet.yaml").write_text(SHEET, encoding="utf-8")
    (folder / "check-list.md").write_text(DOCUMENT, encoding="utf-8")
    (course_dir / "01-part" / "01-m-1-1.md").write_text(
        (course_dir / "01-part" / "01-m-1-1.md").read_text(encoding="utf-8").replace(
            "的正文。", "的正文。\n\n::: resource calc-sheet\n:::\n"), encoding="utf-8")
    call_command("import_content", str(course_dir.parent))
    return course_dir


def test_the_glossary_page_has_an_anchor_per_term_and_links_the_teaching_module(client, library):
    page = client.get("/courses/test-course/glossary/").content.decode()
    assert 'id="body-text"' in page and 'href="#body-text"' in page
    assert "Body Text" in page and "模块的主要文字。" in page and "主文" in page
    assert 'href="/courses/test-course/m-1-2/"' in page and "在这一节学习：模块2" in page
    assert "第1部分 · 第1部分" in page


def test_a_term_whose_module_is_archived_is_listed_under_other_terms(client, library):
    Module.objects.filter(slug="m-1-3").update(archived_at=timezone.now())
    page = client.get("/courses/test-course/glossary/").content.decode()
    assert "其他术语" in page and 'id="orphan"' in page
    assert 'href="/courses/test-course/m-1-3/"' not in page


def test_the_glossary_page_costs_three_queries(client, library, django_assert_num_queries):
    with django_assert_num_queries(3):
        assert client.get("/courses/test-course/glossary/").status_code == 200


def test_the_template_list_shows_each_template_and_the_modules_that_use_it(client, library):
    page = client.get("/courses/test-course/resources/").content.decode()
    assert "测算表" in page and "检查清单" in page and "表格模板 · Excel" in page and "可打印文档" in page
    assert 'href="/courses/test-course/resources/calc-sheet/download/"' in page
    assert page.count('href="/courses/test-course/m-1-1/"') == 1


def test_a_sheet_page_previews_rows_and_the_download_is_a_workbook_with_formulas(client, library):
    page = client.get("/courses/test-course/resources/calc-sheet/").content.decode()
    assert "工作表“测算”" in page and '<td class="sheet-formula-cell">60</td>' in page
    response = client.get("/courses/test-course/resources/calc-sheet/download/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="calc-sheet.xlsx"'
    assert load_workbook(BytesIO(response.content))["测算"]["B2"].value == "=SUM(B1:B1)"


def test_a_document_page_is_printable_and_has_no_download(client, library):
    page = client.get("/courses/test-course/resources/check-list/").content.decode()
    assert "<h2" in page and "☐ 甲" in page and "data-print" in page
    assert client.get("/courses/test-course/resources/check-list/download/").status_code == 404


@pytest.mark.parametrize("path", ["/courses/nope/glossary/", "/courses/test-course/resources/nope/",
                                  "/courses/nope/resources/calc-sheet/download/"])
def test_unknown_courses_and_templates_are_404(client, library, path):
    assert client.get(path).status_code == 404


def test_outline_and_module_pages_link_the_glossary_and_templates(client, learner_client, library):
    outline = client.get("/courses/test-course/").content.decode()
    module = learner_client.get("/courses/test-course/m-1-1/").content.decode()
    for page in (outline, module):
        assert 'href="/courses/test-course/glossary/"' in page and 'href="/courses/test-course/resources/"' in page
    assert 'href="/courses/test-course/resources/calc-sheet/"' in module and "预览模板" in module


def test_a_course_without_glossary_or_templates_shows_no_links_to_them(client, imported_course):
    assert "/glossary/" not in client.get("/courses/test-course/").content.decode()
