"""A learner who switches to English sees no Chinese interface text on the module page (widgets
included), the quiz, the 错题本 and 我的学习; only the course's own text, marked lang="zh-Hans",
stays Chinese. The language menu changes nothing until its button is pressed (WCAG 3.2.2)."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from tests.coursebuilder import module_file, write_course
from tests.factories import UserFactory

pytestmark = pytest.mark.browser
WIDGETS = """的正文。

::: tip
先看数据。
:::

::: check
留存率越高越好吗？
answer: true
> 一般如此。
:::

::: reflection my-plan
你的计划是什么？
:::

::: calculator roi
cost: 100
revenue: 290
:::
"""
# Text nodes that are shown and are not inside course text (the nearest lang is not Chinese).
VISIBLE_UI_TEXT = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !node.textContent.trim() || parent.closest("script, style, template")) continue;
    if (!parent.getClientRects().length || getComputedStyle(parent).visibility === "hidden") continue;
    const marked = parent.closest("[lang]");
    if (marked && marked.getAttribute("lang").toLowerCase().startsWith("zh")) continue;
    if (/[\\u3400-\\u9fff]/.test(node.textContent)) found.push(node.textContent.trim());
  }
  return found;
}"""


@pytest.fixture
def course_with_widgets(transactional_db, tmp_path):
    course = write_course(tmp_path, modules_per_part=2)
    path = module_file(course, 1, 1)
    path.write_text(path.read_text(encoding="utf-8").replace("的正文。", WIDGETS), encoding="utf-8")
    call_command("import_content", str(tmp_path))
    user = UserFactory(email="reader@example.com", display_name="Reader")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def chinese_ui_text(page) -> list[str]:
    page.wait_for_load_state()
    return page.evaluate(VISIBLE_UI_TEXT)


def test_english_learner_sees_no_chinese_interface(page, live_server, course_with_widgets, sign_in):
    base = live_server.url
    sign_in(page, "reader@example.com")
    page.goto(f"{base}/me/")
    menu = page.locator("#language-select")
    menu.focus()
    page.keyboard.press("ArrowDown")  # choosing with the keyboard does not switch yet
    page.wait_for_timeout(300)
    assert page.get_by_role("heading", name="我的学习", level=1).is_visible()
    menu.select_option("en")
    page.locator(".language-form").get_by_role("button").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="My learning", level=1).is_visible()

    page.goto(f"{base}/courses/test-course/")
    page.get_by_role("button", name="Enrol and start learning").click()
    page.goto(f"{base}/courses/test-course/m-1-1/")
    check = page.locator("form.check")
    check.get_by_label("False").check()
    check.get_by_role("button", name="Check answer").click()
    page.wait_for_timeout(200)
    assert "Not yet" in check.locator(".check-result").inner_text()
    assert page.locator(".reflection").get_by_label("Write your answer").is_visible()
    assert page.locator(".calc").get_by_role("button", name="Restore the example data").is_visible()
    assert chinese_ui_text(page) == []

    quiz = page.locator("form.quiz-form")
    quiz.get_by_label("错的").check()
    quiz.get_by_label("False").check()
    quiz.get_by_role("button", name="Submit answers").click()
    page.wait_for_load_state()
    assert page.locator("#quiz-result").is_visible()
    assert chinese_ui_text(page) == []

    for url in ("/me/mistakes/", "/me/"):
        page.goto(base + url)
        assert chinese_ui_text(page) == [], url
    assert page.js_errors == []
