"""YAML front matter: read with line numbers, then checked against a schema per file kind."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml
from django.utils import timezone

from quizzes.syntax import Phrase, Problem, ascii_form, fullwidth_chars

from .durations import parse_duration

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REVIEW_CHOICES = ("after_attempt", "after_pass", "never")
CONTENT_LANGUAGES = ("zh-Hans", "en")  # BCP 47 tags, written into the pages as lang
KEY_LINE_RE = re.compile(r"^\s*[A-Za-z_]+\s*:")


@dataclass(frozen=True)
class Field:
    kind: type | tuple[type, ...]
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    slug: bool = False
    moment: bool = False  # a date and time: ISO text or a YAML timestamp, read in the site's time zone
    duration: bool = False


COMMON = {"title": Field(str, required=True, maximum=200), "slug": Field(str, required=True, slug=True)}
# 学时: hours may have a fraction (0.5), at most two decimals; the category groups them in HR's report.
CREDIT_SETTINGS = {
    "credit_hours": Field(float, minimum=0, maximum=100),
    "credit_category": Field(str, maximum=50),
}
QUIZ_SETTINGS = {
    "pass_mark": Field(int, minimum=0, maximum=100),
    "max_attempts": Field(int, minimum=0, maximum=100),
    "cooldown_minutes": Field(int, minimum=0, maximum=10080),
    "review": Field(str, choices=REVIEW_CHOICES),
}
SCHEMAS: dict[str, dict[str, Field]] = {
    "course": {**COMMON, **QUIZ_SETTINGS, **CREDIT_SETTINGS,
               "pass_mark": Field(int, required=True, minimum=0, maximum=100),
               "valid_for": Field(str, duration=True), "recertify_within": Field(str, duration=True),
               "retrain": Field(str, choices=("auto", "hr")), "retrain_within": Field(str, duration=True),
               "credit_min_active": Field(int, minimum=0, maximum=100),
               "language": Field(str, choices=CONTENT_LANGUAGES)},
    "part": {**COMMON, "order": Field(int, required=True, minimum=1, maximum=999)},
    "glossary": {"title": Field(str, required=True, maximum=200)},
    "bank": {"title": Field(str, required=True, maximum=200)},
    "resource": {**COMMON, "order": Field(int, required=True, minimum=1, maximum=999),
                 "summary": Field(str, required=True, maximum=200)},
    "module": {
        **COMMON,
        **QUIZ_SETTINGS,
        **CREDIT_SETTINGS,
        "order": Field(int, required=True, minimum=1, maximum=999),
        "minutes": Field(int, required=True, minimum=1, maximum=600),
        "objectives": Field(list, required=True, minimum=1, maximum=8),
        "pass_mark_reason": Field(str, maximum=300),
        "required": Field(bool),
        "time_limit_minutes": Field(int, minimum=1, maximum=1440),
        "opens_at": Field((str, datetime), moment=True),
        "closes_at": Field((str, datetime), moment=True),
        "recurring": Field(bool),
    },
}
MOMENT_EXAMPLE = "2026-12-01 09:00"


def parse_moment(value: Any) -> datetime | None:
    """An aware datetime from front matter ('2026-12-01 09:00', with an optional '+08:00'), or None."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def parse_front_matter(lines: list[str], first_line: int, schema: str) -> tuple[dict, list[Problem]]:
    """``lines`` are the YAML lines between the '---' fences; ``first_line`` is the first one's number."""
    problems = [
        Problem.of(first_line + i, "full-width %(chars)r in a front-matter key; "
                   "use an ASCII ':' after the field name", chars=fullwidth_chars(line))
        for i, line in enumerate(lines)
        if not KEY_LINE_RE.match(line) and KEY_LINE_RE.match(ascii_form(line))
    ]
    if problems:
        return {}, problems
    try:
        node = yaml.compose("\n".join(lines), Loader=yaml.SafeLoader)
        data = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        reason = getattr(error, "problem", None) or str(error)
        return {}, [Problem.of(line, "front matter is not valid YAML: %(reason)s", reason=reason)]
    if not isinstance(data, dict) or node is None:
        return {}, [Problem.of(first_line, "front matter must be 'field: value' lines")]
    key_lines = {k.value: first_line + k.start_mark.line for k, _ in node.value}
    return data, check_fields(data, key_lines, first_line, SCHEMAS[schema])


