"""The pure core: folding, segmentation, sections, query parsing and snippets (no database)."""

from html.parser import HTMLParser

import pytest

from courses.content.documents import parse_document
from courses.content.rendering import render_body
from search.query import MAX_QUERY_CHARS, query_parse
from search.sections import sections_split
from search.selectors import MAX_PAGE, page_number
from search.snippets import highlight, snippet
from search.text import indexed_words, words
from tests.courses.test_sanitiser import CORPUS, HAND_WRITTEN, corpus_lines


@pytest.mark.parametrize(("typed", "expected"), [
    ("留存率", ["留存", "率"]),
    ("北极星指标", ["北极星", "指标"]),
    ("私域流量", ["私", "域", "流量"]),
    ("A/B 测试", ["a", "b", "测试"]),
    ("ａ／Ｂ测试", ["a", "b", "测试"]),  # full width and upper case fold to the same words
    ("ROI", ["roi"]),
    ("ＲＯＩ", ["roi"]),
    ("D7 留存", ["d7", "留存"]),
    ('"NEAR(a* -b) title:x OR \'y\'"', ["near", "a", "b", "title", "x", "or", "y"]),
])
def test_words_are_folded_and_segmented_without_operators(typed, expected):
    assert words(typed) == expected


def test_a_word_and_the_dictionary_words_inside_it_share_a_position():
    # given a text whose first word holds shorter dictionary words
    indexed = list(indexed_words("北极星指标很重要"))
    # then 北极 is findable, and 指标 still stands right after 北极星
    assert ("北极星", 0) in indexed and ("北极", 0) in indexed
    assert ("指标", 1) in indexed


def test_a_query_cuts_the_same_words_a_sentence_does():
    # The module teaches 留存率 inside sentences; the query must meet the same pieces there.
    sentence = {word for word, _ in indexed_words("用公式计算次日、7 日、30 日留存率，并读懂留存曲线")}
    assert set(words("留存率")) <= sentence
    assert set(words("次日留存率")) <= {word for word, _ in indexed_words("次日留存率是多少")}


def test_query_is_trimmed_capped_and_keeps_what_matters():
    query = query_parse("  什么是\t留存率 \x00\x07 ")
    assert query.text == "什么是 留存率"
    assert query.terms == ("留存", "率")  # 什么 / 是 are function words
    long = query_parse("留存" * 80)
    assert long.truncated and len(long.text) == MAX_QUERY_CHARS
    assert query_parse("的").terms == ("的",)  # nothing else to search for: kept
    assert query_parse(" \"*:-() ").empty and query_parse(None).empty


def test_results_mark_what_was_typed_and_no_lone_chinese_character():
    # 留存率 is marked whole, 留存 alone too; 率 alone (in 转化率) is not
    assert query_parse("留存率").marks == ("留存率", "留存")
    assert query_parse("私域流量 ROI").marks == ("私域流量", "roi", "流量")
    assert query_parse("率").marks == ("率",)
    assert highlight("留存率和转化率", query_parse("留存率").marks) == "<mark>留存率</mark>和转化率"


def test_a_snippet_starts_near_the_whole_phrase_first():
    text = "留存" + "。" * 200 + "这里讲留存率怎么算"
    assert "<mark>留存率</mark>怎么算" in snippet(text, query_parse("留存率").marks)


@pytest.mark.parametrize(("raw", "page"), [
    (None, 1), ("", 1), ("abc", 1), ("2", 2), ("-3", 1), ("0", 1), ("1e3", 1), (str(10**20), MAX_PAGE)])
def test_any_page_parameter_becomes_a_page_number(raw, page):
    assert page_number(raw) == page


MODULE = """---
title: 留存模块
slug: m
order: 1
minutes: 5
objectives:
  - 学会计算留存率
---
开篇的话。

## 留存率怎么算

N 日**留存率**衡量的是比例。

::: check
次日留存率是什么？
- [x] 比例
- [ ] 人数
> 解析：它是比例。
:::

### 细分

细分内容。

#### 不是小节

四级标题里的字。
"""


def test_a_module_splits_into_sections_at_its_toc_headings():
    # given a module rendered by the real pipeline
    html, toc = render_body(parse_document(MODULE, "module"))
    # when it is split
    sections = sections_split(html=html, toc=toc, lead="学会计算留存率")
    # then the text before the first heading leads with the objectives, then one section per ## / ###
    assert [s.anchor for s in sections] == ["", toc[0]["id"], toc[1]["id"]]
    assert sections[0].body == "学会计算留存率 开篇的话。"
    assert sections[1].heading == "留存率怎么算"
    assert "N 日留存率衡量的是比例。" in sections[1].body  # inline markup joins, it does not split words
    assert "次日留存率是什么？" in sections[1].body and "解析：它是比例。" in sections[1].body
    assert "随堂小测" not in sections[1].body and "查看解析" not in sections[1].body  # widget chrome
    assert sections[2].heading == "细分" and "不是小节 四级标题里的字。" in sections[2].body


def test_snippet_marks_matches_around_the_first_one_and_escapes_the_rest():
    text = "开头" * 100 + "<b>留存率</b> & ＲＯＩ roi heroic" + "结尾" * 100
    html = snippet(text, ("留存", "roi"))
    assert html.startswith("…") and "开头" in html and html.endswith("…")
    assert "&lt;b&gt;<mark>留存</mark>率&lt;/b&gt; &amp; <mark>ＲＯＩ</mark> <mark>roi</mark> heroic" in html
    assert highlight("A/B测试", ("a", "b", "测试")) == "<mark>A</mark>/<mark>B测试</mark>"  # touching marks merge


class MarkOnly(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag if not attrs else f"{tag} {attrs}")


@pytest.mark.parametrize("vector", HAND_WRITTEN + corpus_lines())
def test_snippets_of_hostile_text_carry_no_markup_but_mark(vector):
    # given hostile text as module content, through the real pipeline and the section splitter
    source = MODULE.replace("开篇的话。", f"开篇 {vector} `{vector}`")
    html, toc = render_body(parse_document(source, "module"))
    body = sections_split(html=html, toc=toc)[0].body
    # when a search for its own words builds a snippet
    shown = snippet(body, tuple(words(vector))[:12]) + highlight(vector, tuple(words(vector)))
    # then the only element in it is <mark>
    parser = MarkOnly()
    parser.feed(shown)
    assert parser.tags <= {"mark"}, (vector, shown)


def test_the_corpus_is_there_or_the_test_says_so():
    if not CORPUS.exists():
        pytest.skip(f"XSS corpus not found at {CORPUS}")
    assert len(corpus_lines()) > 50
