"""The shipped Operations Manager course: complete, valid, accurate, interactive, original."""

import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from courses.content import calculators
from courses.content.loader import load_content
from courses.content.rendering import render_body
from tests.content.seed_overlap import SEED_PATH, copied_runs, seed_runs

OUTLINE = {
    "role-foundations": ["welcome", "career-positioning", "ops-theory", "core-competencies",
                         "strategy-alignment"],
    "market-product": ["market-analysis", "product-ops", "business-models"],
    "users-content-community": ["user-ops", "content-and-events", "community-media",
                                "content-production", "seo-aso", "social-fission"],
    "data-driven": ["data-driven-decisions", "data-collection-viz", "analysis-method",
                    "metrics-scale", "metrics-retention", "ab-testing", "user-research"],
    "projects-budget-team": ["project-management", "budget", "collaboration", "okr-kpi",
                             "team-incentives", "performance"],
    "process-sop-risk": ["process-reengineering", "sop", "crisis-risk", "quality-reputation",
                         "supply-chain", "it-tools"],
    "growth-brand": ["growth-method", "roi", "big-promotions", "brand", "crm-service",
                     "ecosystem", "new-retail"],
    "cases-growth": ["case-social-app", "case-retail-transformation", "self-growth", "agility",
                     "innovation", "internationalization", "ops-plus"],
}
# Figures the seed gives, which must reach the learner unchanged (spaces ignored).
FIGURES = {
    "strategy-alignment": ["30%"],
    "ops-theory": ["Time-bound"],
    "social-fission": ["2.3", "50万", "30%"],
    "seo-aso": ["300%", "50%"],
    "metrics-scale": ["0.3"],
    "ab-testing": ["18%", "30万", "2000万"],
    "analysis-method": ["40%"],
    "metrics-retention": ["30%"],
    "collaboration": ["15%"],
    "okr-kpi": ["30%", "15%"],
    "process-reengineering": ["48", "12", "30%"],
    "quality-reputation": ["15%", "20%"],
    "supply-chain": ["10%", "3%", "24", "1小时"],
    "it-tools": ["6小时", "10分钟"],
    "growth-method": ["40%", "3倍"],
    "roi": ["60", "20", "15", "5", "500", "20%", "5000", "200", "3000万", "290", "190%"],
    "crm-service": ["85%", "94%"],
    "ecosystem": ["40%", "60%"],
    "new-retail": ["3公里", "30分钟", "35%", "15%", "40%", "20%"],
    "case-social-app": ["10万", "200%", "500万"],
    "case-retail-transformation": ["5%", "30%", "40%", "25%"],
}
REQUIRED_WIDGETS = {
    "roi": ("calculator", "roi"),
    "data-driven-decisions": ("calculator", "rfm"),
    "ab-testing": ("calculator", "ab-sample-size"),
    "metrics-scale": ("calculator", "stickiness"),
    "case-social-app": ("reflection", None),
    "case-retail-transformation": ("reflection", None),
    "self-growth": ("reflection", None),
}
INTERACTIVE = {"check", "calculator", "reflection"}


@pytest.fixture(scope="module")
def course():
    courses, problems = load_content(Path(settings.CONTENT_DIR))
    assert problems == [], "\n".join(map(str, problems))
    (course,) = [c for c in courses if c.slug == "ops-manager"]
    return course


@pytest.fixture(scope="module")
def modules(course):
    return {m.slug: m for part in course.parts for m in part.modules}


def test_the_course_follows_the_outline(course):
    """The 47 taught modules, each part closed by its review, then the capstone part."""
    assert course.doc.meta["pass_mark"] == 80
    parts = sorted(course.parts, key=lambda p: p.doc.meta["order"])
    assert [p.slug for p in parts] == [*OUTLINE, "capstone"]
    for part in parts:
        slugs = [m.slug for m in sorted(part.modules, key=lambda m: m.doc.meta["order"])]
        expected = [*OUTLINE[part.slug], f"review-{part.slug}"] if part.slug in OUTLINE else ["capstone-case"]
        assert slugs == expected, part.slug


