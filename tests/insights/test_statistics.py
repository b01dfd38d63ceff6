"""quizzes.statistics: facility, discrimination, distractors, flags, per question version."""

from datetime import UTC, datetime, timedelta

import pytest

from quizzes.statistics import (
    AttemptRow,
    ChoiceInfo,
    QuestionInfo,
    discrimination_index,
    first_attempts,
    question_statistics,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
CHOICES = [ChoiceInfo("a", "右", True), ChoiceInfo("b", "错一", False), ChoiceInfo("c", "错二", False)]
QUESTIONS = [
    QuestionInfo("pick", "single", 1, "<p>选哪个？</p>", 2, True, {1: CHOICES, 2: CHOICES}),
    QuestionInfo("tf", "truefalse", 2, "<p>对吗？</p>", 1, True),
    QuestionInfo("num", "numeric", 3, "<p>多少？</p>", 1, True),
]


def row(user: int, score: int, answers: dict, *, version: int = 2, minutes: int = 0) -> AttemptRow:
    """answers: {key: (response, correct)}"""
    layout = {k: {"version": version if k == "pick" else 1} for k in answers}
    return AttemptRow(user_id=user, score=score, submitted_at=T0 + timedelta(minutes=minutes), layout=layout,
                      responses={k: v[0] for k, v in answers.items()},
                      outcomes={k: v[1] for k, v in answers.items()})


def test_facility_distractors_and_flags():
    rows = [row(u, 100 if u < 3 else 0, {"pick": ("a" if u < 3 else "b", u < 3), "tf": (True, True),
                                         "num": ("5" if u < 8 else "7", u >= 8)}) for u in range(10)]
    stats = {s.key: s for s in question_statistics(attempts=rows, questions=QUESTIONS)}
    pick = stats["pick"]
    assert (pick.attempts, pick.right, pick.facility, pick.flag) == (10, 3, 30.0, "")
    assert [(o.label, o.correct, o.count, o.share) for o in pick.options] == [
        ("右", True, 3, 30.0), ("错一", False, 7, 70.0), ("错二", False, 0, 0.0)]
    assert [o.label for o in pick.distractors] == ["错一", "错二"]
    assert stats["tf"].facility == 100.0 and stats["tf"].flag == "easy"
    assert [(o.label, o.correct, o.count) for o in stats["tf"].options] == [("true", True, 10), ("false", False, 0)]
    num = stats["num"]
    assert num.facility == 20.0 and num.flag == ""
    assert [(o.label, o.count) for o in num.options] == [("5", 8)]  # the common wrong answer
    assert pick.reliable and not question_statistics(attempts=rows[:9], questions=QUESTIONS)[0].reliable


def test_hard_question_is_flagged():
    rows = [row(u, 50, {"pick": ("b", False)}) for u in range(9)] + [row(9, 100, {"pick": ("a", True)})]
    (stats,) = question_statistics(attempts=rows, questions=QUESTIONS)
    assert stats.facility == 10.0 and stats.flag == "hard"


def test_each_version_is_counted_apart():
    rows = [row(1, 100, {"pick": ("a", True)}, version=1), row(2, 0, {"pick": ("b", False)}, version=2)]
    stats = question_statistics(attempts=rows, questions=QUESTIONS)
    assert [(s.version, s.attempts, s.facility, s.is_current) for s in stats] == [
        (2, 1, 0.0, True), (1, 1, 100.0, False)]


@pytest.mark.parametrize("rows,expected", [
    ([(100, True), (90, True), (80, True), (20, False), (10, False), (0, False)], 1.0),
    ([(100, False), (90, True), (80, True), (20, True), (10, True), (0, True)], -0.5),
    ([(100, True), (0, True)], 0.0),
    ([(100, True)], None),
])
def test_discrimination_index_compares_top_and_bottom_27_percent(rows, expected):
    assert discrimination_index(rows) == expected


def test_first_attempts_keeps_each_learners_earliest():
    rows = [row(1, 0, {}, minutes=5), row(1, 100, {}, minutes=1), row(2, 50, {}, minutes=3)]
    assert sorted((r.user_id, r.score) for r in first_attempts(rows)) == [(1, 100), (2, 50)]


def test_partial_credit_counts_as_its_fraction_in_facility_and_discrimination():
    credits = [1, 1, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0]
    rows = [row(u, 100 - 10 * u, {"num": ("5", credit)}) for u, credit in enumerate(credits)]
    (num,) = question_statistics(attempts=rows, questions=QUESTIONS)
    assert (num.attempts, num.right, num.facility) == (10, 2, 40.0)
    assert num.discrimination == round((1 + 1 + 0.5 - 0) / 3, 2)
    assert [(o.label, o.count) for o in num.options] == [("5", 8)]  # short of full credit
