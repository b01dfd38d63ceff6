"""The shipped course's quizzes practise, never leak: each question stands alone, none gives away
another's answer or repeats a knowledge check, and the quiz size fits the pass mark."""

from pathlib import Path

import pytest
from django.conf import settings

from courses.content.loader import load_content
from tests.content import quiz_rules

README = Path(settings.BASE_DIR) / "content" / "README.md"


@pytest.fixture(scope="module")
def course():
    courses, problems = load_content(Path(settings.CONTENT_DIR))
    assert problems == [], "\n".join(map(str, problems))
    (course,) = [c for c in courses if c.slug == "ops-manager"]
    return course


@pytest.fixture(scope="module")
def modules(course):
    return [m for part in course.parts for m in part.modules]


def checks_of(module):
    return [d.question for d in module.doc.directives if d.name == "check"]


def test_no_question_refers_to_another_question(modules):
    found = [f"{m.slug}/{q.key}" for m in modules for q in [*m.doc.questions, *checks_of(m)]
             if quiz_rules.CROSS_REFERENCE_RE.search(q.text)]
    assert found == [], "questions are shuffled and must stand alone (no “接上题”)"


def test_no_question_states_the_answer_of_another(modules):
    found = {m.slug: leaks for m in modules if (leaks := quiz_rules.giveaways(m.doc.questions))}
    assert found == {}, "(question, other question, the other's answer its text states)"


def test_no_quiz_question_repeats_a_knowledge_check(modules):
    found = {m.slug: repeats for m in modules
             if (repeats := quiz_rules.repeats_of_checks(m.doc.questions, checks_of(m)))}
    assert found == {}


def test_no_two_questions_in_the_course_are_the_same_exercise(modules):
    questions = [(f"{m.slug}/{q.key}", q) for m in modules for q in m.doc.questions]
    checks = [(f"{m.slug}/check-{i}", q) for m in modules for i, q in enumerate(checks_of(m), 1)]
    assert quiz_rules.near_duplicates(questions) == []
    assert quiz_rules.near_duplicates(checks) == []


def test_quiz_size_fits_the_pass_mark(course, modules):
    """The pass mark is exactly reachable, so “80 分” allows exactly the share of mistakes it says."""
    for module in modules:
        count = len(module.doc.questions)
        pass_mark = module.doc.meta.get("pass_mark", course.doc.meta["pass_mark"])
        assert count * pass_mark % 100 == 0, (
            f"{module.slug}: {count} questions with pass mark {pass_mark}: the pass line falls "
            "between two scores; use a question count that makes it exact (80 → 5, 10 or 15)")
        assert count >= 10 or module.doc.meta.get("pass_mark_reason"), module.slug
    assert "测验题量与通过线" in README.read_text(encoding="utf-8"), "the rule is documented"


def test_minutes_match_reading_and_practice_time(modules):
    off = {}
    for module in modules:
        estimate = quiz_rules.study_minutes(module.doc)
        if abs(module.doc.meta["minutes"] - estimate) > 1.5:
            off[module.slug] = (module.doc.meta["minutes"], round(estimate))
    assert off == {}, "slug: (minutes stated, reading + practice estimate)"
