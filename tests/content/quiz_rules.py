"""Mechanical checks for the course's quiz and consistency rules (used by test_quiz_rules.py).

Pure functions over parsed modules, so a failing rule can name the module, the question and
the text that breaks it.
"""

import re
from difflib import SequenceMatcher
from itertools import combinations

from quizzes.parser import ParsedQuestion

# A question must stand on its own: its position is not fixed and it may be drawn alone.
CROSS_REFERENCE_RE = re.compile(r"接上题|上一?道?题|前一道?题|前面那道题|同上题")
# Letters, digits and CJK only: punctuation, spaces and Markdown do not make texts differ.
NOISE_RE = re.compile(r"[^\w]|_", re.UNICODE)
NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
# Keyed choice texts shorter than this ("是", "30%") are too common to count as a giveaway.
MIN_GIVEAWAY_CHARS = 4
# Quiz question vs knowledge check (or vs another quiz question): at or above this ratio the
# two are the same exercise with light rewording. Calibrated on the course: distinct questions
# on one topic stay below 0.5.
SIMILAR_RATIO = 0.6


def normalise(text: str) -> str:
    return NOISE_RE.sub("", text).lower()


def full_text(question: ParsedQuestion) -> str:
    """Stem and choices: what the learner sees before answering."""
    return normalise(question.text + "".join(sorted(c.text for c in question.choices)))


def similarity(a: ParsedQuestion, b: ParsedQuestion) -> float:
    return SequenceMatcher(None, full_text(a), full_text(b), autojunk=False).ratio()


def numbers(text: str) -> set[str]:
    """The figures a text quotes; one-digit numbers ("3 天", "5 个") are too common to count."""
    return {n for n in NUMBER_RE.findall(text.replace(",", "")) if len(n.replace(".", "")) >= 2}


def keyed_answers(question: ParsedQuestion) -> list[str]:
    """The texts a learner would have to produce or pick to be right."""
    if question.kind in ("single", "multiple"):
        return [c.text for c in question.choices if c.correct]
    if question.kind == "text":
        return list(question.answer.get("accepted", []))
    return []


def states_number(stem: str, value: str, unit: str) -> bool:
    """Whether ``stem`` quotes the figure ``value`` (with its unit, when the answer has one)."""
    pattern = rf"(?<![\d.]){re.escape(value)}(?!\d|\.\d)"
    if unit:
        pattern += rf"\s*{re.escape(unit[0])}"
    return re.search(pattern, stem.replace(",", "")) is not None


def gives_away(stem: str, other: ParsedQuestion) -> str | None:
    """The answer of ``other`` that ``stem`` states, if any."""
    if other.kind == "numeric":
        value, unit = other.answer["value"], other.answer.get("unit", "")
        return f"{value} {unit}".strip() if states_number(stem, value, unit) else None
    for answer in keyed_answers(other):
        needle = normalise(answer)
        if len(needle) >= MIN_GIVEAWAY_CHARS and needle in normalise(stem):
            return answer
    return None


def giveaways(questions: list[ParsedQuestion]) -> list[tuple[str, str, str]]:
    """(question, other question, answer) where the question's stem states the other's answer."""
    found = []
    for question in questions:
        for other in questions:
            if other is question:
                continue
            if (answer := gives_away(question.text, other)) is not None:
                found.append((question.key, other.key, answer))
    return found


def repeats_of_checks(questions: list[ParsedQuestion], checks: list[ParsedQuestion]) -> list[str]:
    """Quiz questions that are a knowledge check again: same wording, or the same figures."""
    found = []
    for question in questions:
        for check in checks:
            ratio = similarity(question, check)
            shared = numbers(check.text) & numbers(question.text)
            if ratio >= SIMILAR_RATIO:
                found.append(f"{question.key} rewords the check {check.text[:30]!r} ({ratio:.2f})")
            elif len(shared) >= 2:
                found.append(f"{question.key} reuses the check's figures {sorted(shared)}")
    return found


def near_duplicates(labelled: list[tuple[str, ParsedQuestion]]) -> list[str]:
    """Pairs of questions that are the same exercise reworded (stem and choices compared)."""
    return [f"{a} ~ {b} ({ratio:.2f})" for (a, qa), (b, qb) in combinations(labelled, 2)
            if (ratio := similarity(qa, qb)) >= SIMILAR_RATIO]


# Study time, the rule `minutes` follows (content/README.md, "Quiz size and study time").
READING_CHARS_PER_MINUTE = 300  # careful reading of instructional Chinese with tables
MINUTES_PER_QUESTION = {"numeric": 2}  # a calculation takes longer; every other kind takes 1
MINUTES_PER_WIDGET = {"check": 1, "calculator": 2, "reflection": 3}
READ_BOXES = ("case", "tip")
LATIN_WORD_RE = re.compile(r"[A-Za-z0-9]+")


def reading_units(text: str) -> int:
    """Chinese characters plus Latin words and numbers, each read as one unit."""
    return len(CJK_RE.findall(text)) + len(LATIN_WORD_RE.findall(text))


def study_minutes(doc) -> float:
    """Reading the body (with its case and tip boxes) plus doing every exercise in the module."""
    read = doc.body + "".join(d.text for d in doc.directives if d.name in READ_BOXES)
    practice = sum(MINUTES_PER_QUESTION.get(q.kind, 1) for q in doc.questions)
    practice += sum(MINUTES_PER_WIDGET.get(d.name, 0) for d in doc.directives)
    return reading_units(read) / READING_CHARS_PER_MINUTE + practice
