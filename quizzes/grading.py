"""Grade responses against answer keys with Moodle's semantics. Pure: no database, no HTML.

Every question earns a credit from 0 to 1. A choice carries a fraction from -1 to 1: a single
choice earns the fraction of the chosen option (at least 0); a multiple choice written with
weights ("partial") earns the sum of the chosen fractions, floored at 0 and capped at 1, while
one written with plain right/wrong marks stays all-or-nothing (exactly the right set earns 1).
Numeric and text questions list answers with fractions; the first answer that matches counts
(as in Moodle), ``*`` matches anything.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .syntax import parse_number

PUNCTUATION_RE = re.compile(r"[\s\W_]+", re.UNICODE)
MAX_TEXT_RESPONSE = 500
CATCH_ALL = "*"
FULL, NONE = Decimal(1), Decimal(0)


class InvalidResponse(ValueError):
    """A response that no honest form could have sent (unknown choice, wrong type, ...)."""


@dataclass(frozen=True)
class AnswerKey:
    key: str
    kind: str
    answer: Mapping
    choices: frozenset[str] = frozenset()
    correct_choices: frozenset[str] = frozenset()
    fractions: Mapping[str, Decimal] | None = None  # choice key -> fraction; None: right 1, wrong 0

    def fraction(self, choice: str) -> Decimal:
        if self.fractions is not None:
            return Decimal(self.fractions.get(choice, 0))
        return FULL if choice in self.correct_choices else NONE


@dataclass(frozen=True)
class Answer:
    """One accepted numeric or text answer: ``value`` is '*' for the catch-all."""

    value: str
    fraction: Decimal
    feedback: str = ""
    tolerance: Decimal = NONE


@dataclass(frozen=True)
class Outcome:
    key: str
    response: object
    credit: Decimal

    @property
    def correct(self) -> bool:
        return self.credit == FULL


def normalise_text(value: str) -> str:
    """Compare free text the way a person would: width, case, spaces and punctuation ignored."""
    return PUNCTUATION_RE.sub("", unicodedata.normalize("NFKC", value).casefold())


def answers(key_answer: Mapping, kind: str) -> list[Answer]:
    """The weighted answers of a numeric or text question (single-answer keys included)."""
    if "answers" in key_answer:
        return [Answer(str(item["value"]), Decimal(item["fraction"]), item.get("feedback", ""),
                       Decimal(item.get("tolerance", "0"))) for item in key_answer["answers"]]
    if kind == "numeric":
        return [Answer(key_answer["value"], FULL, tolerance=Decimal(key_answer["tolerance"]))]
    return [Answer(text, FULL) for text in key_answer["accepted"]]


def clean_response(key: AnswerKey, raw: object) -> object:
    """Turn a submitted value into the canonical response for this question, or refuse it."""
    if key.kind == "single":
        if not isinstance(raw, str) or raw not in key.choices:
            raise InvalidResponse(f"question {key.key}: choose one of the offered options")
        return raw
    if key.kind == "multiple":
        values = [raw] if isinstance(raw, str) else raw
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InvalidResponse(f"question {key.key}: expected a list of options")
        if not set(values) <= key.choices:
            raise InvalidResponse(f"question {key.key}: an option that is not part of this question")
        return sorted(set(values))
    if key.kind == "truefalse":
        if raw not in ("true", "false", True, False):
            raise InvalidResponse(f"question {key.key}: answer true or false")
        return raw in ("true", True)
    if not isinstance(raw, str) or len(raw) > MAX_TEXT_RESPONSE:
        raise InvalidResponse(f"question {key.key}: expected text of at most {MAX_TEXT_RESPONSE} characters")
    if key.kind == "numeric":
        number = parse_number(unicodedata.normalize("NFKC", raw).rstrip("%").strip())
        if number is None:
            raise InvalidResponse(f"question {key.key}: {raw!r} is not a number")
        return str(number)
    return raw.strip()


def credit(key: AnswerKey, response: object) -> Decimal:
    """The share of the marks this response earns, 0 … 1."""
    if key.kind == "single":
        return max(NONE, key.fraction(response))
    if key.kind == "multiple":
        chosen = {response} if isinstance(response, str) else set(response)
        if not key.answer.get("partial"):
            return FULL if chosen == {c for c in key.choices if key.fraction(c) > 0} else NONE
        return min(FULL, max(NONE, sum((key.fraction(c) for c in chosen), NONE)))
    if key.kind == "truefalse":
        return FULL if response is key.answer["value"] else NONE
    match = matching_answer(key, response)
    return max(NONE, match.fraction) if match else NONE


def is_correct(key: AnswerKey, response: object) -> bool:
    return credit(key, response) == FULL


def matching_answer(key: AnswerKey, response: object) -> Answer | None:
    """The first listed numeric or text answer that the response matches."""
    for answer in answers(key.answer, key.kind):
        if answer.value == CATCH_ALL or (
                _within(answer, response) if key.kind == "numeric" else _matches(answer.value, str(response))):
            return answer
    return None


def _within(answer: Answer, response: object) -> bool:
    return abs(Decimal(str(response)) - Decimal(answer.value)) <= answer.tolerance


def _matches(pattern: str, response: str) -> bool:
    """Equal after normalising; a '*' inside an accepted answer stands for any text (Moodle)."""
    if CATCH_ALL not in pattern:
        return normalise_text(pattern) == normalise_text(response)
    regex = ".*".join(re.escape(normalise_text(part)) for part in pattern.split(CATCH_ALL))
    return re.fullmatch(regex, normalise_text(response)) is not None


def feedback(key: AnswerKey, response: object, choice_feedback: Mapping[str, str]) -> list[str]:
    """The feedback a trainer wrote for this response: of each chosen option, the matched
    answer, or the true/false response."""
    if response is None:
        return []
    if key.kind in ("single", "multiple"):
        chosen = {response} if isinstance(response, str) else set(response)
        return [text for choice, text in choice_feedback.items() if choice in chosen and text]
    if key.kind == "truefalse":
        text = key.answer.get("feedback", {}).get("true" if response else "false", "")
        return [text] if text else []
    match = matching_answer(key, response)
    return [match.feedback] if match and match.feedback else []


def score_of(credits: Iterable[Decimal]) -> int:
    """A whole percentage of the summed credits; an empty quiz scores 100."""
    credits = list(credits)
    if not credits:
        return 100
    return round(100 * sum(credits, NONE) / len(credits))


def grade(keys: Iterable[AnswerKey], responses: Mapping[str, object]) -> tuple[int, list[Outcome]]:
    """Score as a whole percentage; unanswered questions earn nothing."""
    outcomes = []
    for key in keys:
        if key.key not in responses:
            outcomes.append(Outcome(key.key, None, NONE))
            continue
        response = clean_response(key, responses[key.key])
        outcomes.append(Outcome(key.key, response, credit(key, response)))
    return score_of(o.credit for o in outcomes), outcomes