def body_text(module) -> str:
    return re.sub(r"\s+", "", module.doc.body)


@pytest.mark.parametrize("slug", [s for slugs in OUTLINE.values() for s in slugs])
def test_every_module_is_complete(modules, slug):
    module = modules[slug]
    meta, doc = module.doc.meta, module.doc
    assert 3 <= len(meta["objectives"]) <= 5
    assert 5 <= meta["minutes"] <= 60
    assert "pass_mark" not in meta or meta.get("pass_mark_reason")
    chinese = len(re.findall(r"[\u4e00-\u9fff]", doc.body))
    assert 800 <= chinese <= 4000, f"{slug}: {chinese} Chinese characters of body"
    assert "## 要点回顾" in doc.body
    html, toc = render_body(doc)
    assert len(toc) >= 3 and "OPSACADEMYDIRECTIVE" not in html
    assert len(doc.questions) >= 6
    assert len({q.kind for q in doc.questions}) >= 2
    assert all(len(q.explanation) >= 20 for q in doc.questions), "explanations must teach"


@pytest.mark.parametrize("slug", sorted(FIGURES))
def test_seed_figures_appear_unchanged(modules, slug):
    text = body_text(modules[slug])
    for figure in FIGURES[slug]:
        assert figure in text, f"{slug} does not state {figure}"


def test_roi_module_derives_190_percent(modules):
    text = body_text(modules["roi"])
    for old, new in (("（", "("), ("）", ")"), ("-", "−"), ("÷", "/")):
        text = text.replace(old, new)
    assert "(活动收益−活动成本)/活动成本×100%" in text
    assert "(290−100)/100×100%=**190%**" in text
    assert "100+100+90=**290万元**" in text


def test_required_interactive_pieces_are_present(modules):
    for slug, (name, kind) in REQUIRED_WIDGETS.items():
        directives = modules[slug].doc.directives
        assert any(d.name == name and (kind is None or d.args == kind) for d in directives), slug
    funnel = [d for s in ("product-ops", "user-ops") for d in modules[s].doc.directives
              if d.name == "calculator" and d.args == "funnel"]
    assert funnel
    interactive = [s for s, m in modules.items() if INTERACTIVE & {d.name for d in m.doc.directives}]
    assert len(interactive) >= 15


def test_every_calculator_example_gives_the_figure_its_text_states(modules):
    found = Counter()
    for slug, module in modules.items():
        for directive in module.doc.directives:
            if directive.name != "calculator":
                continue
            found[directive.args] += 1
            stated = directive.params["expect"][0][0]
            params = calculators.with_defaults(directive.args, directive.params)
            assert calculators.compute(directive.args, params) == stated, slug
            assert stated in body_text(module).replace(",", ""), f"{slug}: text never states {stated}"
    assert {"roi", "funnel", "rfm", "ab-sample-size", "stickiness"} <= set(found)


def test_roi_calculator_reproduces_the_brand_day_case(modules):
    (calc,) = [d for d in modules["roi"].doc.directives if d.args == "roi"][:1]
    assert sorted(float(v) for v, _ in calc.params["cost"]) == [5, 15, 20, 60]
    assert sorted(float(v) for v, _ in calc.params["revenue"]) == [90, 100, 100]
    assert calc.result == "190"


@pytest.mark.skipif(not SEED_PATH.exists(), reason=f"seed courseware not found at {SEED_PATH}")
def test_no_course_text_is_copied_from_the_seed(course):
    runs = seed_runs(SEED_PATH.read_text(encoding="utf-8"))
    files = [course, *course.parts, *(m for p in course.parts for m in p.modules)]
    copied = {str(f.path.name): found for f in files if (found := copied_runs(f.text, runs))}
    assert copied == {}
