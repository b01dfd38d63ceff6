"""The shipped course's practice material: glossary, templates, data exercises, reviews, capstone."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from courses.content import calculators
from courses.content.glossary import fold
from courses.content.loader import load_content
from courses.content.rendering import render_body
from courses.library import library_from_source
from tests.content.seed_overlap import SEED_PATH, copied_runs, seed_runs

REQUIRED_TERMS = {"留存率", "北极星指标", "ARPU", "ARPPU", "LTV", "CAC", "ROI", "GMV", "DAU", "MAU", "漏斗",
                  "A/B 测试", "RFM", "OKR", "KPI", "SOP", "SIPOC", "RACI", "私域流量", "裂变", "NPS"}
TEMPLATES = {"sop-template": "document", "ab-test-plan": "document", "crisis-checklist": "document",
             "okr-sheet": "sheet", "roi-sheet": "sheet", "sipoc-sheet": "sheet", "raci-sheet": "sheet"}
# Where the course asks for each template: the module must link it.
TEMPLATE_MODULES = {"sop-template": "sop", "ab-test-plan": "ab-testing", "crisis-checklist": "crisis-risk",
                    "okr-sheet": "okr-kpi", "roi-sheet": "roi", "sipoc-sheet": "process-reengineering",
                    "raci-sheet": "collaboration"}
CAPSTONE_STEPS = ["定目标", "找瓶颈", "验证方案", "算账", "固化做法", "应对突发"]


@pytest.fixture(scope="module")
def course():
    courses, problems = load_content(Path(settings.CONTENT_DIR))
    assert problems == [], "\n".join(map(str, problems))
    (course,) = [c for c in courses if c.slug == "ops-manager"]
    return course


@pytest.fixture(scope="module")
def parts(course):
    return sorted(course.parts, key=lambda p: p.doc.meta["order"])


@pytest.fixture(scope="module")
def modules(parts):
    return {m.slug: m for p in parts for m in sorted(p.modules, key=lambda m: m.doc.meta["order"])}


@pytest.fixture(scope="module")
def terms(course):
    return course.glossary.glossary.terms


def squash(text: str) -> str:
    return fold(text)


# --- glossary ----------------------------------------------------------------------------------

def test_the_glossary_covers_the_course(terms, modules):
    names = {t.name for t in terms}
    assert len(terms) >= 40
    assert names >= REQUIRED_TERMS, REQUIRED_TERMS - names
    assert {t.module for t in terms} <= set(modules)


def test_each_term_is_named_in_the_module_that_teaches_it(terms, modules):
    missing = [f"{t.name} not in {t.module}" for t in terms if squash(t.name) not in squash(modules[t.module].text)]
    assert missing == []


def test_no_module_uses_a_competing_name_for_a_glossary_term(terms, modules):
    """The glossary's aliases are the names the course does not use (one name per concept)."""
    found = [f"{slug}: {alias!r} (use {term.name!r})" for slug, module in modules.items()
             for term in terms for alias in term.aliases if squash(alias) in squash(module.doc.body)]
    assert found == []


def test_terms_link_to_the_glossary_once_per_module_and_never_from_headings(course, modules):
    library = library_from_source(source=course)
    html, _ = render_body(modules["business-models"].doc, library)
    links = re.findall(r'<a href="/courses/ops-manager/glossary/#([a-z0-9-]+)"', html)
    assert {"arpu", "arppu", "ctr", "cpm"} <= set(links)
    assert len(links) == len(set(links))
    for heading in re.findall(r"<h[23][^>]*>.*?</h[23]>", html):
        assert "/glossary/" not in heading


def test_glossary_and_templates_are_not_copied_from_the_seed(course):
    if not SEED_PATH.exists():
        pytest.skip(f"seed courseware not found at {SEED_PATH}")
    runs = seed_runs(SEED_PATH.read_text(encoding="utf-8"))
    files = [course.glossary, *course.resources]
    assert {f.path.name: found for f in files if (found := copied_runs(f.text, runs))} == {}


# --- templates ---------------------------------------------------------------------------------

def test_every_template_the_course_asks_for_exists_and_is_linked_where_it_is_asked(course, modules):
    assert {r.slug: r.resource.kind for r in course.resources} == TEMPLATES
    for slug, module in TEMPLATE_MODULES.items():
        linked = {d.args for d in modules[module].doc.directives if d.name == "resource"}
        assert slug in linked, f"{module} does not link {slug}"


