"""The shipped course says the same thing the same way everywhere: one name per metric, Chinese
quotation marks, one module layout, labelled teaching cases, unambiguous speed-ups."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from courses.content.loader import load_content

# One Chinese name for each revenue-per-user metric (content/README.md, "术语").
METRIC_NAMES = {"ARPU": "每用户平均收入", "ARPPU": "每付费用户平均收入"}
OTHER_ARPU_NAMES = ("单用户平均收入", "平均每用户收入", "人均用户收入")
GLOSS_RE = re.compile(r"\b(ARPP?U)\s*（([^）]*)）")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
# Markup whose ASCII quotes are syntax, not punctuation: inline code and raw HTML tags.
MARKUP_RE = re.compile(r"`[^`]*`|<[^>]*>")
FENCE_RE = re.compile(r"^\s*(```|~~~)")
CASE_LABEL = "教学案例（改编）"
# “提速 4 倍”, “快了 24 倍”: many readers take N 倍 faster as N + 1 times the speed. Quoting the
# phrase to warn against it (“提速 4 倍”) is fine.
AMBIGUOUS_SPEED_RE = re.compile(r"(?<!“)(提速|快了|加快了?|快)\s*\d+(\.\d+)?\s*倍")
PRACTICE, RECAP = "## 练一练", "## 要点回顾"


@pytest.fixture(scope="module")
def course():
    courses, problems = load_content(Path(settings.CONTENT_DIR))
    assert problems == [], "\n".join(map(str, problems))
    (course,) = [c for c in courses if c.slug == "ops-manager"]
    return course


@pytest.fixture(scope="module")
def files(course):
    return [course, *course.parts, *(m for p in course.parts for m in p.modules)]


@pytest.fixture(scope="module")
def modules(course):
    return [m for part in course.parts for m in part.modules]


def prose_lines(text: str):
    """(line number, line) of a file's prose: front matter and fenced code left out."""
    in_fence, front = False, 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() == "---" and front < 2:
            front += 1
            continue
        if front < 2:
            continue
        if FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            yield number, MARKUP_RE.sub("", line)


def test_each_revenue_metric_has_one_chinese_name(files):
    found = []
    for source in files:
        for metric, gloss in GLOSS_RE.findall(source.text):
            if "收入" in gloss and not gloss.startswith(METRIC_NAMES[metric]):
                found.append(f"{source.path.name}: {metric}（{gloss}）")
        found += [f"{source.path.name}: {name}" for name in OTHER_ARPU_NAMES if name in source.text]
    assert found == [], f"use {METRIC_NAMES}"


def test_chinese_text_uses_chinese_quotation_marks(files):
    found = [f"{source.path.name}:{number}" for source in files
             for number, line in prose_lines(source.text)
             if '"' in line and CJK_RE.search(line)]
    assert found == [], "write “…” in Chinese text, not ASCII \"…\""


def test_every_module_ends_its_body_with_practice_then_recap(modules):
    for module in modules:
        headings = [line.strip() for line in module.doc.body.splitlines() if line.startswith("## ")]
        assert headings.count(PRACTICE) == 1 and headings.count(RECAP) == 1, module.slug
        assert headings[-2:] == [PRACTICE, RECAP], f"{module.slug}: {headings[-3:]}"


def test_teaching_cases_are_labelled_as_adapted(modules):
    unlabelled = [f"{m.slug}: {d.args}" for m in modules for d in m.doc.directives
                  if d.name == "case" and not d.args.startswith(CASE_LABEL)]
    assert unlabelled == []


def test_speed_ups_are_stated_unambiguously(files):
    found = [f"{source.path.name}: {match.group(0)}" for source in files
             for match in AMBIGUOUS_SPEED_RE.finditer(source.text)]
    assert found == [], "say “用时缩短 75%（速度为原来的 4 倍）”"
