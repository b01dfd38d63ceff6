"""Widget chrome inside stored module text follows the reader's language, not the language it was
imported in; the widget scripts get their words from the JavaScript catalog."""

import re

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation

from courses.content.uilabels import labels_localise
from quizzes.models import Question
from quizzes.selectors import answer_text
from tests.coursebuilder import module_file

WIDGETS = """的正文。

::: case 一次大促
案例正文。
:::

::: tip
提示正文。
:::

::: check
这句话对吗？
answer: true
> 因为如此。
:::

::: reflection my-plan
你的计划是什么？
:::

::: calculator roi
cost: 100
revenue: 290
:::
"""
CHINESE_CHROME = ["案例", "提示", "随堂小测 · 不计分", "查看解析", "正确", "错误", "思考题", "ROI 计算器",
                  "示例数据", "成本项"]
ENGLISH_CHROME = ["Case", "Tip", "Knowledge check · not graded", "Show explanation", "True", "False",
                  "Reflection", "ROI calculator", "Example data", "Cost item"]


@pytest.fixture
def module_with_widgets(imported_course, course_dir):
    path = module_file(course_dir)
    path.write_text(path.read_text(encoding="utf-8").replace("的正文。", WIDGETS), encoding="utf-8")
    call_command("import_content", str(course_dir.parent))
    return imported_course.modules.get(slug="m-1-1")


def prose(client) -> str:
    page = client.get("/courses/test-course/m-1-1/").content.decode()
    return page[page.index('<div class="prose"'):page.index('<div class="module-end"')]


def test_widget_chrome_is_chinese_by_default_and_english_after_switching(learner_client, module_with_widgets):
    chinese = prose(learner_client)
    assert all(word in chinese for word in CHINESE_CHROME)
    assert "⟦" not in chinese and 'lang="zh-hans"' in chinese

    learner_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = prose(learner_client)
    assert all(word in english for word in ENGLISH_CHROME)
    assert "⟦" not in english and 'lang="en"' in english
    chrome = re.findall(r'lang="en">([^<]*)<', english)
    assert chrome and not any(re.search(r"[\u4e00-\u9fff]", text) for text in chrome)
    assert "一次大促" in english and "你的计划是什么？" in english  # the course text stays as written


def test_module_html_is_stored_once_for_every_language(module_with_widgets):
    assert "⟦ui:check_kind⟧" in module_with_widgets.body_html
    assert "随堂小测" not in module_with_widgets.body_html and "Knowledge check" not in module_with_widgets.body_html


def test_javascript_catalog_follows_the_chosen_language(client):
    chinese = client.get("/i18n/js/").content.decode("unicode_escape")
    assert "检查答案" in chinese and "写下你的回答" in chinese
    client.cookies["django_language"] = "en"
    english = client.get("/i18n/js/").content.decode("unicode_escape")
    assert "检查答案" not in english


def test_true_false_answers_are_worded_in_the_reader_language(imported_course):
    question = Question.objects.filter(key="q-two").first()
    with translation.override("zh-hans"):
        assert answer_text(question) == "正确"
    with translation.override("en"):
        assert answer_text(question) == "True"


def test_a_missing_template_says_so_in_the_reader_language():
    html = render_to_string("widgets/resource.html", {"resource": None, "slug": "roi-sheet"})
    with translation.override("en"):
        assert "There is no template “roi-sheet”." in labels_localise(html)
    with translation.override("zh-hans"):
        assert "模板“roi-sheet”不存在。" in labels_localise(html)


def test_search_leaves_widget_words_out(module_with_widgets):
    from search.sections import sections_split

    text = " ".join(s.body for s in sections_split(html=module_with_widgets.body_html, toc=module_with_widgets.toc))
    assert "⟦" not in text and "ui:" not in text
    assert "这句话对吗？" in text