def test_the_sop_template_has_every_section_and_a_filled_complaint_example(course):
    (sop,) = [r for r in course.resources if r.slug == "sop-template"]
    body = sop.resource.body
    for section in ("目的", "适用范围", "职责分工", "操作步骤", "质量标准", "注意事项", "修订记录"):
        assert body.count(section) >= 2, section  # once in the blank template, once in the example
    assert "用户投诉处理" in body and "异常情况" in body


def test_the_ab_plan_sizes_the_test_from_a_minimum_detectable_effect(course):
    (plan,) = [r for r in course.resources if r.slug == "ab-test-plan"]
    stated = calculators.ab_sample_size(Decimal(2), Decimal(10), Decimal("0.05"), Decimal("0.8"))
    assert f"{stated:,}" in plan.resource.body and "最小可检测效果" in plan.resource.body


# --- data exercises ----------------------------------------------------------------------------

def exercise(module, key):
    (found,) = [d.exercise for d in module.doc.directives if d.exercise and d.exercise.key == key]
    return found


def table_rows(markdown: str) -> list[list[str]]:
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in markdown.splitlines()
            if line.strip().startswith("|") and not set(line.strip()) <= set("|-: ")]
    return rows[1:]


def test_the_rfm_exercise_agrees_with_the_rfm_calculator(modules):
    task = exercise(modules["data-driven-decisions"], "rfm-five-customers")
    answers = {b.key: b.answer["accepted"][0] for b in task.blanks if b.kind == "text"}
    defaults = calculators.with_defaults("rfm", {})
    bins = {name: calculators._bins(defaults[name][0][0], name) for name in ("r_bins", "f_bins", "m_bins")}
    rows = table_rows(task.intro)
    assert len(rows) == 5
    for customer, recency, frequency, monetary in rows:
        score = calculators.rfm(Decimal(recency), Decimal(frequency), Decimal(monetary), **bins)
        assert answers[f"score-{customer.lower()}"] == score, customer


def test_the_cohort_exercise_answers_are_the_tables_ratios(modules):
    task = exercise(modules["metrics-retention"], "cohort-retention")
    answers = {b.key: Decimal(b.answer["value"]) for b in task.blanks if b.kind == "numeric"}
    rows = {row[0].split("（")[0].strip(): [Decimal(c) if c.isdigit() else None for c in row[1:]]
            for row in table_rows(task.intro)}
    new1, _, d7_1, _ = rows["第 1 周"]
    new2, d1_2, _, _ = rows["第 2 周"]
    new3, _, d7_3, _ = rows["第 3 周"]
    assert answers["week1-d7"] == d7_1 / new1 * 100
    assert answers["week2-d1"] == d1_2 / new2 * 100
    assert answers["week3-d7"] == d7_3 / new3 * 100
    total = sum(r[2] for r in rows.values()) / sum(r[0] for r in rows.values()) * 100
    assert abs(answers["all-d7"] - total) <= Decimal("0.1")


# --- reviews and capstone ----------------------------------------------------------------------

def test_each_part_ends_with_an_optional_mixed_review(parts):
    earlier: set[str] = set()
    for part in parts[:-1]:
        *taught, review = sorted(part.modules, key=lambda m: m.doc.meta["order"])
        own = {m.slug for m in taught}
        assert review.slug == f"review-{part.slug}" and review.doc.meta["required"] is False
        body = review.doc.body
        assert "## 要点回顾" in body and "### 延伸阅读" in body
        assert len(re.findall(r"^- ", body.split("### 延伸阅读")[1], re.M)) >= 3
        sources = {_source_module(q.key, own | earlier) for q in review.doc.questions}
        assert None not in sources, f"{review.slug}: a question id names no module of this or an earlier part"
        assert own <= sources, f"{review.slug} leaves out {own - sources}"
        if earlier:
            assert sum(_source_module(q.key, earlier) is not None for q in review.doc.questions) >= 2
        assert len(review.doc.questions) == 10
        earlier |= own


def _source_module(key: str, slugs: set[str]) -> str | None:
    matches = [slug for slug in slugs if key.startswith(slug + "-")]
    return max(matches, key=len) if matches else None


def test_the_capstone_closes_the_course_and_runs_the_whole_chain(parts):
    (capstone,) = parts[-1].modules
    assert capstone.slug == "capstone-case" and capstone.doc.meta.get("required", True) is True
    headings = re.findall(r"^## (.*)$", capstone.doc.body, re.M)
    steps = [next(i for i, h in enumerate(headings) if step in h) for step in CAPSTONE_STEPS]
    assert steps == sorted(steps)
    assert all(q.key.startswith("capstone-") for q in capstone.doc.questions)
    assert sum(q.kind == "numeric" for q in capstone.doc.questions) >= 4