def check_fields(data: dict, key_lines: dict[str, int], fallback: int,
                 schema: dict[str, Field]) -> list[Problem]:
    problems = []
    for name, value in data.items():
        line = key_lines.get(name, fallback)
        field = schema.get(name)
        if field is None:
            known = ", ".join(schema)
            problems.append(Problem.of(line, "unknown field %(name)r (known fields: %(known)s)",
                                       name=name, known=known))
        elif error := _field_error(name, value, field):
            problems.append(Problem.of(line, error.text, **error.params))
    for name, field in schema.items():
        if field.required and name not in data:
            problems.append(Problem.of(fallback, "missing required field %(name)r", name=name))
    if "pass_mark_reason" in schema and "pass_mark" in data and "pass_mark_reason" not in data:
        problems.append(Problem.of(key_lines["pass_mark"], "a module's own 'pass_mark' needs a "
                                   "'pass_mark_reason' saying why it differs from the course"))
    opens, closes = parse_moment(data.get("opens_at")), parse_moment(data.get("closes_at"))
    if opens and closes and closes <= opens:
        problems.append(Problem.of(key_lines["closes_at"], "'closes_at' must be later than 'opens_at'"))
    return problems + _validity_problems(data, key_lines)


def _validity_problems(data: dict, key_lines: dict[str, int]) -> list[Problem]:
    """The recertification window opens before expiry, so it needs a validity and must be shorter."""
    window = data.get("recertify_within")
    if not isinstance(window, str) or _field_error("recertify_within", window, Field(str, duration=True)):
        return []
    line = key_lines["recertify_within"]
    valid_for = data.get("valid_for")
    if valid_for is None:
        return [Problem.of(line, "'recertify_within' needs 'valid_for': certificates that never expire "
                           "are never renewed")]
    if _field_error("valid_for", valid_for, Field(str, duration=True)):
        return []
    if parse_duration(window).approximate_days >= parse_duration(valid_for).approximate_days:
        return [Problem.of(line, "'recertify_within' (%(window)s) must be shorter than 'valid_for' (%(valid_for)s)",
                           window=window, valid_for=valid_for)]
    return []


def _field_error(name: str, value: Any, field: Field) -> Phrase | None:
    if field.moment:
        if parse_moment(value) is None:
            return Phrase("field %(name)r must be a date and time like %(example)r, not %(value)r",
                          {"name": name, "example": MOMENT_EXAMPLE, "value": value})
        return None
    if field.duration:
        try:
            parse_duration(value)
        except ValueError as problem:
            return Phrase("field %(name)r must be a duration: %(reason)s, not %(value)r",
                          {"name": name, "reason": problem.args[0], "value": value})
        return None
    if field.kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        return Phrase("field %(name)r must be a whole number, not %(value)r", {"name": name, "value": value})
    if field.kind is float:
        return _number_error(name, value, field)
    if not isinstance(value, field.kind):
        return Phrase("field %(name)r must be %(kind)s, not %(value)r",
                      {"name": name, "kind": _type_name(field.kind), "value": value})
    if isinstance(value, str):
        if not value.strip():
            return Phrase("field %(name)r is empty", {"name": name})
        if field.maximum and len(value) > field.maximum:
            return Phrase("field %(name)r is longer than %(maximum)s characters",
                          {"name": name, "maximum": field.maximum})
        if field.slug and not SLUG_RE.match(value):
            return Phrase("slug %(value)r must be lowercase letters, digits and single '-'", {"value": value})
        if field.choices and value not in field.choices:
            return Phrase("field %(name)r must be one of %(choices)s, not %(value)r",
                          {"name": name, "choices": ", ".join(field.choices), "value": value})
    if isinstance(value, int) and not isinstance(value, bool):
        if field.minimum is not None and value < field.minimum:
            return Phrase("field %(name)r must be at least %(minimum)s", {"name": name, "minimum": field.minimum})
        if field.maximum is not None and value > field.maximum:
            return Phrase("field %(name)r must be at most %(maximum)s", {"name": name, "maximum": field.maximum})
    if isinstance(value, list):
        if not field.minimum <= len(value) <= field.maximum:  # type: ignore[operator]
            return Phrase("field %(name)r needs %(minimum)s to %(maximum)s items",
                          {"name": name, "minimum": field.minimum, "maximum": field.maximum})
        if not all(isinstance(item, str) and item.strip() for item in value):
            return Phrase("every item of %(name)r must be non-empty text", {"name": name})
    return None


def _number_error(name: str, value: Any, field: Field) -> Phrase | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:  # NaN != NaN
        return Phrase("field %(name)r must be a number such as 1 or 0.5, not %(value)r", {"name": name, "value": value})
    if field.minimum is not None and value < field.minimum:
        return Phrase("field %(name)r must be at least %(minimum)s", {"name": name, "minimum": field.minimum})
    if field.maximum is not None and value > field.maximum:
        return Phrase("field %(name)r must be at most %(maximum)s", {"name": name, "maximum": field.maximum})
    if round(value, 2) != value:
        return Phrase("field %(name)r has more than two decimals: %(value)r", {"name": name, "value": value})
    return None


def _type_name(kind) -> Phrase | str:
    words = {str: Phrase("text"), list: Phrase("a list ('- item' lines)"), bool: Phrase("true or false")}
    return words.get(kind, str(kind))
