"""Excel bulk import of questions: the template round-trips, every bad row is reported, nothing else."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from courses.authoring.excel import COLUMNS, MAX_CELL_CHARS, MAX_ROWS, excel_to_quiz, question_template
from courses.content.documents import parse_document
from courses.content.xlsx import xlsx_rows
from courses.models import Module
from quizzes.grading import clean_response, credit
from tests.authoring.conftest import post_text
from tests.coursebuilder import module_text

URL = "/trainer/courses/test-course/m-1-1/excel/"


def sheet(*rows, header=COLUMNS) -> bytes:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problems(data: bytes) -> list[tuple[int, str, str]]:
    with translation.override("en"):
        result = excel_to_quiz(io.BytesIO(data))
    assert result.text == "" and result.count == 0
    return [(p.row, p.column, p.message) for p in result.problems]


def test_template_example_rows_become_a_valid_module_quiz():
    template = load_workbook(io.BytesIO(question_template()))
    assert [c.value for c in template["questions"][1]] == list(COLUMNS)
    assert {row[0] for row in template["questions"].iter_rows(min_row=2, values_only=True)} == {
        "single", "multiple", "truefalse", "numeric", "text"}
    assert [row[0] for row in template["说明 help"].iter_rows(min_row=2, values_only=True)] == list(COLUMNS)
    result = excel_to_quiz(io.BytesIO(question_template()))
    assert result.problems == [] and result.count == 5
    doc = parse_document(module_text("正文\n", quiz=result.text), "module")
    assert doc.problems == []
    questions = {q.key: q for q in doc.questions}
    assert [c.correct for c in questions["xl-2"].choices] == [True, False, False]
    assert questions["xl-2"].tags == ["留存", "指标"] and questions["xl-2"].difficulty == 2
    assert [c.correct for c in questions["xl-3"].choices] == [True, True, False]
    assert questions["xl-4"].answer["value"] is False
    assert [a["fraction"] for a in questions["xl-5"].answer["answers"]] == ["1", "0.5"]
    assert questions["xl-6"].answer["accepted"] == ["北极星指标", "North Star Metric"]


def test_every_bad_row_is_listed_with_its_row_and_column():
    data = sheet(
        ("essay", "谈谈体会", "", "x", "因为", "", ""),
        ("single", "", "a\nb", "a", "因为", "", ""),
        ("single", "哪个？", "", "a", "因为", "", ""),
        ("single", "哪个？", "a\nb", "c", "因为", "", ""),
        ("numeric", "多少？", "", "很多", "因为", "", ""),
        ("text", "叫什么？", "", "北极星", "因为", "", "6"),
        ("truefalse", "对吗？", "", "也许", "因为", "", ""),
        ("multiple", "哪些？", "a\nb", "a", "", "", ""),
        ("single", "好题", "a\nb", "a", "因为", "", "2"),
    )
    found = problems(data)
    assert [(row, column) for row, column, _ in found] == [
        (2, "type"), (3, "text"), (4, "options"), (5, "answer"), (6, "answer"), (7, "difficulty"),
        (8, "answer"), (9, "explanation")]
    messages = dict(((row, column), message) for row, column, message in found)
    assert "'essay'" in messages[2, "type"]
    assert "'c'" in messages[5, "answer"] and "options" in messages[5, "answer"]
    assert "'6'" in messages[7, "difficulty"]


def test_choice_weights_in_the_answer_column():
    data = sheet(("single", "哪个？", "a\nb\nc", "a\nb = 50%", "因为", "", ""),
                 ("multiple", "哪些？", "a\nb\nc", "a = 60%\nb = 60%", "因为", "", ""),
                 ("single", "哪个？", "a\nb", "a = 50%", "因为", "", ""))
    found = problems(data)
    assert [(row, column) for row, column, _ in found] == [(3, "answer"), (4, "answer")]
    assert "120" in found[0][2]
    result = excel_to_quiz(io.BytesIO(sheet(("single", "哪个？", "a\nb\nc", "a\nb = 50%\nc = -25%", "因为", "", ""))))
    assert "- [x] a\n- [50%] b\n- [-25%] c\n" in result.text


def test_true_typed_in_excel_is_a_boolean_cell_and_still_an_answer():
    result = excel_to_quiz(io.BytesIO(sheet(("truefalse", "对吗？", None, True, "因为", None, 3),
                                            ("truefalse", "错吗？", None, False, "因为", None, None))))
    assert result.problems == [] and "answer: true\n" in result.text and "answer: false\n" in result.text
    assert "difficulty: 3" in result.text


def test_text_lines_that_read_as_syntax_are_escaped_or_refused():
    text = "> 引用开头  \n## 像标题\n\nanswer: 像答案"
    result = excel_to_quiz(io.BytesIO(sheet(("truefalse", text, "", "对", "因为", "", ""))))
    doc = parse_document(module_text("正文\n", quiz=result.text), "module")
    assert doc.problems == [] and doc.questions[0].text.startswith("\\>") and doc.questions[0].answer["value"]
    assert problems(sheet(("truefalse", "下面哪个对？\n知识点：留存", "", "对", "因为", "", ""))) == [
        (2, "text", "a line of the text would be read as quiz syntax (such as 'tags:' or 'difficulty:'); reword it")]


def test_a_wrong_header_or_an_empty_sheet_is_refused():
    assert problems(sheet(("single",), header=("题型", "题干")))[0][:2] == (1, "")
    assert problems(sheet())[0][0] == 2


def test_huge_cells_are_reported_never_cut():
    text = "长" * (MAX_CELL_CHARS + 500)
    assert problems(sheet(("text", text, "", "北极星", "因为", "", ""))) == [
        (2, "text", f"longer than {MAX_CELL_CHARS:,} characters")]
    exact = excel_to_quiz(io.BytesIO(sheet(("text", "长" * MAX_CELL_CHARS, "", "北极星", "因为", "", ""))))
    assert exact.problems == [] and "长" * MAX_CELL_CHARS in exact.text


def test_too_many_rows_and_not_an_xlsx():
    rows = [("truefalse", f"第 {n} 题", "", "true", "因为", "", "") for n in range(MAX_ROWS + 5)]
    assert problems(sheet(*rows))[-1][0] == MAX_ROWS + 2
    assert problems(b"not a zip file") == [(0, "", "the file is not an .xlsx workbook")]


@pytest.mark.django_db
def test_upload_opens_the_editor_with_the_questions_and_saves_nothing(trainer_client, imported_course):
    upload = SimpleUploadedFile("q.xlsx", question_template())
    response = trainer_client.post(URL, {"file": upload, "target": "module"})
    page = response.content.decode()
    assert response.status_code == 200 and "## [numeric] xl-5" in page
    assert Module.objects.get(slug="m-1-1").revisions.count() == 1


def test_imported_questions_publish_and_grade(trainer_client, imported_course):
    module = Module.objects.get(slug="m-1-1")
    result = excel_to_quiz(io.BytesIO(question_template()))
    assert post_text(trainer_client, module, module.source.rstrip("\n") + "\n\n" + result.text,
                     action="publish").status_code == 302
    stored = {q.key: q for q in Module.objects.get(pk=module.pk).quiz.questions.filter(is_active=True)}

    def marks(key, response):
        question = stored[key]
        choices = list(question.choices.filter(version=question.version))
        by_text = {c.text_html.removeprefix("<p>").removesuffix("</p>"): c.key for c in choices}
        raw = [by_text[r] for r in response] if isinstance(response, list) else by_text.get(response, response)
        answer_key = question.answer_key(choices)
        return credit(answer_key, clean_response(answer_key, raw))

    assert marks("xl-2", "第二天仍回来的新用户占比") == 1 and marks("xl-2", "注册量") == 0
    assert marks("xl-3", ["次日留存", "7 日留存"]) == 1 and marks("xl-3", ["次日留存"]) == Decimal("0.5")
    assert marks("xl-3", ["次日留存", "注册量"]) == 0
    assert marks("xl-4", "false") == 1 and marks("xl-4", "true") == 0
    assert marks("xl-5", "190.2") == 1 and marks("xl-5", "185") == Decimal("0.5") and marks("xl-5", "1") == 0
    assert marks("xl-6", "north star metric") == 1 and marks("xl-6", "DAU") == 0


def test_upload_with_bad_rows_lists_them(trainer_client, imported_course):
    upload = SimpleUploadedFile("q.xlsx", sheet(("single", "哪个？", "a\nb", "c", "因为", "", ""),
                                                ("essay", "", "", "x", "因为", "", "9")))
    response = trainer_client.post(URL, {"file": upload, "target": "module"})
    page = response.content.decode()
    assert response.status_code == 400 and "未导入任何内容" in page
    assert "第 2 行 answer 列" in page and "不在选项中" in page
    assert "第 3 行 type 列" in page and "第 3 行 text 列" in page and "第 3 行 difficulty 列" in page


def test_a_file_over_1_mb_or_not_an_xlsx_is_refused_in_the_page(trainer_client, imported_course):
    big = SimpleUploadedFile("q.xlsx", b"PK" + b"0" * (1024 * 1024))
    response = trainer_client.post(URL, {"file": big, "target": "module"})
    assert response.status_code == 400 and "文件超过 1 MB" in response.content.decode()
    text = SimpleUploadedFile("q.xlsx", "类型,题干\n".encode())
    response = trainer_client.post(URL, {"file": text, "target": "bank"})
    assert response.status_code == 400 and "文件不是 .xlsx 工作簿" in response.content.decode()


def test_bank_download_is_a_valid_bank_file(trainer_client, imported_course):
    upload = SimpleUploadedFile("q.xlsx", question_template())
    response = trainer_client.post(URL, {"file": upload, "target": "bank"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    doc = parse_document(response.content.decode(), "bank")
    assert doc.problems == [] and len(doc.questions) == 5
    assert [(q.tags, q.difficulty) for q in doc.questions][:2] == [(["留存", "指标"], 2), (["留存"], 3)]


def test_learners_and_hr_can_neither_download_nor_import(client, learner, hr_user, imported_course):
    for user in (learner, hr_user):
        client.force_login(user)
        assert client.get(URL + "template.xlsx").status_code == 403
        upload = SimpleUploadedFile("q.xlsx", question_template())
        assert client.post(URL, {"file": upload, "target": "module"}).status_code == 403
    assert Module.objects.get(slug="m-1-1").revisions.count() == 1


def test_an_unknown_module_is_not_found(trainer_client, imported_course):
    upload = SimpleUploadedFile("q.xlsx", question_template())
    other = "/trainer/courses/test-course/no-such-module/excel/"
    assert trainer_client.post(other, {"file": upload, "target": "module"}).status_code == 404


def test_ids_used_anywhere_in_the_course_are_not_reused(trainer_client, imported_course):
    module = Module.objects.get(slug="m-1-1")
    text = module.source.rstrip("\n") + "\n\n" + excel_to_quiz(io.BytesIO(question_template())).text
    assert post_text(trainer_client, module, text, action="publish").status_code == 302
    for target in ("module", "bank"):
        upload = SimpleUploadedFile("q.xlsx", question_template())
        page = trainer_client.post("/trainer/courses/test-course/m-1-2/excel/",
                                   {"file": upload, "target": target}).content.decode()
        assert "## [single] xl-2-2" in page and "## [single] xl-2\n" not in page


def test_rows_beyond_the_room_left_in_the_quiz_are_refused():
    with translation.override("en"):
        result = excel_to_quiz(io.BytesIO(question_template()), max_rows=2)
    assert result.text == "" and [(p.row, p.message) for p in result.problems] == [
        (4, f"more than 2 questions (a quiz holds at most {MAX_ROWS}); split the sheet")]


def test_the_reader_keeps_one_character_past_the_limit_so_nothing_is_cut_silently():
    data = sheet(("x" * 5000, "短"))
    rows = list(xlsx_rows(io.BytesIO(data), cell_chars=100))
    assert [len(cell) for cell in rows[1][1]] == [101, 1]
    assert len(list(xlsx_rows(io.BytesIO(data)))[1][1][0]) == 257  # HR's default limit, 256


def test_trainer_downloads_the_template(trainer_client, imported_course):
    response = trainer_client.get(URL + "template.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content))["questions"].max_row == 6