def _numeric(modules, slug, key) -> Decimal:
    (question,) = [q for q in modules[slug].doc.questions if q.key == key]
    return Decimal(question.answer["value"])


D = Decimal
# Every computed answer in the reviews and the capstone, recomputed from the figures in its stem.
RECOMPUTED = [
    ("review-role-foundations", "strategy-alignment-quarter", lambda: D("2.4") * D("1.3") / 4),
    ("review-market-product", "product-ops-funnel", lambda: calculators.funnel([D(20000), D(5000), D(800), D(200)])),
    ("review-market-product", "business-models-arpu", lambda: D(360000) / D(80000)),
    ("review-market-product", "business-models-cpm", lambda: D(3600000) / 1000 * 25 / 10000),
    ("review-users-content-community", "user-ops-cac", lambda: D(180000) / D(120)),
    ("review-users-content-community", "seo-aso-growth", lambda: D(8) * (1 + D("1.5"))),
    ("review-users-content-community", "social-fission-k", lambda: 1 / D("0.2")),
    ("review-data-driven", "metrics-scale-stickiness", lambda: D("0.3") * 18),
    ("review-data-driven", "metrics-retention-d7", lambda: D(2500) * D("0.16")),
    ("review-data-driven", "ab-testing-sample",
     lambda: calculators.ab_sample_size(D(4), D(10), D("0.05"), D("0.8"))),
    ("review-data-driven", "business-models-arpu-rate", lambda: D("0.05") * 120),
    ("review-projects-budget-team", "budget-roi", lambda: calculators.roi([D(20)], [D(50)])),
    ("review-process-sop-risk", "process-reengineering-saving", lambda: (D(15) - 6) / 15 * 100),
    ("review-process-sop-risk", "supply-chain-safety-stock", lambda: D(800) - D(120) * 5),
    ("review-growth-brand", "roi-full",
     lambda: calculators.roi([D(50)], [D(240) * D("0.25"), D(800) * 250 / 10000, D(1500) / 1000 * 40])),
    ("review-growth-brand", "roi-direct-only", lambda: calculators.roi([D(50)], [D(240) * D("0.25")])),
    ("review-growth-brand", "new-retail-online-share", lambda: D(2100) / D(6000) * 100),
    ("review-cases-growth", "roi-overseas", lambda: calculators.roi([D(50)], [D(80)])),
    ("capstone-case", "capstone-sample-size",
     lambda: calculators.ab_sample_size(D(40), D(10), D("0.05"), D("0.8"))),
    ("capstone-case", "capstone-lift", lambda: (D(3150) / 7000 - D(2800) / 7000) / (D(2800) / 7000) * 100),
    ("capstone-case", "capstone-roi",
     lambda: calculators.roi([D(8), D(4), D(18), D(10)], [D(300) * D("0.2"), D(2000) * 150 / 10000,
                                                          D(1000) / 1000 * 20])),
    ("capstone-case", "capstone-roi-direct",
     lambda: calculators.roi([D(8), D(4), D(18), D(10)], [D(300) * D("0.2")])),
]


@pytest.mark.parametrize(("slug", "key", "compute"), RECOMPUTED, ids=[f"{s}:{k}" for s, k, _ in RECOMPUTED])
def test_every_computed_answer_follows_from_its_figures(modules, slug, key, compute):
    assert abs(_numeric(modules, slug, key) - Decimal(compute())) < Decimal("0.001")


def test_every_numeric_answer_in_reviews_and_capstone_is_recomputed(modules):
    numeric = {(slug, q.key) for slug, m in modules.items() if slug.startswith("review-") or slug == "capstone-case"
               for q in m.doc.questions if q.kind == "numeric"}
    assert numeric == {(slug, key) for slug, key, _ in RECOMPUTED}


def trigrams(text: str) -> set[str]:
    flat = re.sub(r"\W", "", text)
    return {flat[i:i + 3] for i in range(len(flat) - 2)}


def test_review_questions_do_not_repeat_the_modules_own_questions(modules):
    taught = {slug: m for slug, m in modules.items() if not slug.startswith("review-") and slug != "capstone-case"}
    own = [(slug, trigrams(d.question.text)) for slug, m in taught.items() for d in m.doc.directives if d.question]
    own += [(slug, trigrams(q.text)) for slug, m in taught.items() for q in m.doc.questions]
    for slug, module in modules.items():
        if slug in taught:
            continue
        for question in module.doc.questions:
            mine = trigrams(question.text)
            for other, theirs in own:
                overlap = len(mine & theirs) / max(1, len(mine | theirs))
                assert overlap < 0.5, f"{slug}:{question.key} repeats a question of {other}"

