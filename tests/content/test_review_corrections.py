"""Corrections from the subject-matter review of the course (issue 20), pinned so they stay made."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from courses.content import calculators
from courses.content.loader import load_content


@pytest.fixture(scope="module")
def modules():
    courses, problems = load_content(Path(settings.CONTENT_DIR))
    assert problems == [], "\n".join(map(str, problems))
    (course,) = [c for c in courses if c.slug == "ops-manager"]
    return {m.slug: m for part in course.parts for m in part.modules}


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def checks(module):
    return [d.question for d in module.doc.directives if d.name == "check"]


def keyed(question) -> list[str]:
    return [c.text for c in question.choices if c.correct]


def test_retention_counts_the_day_a_user_is_new_as_day_zero(modules):
    body = flat(modules["metrics-retention"].doc.body)
    assert "新增当天记为第0天" in body
    assert "新增后第2天" not in body, "D1 must not count the first day as day 1"
    assert "第0天" in flat(modules["user-ops"].doc.body), "user-ops uses the same convention"


def test_metric_tree_is_rooted_at_revenue_with_order_value_under_arppu(modules):
    body = flat(modules["metrics-scale"].doc.body)
    assert "付费收入=付费用户数×ARPPU" in body
    assert "=客单价×人均付费次数" in body


def test_ab_sample_size_is_planned_from_a_minimum_detectable_effect(modules):
    module = modules["ab-testing"]
    body = flat(module.doc.body)
    planned = calculators.ab_sample_size(Decimal(2), Decimal(10), Decimal("0.05"), Decimal("0.8"))
    assert planned == 80682
    plans = [d for d in module.doc.directives if d.name == "calculator"
             and d.params["baseline"][0][0] == "2" and d.params["lift"][0][0] == "10"]
    assert [d.result for d in plans] == [str(planned)]
    assert "最小可检测效应" in body
    found_lift = calculators.ab_sample_size(Decimal(2), Decimal(18), Decimal("0.05"), Decimal("0.8"))
    assert str(found_lift) not in body, "the sample size must not be justified from the lift found"


def test_smart_check_lacks_only_the_deadline(modules):
    (check,) = [q for q in checks(modules["ops-theory"]) if "SMART" in q.text]
    assert keyed(check) == ["有时限（Time-bound）"]
    assert "战略" in check.text, "the goal states what it is relevant to (R)"
    assert not re.search(r"\d+\s*月\s*\d+\s*日|截止|之前", check.text)


def test_crisis_answers_verify_the_facts_before_apologising(modules):
    module = modules["crisis-risk"]
    for question in [*module.doc.questions, *checks(module)]:
        for text in keyed(question):
            assert "道歉" not in text or re.search("核实|核查|属实", text), question.key
    first = next(q for q in module.doc.questions if q.key == "crisis-first-move")
    assert any("核查" in text for text in keyed(first))
    assert "核实问题属实后" in flat(module.text), "the case apologises once the facts are confirmed"


def test_fission_stem_does_not_contradict_itself(modules):
    for question in modules["social-fission"].doc.questions:
        assert not ("新上线" in question.text and "正式发布前" in question.text), question.key


@pytest.mark.parametrize(("slug", "phrase"), [
    ("ops-plus", "技术赋能运营已成"),
    ("ops-theory", "优秀的运营管理能力"),
])
def test_sentences_close_to_the_seed_are_reworded(modules, slug, phrase):
    assert phrase not in flat(modules[slug].text)
