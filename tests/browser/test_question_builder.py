"""The question builder beside the editor: a trainer who never learned the syntax writes one
question of every type with the form, sees it in the preview, publishes, and the module validates."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from courses.models import Module
from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import blocking_violations
from tests.coursebuilder import write_course
from tests.factories import UserFactory

pytestmark = pytest.mark.browser
EDIT = "/trainer/courses/test-course/m-1-1/edit/"


@pytest.fixture
def trainer(transactional_db, tmp_path):
    write_course(tmp_path)
    call_command("import_content", str(tmp_path))
    user = UserFactory(email="coach@example.com", roles=["learner", "trainer"], display_name="coach")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def fill_common(page, kind: str, key: str, text: str, explanation: str) -> None:
    page.get_by_label("题型").select_option(kind)
    page.get_by_label("题目 ID").fill(key)
    page.get_by_label("题干").fill(text)
    page.get_by_label("解析", exact=True).fill(explanation)


def option(page, number: int):
    return page.locator("#qb-options > li").nth(number - 1)


def fill_option(page, number: int, text: str, *, right=False, weight="", feedback="") -> None:
    if page.locator("#qb-options > li").count() < number:
        page.get_by_role("button", name="添加选项").click()
    row = option(page, number)
    row.get_by_label("选项内容").fill(text)
    row.get_by_label("正确", exact=True).set_checked(right)
    row.get_by_label("权重（%，可选）").fill(weight)
    row.get_by_label("反馈（可选）").fill(feedback)


def further_answer(page, number: int, value: str, weight: str, feedback: str) -> None:
    page.get_by_role("button", name="添加答案").click()
    row = page.locator("#qb-answers > li").nth(number - 1)
    row.get_by_label("答案", exact=True).fill(value)
    row.get_by_label("权重（%）").fill(weight)
    row.get_by_label("反馈（可选）").fill(feedback)


def write(page) -> None:
    page.locator("#qb-write").click()
    page.locator("#qb-status", has_text="题目已写入正文").wait_for()
    page.locator("#qb-clear").click()


def test_a_question_of_every_type_written_with_the_form_publishes_and_grades(page, live_server, trainer, sign_in):
    sign_in(page, "coach@example.com")
    page.goto(f"{live_server.url}{EDIT}")
    page.locator("#question-builder > summary").click()

    fill_common(page, "single", "b-single", "哪个指标最能反映留存？", "次日留存直接衡量回访。")
    fill_option(page, 1, "次日留存率", right=True, feedback="对。")
    fill_option(page, 2, "日活跃用户数", weight="50", feedback="相关，但不够直接。")
    fill_option(page, 3, "注册量")
    write(page)

    fill_common(page, "multiple", "b-multiple", "哪些是留存指标？", "次日和 7 日留存。")
    fill_option(page, 1, "次日留存", weight="50")
    fill_option(page, 2, "7 日留存", weight="50")
    fill_option(page, 3, "注册量", weight="-100", feedback="获客指标，扣分。")
    write(page)

    fill_common(page, "truefalse", "b-truefalse", "运营只负责执行。", "运营还要反馈。")
    page.get_by_label("这个说法是").select_option("false")
    page.get_by_label("回答“正确”的学员看到的反馈（可选）").fill("不对，还要反馈。")
    write(page)

    fill_common(page, "numeric", "b-numeric", "成本 100，收益 290，ROI（%）？", "（290 − 100）/ 100。")
    page.locator("#qb-number").fill("190")
    page.get_by_label("误差（±，可选）").fill("0.5")
    page.get_by_label("单位（可选）").fill("%")
    further_answer(page, 1, "190 ± 10", "50", "接近了。")
    write(page)

    fill_common(page, "text", "b-text", "全公司共同追踪的唯一指标叫什么？", "北极星指标。")
    page.get_by_label("每行一个可接受的答案").fill("北极星指标\nNorth Star")
    further_answer(page, 1, "*", "0", "再想想：全公司只追踪一个指标。")
    write(page)

    preview = page.locator("#preview")
    preview.get_by_text("全公司共同追踪的唯一指标叫什么？").wait_for()
    assert page.locator("#editor-problems").is_hidden()
    text = page.locator("textarea[name=text]").input_value()
    assert "- [50%] 日活跃用户数\n  > 相关，但不够直接。" in text and "answer: 190 ± 0.5 %" in text
    assert "answer: false\n  > true: 不对，还要反馈。" in text and "answer: 北极星指标 | North Star" in text
    assert "answer: 190 ± 0.5 %\nanswer: 190 ± 10 = 50%\n  > 接近了。" in text
    assert "answer: * = 0%\n  > 再想想：全公司只追踪一个指标。" in text
    assert blocking_violations(page) == []

    page.get_by_role("radio", name="编辑性修改：措辞、错别字、排版，无需重新学习").check()
    page.locator("button[value=publish]").click()
    page.wait_for_load_state()
    module = Module.objects.get(slug="m-1-1")
    questions = {q.key: q for q in module.quiz.questions.filter(is_active=True)}
    assert set(questions) == {"q-one", "q-two", "b-single", "b-multiple", "b-truefalse", "b-numeric", "b-text"}
    assert questions["b-multiple"].answer == {"partial": True}
    assert [a["fraction"] for a in questions["b-numeric"].answer["answers"]] == ["1", "0.5"]
    assert [float(c.fraction) for c in questions["b-single"].choices.all()] == [1, 0.5, 0]
    assert page.js_errors == []


def test_the_question_at_the_cursor_loads_into_the_form_and_is_replaced(page, live_server, trainer, sign_in):
    sign_in(page, "coach@example.com")
    page.goto(f"{live_server.url}{EDIT}")
    page.locator("#question-builder > summary").click()
    textarea = page.locator("textarea[name=text]")
    at = textarea.input_value().index("第一题？")
    textarea.evaluate(f"(el) => {{ el.focus(); el.setSelectionRange({at}, {at}); }}")
    page.get_by_role("button", name="编辑光标所在的题目").click()
    assert page.get_by_label("题目 ID").input_value() == "q-one"
    assert option(page, 1).get_by_label("选项内容").input_value() == "对的"
    fill_option(page, 2, "错的", weight="25", feedback="部分对")
    page.get_by_role("button", name="替换正文中的这道题").click()
    page.locator("#qb-status", has_text="已替换正文").wait_for()
    text = textarea.input_value()
    assert text.count("## [single] q-one") == 1 and "- [25%] 错的\n  > 部分对\n> 因为对。" in text
    assert "## [truefalse] q-two" in text


def test_the_builder_works_by_keyboard_on_a_phone(page, live_server, trainer, sign_in):
    page.set_viewport_size(PHONE)
    sign_in(page, "coach@example.com")
    page.goto(f"{live_server.url}{EDIT}")
    page.locator("#question-builder > summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "qb-kind"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "qb-key"
    page.keyboard.type("kb-one")
    page.locator("#qb-write").focus()
    page.keyboard.press("Enter")
    assert page.locator("#qb-error").inner_text() == "请填写题干。"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    assert blocking_violations(page) == []


def test_a_numeric_question_with_further_answers_loads_back(page, live_server, trainer, sign_in):
    sign_in(page, "coach@example.com")
    page.goto(f"{live_server.url}{EDIT}")
    page.locator("#question-builder > summary").click()
    textarea = page.locator("textarea[name=text]")
    textarea.fill(textarea.input_value() + "\n## [numeric] roi\nROI？\nanswer: 190 %\nanswer: 100..300 = 10%\n"
                  "  > 方向对。\n> 190%。\n")
    at = textarea.input_value().index("ROI？")
    textarea.evaluate(f"(el) => {{ el.focus(); el.setSelectionRange({at}, {at}); }}")
    page.get_by_role("button", name="编辑光标所在的题目").click()
    assert page.locator("#qb-number").input_value() == "190" and page.locator("#qb-unit").input_value() == "%"
    row = page.locator("#qb-answers > li").first
    assert row.get_by_label("答案", exact=True).input_value() == "100..300"
    assert row.get_by_label("权重（%）").input_value() == "10"
    assert row.get_by_label("反馈（可选）").input_value() == "方向对。"
    row.get_by_role("button", name="删除答案 1").click()
    page.get_by_role("button", name="替换正文中的这道题").click()
    page.locator("#qb-status", has_text="已替换正文").wait_for()
    assert textarea.input_value().endswith("## [numeric] roi\nROI？\nanswer: 190 %\n> 190%。\n")
