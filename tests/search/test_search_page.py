"""/search/ as people meet it: the header box, results, empty and hostile input, pages, query budget."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from accounts.roles import role_grant
from search.query import query_parse
from search.selectors import PAGE_SIZE
from tests.coursebuilder import write_course
from tests.search.conftest import result_links

SESSION_USER_AND_ROLES = 3  # session, user, the user's roles (asked once per request)


def search(client, q: str | None = None, **params) -> str:
    response = client.get("/search/", {**({"q": q} if q is not None else {}), **params})
    assert response.status_code == 200
    return response.content.decode()


def test_search_needs_a_signed_in_person(client, indexed_course):
    response = client.get("/search/", {"q": "正文"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/search/")
    assert 'role="search"' not in client.get("/").content.decode()


def test_every_page_header_has_the_search_box(learner_client, indexed_course):
    page = learner_client.get("/").content.decode()
    assert re.search(r'<form class="site-search" role="search" aria-label="搜索课程内容" action="/search/"', page)
    assert '<label for="site-search-q" class="visually-hidden">搜索课程内容</label>' in page
    assert 'name="q" maxlength="100"' in page


def test_a_result_shows_module_part_snippet_and_links_to_the_heading(learner_client, indexed_course):
    page = search(learner_client, "M-1-2 的正文")
    assert result_links(page) == ["/courses/test-course/m-1-2/#第一节"]
    assert "找到 1 个与“M-1-2 的正文”相关的模块" in page
    assert "模块<mark>2</mark><span class=\"search-hit-heading\"> · 第一节</span>" in page
    assert "测试课程 › 第1部分" in page
    assert "模块 <mark>m</mark>-<mark>1</mark>-<mark>2</mark> <mark>的正文</mark>。" in page  # the run as typed
    assert 'value="M-1-2 的正文"' in page  # the box keeps the query


def test_english_interface(learner_client, indexed_course):
    learner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = search(learner_client, "正文")
    assert "3 modules match “正文”" in page and "Search the courses" in page and "Words to look for" in page
    assert "Chinese or English words, numbers and abbreviations, in any width or case." in page
    assert "找到" not in page and "搜索" not in page


def test_empty_query_gets_a_friendly_page(learner_client, indexed_course):
    for page in (search(learner_client), search(learner_client, "   ")):
        assert "输入一个词或一句话，搜索你能打开的所有模块。" in page and result_links(page) == []
    assert "你输入的内容里没有可以搜索的字词" in search(learner_client, "“”*:-")


def test_no_result_says_so(learner_client, indexed_course):
    page = search(learner_client, "量子纠缠")
    assert "没有模块提到“量子纠缠”。" in page and result_links(page) == []


def test_a_long_query_is_cut_with_a_note(learner_client, indexed_course):
    page = search(learner_client, "正文" + "很" * 300)
    assert "搜索词超过 100 个字符，只搜索了前 100 个字符。" in page
    assert f'value="{"正文" + "很" * 98}"' in page


def test_some_words_found_says_so(learner_client, indexed_course):
    page = search(learner_client, "正文 量子纠缠")
    assert "没有模块同时包含所有这些词，以下结果包含其中一部分。" in page and len(result_links(page)) == 3


HOSTILE = ['"', '""', "'", "*", "正文*", "NEAR", "NEAR(正文 模块)", "正文 NEAR/2 模块", "-正文", "正文 -模块",
           "NOT 正文", "正文 OR 模块", "正文 AND", "title:正文", "body : 正文", "^正文", "(正文", "正文)", "{正文}",
           "正文 & 模块", "正文 | 模块", "!正文", "正文:*", "<->", "'正文' & '", "\\", "%", "_", "正文\x00",
           "'; DROP TABLE search_section; --", "\" OR 1=1 --", "正文 MATCH 模块", "rowid:1", "+正文"]


@pytest.mark.parametrize("typed", HOSTILE)
def test_query_syntax_is_plain_text(learner_client, indexed_course, typed):
    page = search(learner_client, typed)
    if "正文" in typed:  # whatever surrounds it, the word itself is still searched for
        assert len(result_links(page)) == 3, typed
    assert f'value="{escape(query_parse(typed).text)}"' in page  # shown back as typed, escaped


@pytest.fixture
def many_modules(db, tmp_path, reimport):
    """25 modules that all teach 漏斗."""
    course = write_course(tmp_path / "content", modules_per_part=25)
    for path in course.glob("*/*.md"):
        if not path.name.startswith("_"):
            path.write_text(path.read_text(encoding="utf-8").replace("的正文", "的漏斗正文"), encoding="utf-8")
    reimport(course.parent)


@pytest.mark.parametrize(("page", "shown", "first"), [
    ("1", 1, 1), ("2", 2, 11), ("3", 3, 21), ("abc", 1, 1), ("", 1, 1), ("-4", 1, 1), ("0", 1, 1),
    (str(10**20), 3, 21), ("4", 3, 21), ("3.5", 1, 1)])
def test_results_are_paginated_and_any_page_parameter_gives_a_page(learner_client, many_modules, page, shown,
                                                                   first):
    markup = search(learner_client, "漏斗", page=page)
    assert "找到 25 个与“漏斗”相关的模块" in markup
    assert f"第 {shown} / 3 页" in markup
    assert f'<ol class="search-results" start="{first}">' in markup
    assert len(result_links(markup)) == (5 if shown == 3 else PAGE_SIZE)
    assert ('rel="prev"' in markup) == (shown > 1) and ('rel="next"' in markup) == (shown < 3)


@pytest.mark.parametrize(("q", "searches"), [("m-1-1 的正文", 1), ("漏斗", 1), ("量子纠缠", 2), ("漏斗 量子纠缠", 2)])
def test_a_search_costs_a_fixed_number_of_queries(learner_client, many_modules, q, searches):
    # A query that nothing holds entirely is asked once more for any of its words; never more.
    learner_client.get("/")  # the session exists
    with CaptureQueriesContext(connection) as captured:
        search(learner_client, q)
    sql = "\n".join(query["sql"] for query in captured.captured_queries)
    assert len(captured) == SESSION_USER_AND_ROLES + searches, sql


def test_a_trainer_search_costs_the_same(client, many_modules, learner):
    role_grant(user=learner, role="trainer")
    client.force_login(learner)
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        search(client, "漏斗", page="2")
    assert len(captured) == SESSION_USER_AND_ROLES + 1, "\n".join(q["sql"] for q in captured.captured_queries)
