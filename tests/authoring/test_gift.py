"""Moodle GIFT → quiz syntax: what can be read is converted, the rest reported with its line."""

from decimal import Decimal

from courses.authoring.gift import gift_to_quiz
from courses.content.documents import parse_document
from courses.models import Module
from tests.authoring.conftest import post_text
from tests.coursebuilder import module_text

BANK = r"""// a question bank exported from Moodle
$CATEGORY: $course$/运营

::Ops role::运营经理的核心定位是什么？{
  =连接战略与执行的枢纽 #对：翻译战略并推动协同
  ~只执行任务 #低估了这个角色
  ~只做技术研发
}

::SMART::SMART 包含哪些维度？{~%50%具体 ~%50%可衡量 ~%-100%可复制 ####S、M 在其中，“可复制”不在。}

运营只负责执行，不需要反馈。{FALSE#错在这里#对，运营要反馈}

::ROI::成本 100，收益 290，ROI 是多少？{#190:0.5####（290 − 100）/ 100 = 190%}

::range::DAU/MAU 大约是多少？{#0.2..0.4}

::term::北极星指标的英文？{=North Star Metric =North Star#对}

A/B 测试需要 \{对照组\} 吗？运营 {~不需要 =需要} 对照组。

::match::配对 {=a -> 1 =b -> 2}

::essay::谈谈你的体会 {}

只是一段说明，没有答案。
"""


def test_bank_converts_to_valid_quiz_syntax():
    result = gift_to_quiz(BANK, taken_keys={"ops-role"})
    assert result.count == 7
    assert [(p.line, p.message.split(" ")[0]) for p in result.problems] == [
        (22, "matching"), (24, "essay"), (26, "no")]
    doc = parse_document(module_text("正文\n", quiz=result.text), "module")
    questions = {q.key: q for q in doc.questions}
    assert list(questions) == ["ops-role-2", "smart", "gift-3", "roi", "range", "term", "gift-7"]
    role = questions["ops-role-2"]
    assert role.kind == "single" and [c.correct for c in role.choices] == [True, False, False]
    assert role.explanation == "对：翻译战略并推动协同"
    smart = questions["smart"]
    assert smart.kind == "multiple" and [c.correct for c in smart.choices] == [True, True, False]
    assert [c.fraction for c in smart.choices] == [Decimal("0.5"), Decimal("0.5"), -1]
    assert questions["gift-3"].answer == {"value": False, "feedback": {"true": "错在这里"}}
    assert questions["gift-3"].explanation == "对，运营要反馈"
    assert questions["roi"].answer == {"value": "190", "tolerance": "0.5", "unit": ""}
    assert questions["range"].answer == {"value": "0.3", "tolerance": "0.1", "unit": ""}
    assert questions["term"].answer == {"accepted": ["North Star Metric", "North Star"]}
    missing_word = questions["gift-7"]
    assert missing_word.text == "A/B 测试需要 {对照组} 吗？运营 ___ 对照组。"
    # Questions without feedback convert, and the editor then asks for their explanation.
    assert [p.message for p in doc.problems] == [
        "question 'range' has no explanation (add '> …' lines that say why the right answer is right)",
        "question 'gift-7' has no explanation (add '> …' lines that say why the right answer is right)"]


def test_question_text_that_looks_like_syntax_is_escaped():
    result = gift_to_quiz("::q::> 引用开头的题目\n## 也像标题 {T####因为}")
    doc = parse_document(module_text("正文\n", quiz=result.text), "module")
    assert doc.problems == [] and doc.questions[0].text.startswith("\\>")


def test_gift_view_opens_the_editor_with_the_questions_appended(trainer_client, imported_course):
    response = trainer_client.post("/trainer/courses/test-course/m-1-1/gift/",
                                   {"gift": "::q-one::新题？{=对 ~错 ####因为}\n\n::bad::{}"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "## [single] q-one-2" in page  # q-one is taken in this module
    assert "GIFT 第 3 行" in page
    module = Module.objects.get(slug="m-1-1")
    assert module.revisions.count() == 1  # nothing saved until the trainer saves


def test_gift_view_reports_an_unreadable_bank(trainer_client, imported_course):
    response = trainer_client.post("/trainer/courses/test-course/m-1-1/gift/", {"gift": "{=a -> b}"})
    assert response.status_code == 400 and "GIFT 第 1 行" in response.content.decode()


def test_gift_file_upload_and_save(trainer_client, imported_course):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bank.gift", "::extra::加题？{T####对}".encode("utf-8-sig"))
    page = trainer_client.post("/trainer/courses/test-course/m-1-1/gift/", {"file": upload}).content.decode()
    assert "## [truefalse] extra" in page
    module = Module.objects.get(slug="m-1-1")
    text = module.source.rstrip("\n") + "\n\n## [truefalse] extra\n加题？\nanswer: true\n> 对\n"
    assert post_text(trainer_client, module, text, action="publish").status_code == 302
    assert module.quiz.questions.filter(key="extra", is_active=True).exists()
