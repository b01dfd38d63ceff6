"""Per-question statistics from graded attempts (classical item analysis). Pure: rows in, numbers out.

For every question *version* (a question whose meaning changed starts again):
- attempts: graded attempts that showed this version;
- facility: the mean credit of those attempts, in % (partial credit counts as its fraction);
- discrimination index: the mean credit among the best 27% of those attempts (by quiz score)
  minus the mean credit among the weakest 27% (-1 … 1; near 0 or negative means the question
  does not separate learners who know the material from those who do not);
- how often each option was chosen (wrong options are the distractors); for numeric and text
  questions, the answers short of full credit that several attempts gave.
Questions that almost nobody (< 20%) or almost everybody (> 95%) gets right are flagged.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

GROUP_SHARE = 0.27
HARD_BELOW = 20
EASY_ABOVE = 95
RELIABLE_FROM = 10  # fewer attempts than this: the figures are shown but marked as tentative
MIN_ANSWER_COUNT = 2  # a free answer is listed only when at least this many attempts gave it
TOP_WRONG_ANSWERS = 5


@dataclass(frozen=True)
class AttemptRow:
    user_id: int
    score: int
    submitted_at: datetime
    layout: dict
    responses: dict
    outcomes: dict


@dataclass(frozen=True)
class ChoiceInfo:
    key: str
    text_html: str
    correct: bool


@dataclass(frozen=True)
class QuestionInfo:
    key: str
    kind: str
    order: int
    text_html: str
    version: int  # the current version
    is_active: bool
    choices: dict[int, list[ChoiceInfo]] = field(default_factory=dict)  # version -> choices


@dataclass
class OptionCount:
    label: str  # HTML of the choice (sanitised when stored) or a plain value
    correct: bool
    count: int
    share: float  # % of the attempts


@dataclass
class QuestionStats:
    key: str
    version: int
    kind: str
    text_html: str
    is_current: bool
    attempts: int
    right: int  # attempts with full credit
    facility: float | None
    discrimination: float | None
    options: list[OptionCount] = field(default_factory=list)
    flag: str = ""  # "hard", "easy" or ""

    @property
    def reliable(self) -> bool:
        return self.attempts >= RELIABLE_FROM

    @property
    def distractors(self) -> list[OptionCount]:
        return [option for option in self.options if not option.correct]


def first_attempts(attempts: Iterable[AttemptRow]) -> list[AttemptRow]:
    """Each learner's first graded attempt only (before they saw any review)."""
    first: dict[int, AttemptRow] = {}
    for row in attempts:
        if row.user_id not in first or row.submitted_at < first[row.user_id].submitted_at:
            first[row.user_id] = row
    return list(first.values())


def question_statistics(*, attempts: Iterable[AttemptRow], questions: list[QuestionInfo]) -> list[QuestionStats]:
    """Statistics per question version, in quiz order, newest version first."""
    answered: dict[tuple[str, int], list[tuple[int, float, object]]] = defaultdict(list)
    for row in attempts:
        for key, outcome in row.outcomes.items():
            version = row.layout.get(key, {}).get("version")
            if version is not None:
                answered[(key, version)].append((row.score or 0, float(outcome), row.responses.get(key)))
    stats = []
    for question in sorted(questions, key=lambda q: q.order):
        versions = sorted({v for k, v in answered if k == question.key}, reverse=True)
        for version in versions:
            stats.append(_version_stats(question, version, answered[(question.key, version)]))
    return stats


def _version_stats(question: QuestionInfo, version: int, rows: list[tuple[int, float, object]]) -> QuestionStats:
    attempts = len(rows)
    right = sum(credit >= 1 for _, credit, _ in rows)
    facility = round(100 * sum(credit for _, credit, _ in rows) / attempts, 1) if attempts else None
    stats = QuestionStats(
        key=question.key, version=version, kind=question.kind, text_html=question.text_html,
        is_current=question.is_active and version == question.version, attempts=attempts, right=right,
        facility=facility, discrimination=discrimination_index(
            [(score, credit) for score, credit, _ in rows]))
    stats.options = _options(question, version, rows)
    if facility is not None:
        stats.flag = "hard" if facility < HARD_BELOW else ("easy" if facility > EASY_ABOVE else "")
    return stats


def discrimination_index(rows: list[tuple[int, float]]) -> float | None:
    """Upper 27% minus lower 27% (by quiz score) mean credit; None with fewer than two attempts."""
    if len(rows) < 2:
        return None
    size = max(1, round(len(rows) * GROUP_SHARE))
    ranked = sorted(rows, key=lambda row: row[0], reverse=True)
    upper = sum(credit for _, credit in ranked[:size])
    lower = sum(credit for _, credit in ranked[-size:])
    return round((upper - lower) / size, 2)


def _options(question: QuestionInfo, version: int, rows: list[tuple[int, float, object]]) -> list[OptionCount]:
    total = len(rows) or 1
    if question.kind in ("single", "multiple"):
        chosen = Counter()
        for _, _, response in rows:
            chosen.update([response] if isinstance(response, str) else (response or []))
        return [OptionCount(c.text_html, c.correct, chosen[c.key], round(100 * chosen[c.key] / total, 1))
                for c in question.choices.get(version, [])]
    if question.kind == "truefalse":
        counts = Counter(response for _, _, response in rows)
        truth = next(((credit >= 1) == (response is True) for _, credit, response in rows
                      if response is not None), True)
        return [OptionCount("true", truth, counts[True], round(100 * counts[True] / total, 1)),
                OptionCount("false", not truth, counts[False], round(100 * counts[False] / total, 1))]
    wrong = Counter(str(response).strip() for _, credit, response in rows
                    if credit < 1 and response is not None)
    return [OptionCount(answer, False, count, round(100 * count / total, 1))
            for answer, count in wrong.most_common(TOP_WRONG_ANSWERS) if count >= MIN_ANSWER_COUNT]
