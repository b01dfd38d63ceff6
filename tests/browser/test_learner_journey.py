"""A learner's whole journey in a real browser: sign up, enrol, read, fail, review mistakes,
pass, use a calculator, complete a small course and download the certificate."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from tests.coursebuilder import module_file, write_course

pytestmark = pytest.mark.browser
CALCULATOR = """
::: calculator roi
unit: 万元
cost: 60 | 广告投放
cost: 40 | 其他
revenue: 290 | 总收益
expect: 190
:::

按示例数据，ROI 为 190%。
"""


@pytest.fixture
def small_course(transactional_db, tmp_path):
    course = write_course(tmp_path, modules_per_part=2)
    path = module_file(course, 1, 1)
    path.write_text(path.read_text(encoding="utf-8").replace("的正文。", "的正文。\n" + CALCULATOR),
                    encoding="utf-8")
    call_command("import_content", str(tmp_path))


def answer_quiz(page, *, right: bool) -> None:
    quiz = page.locator("form.quiz-form")
    quiz.get_by_label("对的" if right else "错的").check()
    quiz.get_by_label("正确" if right else "错误").check()
    quiz.get_by_role("button", name="提交答案").click()
    page.wait_for_load_state()


def test_learner_journey(page, live_server, small_course, shoot):
    base = live_server.url
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("电子邮件").fill("journey@example.com")
    page.locator("#id_password1").fill("a-long-pass-2026")
    page.locator("#id_password2").fill("a-long-pass-2026")
    page.get_by_label("显示名称").fill("小林")
    page.get_by_role("button", name="注册").click()
    page.wait_for_load_state()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link.replace("http://testserver", base).replace("https://testserver", base))
    page.get_by_role("button", name="确认").click()
    page.wait_for_load_state()

    page.goto(f"{base}/courses/test-course/")
    page.get_by_role("button", name="报名并开始学习").click()
    page.wait_for_url("**/courses/test-course/m-1-1/")

    calculator = page.locator("section[data-widget=calculator]")
    assert "190" in calculator.locator("output").first.inner_text()
    shoot(page, "journey-module")

    page.get_by_role("button", name="我已读完").click()
    page.wait_for_load_state()
    answer_quiz(page, right=False)
    assert page.locator("#quiz-result").get_by_text("尚未通过").is_visible()
    shoot(page, "journey-failed")

    page.get_by_role("link", name="错题本").first.click()
    assert page.get_by_text("第一题？").is_visible() and page.get_by_text("第二题对吗？").is_visible()
    shoot(page, "journey-mistakes")

    page.goto(f"{base}/courses/test-course/m-1-1/")
    answer_quiz(page, right=True)
    assert page.locator("#quiz-result").get_by_text("已通过").is_visible()
    page.goto(f"{base}/me/mistakes/")
    assert page.get_by_text("没有需要复习的错题").is_visible()

    page.goto(f"{base}/courses/test-course/m-1-2/")
    page.get_by_role("button", name="我已读完").click()
    page.wait_for_load_state()
    answer_quiz(page, right=True)

    page.goto(f"{base}/me/")
    shoot(page, "journey-dashboard")
    page.get_by_role("link", name="查看结业证书").click()
    assert page.locator(".certificate-name").inner_text() == "小林"
    shoot(page, "journey-certificate")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert page.js_errors == []
