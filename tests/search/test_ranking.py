"""Real questions against the real course: the module that teaches the term comes first (or in the
top three where several modules teach it)."""

import pytest

from search.query import query_parse
from search.selectors import search_results
from tests.factories import UserFactory

FIRST = [
    ("留存率", "metrics-retention"),
    ("北极星指标", "growth-method"),
    ("A/B 测试", "ab-testing"),
    ("ａ／ｂ测试", "ab-testing"),
    ("ROI", "roi"),
    ("ＲＯＩ", "roi"),
    ("私域流量", "community-media"),
    ("什么是留存率", "metrics-retention"),
    ("裂变", "social-fission"),
    ("SOP", "sop"),
]
TOP_THREE = [
    ("D7", "metrics-retention"),
    ("同期群", "analysis-method"),
    ("漏斗", "analysis-method"),
    ("OKR", "okr-kpi"),
    ("KPI 与 OKR 的区别", "okr-kpi"),
    ("次日留存", "metrics-retention"),
    ("病毒系数", "social-fission"),
]


@pytest.fixture
def modules_found(real_course_index, db):
    learner = UserFactory()

    def find(text: str) -> list[str]:
        results = search_results(query=query_parse(text), user=learner)
        assert not results.loose, text
        return [hit.url.split("/")[3] for hit in results.hits]

    return find


@pytest.mark.parametrize(("query", "module"), FIRST)
def test_the_module_that_teaches_it_ranks_first(modules_found, query, module):
    assert modules_found(query)[0] == module


@pytest.mark.parametrize(("query", "module"), TOP_THREE)
def test_the_module_that_teaches_it_is_in_the_top_three(modules_found, query, module):
    assert module in modules_found(query)[:3]


def test_results_link_to_the_heading_that_matches(real_course_index, db):
    hits = search_results(query=query_parse("留存率"), user=UserFactory()).hits
    assert hits[0].url == "/courses/ops-manager/metrics-retention/#留存率怎么算"
    assert hits[0].part_title == "数据驱动" and hits[0].course_title == real_course_index.title
