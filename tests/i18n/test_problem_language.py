"""Content problems keep English for the command line and are told in the reader's language in
the editor: the message is built once, put into words when shown."""

import pickle

import pytest
from django.utils import translation

from courses.services import module_source
from tests.coursebuilder import module_text

CASES = {
    "calculator": ("::: calculator roi\ncost: 0\nrevenue: 10\n:::\n",
                   "roi calculator: total cost must be greater than 0", "roi 计算器：成本合计必须大于 0"),
    "unclosed block": ("::: tip\n正文\n", "'::: tip' is never closed; add a ':::' line",
                       "'::: tip' 没有结束；请加一行 ':::'"),
    "front matter": (None, "field 'minutes' must be at least 1", "字段 'minutes' 不能小于 1"),
    "knowledge check": ("::: check\n对吗？\nanswer: true\n:::\n", "knowledge check has no explanation",
                        "随堂小测 没有解析"),
    "knowledge check difficulty": ("::: check\n对吗？\nanswer: true\ndifficulty: 9\n> 解析\n:::\n",
                                   "difficulty must be a whole number from 1 to 5, not '9'",
                                   "难度必须是 1 到 5 的整数，而不是 '9'"),
}


@pytest.mark.parametrize("case", CASES)
def test_problem_in_english_and_chinese(case):
    body, english, chinese = CASES[case]
    text = module_text("正文\n", minutes=0) if body is None else module_text(body)
    (problem,) = module_source(text=text).doc.problems
    assert problem.message.startswith(english)  # what validate_content prints
    with translation.override("zh-hans"):
        assert problem.localised().startswith(chinese)
    with translation.override("en"):
        assert problem.localised() == problem.message


def test_a_problem_survives_the_render_child_and_the_cache_without_a_language():
    (problem,) = module_source(text=module_text("::: tip\n正文\n")).doc.problems
    copy = pickle.loads(pickle.dumps(problem))
    with translation.override("zh-hans"):
        assert copy.localised() == problem.localised() and "没有结束" in copy.localised()
