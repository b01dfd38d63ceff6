"""Quiz questions → Moodle GIFT, written the way Moodle's exporter writes them (weights as
``%50%``, feedback after ``#``, the explanation as general feedback ``####``). gift.py reads the
result back to the same questions; ``// ops-academy:`` comments carry what GIFT cannot say
(an all-or-nothing multiple choice, a unit), and Moodle ignores them. Pure: no database."""

from decimal import Decimal

from quizzes.grading import CATCH_ALL, answers
from quizzes.parser import ParsedQuestion

from .gift import ALL_OR_NOTHING, MARKER, UNIT

RESERVED = str.maketrans({"\\": "\\\\", "#": "\\#", "=": "\\=", "~": "\\~", "{": "\\{", "}": "\\}",
                          ":": "\\:", "\n": "\\n"})
FULL = Decimal(100)
SHARE = Decimal("0.00001")  # Moodle keeps fractions to 7 places: a percentage to 5


def quiz_to_gift(questions: list[ParsedQuestion]) -> str:
    """Every question, separated by blank lines."""
    return "\n".join(_question(question) for question in questions)


def _escape(text: str) -> str:
    return text.translate(RESERVED)


def _percent(fraction: Decimal) -> str:
    return f"{(100 * Decimal(fraction)).normalize():f}"


def _question(question: ParsedQuestion) -> str:
    markers: list[str] = []
    write = {"single": _choices, "multiple": _choices, "truefalse": _truefalse, "numeric": _numeric,
             "text": _text}[question.kind]
    body = write(question, markers)
    general = f"####{_escape(question.explanation)}" if question.explanation else ""
    head = "".join(f"{MARKER} {marker}\n" for marker in markers)
    return f"{head}::{_escape(question.key)}::{_escape(question.text)}{{{body}{general}}}\n"


def _feedback(text: str) -> str:
    return f"#{_escape(text)}" if text else ""


def _choices(question: ParsedQuestion, markers: list[str]) -> str:
    weights = {c.key: 100 * c.fraction for c in question.choices}
    if question.kind == "multiple" and not question.answer.get("partial"):
        markers.append(ALL_OR_NOTHING)  # Moodle reads the nearest weights: a share per right option, wrong -100%
        right = [c for c in question.choices if c.correct]
        weights = {c.key: (FULL / len(right)).quantize(SHARE).normalize() if c.correct else -FULL
                   for c in question.choices}
    return "".join(f"\n\t{_mark(question, weights[c.key])}{_escape(c.text)}{_feedback(c.feedback)}"
                   for c in question.choices) + "\n"


def _mark(question: ParsedQuestion, weight: Decimal) -> str:
    if question.kind == "single" and weight == FULL:
        return "="
    return "~" if weight == 0 else f"~%{_percent(weight / 100)}%"


def _truefalse(question: ParsedQuestion, markers: list[str]) -> str:
    value = question.answer["value"]
    feedback = question.answer.get("feedback", {})
    right, wrong = feedback.get(str(value).lower(), ""), feedback.get(str(not value).lower(), "")
    return ("TRUE" if value else "FALSE") + (_feedback(wrong) or ("#" if right else "")) + _feedback(right)


def _numeric(question: ParsedQuestion, markers: list[str]) -> str:
    if question.answer.get("unit"):
        markers.append(f"{UNIT}{question.answer['unit']}")
    lines = []
    for answer in answers(question.answer, "numeric"):
        if answer.value == CATCH_ALL and answer.fraction == 0:
            lines.append(f"\n\t~#{_escape(answer.feedback)}")
        else:
            spec = CATCH_ALL if answer.value == CATCH_ALL else f"{answer.value}:{answer.tolerance}"
            lines.append(f"\n\t=%{_percent(answer.fraction)}%{spec}{_feedback(answer.feedback)}")
    return "#" + "".join(lines) + "\n"


def _text(question: ParsedQuestion, markers: list[str]) -> str:
    return "".join(f"\n\t={_weight(answer.fraction)}{_escape(answer.value)}{_feedback(answer.feedback)}"
                   for answer in answers(question.answer, "text")) + "\n"


def _weight(fraction: Decimal) -> str:
    return "" if fraction == 1 else f"%{_percent(fraction)}%"

