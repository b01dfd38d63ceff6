"""Grade responses against answer keys. Pure: no database, no HTML."""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .syntax import parse_number

PUNCTUATION_RE = re.compile(r"[\s\W_]+", re.UNICODE)
MAX_TEXT_RESPONSE = 500


class InvalidResponse(ValueError):
    """A response that no honest form could have sent (unknown choice, wrong type, ...)."""


@dataclass(frozen=True)
class AnswerKey:
    key: str
    kind: str
    answer: Mapping
    choices: frozenset[str] = frozenset()
    correct_choices: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Outcome:
    key: str
    response: object
    correct: bool


def normalise_text(value: str) -> str:
    """Compare free text the way a person would: width, case, spaces and punctuation ignored."""
    return PUNCTUATION_RE.sub("", unicodedata.normalize("NFKC", value).casefold())


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


def is_correct(key: AnswerKey, response: object) -> bool:
    if key.kind in ("single", "multiple"):
        chosen = {response} if isinstance(response, str) else set(response)
        return chosen == set(key.correct_choices)
    if key.kind == "truefalse":
        return response is key.answer["value"]
    if key.kind == "numeric":
        target, tolerance = Decimal(key.answer["value"]), Decimal(key.answer["tolerance"])
        return abs(Decimal(str(response)) - target) <= tolerance
    accepted = {normalise_text(item) for item in key.answer["accepted"]}
    return normalise_text(str(response)) in accepted


def grade(keys: Iterable[AnswerKey], responses: Mapping[str, object]) -> tuple[int, list[Outcome]]:
    """Score as a whole percentage; unanswered questions count as wrong."""
    outcomes = []
    for key in keys:
        if key.key not in responses:
            outcomes.append(Outcome(key.key, None, False))
            continue
        response = clean_response(key, responses[key.key])
        outcomes.append(Outcome(key.key, response, is_correct(key, response)))
    if not outcomes:
        return 100, outcomes
    right = sum(outcome.correct for outcome in outcomes)
    return round(100 * right / len(outcomes)), outcomes
